"""The command line: simulate, train-local, score, and errors a user can act on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.cli import build_parser, main
from {{ cookiecutter.package_name }}.settings import SETTINGS_ENV_VAR, get_settings
from {{ cookiecutter.package_name }}.simulate import simulate
from {{ cookiecutter.package_name }}.tabular_io import read_frame, write_frame

PACKAGE = "{{ cookiecutter.package_name }}"
SRC = Path(__file__).resolve().parents[1] / "src"


def run_module(*args: str) -> subprocess.CompletedProcess:
    """``python -m <package> ARGS`` in a fresh interpreter, importing the package from src/.

    ``-X importtime`` makes Python list every module the command imports on stderr.
    """
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", PACKAGE, *args],
                          capture_output=True, text=True, env=environment, timeout=300)


def imported_modules(result: subprocess.CompletedProcess) -> set[str]:
    """Top-level names of the modules a ``run_module`` process imported."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "no -X importtime output"
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr, stderr
    return lines[0]


def test_help_lists_the_local_commands():
    text = build_parser().format_help()
    for command in ("simulate", "train-local", "score", "plan"):
        assert command in text


def test_simulate_writes_the_rows_asked_for(tmp_path, schema, settings, capsys):
    output = tmp_path / f"scoring.{settings.data.output_format}"
    assert main(["simulate", "--rows", "37", "--output", str(output), "--seed", "2"]) == 0
    frame = schema.validate(read_frame(output, schema))
    assert len(frame) == 37
    assert "37 rows" in capsys.readouterr().out


def test_score_writes_one_prediction_per_row(tmp_path, trained_model, schema, settings,
                                             scoring_frame, capsys):
    data = write_frame(scoring_frame(15), tmp_path / "in.csv")
    output = tmp_path / "out" / f"predictions.{settings.data.output_format}"
    assert main(["score", "--model", str(trained_model), "--input", str(data),
                 "--output", str(output)]) == 0
    predictions = read_frame(output, schema)
    assert len(predictions) == 15
    assert list(predictions.columns) == list(schema.output_columns)
    assert str(output) in capsys.readouterr().out


def test_missing_column_exits_1_naming_it(tmp_path, trained_model, schema, capsys):
    gone = schema.features[0].name
    data = write_frame(simulate(schema, 5).drop(columns=[gone]), tmp_path / "in.csv")
    code = main(["score", "--model", str(trained_model), "--input", str(data),
                 "--output", str(tmp_path / "out.csv")])
    assert code == 1
    assert repr(gone) in error_line(capsys.readouterr().err)
    assert not (tmp_path / "out.csv").exists()


def test_bad_value_exits_1_naming_column_and_row(tmp_path, trained_model, schema, capsys):
    frame = simulate(schema, 6)
    bad_column = next((c for c in schema.features if c.numeric), None)
    if bad_column is None:  # every feature is free text or a flag: break the time or id instead
        bad_column = next(c for c in (*schema.features, schema.time, schema.id)
                          if c is not None and c.kind != "str")
    frame = frame.astype({bad_column.name: object})
    frame.loc[3, bad_column.name] = "n/a?"
    data = write_frame(frame, tmp_path / "in.csv")
    code = main(["score", "--model", str(trained_model), "--input", str(data),
                 "--output", str(tmp_path / "out.csv")])
    assert code == 1
    line = error_line(capsys.readouterr().err)
    assert "row 4" in line and repr(bad_column.name) in line


@pytest.mark.parametrize("missing", ["model", "input"])
def test_missing_file_exits_1_naming_it(tmp_path, trained_model, schema, missing, capsys):
    data = write_frame(simulate(schema, 3), tmp_path / "in.csv")
    paths = {"model": str(trained_model), "input": str(data)}
    paths[missing] = str(tmp_path / f"no-such-{missing}.csv")
    code = main(["score", "--model", paths["model"], "--input", paths["input"],
                 "--output", str(tmp_path / "out.csv")])
    assert code == 1
    assert f"no-such-{missing}" in error_line(capsys.readouterr().err)


def test_unknown_output_type_is_refused_before_any_work(tmp_path, capsys):
    assert main(["simulate", "--rows", "3", "--output", str(tmp_path / "x.xlsx")]) == 1
    assert "x.xlsx" in error_line(capsys.readouterr().err)
    assert main(["simulate", "--rows", "0", "--output", str(tmp_path / "x.csv")]) == 1
    assert "--rows" in error_line(capsys.readouterr().err)


def test_unwritable_output_exits_1_naming_it(tmp_path, capsys):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    assert main(["simulate", "--rows", "3", "--output", str(blocker / "x.csv")]) == 1
    assert "taken" in error_line(capsys.readouterr().err)


def test_simulate_train_score_as_a_user_runs_them(tmp_path, settings):
    """The demo's path through ``python -m``, each command in its own interpreter."""
    suffix = settings.data.output_format
    scoring, model = tmp_path / f"scoring.{suffix}", tmp_path / "model.pkl"
    predictions = tmp_path / f"predictions.{suffix}"
    commands = {
        "simulate": ["--rows", "40", "--output", str(scoring)],
        # A short search: this checks the command's wiring, not the model's quality.
        "train-local": ["--output", str(model), "--time-budget", "2"],
        "score": ["--model", str(model), "--input", str(scoring), "--output", str(predictions)],
    }
    for command, args in commands.items():
        result = run_module(command, *args)
        assert result.returncode == 0, result.stderr
        # Local commands work without the Azure ML SDK, and start fast without it.
        assert "azureml" not in imported_modules(result), command
    assert len(read_frame(predictions)) == 40


def test_damaged_settings_give_one_error_line(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "settings.toml"
    broken.write_text("[model]\nname = 'x'\n", encoding="utf-8")
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(broken))
    get_settings.cache_clear()  # settings are read once per process: read them again
    try:
        code = main(["simulate", "--rows", "3", "--output", str(tmp_path / "x.csv")])
    finally:
        get_settings.cache_clear()
    assert code == 1
    line = error_line(capsys.readouterr().err)
    assert str(broken) in line and "regenerate" in line
