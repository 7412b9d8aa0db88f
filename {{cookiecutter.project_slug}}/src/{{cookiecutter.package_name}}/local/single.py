"""The scoring step run locally: the same script as on Azure ML, with paths for sources."""

from __future__ import annotations

import os
from pathlib import Path

from ..steps import score as score_step
from ..tabular_io import file_format


def score_locally(
    model: str | os.PathLike, data: str | os.PathLike, output: str | os.PathLike
) -> Path:
    file_format(output)  # refuse an unknown extension before any work
    return score_step.main([
        "--model-path", str(model),
        "--input-path", str(data),
        "--output-file", str(output),
    ])
