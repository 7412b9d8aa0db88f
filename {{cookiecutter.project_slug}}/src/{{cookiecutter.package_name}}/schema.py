"""Columns, their types, and the checks every frame passes before it is scored.

Pure code: pandas in, pandas out, no Azure. Used alike by the local runners
and by the step scripts on Azure ML compute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ProjectError
from .settings import Settings

KINDS = ("float", "int", "str", "bool", "datetime")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
# How many bad rows an error message quotes.
SHOWN_ROWS = 5
# pandas 2 and later guess one date format for a whole column; pandas 1.5 (the Azure ML
# AutoML runtime) parses each value on its own already and has no "mixed" format.
PER_VALUE_DATES = {"format": "mixed"} if int(pd.__version__.split(".")[0]) >= 2 else {}


class SchemaError(ProjectError, ValueError):
    """A frame does not fit the schema; the message names the column and rows."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "float"

    @classmethod
    def parse(cls, spec: str, default_kind: str = "float") -> Column:
        """``"age:int"`` -> Column("age", "int"); ``"age"`` -> the default kind."""
        name, _, kind = spec.strip().partition(":")
        kind = kind.strip() or default_kind
        if kind not in KINDS:
            raise SchemaError(
                f"column {name.strip()!r}: unknown type {kind!r}; use one of {', '.join(KINDS)} "
                "(e.g. age:int)"
            )
        return cls(name.strip(), kind)

    @property
    def numeric(self) -> bool:
        return self.kind in ("float", "int")


@dataclass(frozen=True)
class RowProblems:
    """Rows of a frame that failed a check, by position, with the reason."""

    reasons: dict[int, str]

    def __bool__(self) -> bool:
        return bool(self.reasons)

    @property
    def positions(self) -> list[int]:
        return sorted(self.reasons)


@dataclass(frozen=True)
class Schema:
    features: tuple[Column, ...]
    label: Column | None = None
    id: Column | None = None
    time: Column | None = None
    series_ids: tuple[Column, ...] = ()
    prediction_column: str = "prediction"

    @classmethod
    def from_settings(cls, settings: Settings) -> Schema:
        data = settings.data
        label_kind = "str" if settings.model.task == "classification" else "float"
        return cls(
            features=tuple(Column.parse(spec) for spec in data.feature_columns),
            label=Column(data.label_column, label_kind),
            id=Column.parse(data.id_column, "str") if data.id_column else None,
            time=Column.parse(data.time_column, "datetime") if data.time_column else None,
            series_ids=tuple(Column.parse(spec, "str") for spec in data.time_series_id_columns),
            prediction_column=data.prediction_column,
        )

    @property
    def key_columns(self) -> tuple[Column, ...]:
        """Columns that identify a row: id, time, series ids (those that are set)."""
        keys = [self.id, self.time, *self.series_ids]
        return tuple(column for column in keys if column is not None)

    @property
    def scoring_columns(self) -> tuple[Column, ...]:
        """Columns a scoring frame must hold, keys first."""
        return self.key_columns + self.features

    @property
    def model_input_columns(self) -> tuple[str, ...]:
        """Columns handed to the model: time and series ids (forecasting), then features."""
        inputs = [self.time, *self.series_ids, *self.features]
        return tuple(column.name for column in inputs if column is not None)

    @property
    def output_columns(self) -> tuple[str, ...]:
        """Columns of a predictions file: the scoring columns, then the prediction."""
        return tuple(column.name for column in self.scoring_columns) + (self.prediction_column,)

    @property
    def training_columns(self) -> tuple[Column, ...]:
        columns = self.scoring_columns
        return columns + (self.label,) if self.label is not None else columns

    def check(
        self, frame: pd.DataFrame, *, with_label: bool = False
    ) -> tuple[pd.DataFrame, RowProblems]:
        """Coerce ``frame`` to the schema's types and collect the rows that do not fit.

        Missing columns raise SchemaError at once: no row could be scored.
        Returns the coerced frame (only the schema's columns, in order) and the
        problem rows by position; callers decide whether bad rows are fatal.
        """
        columns = self.training_columns if with_label else self.scoring_columns
        missing = [column.name for column in columns if column.name not in frame.columns]
        if missing:
            raise SchemaError(
                f"missing column(s) {', '.join(map(repr, missing))}; the data has "
                f"{', '.join(map(repr, map(str, frame.columns))) or 'no columns'}. "
                "Rename the data's columns, or regenerate the project with the right column "
                "answers."
            )
        reasons: dict[int, str] = {}
        coerced = {}
        for column in columns:
            values, bad = _coerce(frame[column.name], column.kind)
            coerced[column.name] = values
            for position in np.flatnonzero(bad):
                original = _plain(frame[column.name].iloc[position])
                reasons.setdefault(
                    int(position), f"column {column.name!r} expects {column.kind}, got {original!r}"
                )
        if self.id is not None:
            ids = coerced[self.id.name]
            for position in np.flatnonzero(ids.isna().to_numpy()):
                reasons.setdefault(int(position), f"column {self.id.name!r} (the row id) is empty")
        result = pd.DataFrame(coerced, index=frame.index)
        return result, RowProblems(reasons)

    def validate(self, frame: pd.DataFrame, *, with_label: bool = False) -> pd.DataFrame:
        """Like :meth:`check`, but any bad row is an error that names it."""
        result, problems = self.check(frame, with_label=with_label)
        if problems:
            raise SchemaError(describe_problems(problems))
        if self.id is not None:
            duplicated = result[self.id.name].duplicated(keep=False).to_numpy()
            if duplicated.any():
                rows = np.flatnonzero(duplicated)
                ids = result[self.id.name]
                shown = ", ".join(
                    f"row {p + 1} ({_plain(ids.iloc[p])!r})" for p in rows[:SHOWN_ROWS]
                )
                raise SchemaError(
                    f"column {self.id.name!r} (the row id) repeats: {shown}"
                    f"{' and more' if len(rows) > SHOWN_ROWS else ''}. Each row needs its own id."
                )
        return result


def describe_problems(problems: RowProblems) -> str:
    """One message naming the first bad rows (1-based data rows, header excluded)."""
    positions = problems.positions
    shown = "; ".join(f"row {p + 1}: {problems.reasons[p]}" for p in positions[:SHOWN_ROWS])
    hidden = len(positions) - SHOWN_ROWS
    more = f" (and {hidden} more bad rows)" if hidden > 0 else ""
    return (
        f"{len(positions)} row(s) do not fit the schema{more}. {shown}. "
        "Fix those values, or declare the column's type in the answers (e.g. name:str)."
    )


def _plain(value):
    """A numpy scalar as the Python value it holds, so messages read 7, not np.int64(7)."""
    return value.item() if isinstance(value, np.generic) else value


def _coerce(values: pd.Series, kind: str) -> tuple[pd.Series, np.ndarray]:
    """Return the values as ``kind`` and a mask of values that could not be read as such.

    Empty values become missing and are not errors here: models decide what to
    do with gaps (AutoML imputes them); the id column is checked separately.
    """
    missing = values.isna().to_numpy()
    if kind == "str":
        return values.astype("string"), np.zeros(len(values), dtype=bool)
    if kind in ("float", "int"):
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numbers = values.astype("float64")
        else:
            stripped = values.astype("object").map(lambda v: v.strip() if isinstance(v, str) else v)
            blank = (stripped == "").to_numpy()
            missing = missing | blank
            numbers = pd.to_numeric(stripped.where(~blank, np.nan), errors="coerce")
            numbers = numbers.astype("float64")
        bad = numbers.isna().to_numpy() & ~missing
        if kind == "int":
            fractional = numbers.notna().to_numpy() & (numbers.to_numpy() % 1 != 0)
            bad = bad | fractional
            if not missing.any() and not bad.any():
                return numbers.astype("int64"), bad
            return numbers.astype("Int64" if not bad.any() else "float64"), bad
        return numbers, bad
    if kind == "bool":
        if pd.api.types.is_bool_dtype(values):
            return values.astype("boolean"), np.zeros(len(values), dtype=bool)
        words = values.astype("object").where(~missing, "").astype(str).str.strip().str.lower()
        is_true = words.isin(TRUE_WORDS).to_numpy()
        is_false = words.isin(FALSE_WORDS).to_numpy()
        result = pd.Series(pd.NA, index=values.index, dtype="boolean")
        result[is_true] = True
        result[is_false] = False
        bad = ~(is_true | is_false | missing)
        return result, bad
    if kind == "datetime":
        if pd.api.types.is_datetime64_any_dtype(values):
            return values, np.zeros(len(values), dtype=bool)
        times = pd.to_datetime(values, errors="coerce")
        retry = times.isna().to_numpy() & ~missing
        if retry.any() and PER_VALUE_DATES:
            # pandas 2 reads every value in the first value's format; parse the rest one by one.
            again = pd.to_datetime(values[retry], errors="coerce", **PER_VALUE_DATES)
            times = times.where(~retry, again.reindex(times.index))
        bad = times.isna().to_numpy() & ~missing
        return times, bad
    raise ValueError(f"unknown column type {kind!r}")
