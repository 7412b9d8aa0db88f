"""``train-local``: a local AutoML (FLAML) standing in for the AutoML retraining pipeline."""

from __future__ import annotations

import argparse


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "train-local", help="train a model locally with FLAML (stand-in for the AutoML pipeline)"
    )
    parser.add_argument("--data", help="labelled .csv or .parquet file (default: the demo data)")
    parser.add_argument("--output", required=True, help="model file to write (.pkl)")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument(
        "--time-budget",
        type=float,
        metavar="SECONDS",
        help="seconds of search (default: 15, quick enough for the demo)",
    )
    budget.add_argument(
        "--full-budget",
        action="store_true",
        help="search as long as the Azure run may: [automl] experiment_timeout_minutes",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=train_command)


def train_command(args: argparse.Namespace) -> int:
    from ..local.training import DEFAULT_TIME_BUDGET_SECONDS, train
    from ..settings import get_settings

    settings = get_settings()
    budget = DEFAULT_TIME_BUDGET_SECONDS if args.time_budget is None else args.time_budget
    if args.full_budget:
        budget = settings.automl.experiment_timeout_minutes * 60
    print(f"searching for {budget:g} s: {settings.model.task}, {settings.primary_metric}")
    result = train(settings, args.output, args.data, seed=args.seed, time_budget=budget)
    metric = result.metrics["primary_metric"]
    print(
        f"trained on {result.source}: {result.metrics['best_estimator']}, "
        f"{metric} = {result.metrics[metric]:.4g} on {result.metrics['measured_on']}"
    )
    print(f"model: {result.model_path}")
    print(f"metrics: {result.metrics_path}")
    return 0
