"""Commands that work against an Azure ML workspace: provision, publish, run, trigger, schedule.

Each signs in through :mod:`..operations.workspace` (config.json or environment
variables, see docs/operations.md); the Azure ML SDK is imported only when one runs.
"""

from __future__ import annotations

import argparse

from ..pipelines import PIPELINES


def register(subcommands) -> None:
    provision = subcommands.add_parser(
        "provision", help="create or update the compute cluster, environments and datasets"
    )
    provision.add_argument(
        "--training-data", help="labelled .csv/.parquet file or folder (default: demo data)"
    )
    provision.add_argument(
        "--scoring-data", help=".csv/.parquet file or folder to score (default: simulated)"
    )
    provision.add_argument(
        "--scoring-files",
        type=int,
        default=8,
        help="split the scoring data into this many files (default 8)",
    )
    provision.set_defaults(handler=provision_command)

    publish = subcommands.add_parser(
        "publish", help="publish a pipeline as the new default version of its endpoint"
    )
    publish.add_argument("pipeline", choices=PIPELINES)
    publish.set_defaults(handler=publish_command)

    for name, help_text in (
        ("run", "submit a pipeline through its endpoint (SDK)"),
        ("trigger", "start a pipeline through its endpoint, by SDK or --rest"),
    ):
        parser = subcommands.add_parser(name, help=help_text)
        parser.add_argument("pipeline", choices=PIPELINES)
        parser.add_argument(
            "--model-version", help="registered model version to score with, or latest"
        )
        parser.add_argument("--dataset-version", help="version of the registered dataset to read")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="any other pipeline parameter (repeatable)",
        )
        if name == "run":
            parser.add_argument(
                "--wait",
                action="store_true",
                help="stream the status; fail with the failing step's error",
            )
            parser.set_defaults(handler=run_command)
        else:
            parser.add_argument(
                "--rest",
                action="store_true",
                help="POST to the endpoint with an Azure AD token (azure-identity)",
            )
            parser.set_defaults(handler=trigger_command)

    schedule = subcommands.add_parser("schedule", help="apply, list or disable the schedules")
    schedule.add_argument("action", choices=("apply", "list", "disable"))
    schedule.set_defaults(handler=schedule_command)


def _workspace():
    from ..operations.workspace import get_workspace

    return get_workspace()


def provision_command(args: argparse.Namespace) -> int:
    from ..errors import ProjectError
    from ..operations.provision import provision
    from ..settings import get_settings

    if args.scoring_files < 1:
        raise ProjectError(f"--scoring-files must be at least 1, got {args.scoring_files}")
    provision(
        _workspace(),
        get_settings(),
        training_data=args.training_data,
        scoring_data=args.scoring_data,
        scoring_files=args.scoring_files,
    )
    return 0


def publish_command(args: argparse.Namespace) -> int:
    from ..operations.publish import publish
    from ..operations.workspace import online_context
    from ..settings import get_settings

    settings = get_settings()
    result = publish(online_context(_workspace(), settings), settings, args.pipeline)
    verb = "created endpoint" if result.created_endpoint else "added to endpoint"
    print(f"published {args.pipeline}: pipeline {result.published_pipeline_id}")
    print(f"{verb} {result.endpoint_name}, default version {result.version}")
    print(f"REST URL: {result.endpoint_url}")
    return 0


def _request(args: argparse.Namespace):
    from ..operations.run import run_request
    from ..settings import get_settings

    settings = get_settings()
    request = run_request(
        settings,
        args.pipeline,
        model_version=args.model_version,
        dataset_version=args.dataset_version,
        assignments=args.param,
    )
    return settings, request


def run_command(args: argparse.Namespace) -> int:
    from ..operations.run import submit, wait

    settings, request = _request(args)
    run = submit(_workspace(), settings, request)
    print(f"submitted run {run.id} in experiment {request.experiment_name}")
    if args.wait:
        wait(run)
        print(f"run {run.id} finished")
    return 0


def trigger_command(args: argparse.Namespace) -> int:
    settings, request = _request(args)
    workspace = _workspace()
    if not args.rest:
        from ..operations.run import submit

        run = submit(workspace, settings, request)
        print(f"started run {run.id} in experiment {request.experiment_name}")
        return 0
    from ..operations.publish import require_endpoint
    from ..operations.run import dataset_of
    from ..operations.trigger import HOW_TO_GET_TOKEN, rest_call, send

    endpoint = require_endpoint(workspace, settings, args.pipeline)
    dataset = dataset_of(workspace, settings, request)
    call = rest_call(endpoint.endpoint, request, dataset.id if dataset is not None else None)
    # The curl line first: it is what to try by hand when the call below fails.
    print("the same call with curl (the token stays in $TOKEN):")
    print(f"  {HOW_TO_GET_TOKEN}")
    print(f"  {call.curl()}")
    run_id = send(call)
    print(f"started run {run_id} in experiment {request.experiment_name}")
    return 0


def schedule_command(args: argparse.Namespace) -> int:
    from ..operations import schedules
    from ..settings import get_settings

    settings = get_settings()
    if args.action == "apply":
        schedules.desired_schedules(settings)  # refuse invalid settings before signing in
        for change in schedules.apply_schedules(_workspace(), settings):
            print(change)
    elif args.action == "list":
        rows = schedules.list_schedules(_workspace(), settings)
        if not rows:
            print("no schedules of this project in the workspace: run `schedule apply`")
        for row in rows:
            print(f"{row.name}  [{row.status}]  {row.what}  next run: {row.next_run}")
    else:
        for change in schedules.disable_schedules(_workspace(), settings):
            print(change)
    return 0
