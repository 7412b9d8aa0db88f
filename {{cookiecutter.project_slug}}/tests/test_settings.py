"""Settings: every answer present and typed, "auto" resolved, another file, clear errors."""

from __future__ import annotations

import dataclasses
import re
import sys
import types
import typing

import pytest

from {{ cookiecutter.package_name }}.settings import (
    DEFAULT_PRIMARY_METRICS,
    DEFAULT_SETTINGS_PATH,
    SETTINGS_ENV_VAR,
    Settings,
    SettingsError,
    load_settings,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _fields(instance, prefix=""):
    """(dotted name, value, annotated type) of every leaf field of a settings dataclass."""
    hints = typing.get_type_hints(type(instance))
    for field in dataclasses.fields(instance):
        value = getattr(instance, field.name)
        if dataclasses.is_dataclass(value):
            yield from _fields(value, f"{prefix}{field.name}.")
        else:
            yield f"{prefix}{field.name}", value, hints[field.name]


def _damaged(tmp_path, old: str, new: str):
    """A copy of the packaged settings file with one line changed."""
    text = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in settings.toml"
    path = tmp_path / "settings.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_every_field_has_a_value_of_its_declared_type(settings):
    for name, value, expected in _fields(settings):
        origin = typing.get_origin(expected) or expected
        if origin is tuple:
            assert isinstance(value, tuple), name
            assert all(isinstance(item, str) and item for item in value), name
            continue
        members = typing.get_args(expected) if origin in (typing.Union, types.UnionType) else (
            origin,)
        members = tuple(m for m in members if isinstance(m, type))
        if float in members:
            members += (int,)
        assert isinstance(value, members), f"{name} = {value!r} is not {expected}"
        if bool not in members:
            assert not isinstance(value, bool), f"{name} = {value!r} is a flag, not {expected}"


def test_every_key_of_the_file_reaches_the_settings(settings):
    """No answer is written to settings.toml and then silently dropped by the loader."""
    raw = tomllib.loads(DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8"))
    loaded = {name for name, _, _ in _fields(settings)}
    loaded |= {"project.name", "project.slug", "project.package"}
    renamed = {"project.name": "project_name", "project.slug": "project_slug",
               "project.package": "package"}

    def keys(table, prefix=""):
        for key, value in table.items():
            if isinstance(value, dict):
                yield from keys(value, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}"

    for key in keys(raw):
        assert key in loaded or renamed.get(key), key


def test_names_and_numbers_are_usable(settings):
    assert settings.project_slug and settings.package.isidentifier()
    assert settings.model.name and settings.data.scoring_dataset and settings.data.training_dataset
    assert settings.data.label_column and settings.data.feature_columns
    assert settings.data.output_format in ("csv", "parquet")
    assert settings.compute.node_count >= 1 and settings.compute.process_count_per_node >= 1
    assert settings.model.task in DEFAULT_PRIMARY_METRICS
    for name in ("scoring", "parallel-scoring", "retraining"):
        assert settings.pipeline_name(name)


def test_settings_are_frozen(settings):
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.compute.node_count = 99


def test_auto_metric_resolves_to_the_task_default(settings):
    auto = dataclasses.replace(settings, model=dataclasses.replace(settings.model,
                                                                   primary_metric="auto"))
    assert auto.primary_metric == DEFAULT_PRIMARY_METRICS[settings.model.task]
    chosen = dataclasses.replace(settings, model=dataclasses.replace(settings.model,
                                                                     primary_metric="r2_score"))
    assert chosen.primary_metric == "r2_score"


def test_rendered_metric_is_auto_or_kept(settings):
    if settings.model.primary_metric == "auto":
        assert settings.primary_metric == DEFAULT_PRIMARY_METRICS[settings.model.task]
    else:
        assert settings.primary_metric == settings.model.primary_metric


def test_unknown_pipeline_name_is_an_error_naming_the_choices(settings):
    with pytest.raises(SettingsError, match="parallel-scoring"):
        settings.pipeline_name("nightly")


def test_environment_variable_selects_another_file(tmp_path, monkeypatch, settings):
    count = settings.compute.node_count
    path = _damaged(tmp_path, f"node_count = {count}", f"node_count = {count + 7}")
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    other = load_settings()
    assert isinstance(other, Settings)
    assert other.compute.node_count == count + 7
    assert other.model == settings.model


def test_an_explicit_path_wins_over_the_variable(tmp_path, monkeypatch, settings):
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(tmp_path / "nowhere.toml"))
    assert load_settings(DEFAULT_SETTINGS_PATH) == settings


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "gone.toml"
    with pytest.raises(SettingsError, match=re.escape(str(missing))):
        load_settings(missing)


def test_invalid_toml_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[model\nname = ", encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(path)
    message = str(error.value)
    assert str(path) in message and "not valid TOML" in message and "regenerate" in message


def test_missing_key_is_named(tmp_path, settings):
    path = _damaged(tmp_path, f"node_count = {settings.compute.node_count}\n", "")
    with pytest.raises(SettingsError, match=r"missing key compute\.node_count"):
        load_settings(path)


def test_wrong_type_is_named_with_its_value(tmp_path, settings):
    path = _damaged(tmp_path, f"node_count = {settings.compute.node_count}",
                    'node_count = "four"')
    with pytest.raises(SettingsError, match=r"compute\.node_count must be int, got 'four'"):
        load_settings(path)


def test_true_is_not_a_count(tmp_path, settings):
    path = _damaged(tmp_path, f"node_count = {settings.compute.node_count}", "node_count = true")
    with pytest.raises(SettingsError, match=r"compute\.node_count"):
        load_settings(path)


def test_unknown_key_is_named(tmp_path, settings):
    path = _damaged(tmp_path, "[compute]\n", "[compute]\nnode_cuont = 3\n")
    with pytest.raises(SettingsError, match=r"unknown key compute\.node_cuont"):
        load_settings(path)


def test_unknown_task_is_refused(tmp_path, settings):
    path = _damaged(tmp_path, f'task = "{settings.model.task}"', 'task = "clustering"')
    with pytest.raises(SettingsError, match="clustering"):
        load_settings(path)


def test_missing_table_is_named(tmp_path):
    text = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    start = text.index("[automl]")
    end = start + 1 + re.search(r"^\[", text[start + 1:], re.MULTILINE).start()
    path = tmp_path / "settings.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\[automl\]"):
        load_settings(path)
