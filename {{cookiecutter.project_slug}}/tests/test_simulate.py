"""Simulated data: exact size, valid for the schema, unique ids, series keys, reproducible, fast."""

from __future__ import annotations

import dataclasses
import time

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.demo_data import demo_training_frame
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.schema import Column
from {{ cookiecutter.package_name }}.simulate import DEFAULT_START, simulate


def forecasting(schema):
    """The answers' schema when it has a time column, else the same with one added."""
    if schema.time is not None:
        return schema
    # Key names no answer set uses for a feature, so that the keys never shadow a feature.
    return dataclasses.replace(schema, time=Column("_simulated_date", "datetime"),
                               series_ids=(Column("_simulated_store", "str"),
                                           Column("_simulated_region", "int")))


@pytest.mark.parametrize("rows", [1, 7, 1000])
def test_exact_row_count_and_valid_for_the_schema(schema, rows):
    frame = simulate(schema, rows)
    assert len(frame) == rows
    result, problems = schema.check(frame)
    assert not problems, problems.reasons
    assert list(result.columns) == [c.name for c in schema.scoring_columns]
    schema.validate(frame)


def test_no_label_in_scoring_data(schema):
    assert schema.label.name not in simulate(schema, 5).columns


@pytest.mark.parametrize("kind", ["str", "int"])
def test_ids_are_unique(schema, kind):
    schema = dataclasses.replace(schema, id=Column("row_id", kind))
    ids = simulate(schema, 1234)["row_id"]
    assert ids.is_unique and ids.notna().all()
    schema.validate(simulate(schema, 1234))


def test_answers_id_column_is_filled(settings, schema):
    frame = simulate(schema, 50)
    if settings.data.id_column:
        assert frame[schema.id.name].is_unique
    else:
        assert schema.id is None


def test_text_ids_sort_like_numbers(schema):
    schema = dataclasses.replace(schema, id=Column("row_id", "str"))
    ids = simulate(schema, 120)["row_id"].tolist()
    assert ids == sorted(ids) and ids[0] == "001"


def test_same_seed_same_data_other_seed_other_data(schema):
    first, again, other = simulate(schema, 40, seed=1), simulate(schema, 40, seed=1), simulate(
        schema, 40, seed=2)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_numbers_follow_the_reference_ranges(settings, schema):
    reference, _ = demo_training_frame(schema, settings.model.task)
    frame = simulate(schema, 500, reference=reference)
    for column in schema.features:
        if column.numeric:
            known = pd.to_numeric(reference[column.name])
            assert known.min() - 1 <= frame[column.name].min()
            assert frame[column.name].max() <= known.max() + 1


def test_forecasting_keys(schema):
    schema = forecasting(schema)
    frame = schema.validate(simulate(schema, 53))
    assert len(frame) == 53
    keys = [schema.time.name, *(c.name for c in schema.series_ids)]
    assert not frame.duplicated(subset=keys).any()
    if schema.series_ids:
        groups = frame.groupby([c.name for c in schema.series_ids], sort=False)[schema.time.name]
        assert groups.ngroups > 1
        for _, times in groups:
            steps = times.diff().dropna().unique()
            assert list(steps) in ([], [pd.Timedelta(days=1)])
    assert frame[schema.time.name].min() == pd.Timestamp(DEFAULT_START)


def test_forecast_data_starts_after_the_reference(schema):
    schema = forecasting(schema)
    reference = pd.DataFrame({schema.time.name: ["2026-03-01", "2026-03-09"]})
    frame = simulate(schema, 10, reference=reference)
    assert frame[schema.time.name].min() == pd.Timestamp("2026-03-10")


def test_at_least_one_row(schema):
    with pytest.raises(ProjectError, match="at least 1"):
        simulate(schema, 0)


def test_vectorised(schema):
    start = time.perf_counter()
    frame = simulate(dataclasses.replace(schema, id=Column("row_id", "str")), 200_000)
    elapsed = time.perf_counter() - start
    assert len(frame) == 200_000
    # Row by row this takes minutes; column by column well under a second.
    assert elapsed < 5, f"simulating 200,000 rows took {elapsed:.1f} s"
