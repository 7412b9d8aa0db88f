"""Parallel scoring entry script: the ParallelRunStep contract, init() then run(mini_batch).

Each worker process calls ``init()`` once: it reads its arguments (the model's
registered name and version on Azure ML, a model path locally) and loads the
model. Then ``run()`` is called once per mini-batch with a pandas DataFrame
(the input is a tabular dataset). It checks the rows against the schema,
predicts the rows that fit, writes them as one parquet part into the step's
output folder (see ``scored_parts``) and returns one element per scored row:
the step's ``output_action`` is ``summary_only``, so ParallelRunStep only
counts them. Rows that do not fit are logged with their reason and left out,
so ParallelRunStep counts them as failed items against ``error_threshold``;
they are never dropped silently.

The output folder is ``EntryScript().output_dir`` on Azure ML (the step's
``output``); the local runner passes it as ``--output-dir``.

The local runner (``local/parallel.py``) imports this file and calls the same
two functions, in worker processes, exactly as the Azure ML driver does.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Imported by the ParallelRunStep driver from the snapshot: make the package importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pandas as pd  # noqa: E402

from {{ cookiecutter.package_name }}.errors import ProjectError  # noqa: E402
from {{ cookiecutter.package_name }}.schema import Schema  # noqa: E402
from {{ cookiecutter.package_name }}.scored_parts import write_part  # noqa: E402
from {{ cookiecutter.package_name }}.scoring import (  # noqa: E402
    load_model,
    score_tolerant,
)
from {{ cookiecutter.package_name }}.settings import get_settings  # noqa: E402
from {{ cookiecutter.package_name }}.steps.score import model_file  # noqa: E402

# How many bad rows of one mini-batch are logged one by one; the rest are counted.
LOGGED_BAD_ROWS = 20

# Set by init(), once per worker process, and used by every run() call.
_model = None
_schema: Schema | None = None
_logger: logging.Logger | None = None
_output_dir: Path | None = None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read this script's own arguments; the driver adds its own, which are ignored."""
    # No abbreviations: the driver passes its own --output, which must not pass for --output-dir.
    parser = argparse.ArgumentParser(description=__doc__, allow_abbrev=False)
    parser.add_argument("--model-name", help="registered model name (on Azure ML)")
    parser.add_argument("--model-version", default="latest", help="registered version, or latest")
    parser.add_argument("--model-path", help="model file or folder (local runs)")
    parser.add_argument(
        "--output-dir", help="folder for the scored parts (local runs; on Azure ML the step's)"
    )
    args, _ = parser.parse_known_args(argv)
    if not (args.model_name or args.model_path):
        raise ProjectError(
            "the parallel entry script needs --model-name (on Azure ML) or --model-path (locally); "
            "pass it in the ParallelRunStep's arguments"
        )
    return args


def _entry_script():
    """The driver's EntryScript on Azure ML; None elsewhere."""
    try:
        from azureml_user.parallel_run import EntryScript
    except ImportError:
        return None
    return EntryScript()


def entry_logger() -> logging.Logger:
    """The driver's per-worker logger on Azure ML (its logs/user folder); plain logging locally."""
    entry = _entry_script()
    return entry.logger if entry is not None else logging.getLogger("parallel_score")


def output_folder(args: argparse.Namespace) -> Path:
    """Where run() writes its parts: --output-dir, else the step's output on Azure ML."""
    if args.output_dir:
        return Path(args.output_dir)
    entry = _entry_script()
    if entry is None:
        raise ProjectError(
            "the parallel entry script needs --output-dir outside Azure ML: the folder its "
            "scored parts are written to"
        )
    return Path(entry.output_dir)


def init() -> None:
    global _model, _schema, _logger, _output_dir
    args = parse_args()
    _logger = entry_logger()
    _output_dir = output_folder(args)
    _output_dir.mkdir(parents=True, exist_ok=True)
    _schema = Schema.from_settings(get_settings())
    path = model_file(args)
    _model = load_model(path)
    _logger.info("init: loaded the model from %s", path)


def run(mini_batch: pd.DataFrame) -> list[bool]:
    """Score one mini-batch into a parquet part; return one element per row that fits."""
    if _schema is None or _logger is None or _output_dir is None:
        raise RuntimeError("run() was called before init(): the model is not loaded")
    if not isinstance(mini_batch, pd.DataFrame):
        raise TypeError(
            "run() expects a pandas DataFrame (a tabular dataset input), got "
            f"{type(mini_batch).__name__}; "
            "register the scoring data as a tabular dataset"
        )
    predictions, problems = score_tolerant(_model, mini_batch, _schema)
    if problems:
        _log_bad_rows(mini_batch, problems.reasons)
    if len(predictions):
        part = write_part(predictions, _schema, _output_dir)
        _logger.info("run: scored %d of %d rows into %s", len(predictions), len(mini_batch), part)
    # summary_only: ParallelRunStep only counts these, one per successful input row.
    return [True] * len(predictions)


def _log_bad_rows(mini_batch: pd.DataFrame, reasons: dict[int, str]) -> None:
    id_column = _schema.id.name if _schema.id is not None else None
    positions = sorted(reasons)
    for position in positions[:LOGGED_BAD_ROWS]:
        where = f"row {position + 1} of the mini-batch"
        if id_column is not None and id_column in mini_batch.columns:
            where += f" (id {mini_batch[id_column].iloc[position]!r})"
        _logger.warning("failed item: %s: %s", where, reasons[position])
    if len(positions) > LOGGED_BAD_ROWS:
        _logger.warning(
            "failed items: %d more rows of this mini-batch do not fit the schema",
            len(positions) - LOGGED_BAD_ROWS,
        )
