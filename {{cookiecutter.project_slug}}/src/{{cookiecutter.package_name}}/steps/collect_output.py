"""Collect step: the parallel step's parquet parts -> one predictions file with a header.

Each ``run()`` of the parallel step writes its scored rows as one parquet part
into the step's output folder (see ``scored_parts``). This step reads the parts
batch by batch and writes one file in ``output_format``: the output columns in
order, a header, and, when the schema has an id column, rows ordered by id
across all mini-batches; without one, in the order the mini-batches finished.
Memory stays flat whatever the number of rows: without an id, batches are
written as they are read; with one, each block of rows is sorted and spilled
to a temporary run file, and the runs are merged batch by batch (an external
merge sort). The file appears under its final name only once complete: a
failed collect leaves no predictions file.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script on Azure ML: make the package importable from the snapshot.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.csv as pa_csv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from {{ cookiecutter.package_name }}.errors import ProjectError  # noqa: E402
from {{ cookiecutter.package_name }}.schema import Schema  # noqa: E402
from {{ cookiecutter.package_name }}.scored_parts import (  # noqa: E402
    arrow_schema,
    part_files,
    read_parts,
)
from {{ cookiecutter.package_name }}.settings import get_settings  # noqa: E402
from {{ cookiecutter.package_name }}.tabular_io import atomic_path  # noqa: E402

# Rows read from the parts per batch, and rows per sorted block: bound memory with an id.
READ_BATCH_ROWS = 65_536
BLOCK_ROWS = 262_144
# Rows per batch of a sorted run file; the merge holds one batch per run.
RUN_BATCH_ROWS = 16_384


class CollectError(ProjectError, RuntimeError):
    """The parallel step's output cannot become one predictions file."""


@dataclass(frozen=True)
class CollectResult:
    path: Path
    rows: int


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rows-dir", required=True, help="the parallel step's output folder of parquet parts"
    )
    output = parser.add_mutually_exclusive_group(required=True)
    output.add_argument("--output-dir", help="run-scoped output folder (on Azure ML)")
    output.add_argument("--output-file", help="predictions file (local runs)")
    parser.add_argument("--output-format", choices=("csv", "parquet"), default="csv")
    return parser.parse_args(argv)


def _batches(rows_dir: Path, schema: Schema) -> Iterator[pa.Table]:
    """The parts' rows, a batch at a time, all with the prediction type of the first part."""
    prediction_type = None
    for batch in read_parts(part_files(rows_dir), schema, READ_BATCH_ROWS):
        table = pa.Table.from_batches([batch])
        column = table.schema.field(schema.prediction_column)
        if prediction_type is None and not pa.types.is_null(column.type):
            prediction_type = column.type
        if prediction_type is not None and column.type != prediction_type:
            index = table.schema.get_field_index(schema.prediction_column)
            table = table.set_column(
                index, schema.prediction_column, table.column(index).cast(prediction_type)
            )
        yield table


def _blocks(tables: Iterator[pa.Table], block_rows: int) -> Iterator[pa.Table]:
    """Tables of about ``block_rows`` rows: each becomes one sorted run of the merge."""
    pending, rows = [], 0
    for table in tables:
        pending.append(table)
        rows += table.num_rows
        if rows >= block_rows:
            block, pending, rows = _concat(pending), [], 0
            yield block  # the batches it came from are released already
            del block
    if pending:
        yield _concat(pending)


def _concat(tables: list[pa.Table]) -> pa.Table:
    first = tables[0].schema
    return pa.concat_tables([t if t.schema == first else t.cast(first) for t in tables])


def _dates_as_text(table: pa.Table) -> pa.Table:
    """Timestamps written as pandas writes them: a date alone at midnight, no trailing zeros."""
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            text = pc.strftime(table.column(index), format="%Y-%m-%d %H:%M:%S")
            text = pc.replace_substring_regex(text, r"(\.\d*?)0+$", r"\1")
            text = pc.replace_substring_regex(text, r"\.$", "")
            text = pc.replace_substring_regex(text, r" 00:00:00$", "")
            table = table.set_column(index, field.name, text)
    return table


class _Writer:
    """Writes tables to one csv or parquet file; the first table fixes the column types."""

    def __init__(self, path: Path, output_format: str):
        self.path, self.format, self.rows = path, output_format, 0
        self._writer, self._schema, self._sink = None, None, None

    def write(self, table: pa.Table) -> None:
        if self.format == "csv":
            table = _dates_as_text(table)
        if self._writer is None:
            self._schema = table.schema
            if self.format == "parquet":
                self._writer = pq.ParquetWriter(str(self.path), table.schema)
            else:
                self._sink = pa.OSFile(str(self.path), "wb")
                self._writer = _csv_writer(self._sink, table.schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._sink is not None:
            self._sink.close()


def _csv_writer(sink: pa.NativeFile, schema: pa.Schema) -> pa_csv.CSVWriter:
    """A CSV writer quoting only values that need it (commas, quotes, newlines), as pandas does."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(schema.names)  # Arrow quotes every name
    sink.write(header.getvalue().encode("utf-8"))
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    return pa_csv.CSVWriter(sink, schema, write_options=options)


def _empty_table(schema: Schema) -> pa.Table:
    fields = list(arrow_schema(schema)) + [pa.field(schema.prediction_column, pa.string())]
    return pa.schema(fields).empty_table()


def collect(
    rows_dir: str | os.PathLike,
    output: str | os.PathLike,
    schema: Schema,
    output_format: str,
    *,
    block_rows: int = BLOCK_ROWS,
) -> CollectResult:
    """Write the scored parts in ``rows_dir`` to ``output``, ordered by id when there is one."""
    rows_dir, output = Path(rows_dir), Path(output)
    tables = _batches(rows_dir, schema)
    with atomic_path(output) as temporary:
        writer = _Writer(temporary, output_format)
        try:
            if schema.id is None:
                for table in tables:
                    writer.write(table)
            else:
                _merge_sorted(_blocks(tables, block_rows), schema.id.name, writer, output.parent)
            if writer.rows == 0:
                writer.write(_empty_table(schema))  # a file with a header and no rows
        finally:
            writer.close()
    return CollectResult(output, writer.rows)


def _merge_sorted(tables: Iterator[pa.Table], key: str, writer: _Writer, near: Path) -> None:
    """External merge sort by ``key``: sorted runs on disk, merged one batch per run at a time."""
    spill = Path(tempfile.mkdtemp(prefix=".collect-runs.", dir=near))
    try:
        runs = []
        for number, table in enumerate(tables):
            path = spill / f"run-{number:05d}.arrow"
            ordered = table.sort_by(key)
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, ordered.schema) as ipc:
                for batch in ordered.to_batches(max_chunksize=RUN_BATCH_ROWS):
                    ipc.write_batch(batch)
            runs.append(path)
            del table, ordered
        _merge_runs(runs, key, writer)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


class _Cursor:
    """Reads a sorted run file one record batch at a time."""

    def __init__(self, path: Path):
        self._source = pa.OSFile(str(path), "rb")
        self._reader = pa.ipc.open_file(self._source)
        self._next = 0
        self.batch: pa.Table | None = None
        self.advance()

    def advance(self) -> None:
        self.batch = None
        while self._next < self._reader.num_record_batches and self.batch is None:
            batch = self._reader.get_batch(self._next)
            self._next += 1
            if batch.num_rows:
                self.batch = pa.Table.from_batches([batch])
        if self.batch is None:
            self._source.close()

    def take_up_to(self, key: str, bound) -> pa.Table:
        """Remove and return the leading rows whose key is at most ``bound``."""
        count = pc.sum(pc.less_equal(self.batch.column(key), bound)).as_py() or 0
        taken = self.batch.slice(0, count)
        rest = self.batch.slice(count)
        if rest.num_rows:
            self.batch = rest
        else:
            self.advance()
        return taken


def _merge_runs(runs: list[Path], key: str, writer: _Writer) -> None:
    cursors = [cursor for cursor in map(_Cursor, runs) if cursor.batch is not None]
    last = None
    while cursors:
        # Every row up to the smallest batch end is final: no run holds a smaller key later.
        bound = min(cursor.batch.column(key)[-1].as_py() for cursor in cursors)
        pieces = [cursor.take_up_to(key, bound) for cursor in cursors]
        cursors = [cursor for cursor in cursors if cursor.batch is not None]
        piece = pa.concat_tables([p for p in pieces if p.num_rows]).sort_by(key)
        ids = piece.column(key)
        _check_unique(ids, last, key)
        last = ids[-1].as_py()
        writer.write(piece)


def _check_unique(ids: pa.ChunkedArray, previous, key: str) -> None:
    if len(ids) > 1:
        repeated = pc.equal(ids.slice(1), ids.slice(0, len(ids) - 1))
        if pc.any(repeated).as_py():
            position = pc.index(repeated, True).as_py()
            _duplicate(ids[position].as_py(), key)
    if previous is not None and previous == ids[0].as_py():
        _duplicate(previous, key)


def _duplicate(value, key: str) -> None:
    raise CollectError(
        f"id {value!r} (column {key!r}) appears more than once in the parallel step's output: "
        "the input repeats it, or the parallel step's output holds a mini-batch twice. "
        "Give every input row its own id and score again."
    )


def _output_file(args: argparse.Namespace) -> Path:
    if args.output_file:
        return Path(args.output_file)
    return Path(args.output_dir) / f"predictions.{args.output_format}"


def main(argv: list[str] | None = None) -> CollectResult:
    args = parse_args(argv)
    schema = Schema.from_settings(get_settings())
    result = collect(args.rows_dir, _output_file(args), schema, args.output_format)
    print(f"collected {result.rows} rows into {result.path}")
    return result


if __name__ == "__main__":
    main()
