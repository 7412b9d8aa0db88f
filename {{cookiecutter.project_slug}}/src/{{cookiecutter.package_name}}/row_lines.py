"""Scored rows as JSON lines: what the parallel step appends and the collect step reads.

ParallelRunStep's ``append_row`` action writes everything ``run()`` returns into
one file, in no particular order. A returned DataFrame is written row by row,
space-separated and without a header, so a text value holding a space, a
comma, a quote or a newline shifts or splits the columns. The entry script
therefore returns a list of strings, one JSON object per row:

- JSON escapes quotes and newlines, so each row is exactly one line;
- ``ensure_ascii`` keeps every line pure ASCII, so the bytes are the same in
  whatever encoding the driver writes the file with, and every value comes
  back byte for byte;
- each value carries its column name, so the collect step reads columns by
  name, never by position.

Numbers use Python's shortest round-trip text, so floats come back exactly.
Missing and infinite numbers become ``null`` (JSON has no NaN or infinity).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pa_json

from .errors import ProjectError
from .schema import Schema

_ARROW_TYPES = {
    "float": pa.float64(),
    "int": pa.int64(),
    "str": pa.string(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("ns"),
}


class RowLinesError(ProjectError, ValueError):
    """The parallel step's output cannot be read as scored rows."""


def _json_values(values: pd.Series) -> list[str]:
    """Each value of a column as JSON text."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_bool_dtype(values):
        texts = ["true" if value else "false" for value in values.fillna(False).tolist()]
    elif pd.api.types.is_integer_dtype(values):
        texts = [str(value) for value in values.fillna(0).astype("int64").tolist()]
    elif pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        missing = missing | ~np.isfinite(numbers)
        texts = list(map(repr, numbers.tolist()))
    elif pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.to_numpy(dtype="datetime64[ns]")
        texts = ['"' + text + '"' for text in np.datetime_as_string(stamps, unit="ns").tolist()]
    else:
        texts = [
            json.dumps(value if isinstance(value, str) else _plain(value))
            for value in values.astype("object").tolist()
        ]
    if missing.any():
        texts = ["null" if gap else text for text, gap in zip(texts, missing.tolist(), strict=True)]
    return texts


def _plain(value):
    """numpy scalars as Python values (json.dumps refuses numpy types); others as text."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, (int, float, bool)) else str(value)


def encode_rows(frame: pd.DataFrame) -> list[str]:
    """One JSON object per row, as strings without newlines."""
    if frame.empty:
        return []
    columns = [_json_values(frame[name]) for name in frame.columns]
    template = "{" + ",".join(json.dumps(str(name)) + ":%s" for name in frame.columns) + "}"
    return [template % row for row in zip(*columns, strict=True)]


def arrow_schema(schema: Schema) -> pa.Schema:
    """Arrow types of the scoring columns; the prediction's type is read from the data."""
    return pa.schema(
        [(column.name, _ARROW_TYPES[column.kind]) for column in schema.scoring_columns]
    )


def decode_block(data: bytes, schema: Schema) -> pa.Table:
    """Parse whole lines of JSON rows into a table with the schema's output columns, in order."""
    options = pa_json.ParseOptions(
        explicit_schema=arrow_schema(schema), unexpected_field_behavior="infer"
    )
    try:
        table = pa_json.read_json(io.BytesIO(data), parse_options=options)
    except pa.ArrowInvalid as error:
        raise RowLinesError(
            f"the parallel step's output is not JSON rows ({error}). It must come from this "
            "project's entry script (steps/parallel_score.py), which returns one JSON object "
            "per row."
        ) from error
    missing = [name for name in schema.output_columns if name not in table.column_names]
    if missing:
        raise RowLinesError(
            f"the parallel step's rows lack column(s) {', '.join(map(repr, missing))}; they were "
            "scored with other settings. Score again with this project's settings."
        )
    return table.select(list(schema.output_columns))
