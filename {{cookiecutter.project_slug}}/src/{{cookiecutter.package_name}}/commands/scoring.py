"""``score``: the scoring step, run locally."""

from __future__ import annotations

import argparse


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "score", help="score a file with a model, as the scoring step does")
    parser.add_argument("--model", required=True, help="model file (or a folder holding one)")
    parser.add_argument(
        "--input", required=True, help="a .csv or .parquet file, or a folder of them")
    parser.add_argument("--output", required=True, help="predictions file (.csv or .parquet)")
    parser.set_defaults(handler=score_command)


def score_command(args: argparse.Namespace) -> int:
    from ..local.single import score_locally

    # The step itself reports how many rows it scored and where it wrote them.
    score_locally(args.model, args.input, args.output)
    return 0
