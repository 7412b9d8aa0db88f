"""Schema: columns from the answers, typed coercion, and errors that name columns and rows."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.schema import Column, Schema, SchemaError
from {{ cookiecutter.package_name }}.simulate import simulate

BAD_VALUE = {"float": "not-a-number", "int": "2.5", "bool": "maybe", "datetime": "not-a-date"}


def checked_column(schema: Schema) -> tuple[Schema, Column]:
    """A schema column whose values can be wrong (not free text), adding one if needed."""
    for column in (*schema.features, schema.time, schema.id):
        if column is not None and column.kind != "str":
            return schema, column
    extra = Column("extra_number", "float")
    return dataclasses.replace(schema, features=schema.features + (extra,)), extra


def with_id(schema: Schema) -> Schema:
    return schema if schema.id is not None else dataclasses.replace(schema, id=Column("row_id"))


def test_schema_follows_the_answers(settings, schema):
    data = settings.data
    assert [c.name for c in schema.features] == [s.split(":")[0].strip()
                                                 for s in data.feature_columns]
    assert schema.label.name == data.label_column
    assert (schema.id.name if schema.id else "") == data.id_column.split(":")[0]
    assert (schema.time.name if schema.time else "") == data.time_column.split(":")[0]
    assert [c.name for c in schema.series_ids] == [s.split(":")[0]
                                                   for s in data.time_series_id_columns]
    assert schema.output_columns[-1] == data.prediction_column
    assert len(set(schema.output_columns)) == len(schema.output_columns)


def test_label_kind_follows_the_task(settings, schema):
    expected = "str" if settings.model.task == "classification" else "float"
    assert schema.label.kind == expected


@pytest.mark.parametrize(
    ("spec", "name", "kind"),
    [("age", "age", "float"), ("age:int", "age", "int"), (" city : str ", "city", "str"),
     ("member:bool", "member", "bool"), ("joined:datetime", "joined", "datetime")],
)
def test_column_specs(spec, name, kind):
    column = Column.parse(spec)
    assert (column.name, column.kind) == (name, kind)
    assert column.numeric == (kind in ("float", "int"))


def test_unknown_kind_names_the_column_and_the_choices():
    with pytest.raises(SchemaError, match=r"'age'.*'integer'.*float, int, str, bool, datetime"):
        Column.parse("age:integer")


def test_simulated_data_passes(schema):
    frame = simulate(schema, 30)
    result = schema.validate(frame)
    assert list(result.columns) == [c.name for c in schema.scoring_columns]
    assert len(result) == 30


def test_missing_column_is_named(schema):
    frame = simulate(schema, 5)
    gone = schema.features[-1].name
    with pytest.raises(SchemaError) as error:
        schema.validate(frame.drop(columns=[gone]))
    assert repr(gone) in str(error.value)
    assert isinstance(error.value, ProjectError)


def test_missing_label_matters_only_for_training(schema):
    frame = simulate(schema, 5)
    schema.validate(frame)
    with pytest.raises(SchemaError, match=repr(schema.label.name)):
        schema.validate(frame, with_label=True)


def test_bad_value_names_column_and_one_based_rows(schema):
    schema, column = checked_column(schema)
    frame = simulate(schema, 8).astype({column.name: object})
    frame.loc[[2, 5], column.name] = BAD_VALUE[column.kind]
    with pytest.raises(SchemaError) as error:
        schema.validate(frame)
    message = str(error.value)
    assert "2 row(s)" in message
    assert "row 3:" in message and "row 6:" in message and "row 1:" not in message
    assert repr(column.name) in message and repr(BAD_VALUE[column.kind]) in message


def test_many_bad_rows_show_the_first_ones_and_a_count():
    schema = Schema(features=(Column("x"),))
    frame = pd.DataFrame({"x": ["bad"] * 12})
    message = str(pytest.raises(SchemaError, schema.validate, frame).value)
    assert "12 row(s)" in message and "7 more" in message
    assert "row 5:" in message and "row 6:" not in message


def test_check_returns_problems_without_raising(schema):
    schema, column = checked_column(schema)
    frame = simulate(schema, 6).astype({column.name: object})
    frame.loc[4, column.name] = BAD_VALUE[column.kind]
    frame["unrelated"] = 1
    result, problems = schema.check(frame)
    assert problems and problems.positions == [4]
    assert column.name in problems.reasons[4]
    assert len(result) == 6
    assert list(result.columns) == [c.name for c in schema.scoring_columns]


def test_float_and_int_kinds():
    schema = Schema(features=(Column("f"), Column("i", "int")))
    frame = pd.DataFrame({"f": [" 1.5", "2", "", None], "i": ["3", " 4 ", "5.0", "6"]})
    result, problems = schema.check(frame)
    assert not problems
    assert result["f"].tolist()[:2] == [1.5, 2.0] and result["f"].isna().tolist()[2:] == [True] * 2
    assert result["i"].tolist() == [3, 4, 5, 6]
    assert result["i"].dtype == np.int64


def test_int_refuses_fractions_and_words():
    schema = Schema(features=(Column("i", "int"),))
    _, problems = schema.check(pd.DataFrame({"i": ["1", "2.5", "three"]}))
    assert problems.positions == [1, 2]


def test_str_kind_keeps_text_as_is():
    schema = Schema(features=(Column("code", "str"),))
    result = schema.validate(pd.DataFrame({"code": ["007", "A 1", None]}))
    assert result["code"].tolist()[:2] == ["007", "A 1"]
    assert result["code"].isna().tolist() == [False, False, True]


def test_bool_kind_reads_words_and_refuses_others():
    schema = Schema(features=(Column("flag", "bool"),))
    frame = pd.DataFrame({"flag": ["yes", "No", "TRUE", "0", None, "maybe"]})
    result, problems = schema.check(frame)
    assert problems.positions == [5]
    assert result["flag"].tolist()[:4] == [True, False, True, False]
    assert result["flag"].isna().tolist() == [False] * 4 + [True, True]
    native = schema.validate(pd.DataFrame({"flag": [True, False]}))
    assert native["flag"].tolist() == [True, False]


def test_datetime_kind():
    schema = Schema(features=(Column("when", "datetime"),))
    result, problems = schema.check(pd.DataFrame({"when": ["2026-01-05", "2026-02-01", "soon"]}))
    assert problems.positions == [2]
    assert pd.api.types.is_datetime64_any_dtype(result["when"])
    assert result["when"].iloc[0] == pd.Timestamp("2026-01-05")


def test_datetime_kind_reads_mixed_formats():
    schema = Schema(features=(Column("when", "datetime"),))
    frame = pd.DataFrame({"when": ["2026-01-05", "2026-01-06 13:30", "2026-01-07T08:00:00", None]})
    result, problems = schema.check(frame)
    assert not problems
    assert result["when"].iloc[1] == pd.Timestamp("2026-01-06 13:30")
    assert result["when"].iloc[2] == pd.Timestamp("2026-01-07 08:00")


def test_empty_feature_values_are_gaps_not_errors():
    schema = Schema(features=(Column("x"), Column("b", "bool")))
    _, problems = schema.check(pd.DataFrame({"x": [np.nan, "1"], "b": [None, "yes"]}))
    assert not problems


def test_empty_id_is_an_error_naming_the_id_column(schema):
    schema = with_id(schema)
    frame = simulate(schema, 4).astype({schema.id.name: object})
    frame.loc[1, schema.id.name] = None
    with pytest.raises(SchemaError) as error:
        schema.validate(frame)
    assert f"row 2: column {schema.id.name!r} (the row id) is empty" in str(error.value)


def test_duplicate_ids_are_named_with_their_rows(schema):
    schema = with_id(schema)
    frame = simulate(schema, 5)
    frame.loc[3, schema.id.name] = frame.loc[0, schema.id.name]
    with pytest.raises(SchemaError) as error:
        schema.validate(frame)
    message = str(error.value)
    assert repr(schema.id.name) in message and "repeats" in message
    assert "row 1 (" in message and "row 4 (" in message
    assert "np." not in message  # values read as the user wrote them


def test_integer_ids(schema):
    schema = dataclasses.replace(schema, id=Column("row_id", "int"))
    result = schema.validate(simulate(schema, 4))
    assert result["row_id"].tolist() == [1, 2, 3, 4]
    frame = simulate(schema, 4).astype({"row_id": object})
    frame.loc[1, "row_id"] = "two"
    with pytest.raises(SchemaError, match="row 2: column 'row_id' expects int, got 'two'"):
        schema.validate(frame)
