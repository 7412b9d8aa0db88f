"""Collect step: the parallel step's appended rows -> one predictions file with a header.

ParallelRunStep appends the JSON lines that ``run()`` returns to one file, in
the order mini-batches finish. This step reads that file in blocks of whole
lines and writes one file in ``output_format``: the output columns in order,
a header, and, when the schema has an id column, rows ordered by id across
all mini-batches. Memory stays flat whatever the number of rows: without an
id, blocks are written as they are read; with one, each block is sorted and
spilled to a temporary run file, and the runs are merged batch by batch
(an external merge sort). The file appears under its final name only once
complete: a failed collect leaves no predictions file.
"""

from __future__ import annotations

import argparse
import csv
import io
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
from {{ cookiecutter.package_name }}.row_lines import (  # noqa: E402
    arrow_schema,
    decode_block,
)
from {{ cookiecutter.package_name }}.schema import Schema  # noqa: E402
from {{ cookiecutter.package_name }}.settings import get_settings  # noqa: E402
from {{ cookiecutter.package_name }}.tabular_io import atomic_path  # noqa: E402

# Bytes of JSON lines parsed at once: bounds memory (a block is about 3x this in Arrow).
BLOCK_BYTES = 32 * 1024 * 1024
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
    rows = parser.add_mutually_exclusive_group(required=True)
    rows.add_argument("--rows-dir", help="the parallel step's output folder (on Azure ML)")
    rows.add_argument("--rows-file", help="the appended rows file (local runs)")
    parser.add_argument(
        "--append-row-file-name",
        default="parallel_run_step.txt",
        help="name of the appended rows file inside --rows-dir",
    )
    output = parser.add_mutually_exclusive_group(required=True)
    output.add_argument("--output-dir", help="run-scoped output folder (on Azure ML)")
    output.add_argument("--output-file", help="predictions file (local runs)")
    parser.add_argument("--output-format", choices=("csv", "parquet"), default="csv")
    return parser.parse_args(argv)


def line_blocks(path: Path, block_bytes: int = BLOCK_BYTES) -> Iterator[bytes]:
    """The file in blocks of about ``block_bytes`` that end at a line end (rows never split)."""
    with open(path, "rb") as handle:
        rest = b""
        while True:
            chunk = handle.read(block_bytes)
            if not chunk:
                break
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # no line end yet: a row longer than a block
                rest = data
                continue
            rest = data[cut:]
            if data[:cut].strip():
                yield data[:cut]
        if rest.strip():
            yield rest + b"\n"


def _tables(path: Path, schema: Schema, block_bytes: int) -> Iterator[pa.Table]:
    prediction_type = None
    for block in line_blocks(path, block_bytes):
        table = decode_block(block, schema)
        # The prediction's type is read from the data; keep the first one seen for every block.
        column = table.schema.field(schema.prediction_column)
        if prediction_type is None and not pa.types.is_null(column.type):
            prediction_type = column.type
        if prediction_type is not None and column.type != prediction_type:
            index = table.schema.get_field_index(schema.prediction_column)
            table = table.set_column(
                index, schema.prediction_column, table.column(index).cast(prediction_type)
            )
        yield table


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
    rows_file: str | Path,
    output: str | Path,
    schema: Schema,
    output_format: str,
    *,
    block_bytes: int = BLOCK_BYTES,
) -> CollectResult:
    """Write the JSON rows of ``rows_file`` to ``output``, ordered by id when there is one."""
    rows_file, output = Path(rows_file), Path(output)
    if not rows_file.is_file():
        raise CollectError(
            f"{rows_file}: the parallel step's output file is missing; check that the step's "
            "output_action is append_row and its append_row_file_name matches"
        )
    with atomic_path(output) as temporary:
        writer = _Writer(temporary, output_format)
        try:
            tables = _tables(rows_file, schema, block_bytes)
            if schema.id is None:
                for table in tables:
                    writer.write(table)
            else:
                _merge_sorted(tables, schema.id.name, writer, output.parent)
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
        "the input repeats it, or the appended rows file holds a mini-batch twice. "
        "Give every input row its own id and score again."
    )


def _rows_file(args: argparse.Namespace) -> Path:
    if args.rows_file:
        return Path(args.rows_file)
    return Path(args.rows_dir) / args.append_row_file_name


def _output_file(args: argparse.Namespace) -> Path:
    if args.output_file:
        return Path(args.output_file)
    return Path(args.output_dir) / f"predictions.{args.output_format}"


def main(argv: list[str] | None = None) -> CollectResult:
    args = parse_args(argv)
    schema = Schema.from_settings(get_settings())
    result = collect(_rows_file(args), _output_file(args), schema, args.output_format)
    print(f"collected {result.rows} rows into {result.path}")
    return result


if __name__ == "__main__":
    main()
