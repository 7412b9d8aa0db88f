"""The pre-generation hook without baking: its pure rules, its data, and its rendering."""

from __future__ import annotations

import json
import re
import shlex

import pytest
from answer_sets import BAD_ANSWERS, COMBINATIONS
from conftest import HOOKS, TEMPLATE_ROOT, answers_for
from cookiecutter.exceptions import FailedHookException
from cookiecutter.hooks import run_script_with_context


def keys_named(messages: list[str]) -> set[str]:
    return {message.split(" = ", 1)[0] for message in messages}


def test_default_answers_are_valid(pre_gen, default_answers):
    assert pre_gen.validate(default_answers) == []


@pytest.mark.parametrize("combination", COMBINATIONS, ids=lambda c: c.name)
def test_curated_combinations_are_valid(pre_gen, combination):
    assert pre_gen.validate(answers_for(combination.answers)) == []


@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=lambda b: b.name)
def test_bad_answer_is_refused_naming_its_key(pre_gen, bad):
    messages = pre_gen.validate(answers_for(bad.answers))
    assert bad.key in keys_named(messages), messages
    for message in messages:
        key, value_and_rule = message.split(" = ", 1)
        assert f"Valid example: {key}=" in value_and_rule, message


@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=lambda b: b.name)
def test_the_suggested_example_fixes_the_key(pre_gen, bad):
    answers = answers_for(bad.answers)
    message = next(m for m in pre_gen.validate(answers) if m.startswith(f"{bad.key} = "))
    [assignment] = shlex.split(message.rsplit("Valid example: ", 1)[1])
    key, _, example = assignment.partition("=")
    assert key == bad.key
    answers[key] = example
    assert bad.key not in keys_named(pre_gen.validate(answers))


def test_all_problems_are_reported_at_once(pre_gen):
    answers = answers_for({"model_name": "bad name", "compute_name": "x", "node_count": "0",
                           "schedule_time_zone": "Paris", "feature_columns": "a,,b"})
    assert keys_named(pre_gen.validate(answers)) == {
        "model_name", "compute_name", "node_count", "schedule_time_zone", "feature_columns"}


def test_message_quotes_the_value_so_spaces_show(pre_gen):
    [message] = pre_gen.validate(answers_for({"training_dataset": "Iris Training "}))
    assert message.startswith("training_dataset = 'Iris Training ': ")


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        ("pacific", "PacificStandardTime"),
        ("utc", "UTC"),
        ("W. Europe Standard Time", "WEuropeStandardTime"),
        ("TokioStandardTime", "TokyoStandardTime"),
    ],
)
def test_time_zone_suggestions(pre_gen, zone, first):
    assert pre_gen.close_time_zones(zone)[0] == first


def test_prefix_may_be_nineteen_characters_and_derived_names_fit(pre_gen):
    answers = answers_for({"azure_name_prefix": "a" * 19})
    assert pre_gen.validate(answers) == []
    assert len(answers["__parallel_scoring_pipeline"]) == 36


def test_integers_may_arrive_as_numbers(pre_gen, default_answers):
    answers = {**default_answers, "node_count": 3, "error_threshold": -1}
    assert pre_gen.validate(answers) == []
    assert "node_count" in keys_named(pre_gen.validate({**answers, "node_count": True}))


# The hook's embedded data must equal what the installed SDK knows.

def test_time_zones_equal_the_sdk_enum(pre_gen):
    from azureml.pipeline.core.schedule import TimeZone

    assert list(pre_gen.TIME_ZONES) == [zone.name for zone in TimeZone]
    assert len(pre_gen.TIME_ZONES) == 131


@pytest.mark.parametrize("task", ["classification", "regression", "forecasting"])
def test_primary_metrics_equal_the_sdk(pre_gen, task):
    from azureml.train.automl.utilities import get_primary_metrics

    assert sorted(pre_gen.PRIMARY_METRICS[task]) == sorted(get_primary_metrics(task))


def test_automl_timeout_range_equals_the_sdk(pre_gen):
    from azureml.automl.core.automl_base_settings import AutoMLBaseSettings

    assert pre_gen.AUTOML_TIMEOUT_MINUTES == (
        AutoMLBaseSettings.MIN_EXPTIMEOUT_MINUTES,
        AutoMLBaseSettings.MAXIMUM_EXPERIMENT_TIMEOUT_MINUTES,
    )


@pytest.mark.parametrize("size", ["1", "1024", "1MB", "512kb", "2Gb", "0", "1TB", "1MBKB", "MB"])
def test_mini_batch_sizes_the_hook_accepts_are_accepted_by_parallel_run_config(pre_gen, size):
    from azureml.pipeline.core._parallel_run_config_base import _ParallelRunConfigBase

    config = _ParallelRunConfigBase.__new__(_ParallelRunConfigBase)
    config.mini_batch_size = size
    hook_accepts = not pre_gen.validate({**answers_for(), "mini_batch_size": size})
    try:
        config._mini_batch_size_to_int()
        sdk_accepts = config.mini_batch_size > 0
    except ValueError:
        sdk_accepts = False
    assert hook_accepts == sdk_accepts


@pytest.mark.parametrize(
    "name", ["Iris-Model", "m", "9.model_x", "-m", "my model", "m" * 255, "m" * 256, "a/b"]
)
def test_model_names_agree_with_the_sdk(pre_gen, name):
    from azureml._model_management._util import model_name_validation
    from azureml.exceptions import WebserviceException

    try:
        model_name_validation(name)
        sdk_accepts = True
    except WebserviceException:
        sdk_accepts = False
    assert bool(pre_gen.MODEL.fullmatch(name)) == sdk_accepts


@pytest.mark.parametrize(
    "name", ["ab", "cpu-cluster", "a" * 16, "a" * 17, "a", "1ab", "ab-", "a_b"]
)
def test_compute_names_agree_with_the_sdk_rule(pre_gen, name):
    # The rule azureml-core states for compute names (synapse.py _valid_compute_name).
    sdk_rule = re.match("^[A-Za-z][A-Za-z0-9-]{0,14}[A-Za-z0-9]$", name)
    assert bool(pre_gen.COMPUTE.fullmatch(name)) == bool(sdk_rule)


def test_choices_equal_cookiecutter_json(pre_gen):
    prompts = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    for key, choices in pre_gen.CHOICES.items():
        assert sorted(choices) == sorted(prompts[key]), key


# The hook as cookiecutter runs it: rendered with the answers, then executed.

def run_rendered_hook(answers: dict, cwd) -> None:
    run_script_with_context(str(HOOKS / "pre_gen_project.py"), str(cwd), {"cookiecutter": answers})


def test_rendered_hook_passes_good_answers(tmp_path, default_answers):
    run_rendered_hook(default_answers, tmp_path)


def test_rendered_hook_prints_every_problem_to_stderr_and_exits_1(tmp_path, capfd):
    answers = answers_for({"compute_name": "x", "model_name": "bad name"})
    with pytest.raises(FailedHookException, match="exit status: 1"):
        run_rendered_hook(answers, tmp_path)
    out, err = capfd.readouterr()
    assert "compute_name = 'x'" in err and "model_name = 'bad name'" in err
    assert "2 problem(s)" in err and out == ""


INJECTIONS = [
    '"""; import pathlib; pathlib.Path("INJECTED").touch(); """',
    "'''; import pathlib; pathlib.Path('INJECTED').touch(); '''",
    '\\"""+str(__import__("pathlib").Path("INJECTED").touch())+r"""',
    "{{ cookiecutter.project_name }}",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_answers_are_data_not_code(tmp_path, payload):
    answers = {**answers_for(), "description": payload, "author_name": payload}
    run_rendered_hook(answers, tmp_path)
    assert not (tmp_path / "INJECTED").exists()
    assert list(tmp_path.iterdir()) == []


def test_injection_in_a_refused_answer_is_not_run(tmp_path, capfd):
    payload = '""" + __import__("pathlib").Path("INJECTED").touch() + """'
    answers = {**answers_for(), "model_name": payload}
    with pytest.raises(FailedHookException):
        run_rendered_hook(answers, tmp_path)
    assert not (tmp_path / "INJECTED").exists()
    assert "model_name = " in capfd.readouterr().err
