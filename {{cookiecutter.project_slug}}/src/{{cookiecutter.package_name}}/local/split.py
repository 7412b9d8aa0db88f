"""Rewrite scoring data as many parquet files with many row groups.

ParallelRunStep cuts a tabular dataset into mini-batches by bytes, but never
across a file, and a parquet file only at its row groups: a dataset that is
one parquet file with one row group (what ``register_pandas_dataframe``
writes) is one mini-batch for one process, however many nodes there are.
Files of ``rows_per_file`` rows with row groups of ``rows_per_group`` rows
(about one mini-batch) let the work spread. Reads and writes stream, so the
input may be larger than memory. Text columns stay text (ids keep their zeros).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ..errors import ProjectError
from ..schema import Schema
from ..tabular_io import atomic_path, data_files, file_format

READ_BATCH_ROWS = 65_536


def _batches(path: Path, schema: Schema) -> Iterator[pa.RecordBatch]:
    if file_format(path) == "parquet":
        yield from pq.ParquetFile(path).iter_batches(batch_size=READ_BATCH_ROWS)
        return
    text = {column.name: pa.string() for column in schema.training_columns if column.kind == "str"}
    reader = pa_csv.open_csv(
        path,
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(column_types=text),
    )
    yield from reader


def split_data(
    source: str | os.PathLike,
    output_dir: str | os.PathLike,
    schema: Schema,
    *,
    rows_per_file: int = 1_000_000,
    rows_per_group: int = 50_000,
) -> list[tuple[Path, int]]:
    """Write ``part-00000.parquet``, ... into ``output_dir``; return each file and its rows."""
    if rows_per_file < 1 or rows_per_group < 1:
        raise ProjectError("--rows-per-file and --rows-per-group must be at least 1")
    files = data_files(source)
    output_dir = Path(output_dir)
    if output_dir.is_dir() and any(output_dir.iterdir()):
        raise ProjectError(
            f"{output_dir} is not empty; choose a new folder so old parts are not mixed in"
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, int]] = []
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    table_schema = None
    for file in files:
        for batch in _batches(file, schema):
            if table_schema is None:
                table_schema = batch.schema
            pending.append(batch)
            pending_rows += batch.num_rows
            while pending_rows >= rows_per_file:
                table = pa.Table.from_batches(pending, schema=table_schema)
                written.append(
                    _write(table.slice(0, rows_per_file), output_dir, len(written), rows_per_group)
                )
                rest = table.slice(rows_per_file)
                pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending_rows:
        table = pa.Table.from_batches(pending, schema=table_schema)
        written.append(_write(table, output_dir, len(written), rows_per_group))
    return written


def _write(table: pa.Table, folder: Path, number: int, rows_per_group: int) -> tuple[Path, int]:
    path = folder / f"part-{number:05d}.parquet"
    with atomic_path(path) as temporary:
        pq.write_table(table, temporary, row_group_size=rows_per_group)
    return path, table.num_rows
