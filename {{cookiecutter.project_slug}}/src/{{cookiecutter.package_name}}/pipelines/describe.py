"""Describe a built pipeline graph: steps, compute, scripts, arguments, data flow.

Reads the graph the SDK built, not the builders' intentions, so what it
prints is what would be submitted.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

# Graph ports the SDK adds for ordering only.
_INTERNAL_PORTS = ("_run_after_output", "_run_after_input")
# How the SDK writes dataset inputs and outputs in argument lists until a run resolves them.
_PORT_PLACEHOLDERS = {"DatasetOutputConfig": "output", "DatasetConsumptionConfig": "input"}


@dataclass
class StepView:
    name: str
    compute: str | None
    script: str | None
    arguments: list[str]
    inputs: list[str]
    outputs: list[str]
    environment: str | None = None
    # Output name -> where it is written, e.g. "workspaceblobstore:<path>/{run-id}/predictions".
    destinations: dict[str, str] = field(default_factory=dict)


@dataclass
class PipelineView:
    name: str
    steps: list[StepView]
    edges: list[tuple[str, str, str]]  # (from step or dataset, to step, port)
    parameters: dict[str, str] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)


def _argument_text(argument) -> str:
    for attribute in ("text", "_text", "value"):
        value = getattr(argument, attribute, None)
        if isinstance(value, str):
            kind, _, port = value.partition(":")
            if kind in _PORT_PLACEHOLDERS and port:
                return f"<{_PORT_PLACEHOLDERS[kind]} {port}>"
            return shlex.quote(value)
    name = getattr(argument, "name", None)
    name = name or getattr(getattr(argument, "_parameter", None), "name", None)
    if name:
        return f"${name}"
    return f"<{type(argument).__name__.strip('_')}>"


def _environment_name(node) -> str | None:
    """The environment a step runs in, read from its serialised run configuration."""
    runconfig = getattr(node, "_runconfig", None)
    if not isinstance(runconfig, str):
        return None
    try:
        environment = json.loads(runconfig).get("environment") or {}
    except (ValueError, AttributeError):
        return None
    name = environment.get("name") if isinstance(environment, dict) else None
    return name if isinstance(name, str) else None


def _destination(port) -> str | None:
    """``datastore:path`` of an OutputFileDatasetConfig output, when the port has one."""
    destination = getattr(getattr(port, "_dataset_output", None), "destination", None)
    if not isinstance(destination, tuple) or len(destination) != 2:
        return None
    datastore, path = destination
    return f"{getattr(datastore, 'name', datastore)}:{path}"


def _param(node, key: str) -> str | None:
    param = node.params.get(key)
    value = getattr(param, "value", None)
    return value if isinstance(value, str) else None


def view(pipeline, name: str) -> PipelineView:
    graph = pipeline.graph
    module_names = {node.node_id: node.name for node in graph.module_nodes}
    steps = []
    for node in graph.module_nodes:
        builder = getattr(node, "_module_builder", None)
        arguments = [_argument_text(a) for a in getattr(builder, "_arguments", None) or []]
        outputs = [port for port in node.outputs if port.name not in _INTERNAL_PORTS]
        steps.append(StepView(
            name=node.name,
            # Script steps name their compute "Target"; AutoML steps "target".
            compute=_param(node, "Target") or _param(node, "target"),
            script=_param(node, "Script"),
            arguments=arguments,
            inputs=[port.name for port in node.inputs if port.name not in _INTERNAL_PORTS],
            outputs=[port.name for port in outputs],
            environment=_environment_name(node),
            destinations={
                port.name: where for port in outputs if (where := _destination(port)) is not None
            },
        ))
    edges = [
        (edge.source_port.node.name, edge.dest_port.node.name, edge.dest_port.name)
        for edge in graph.edges
        if edge.dest_port.name not in _INTERNAL_PORTS
    ]
    datasets = sorted({source for source, _, _ in edges if source not in module_names.values()})
    parameters = {
        key: _default_text(parameter.default_value)
        for key, parameter in sorted(graph.params.items())
    }
    return PipelineView(
        name=name, steps=steps, edges=edges, parameters=parameters, datasets=datasets
    )


def _default_text(value) -> str:
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    return f"<{type(value).__name__}>"


def render_text(pipeline: PipelineView) -> str:
    lines = [f"pipeline {pipeline.name}"]
    for step in pipeline.steps:
        lines.append(f"  step {step.name}")
        lines.append(f"    compute:     {step.compute}")
        if step.environment:
            lines.append(f"    environment: {step.environment}")
        if step.script:
            lines.append(f"    script:      {step.script}")
        if step.arguments:
            lines.append(f"    arguments:   {' '.join(step.arguments)}")
        lines.append(f"    inputs:      {', '.join(step.inputs) or '-'}")
        outputs = [
            f"{name} -> {step.destinations[name]}" if name in step.destinations else name
            for name in step.outputs
        ]
        lines.append(f"    outputs:     {', '.join(outputs) or '-'}")
    if pipeline.edges:
        lines.append("  data flow:")
        lines += [f"    {source} -> {target} ({port})" for source, target, port in pipeline.edges]
    if pipeline.parameters:
        lines.append("  parameters:")
        lines += [f"    {key} = {value}" for key, value in pipeline.parameters.items()]
    return "\n".join(lines)


def render_mermaid(pipeline: PipelineView) -> str:
    """A Mermaid flowchart of the graph, for the README."""
    def node_id(name: str) -> str:
        return "n_" + "".join(ch if ch.isalnum() else "_" for ch in name)

    lines = ["flowchart LR"]
    for dataset in pipeline.datasets:
        lines.append(f'    {node_id(dataset)}[("{dataset}")]')
    for step in pipeline.steps:
        lines.append(f'    {node_id(step.name)}["{step.name}"]')
    for source, target, port in pipeline.edges:
        lines.append(f"    {node_id(source)} -->|{port}| {node_id(target)}")
    return "\n".join(lines)
