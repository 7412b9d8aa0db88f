"""Scored rows as parquet parts: what each run() writes and the collect step reads.

The parallel step runs with ``output_action="summary_only"``: ParallelRunStep
only counts what ``run()`` returns (one element per scored row), and each
``run()`` writes its scored rows itself, as one parquet file per mini-batch,
into the step's output folder. Parquet keeps every value's type and bytes
(text with spaces, commas, quotes, newlines or any Unicode comes back as it
was, floats exactly), and the collect step reads it without parsing text.

A part appears under its final name only once complete (written under a
temporary name, then renamed), so a reader never sees half a part. Names
start with the time they were written, so sorting them gives the order in
which mini-batches finished; a process id and a random suffix keep names
unique across workers and nodes.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ProjectError
from .schema import Schema

PART_PREFIX = "scored-"
PART_SUFFIX = ".parquet"

_ARROW_TYPES = {
    "float": pa.float64(),
    "int": pa.int64(),
    "str": pa.string(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("ns"),
}


class ScoredPartsError(ProjectError, ValueError):
    """The parallel step's output folder does not hold this project's scored parts."""


def arrow_schema(schema: Schema) -> pa.Schema:
    """Arrow types of the scoring columns; the prediction's type is read from the data."""
    return pa.schema(
        [(column.name, _ARROW_TYPES[column.kind]) for column in schema.scoring_columns]
    )


def to_table(frame: pd.DataFrame, schema: Schema) -> pa.Table:
    """The output columns of scored rows, scoring columns with the schema's Arrow types.

    An int column held as float64 (a mini-batch whose bad rows were dropped)
    is written as integers.
    """
    columns = list(schema.output_columns)
    table = pa.Table.from_pandas(frame[columns], preserve_index=False)
    wanted = arrow_schema(schema)
    for field in wanted:
        index = table.schema.get_field_index(field.name)
        if table.schema.field(index).type != field.type:
            table = table.set_column(index, field, table.column(index).cast(field.type))
    return table.replace_schema_metadata(None)


def write_part(frame: pd.DataFrame, schema: Schema, folder: str | os.PathLike) -> Path:
    """Write one mini-batch's scored rows as a new part in ``folder``; return its path."""
    folder = Path(folder)
    name = f"{PART_PREFIX}{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    temporary = folder / f".{name}.tmp"
    final = folder / f"{name}{PART_SUFFIX}"
    try:
        pq.write_table(to_table(frame, schema), str(temporary))
        os.replace(temporary, final)
    finally:
        if temporary.exists():
            temporary.unlink()
    return final


def part_files(folder: str | os.PathLike) -> list[Path]:
    """The complete parts in ``folder``, in the order they were written."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScoredPartsError(
            f"{folder}: the parallel step's output folder is missing; check that the collect "
            "step reads the parallel step's output"
        )
    return sorted(
        path
        for path in folder.iterdir()
        if path.name.startswith(PART_PREFIX) and path.name.endswith(PART_SUFFIX)
    )


def read_parts(
    paths: list[Path], schema: Schema, batch_rows: int
) -> Iterator[pa.RecordBatch]:
    """Batches of the output columns, part after part, each read one batch at a time."""
    import pyarrow.dataset as ds

    columns = list(schema.output_columns)
    for path in paths:
        try:
            part = ds.dataset(str(path), format="parquet")
        except (pa.ArrowInvalid, OSError) as error:
            raise ScoredPartsError(
                f"{path}: not a parquet file ({error}); the parallel step's output folder must "
                "hold only the parts this project's entry script writes"
            ) from error
        missing = [name for name in columns if name not in part.schema.names]
        if missing:
            raise ScoredPartsError(
                f"{path}: the scored rows lack column(s) {', '.join(map(repr, missing))}; they "
                "were scored with other settings. Score again with this project's settings."
            )
        yield from part.to_batches(columns=columns, batch_size=batch_rows)
