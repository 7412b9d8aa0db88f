"""The local parallel runner: same predictions as `score`, limits, and failures reported clearly."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.local import minibatches
from {{ cookiecutter.package_name }}.local.parallel import (
    ParallelOptions,
    ParallelRunError,
    score_parallel,
)
from {{ cookiecutter.package_name }}.schema import Schema
from {{ cookiecutter.package_name }}.settings import (
    DEFAULT_SETTINGS_PATH,
    SETTINGS_ENV_VAR,
    load_settings,
)
from {{ cookiecutter.package_name }}.simulate import simulate
from {{ cookiecutter.package_name }}.steps import score as score_step
from {{ cookiecutter.package_name }}.tabular_io import (
    read_frame,
    write_frame,
)

ROWS = 3_000


def options(settings, **overrides) -> ParallelOptions:
    values = {"workers": 2, "mini_batch_size": "16KB", "progress": False}
    values.update(overrides)
    return ParallelOptions.from_settings(settings, **values)


def read_predictions(path: Path, schema: Schema) -> pd.DataFrame:
    """A predictions file with the schema's types (csv and parquet alike), in a stable order."""
    frame = read_frame(path, schema)
    checked, problems = schema.check(frame)
    assert not problems
    checked[schema.prediction_column] = frame[schema.prediction_column].to_numpy()
    if schema.id is None:
        checked = checked.sort_values(list(checked.columns), kind="stable")
    return checked.reset_index(drop=True)


@pytest.fixture(scope="module")
def id_settings(tmp_path_factory):
    """The project's settings with an id column: the runner's workers read them from the file."""
    text = DEFAULT_SETTINGS_PATH.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id_column = .*$", 'id_column = "row_key"', text)
    path = tmp_path_factory.mktemp("settings") / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def with_id(id_settings, monkeypatch):
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(id_settings))
    return load_settings(id_settings)


@pytest.fixture(scope="module")
def data(tmp_path_factory, settings):
    path = tmp_path_factory.mktemp("data") / "scoring.csv"
    write_frame(simulate(Schema.from_settings(settings), ROWS, seed=5), path)
    return path


def test_same_predictions_as_the_score_step(tmp_path, settings, schema, trained_model, data):
    single = score_step.main(
        [
            "--model-path",
            str(trained_model),
            "--input-path",
            str(data),
            "--output-file",
            str(tmp_path / "single.csv"),
        ]
    )
    result = score_parallel(
        trained_model, data, tmp_path / "parallel.csv", settings, options(settings)
    )
    assert result.mini_batches > 4 and result.rows == ROWS and result.failed_items == 0
    parallel = read_predictions(result.output, schema)
    pd.testing.assert_frame_equal(parallel, read_predictions(single, schema))


def test_with_an_id_every_row_appears_once_in_order(tmp_path, with_id, trained_model):
    schema = Schema.from_settings(with_id)
    frame = simulate(schema, ROWS, seed=2).sample(frac=1, random_state=0)  # shuffled input
    source = tmp_path / "parts"
    source.mkdir()
    for number, start in enumerate(range(0, ROWS, 1_000)):  # a folder of files, as on Azure
        write_frame(frame.iloc[start : start + 1_000], source / f"part-{number}.parquet")
    result = score_parallel(
        trained_model,
        source,
        tmp_path / "out.parquet",
        with_id,
        options(with_id, mini_batch_size="1KB"),
    )
    output = pd.read_parquet(result.output)
    ids = output["row_key"].tolist()
    assert ids == sorted(frame["row_key"].tolist())  # ordered, unique, none missing
    assert list(output.columns) == list(schema.output_columns)


def test_csv_mini_batches_never_cut_a_quoted_newline(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('id,note\n1,"a\nb"\n2,plain\n3,"c\n\nd"\n4,"e,""f"""\n', encoding="utf-8")
    from {{ cookiecutter.package_name }}.schema import Column

    schema = Schema(features=(Column("note", "str"),), id=Column("id", "str"))
    batches = minibatches.plan(path, 1)
    frames = [minibatches.read(batch, schema) for batch in batches]
    assert [len(frame) for frame in frames] == [1, 1, 1, 1]
    assert [frame["note"].iloc[0] for frame in frames] == ["a\nb", "plain", "c\n\nd", 'e,"f"']


def bad_rows_data(tmp_path, settings, bad: int) -> Path:
    schema = Schema.from_settings(settings)
    frame = simulate(schema, 400, seed=3)
    numeric = next(column.name for column in schema.features if column.numeric)
    frame[numeric] = frame[numeric].astype(object)
    frame.loc[frame.index[:bad], numeric] = "not a number"
    path = tmp_path / "bad.csv"
    write_frame(frame, path)
    return path


def test_bad_rows_under_the_threshold_are_counted_and_logged(tmp_path, settings, trained_model):
    data = bad_rows_data(tmp_path, settings, bad=3)
    result = score_parallel(
        trained_model, data, tmp_path / "out.csv", settings, options(settings, error_threshold=5)
    )
    assert (result.failed_items, result.rows, result.input_rows) == (3, 397, 400)
    logs = "".join(path.read_text() for path in result.log_dir.glob("worker-*.log"))
    assert logs.count("failed item") == 3 and "not a number" in logs
    assert "failed rows: 3" in (result.log_dir / "summary.txt").read_text()


def test_bad_rows_over_the_threshold_abort_with_no_output(tmp_path, settings, trained_model):
    data = bad_rows_data(tmp_path, settings, bad=3)
    output = tmp_path / "out.csv"
    output.write_text("an earlier run's predictions\n")
    with pytest.raises(
        ParallelRunError, match="3 rows failed, more than the error threshold of 2"
    ) as error:
        score_parallel(trained_model, data, output, settings, options(settings, error_threshold=2))
    assert not output.exists()
    assert str(output) + ".logs" in str(error.value)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_error_threshold_minus_one_completes(tmp_path, settings, trained_model):
    data = bad_rows_data(tmp_path, settings, bad=50)
    result = score_parallel(
        trained_model, data, tmp_path / "out.csv", settings, options(settings, error_threshold=-1)
    )
    assert (result.failed_items, result.rows) == (50, 350)


def entry_script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "entry.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_worker_raising_in_init_is_reported(tmp_path, settings, data):
    script = entry_script(
        tmp_path,
        """
        def init():
            raise RuntimeError("model registry unreachable")

        def run(mini_batch):
            return []
        """,
    )
    with pytest.raises(ParallelRunError, match="init\\(\\) failed.*model registry unreachable"):
        score_parallel(
            "unused",
            data,
            tmp_path / "out.csv",
            settings,
            options(settings, workers=1, entry_script=script),
        )
    assert not (tmp_path / "out.csv").exists()


def test_run_returning_too_many_rows_is_reported(tmp_path, settings, data):
    script = entry_script(
        tmp_path,
        """
        def run(mini_batch):
            return ["{}"] * (len(mini_batch) + 1)
        """,
    )
    with pytest.raises(
        ParallelRunError, match="returned \\d+ rows for a mini-batch of \\d+ rows"
    ) as error:
        score_parallel(
            "unused",
            data,
            tmp_path / "out.csv",
            settings,
            options(
                settings,
                workers=1,
                entry_script=script,
                run_max_try=2,
                allowed_failed_count=0,
                error_threshold=-1,
            ),
        )
    assert "try 2" in str(error.value) and "allowed_failed_count = 0" in str(error.value)


def test_a_hanging_run_is_killed_and_reported(tmp_path, settings, data):
    script = entry_script(
        tmp_path,
        """
        import time

        def run(mini_batch):
            time.sleep(60)
        """,
    )
    with pytest.raises(ParallelRunError, match="timed out after 0.5 s") as error:
        score_parallel(
            "unused",
            data,
            tmp_path / "out.csv",
            settings,
            options(
                settings,
                workers=1,
                entry_script=script,
                run_max_try=1,
                allowed_failed_count=0,
                run_invocation_timeout=0.5,
            ),
        )
    assert "killed and replaced" in str(error.value)
    assert not (tmp_path / "out.csv").exists()


def test_split_data_then_score_parallel_on_the_command_line(tmp_path, trained_model, data, capsys):
    import pyarrow.parquet as pq

    from {{ cookiecutter.package_name }}.cli import main

    parts = tmp_path / "parts"
    assert main(["split-data", "--input", str(data), "--output-dir", str(parts),
                 "--rows-per-file", "1000", "--rows-per-group", "250"]) == 0
    files = sorted(parts.iterdir())
    assert [pq.ParquetFile(f).metadata.num_row_groups for f in files] == [4, 4, 4]
    output = tmp_path / "predictions.csv"
    assert main(["score-parallel", "--model", str(trained_model), "--input", str(parts),
                 "--output", str(output), "--workers", "2", "--mini-batch-size", "1KB",
                 "--no-progress"]) == 0
    assert f"scored {ROWS} of {ROWS} rows in 12 mini-batches" in capsys.readouterr().out
    assert len(pd.read_csv(output)) == ROWS
    assert main(["split-data", "--input", str(data), "--output-dir", str(parts)]) == 1
    assert "is not empty" in capsys.readouterr().err
