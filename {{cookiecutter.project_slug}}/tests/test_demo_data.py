"""Demo training data: the shipped iris/diabetes data when the answers fit, simulated otherwise."""

from __future__ import annotations

import dataclasses

from {{ cookiecutter.package_name }}.demo_data import demo_training_frame
from {{ cookiecutter.package_name }}.schema import Column, Schema

IRIS = ("sepal_length", "sepal_width", "petal_length", "petal_width")
DIABETES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


def test_demo_data_fits_the_schema_with_a_label(settings, schema):
    frame, source = demo_training_frame(schema, settings.model.task)
    checked = schema.validate(frame, with_label=True)
    assert len(checked) >= 100 and source
    label = checked[schema.label.name]
    assert label.notna().all()
    if settings.model.task == "classification":
        assert label.nunique() >= 2
    else:
        assert label.std() > 0


def test_iris_answers_get_the_real_iris_data():
    schema = Schema(features=tuple(Column(n) for n in IRIS), label=Column("species", "str"),
                    id=Column("flower_id", "int"))
    frame, source = demo_training_frame(schema, "classification")
    assert "iris" in source and len(frame) == 150
    assert set(frame["species"]) == {"setosa", "versicolor", "virginica"}
    assert schema.validate(frame, with_label=True)["flower_id"].is_unique


def test_diabetes_answers_get_the_real_diabetes_data():
    schema = Schema(features=tuple(Column(n) for n in DIABETES), label=Column("target"))
    frame, source = demo_training_frame(schema, "regression")
    assert "diabetes" in source and len(frame) == 442


def test_other_answers_get_simulated_data_with_signal(schema):
    features = (Column("size"), Column("colour", "str"), Column("member", "bool"))
    for task, label_kind in (("classification", "str"), ("regression", "float")):
        schema = dataclasses.replace(schema, features=features,
                                     label=Column(schema.label.name, label_kind))
        frame, source = demo_training_frame(schema, task, seed=3)
        assert "simulated" in source
        schema.validate(frame, with_label=True)
        again, _ = demo_training_frame(schema, task, seed=3)
        assert frame.equals(again)
