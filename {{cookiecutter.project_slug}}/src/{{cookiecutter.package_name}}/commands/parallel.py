"""``score-parallel`` and ``split-data``: the parallel step run locally, and data cut for it."""

from __future__ import annotations

import argparse


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "score-parallel",
        help="score with the parallel entry script in worker processes, as ParallelRunStep does",
    )
    parser.add_argument("--model", required=True, help="model file (or a folder holding one)")
    parser.add_argument(
        "--input", required=True, help="a .csv or .parquet file, or a folder of them"
    )
    parser.add_argument("--output", required=True, help="predictions file (.csv or .parquet)")
    parser.add_argument(
        "--workers", type=int, help="worker processes (default: this machine's cores)"
    )
    parser.add_argument(
        "--mini-batch-size",
        help="about this many bytes per mini-batch, e.g. 1MB "
        "(default: the settings' mini_batch_size)",
    )
    parser.add_argument(
        "--error-threshold",
        type=int,
        help="failed rows tolerated; -1 ignores them (default: the settings' error_threshold)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        dest="run_invocation_timeout",
        help="seconds per run() call (default: the settings' run_invocation_timeout)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=score_parallel_command)

    split = subcommands.add_parser(
        "split-data",
        help="rewrite scoring data as many parquet files and row groups, so mini-batches can split",
    )
    split.add_argument(
        "--input", required=True, help="a .csv or .parquet file, or a folder of them"
    )
    split.add_argument(
        "--output-dir", required=True, help="folder to write part files into (new or empty)"
    )
    split.add_argument(
        "--rows-per-file", type=int, default=1_000_000, help="rows per file (default 1000000)"
    )
    split.add_argument(
        "--rows-per-group",
        type=int,
        default=50_000,
        help="rows per parquet row group, about one mini-batch (default 50000)",
    )
    split.set_defaults(handler=split_data_command)


def score_parallel_command(args: argparse.Namespace) -> int:
    from ..local.parallel import ParallelOptions, score_parallel
    from ..settings import get_settings
    from ..tabular_io import file_format

    file_format(args.output)  # refuse an unknown extension before any work
    settings = get_settings()
    options = ParallelOptions.from_settings(
        settings,
        workers=args.workers,
        mini_batch_size=args.mini_batch_size,
        error_threshold=args.error_threshold,
        run_invocation_timeout=args.run_invocation_timeout,
        progress=not args.no_progress,
    )
    result = score_parallel(args.model, args.input, args.output, settings, options)
    print(
        f"scored {result.rows} of {result.input_rows} rows in {result.mini_batches} mini-batches "
        f"with {options.workers} workers"
    )
    if result.failed_items or result.failed_mini_batches:
        print(
            f"failed rows: {result.failed_items}, "
            f"failed mini-batches: {result.failed_mini_batches} "
            f"(within the limits; reasons in {result.log_dir})"
        )
    print(f"predictions: {result.output}")
    print(f"logs: {result.log_dir}")
    return 0


def split_data_command(args: argparse.Namespace) -> int:
    from ..local.split import split_data
    from ..schema import Schema
    from ..settings import get_settings

    written = split_data(
        args.input,
        args.output_dir,
        Schema.from_settings(get_settings()),
        rows_per_file=args.rows_per_file,
        rows_per_group=args.rows_per_group,
    )
    rows = sum(count for _, count in written)
    print(f"wrote {rows} rows into {len(written)} files in {args.output_dir}")
    return 0
