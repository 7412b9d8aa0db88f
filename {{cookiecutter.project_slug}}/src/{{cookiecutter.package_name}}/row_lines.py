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
import pyarrow.compute as pc
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


# Text that JSON keeps as it is: printable ASCII except the quote and the backslash.
PLAIN_TEXT = r"^[ !#-\[\]-~]*$"


class RowLinesError(ProjectError, ValueError):
    """The parallel step's output cannot be read as scored rows."""


def _json_values(values: pd.Series) -> list[str]:
    """Each value of a column as JSON text, one by one (for columns Arrow cannot hold)."""
    texts = [json.dumps(_plain(value)) for value in values.astype("object").tolist()]
    return [text if text not in ("NaN", "Infinity", "-Infinity") else "null" for text in texts]


def _plain(value):
    """numpy scalars as Python values (json.dumps refuses numpy types); others as text."""
    if value is None or value is pd.NaT or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def _quoted(texts: pa.Array) -> pa.Array:
    """Strings as JSON strings: quoted, escaped, pure ASCII."""
    plain = pc.match_substring_regex(texts, PLAIN_TEXT).fill_null(True)
    if pc.all(plain).as_py():
        return pc.binary_join_element_wise('"', texts, '"', "")
    # Values with quotes, backslashes, control or non-ASCII characters: json.dumps escapes them.
    values = texts.to_pylist()
    for position in np.flatnonzero(~plain.to_numpy(zero_copy_only=False)):
        values[position] = json.dumps(values[position])[1:-1]
    return pc.binary_join_element_wise('"', pa.array(values, pa.string()), '"', "")


def _text_values(values: pd.Series, array: pa.Array) -> pa.Array:
    """A text column as JSON strings; a column of few distinct values is escaped once per value."""
    codes, uniques = pd.factorize(values)
    if len(uniques) > len(values) // 4:
        return _quoted(array)
    texts = pa.array([json.dumps(str(value)) for value in uniques] + ["null"], pa.string())
    return texts.take(pa.array(np.where(codes < 0, len(uniques), codes)))


def _json_texts(values: pd.Series) -> pa.Array:
    """Each value of a column as JSON text, computed by Arrow over the whole column."""
    array = pa.array(values, from_pandas=True)
    kind = array.type
    if pa.types.is_boolean(kind):
        texts = pc.if_else(array, "true", "false")
    elif pa.types.is_integer(kind):
        texts = pc.cast(array, pa.string())
    elif pa.types.is_floating(kind):
        # Arrow writes the shortest text that reads back as the same double, like repr();
        # a whole number gets ".0" so that it is read back as a float, not an integer.
        texts = pc.cast(pc.cast(array, pa.float64()), pa.string())
        whole = pc.invert(pc.match_substring_regex(texts, "[.e]"))
        texts = pc.if_else(whole, pc.binary_join_element_wise(texts, ".0", ""), texts)
        finite = pc.is_finite(array).fill_null(False)
        texts = pc.if_else(finite, texts, pa.scalar(None, pa.string()))
    elif pa.types.is_timestamp(kind):
        texts = _quoted(pc.strftime(array, format="%Y-%m-%dT%H:%M:%S"))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        texts = _text_values(values, array)
    else:
        raise TypeError(kind)
    return texts.fill_null("null")


def _column_texts(values: pd.Series):
    try:
        return _json_texts(values)
    except (pa.ArrowException, TypeError, ValueError):  # mixed types, objects Arrow cannot hold
        return pa.array(_json_values(values), pa.string())


def encode_rows(frame: pd.DataFrame, schema: Schema | None = None) -> list[str]:
    """One JSON object per row, as strings without newlines.

    With a schema, integer columns are written as integers even when pandas holds
    them as floats (a mini-batch whose bad rows were dropped keeps float64).
    """
    if frame.empty:
        return []
    if schema is not None:
        integers = [c.name for c in schema.scoring_columns if c.kind == "int" and c.name in frame]
        frame = frame.astype({name: "Int64" for name in integers})
    parts: list = []
    for number, name in enumerate(frame.columns):
        parts.append(("{" if number == 0 else ",") + json.dumps(str(name)) + ":")
        parts.append(_column_texts(frame[name]))
    parts.append("}")
    lines = pc.binary_join_element_wise(*parts, "")
    # Through numpy: many times faster than Array.to_pylist() for strings.
    return lines.to_numpy(zero_copy_only=False).tolist()


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
