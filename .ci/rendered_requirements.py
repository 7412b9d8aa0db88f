"""Print what rendered projects need installed to run their tests, one requirement a line.

Bakes each curated answer set of tests/answer_sets.py into a temporary folder and
reads its pyproject.toml: the dependencies and every optional group, minus the
project's references to itself. `make test` and `make demo` install the result
into the template's .venv once, so the template tests can run every rendered
project's tests with one interpreter and no per-project install.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from answer_sets import COMBINATIONS  # noqa: E402


def requirements_of(project: Path) -> list[str]:
    project_table = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    project_table = project_table["project"]
    own_name = project_table["name"].lower().replace("_", "-")
    wanted = list(project_table.get("dependencies", []))
    for group in project_table.get("optional-dependencies", {}).values():
        wanted.extend(group)
    distribution = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
    return [
        requirement for requirement in wanted
        if distribution.match(requirement).group().lower().replace("_", "-") != own_name
    ]


def main() -> int:
    found: dict[str, None] = {}
    with tempfile.TemporaryDirectory() as scratch:
        # A private cookiecutter config: no replay files or clones in the user's home.
        config = Path(scratch) / "config.yaml"
        config.write_text(
            f"cookiecutters_dir: {json.dumps(scratch)}\nreplay_dir: {json.dumps(scratch)}\n",
            encoding="utf-8",
        )
        for number, combination in enumerate(COMBINATIONS):
            project = cookiecutter(
                str(ROOT), no_input=True, extra_context=combination.answers,
                output_dir=str(Path(scratch) / str(number)), config_file=str(config),
            )
            found.update(dict.fromkeys(requirements_of(Path(project))))
    print("\n".join(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
