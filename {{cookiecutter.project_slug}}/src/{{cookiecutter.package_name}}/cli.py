"""One command line over the whole project: ``python -m {{ cookiecutter.package_name }} COMMAND``.

Each module of :mod:`.commands` adds its own subcommands. Handlers import
what they need when they run, so that local commands start fast and never
import the Azure ML SDK.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from .errors import ProjectError

# Modules of .commands, in the order their commands appear in --help.
COMMAND_MODULES = ("data", "scoring", "parallel", "training", "plan", "operations")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m {{ cookiecutter.package_name }}",
        description="Batch scoring of {{ cookiecutter.model_name }} on Azure Machine Learning, "
        "and the same steps run locally.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        import_module(f"{__package__}.commands.{name}").register(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = args.handler(args)
    except ProjectError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        # A folder that cannot be created, a full disk, no permission: the message names the path.
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
