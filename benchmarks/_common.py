"""Shared by the benchmark scripts: bake the template, run the rendered project's code, time it.

Every benchmark bakes the template (default answers unless a script says
otherwise) into a temporary folder and runs the rendered project's own code
there, with ``PYTHONPATH=src``, in subprocesses of the Python running the
benchmark (that Python needs the project's dependencies: pandas, pyarrow,
scikit-learn, tqdm).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The template to bake: this checkout, or another one (e.g. a snapshot) named in the variable.
TEMPLATE = Path(os.environ.get("AML_BATCH_TEMPLATE") or Path(__file__).resolve().parents[1])
PACKAGE = "iris_batch_scoring"  # the package name of the default answers


def parser(description: str, default_rows: int) -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--rows", type=int, default=default_rows,
                        help=f"rows to measure (default {default_rows:,})")
    result.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return result


def bake(where: Path, **answers: str) -> Path:
    """Render the template (default answers, plus ``answers``) into ``where``; the project."""
    from cookiecutter.main import cookiecutter

    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(where),
                             extra_context=answers, overwrite_if_exists=True))


def workdir(keep: bool) -> Path:
    """A temporary folder for the bake and the data, removed at exit unless ``keep``."""
    path = Path(tempfile.mkdtemp(prefix="aml-batch-bench-"))
    if keep:
        print(f"working folder: {path}")
    else:
        atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def project_env(project: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(project / "src")
    env.update(extra)
    return env


def cli(project: Path, *args: str, env: dict[str, str] | None = None) -> float:
    """Run ``python -m <package> args...`` in the project; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", PACKAGE, *args], cwd=project, check=True,
                   env=env or project_env(project), stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def python(project: Path, code: str, env: dict[str, str] | None = None) -> dict:
    """Run ``code`` in the project; it must print one JSON object on its last line."""
    completed = subprocess.run([sys.executable, "-c", code], cwd=project, check=True,
                               env=env or project_env(project), capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load average at start {load:.2f}")


def peak_rss_mb() -> float:
    """Peak resident memory of finished child processes, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
