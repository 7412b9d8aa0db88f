"""Parallel scoring entry script: the ParallelRunStep contract, init() then run(mini_batch).

Each worker process calls ``init()`` once: it reads its arguments (the model's
registered name and version on Azure ML, a model path locally) and loads the
model. Then ``run()`` is called once per mini-batch with a pandas DataFrame
(the input is a tabular dataset). It checks the rows against the schema,
predicts the rows that fit, and returns one JSON line per scored row (see
``row_lines``: why JSON lines and not a DataFrame). Rows that do not fit are
logged with their reason and left out, so ParallelRunStep counts them as
failed items against ``error_threshold``; they are never dropped silently.

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
from {{ cookiecutter.package_name }}.row_lines import encode_rows  # noqa: E402
from {{ cookiecutter.package_name }}.schema import Schema  # noqa: E402
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read this script's own arguments; the driver adds its own, which are ignored."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-name", help="registered model name (on Azure ML)")
    parser.add_argument("--model-version", default="latest", help="registered version, or latest")
    parser.add_argument("--model-path", help="model file or folder (local runs)")
    args, _ = parser.parse_known_args(argv)
    if not (args.model_name or args.model_path):
        raise ProjectError(
            "the parallel entry script needs --model-name (on Azure ML) or --model-path (locally); "
            "pass it in the ParallelRunStep's arguments"
        )
    return args


def entry_logger() -> logging.Logger:
    """The driver's per-worker logger on Azure ML (its logs/user folder); plain logging locally."""
    try:
        from azureml_user.parallel_run import EntryScript
    except ImportError:
        return logging.getLogger("parallel_score")
    return EntryScript().logger


def init() -> None:
    global _model, _schema, _logger
    args = parse_args()
    _logger = entry_logger()
    _schema = Schema.from_settings(get_settings())
    path = model_file(args)
    _model = load_model(path)
    _logger.info("init: loaded the model from %s", path)


def run(mini_batch: pd.DataFrame) -> list[str]:
    """Score one mini-batch; return one JSON line per row that fits the schema."""
    if _schema is None or _logger is None:
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
    _logger.info("run: scored %d of %d rows", len(predictions), len(mini_batch))
    return encode_rows(predictions, _schema)


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
