"""``plan``: build pipelines offline with the real SDK and print their graphs."""

from __future__ import annotations

import argparse

from ..pipelines import PIPELINES


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "plan", help="build pipelines offline (no Azure account) and print their graphs")
    parser.add_argument(
        "pipeline", nargs="?", choices=PIPELINES, help="one pipeline (default: all)")
    parser.add_argument("--mermaid", action="store_true", help="print Mermaid flowcharts instead")
    parser.set_defaults(handler=plan_command)


def plan_command(args: argparse.Namespace) -> int:
    from ..pipelines.describe import render_mermaid, render_text
    from ..pipelines.plan import plan
    from ..settings import get_settings

    chosen = (args.pipeline,) if args.pipeline else PIPELINES
    render = render_mermaid if args.mermaid else render_text
    print("\n\n".join(render(pipeline) for pipeline in plan(get_settings(), chosen)))
    return 0
