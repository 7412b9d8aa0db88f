"""``simulate``: synthetic scoring data that fits the schema."""

from __future__ import annotations

import argparse


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "simulate", help="write synthetic scoring data that fits the schema")
    parser.add_argument("--rows", type=int, required=True, help="number of rows")
    parser.add_argument("--output", required=True, help="a .csv or .parquet file")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(handler=simulate_command)


def simulate_command(args: argparse.Namespace) -> int:
    from ..demo_data import demo_training_frame
    from ..errors import ProjectError
    from ..schema import Schema
    from ..settings import get_settings
    from ..simulate import simulate
    from ..tabular_io import file_format, write_frame

    if args.rows < 1:
        raise ProjectError(f"--rows must be at least 1, got {args.rows}")
    # Check the extension before the (slower) reference data is built.
    file_format(args.output)
    settings = get_settings()
    schema = Schema.from_settings(settings)
    reference, _ = demo_training_frame(schema, settings.model.task)
    frame = simulate(schema, args.rows, seed=args.seed, reference=reference)
    write_frame(frame, args.output)
    print(f"wrote {len(frame)} rows to {args.output}")
    return 0
