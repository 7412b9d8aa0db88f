"""Remove from the rendered project what the answers do not need.

One declarative table: each path is kept only when its condition holds.
No git, no network, nothing outside the project folder, safe to run again
(cruft runs this hook on every update).
"""

import json
import shutil
from pathlib import Path

ANSWERS = json.loads(r"""
{{ {"ci_provider": cookiecutter.ci_provider, "task_type": cookiecutter.task_type} | tojson }}
""".strip())

# Path in the project -> whether the answers keep it.
KEEP_WHEN = {
    ".github": ANSWERS["ci_provider"] == "github",
    "azure-pipelines.yml": ANSWERS["ci_provider"] == "azure-devops",
}


def remove_unneeded(root: Path, keep_when: dict) -> list:
    removed = []
    for relative, keep in keep_when.items():
        path = root / relative
        if keep or not path.exists():
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(relative)
    return removed


if __name__ == "__main__":
    remove_unneeded(Path.cwd(), KEEP_WHEN)
