"""Reading and writing frames by file extension, with atomic writes.

A predictions file appears under its final name only once it is complete:
it is written to a temporary file beside it and renamed, so a failed run
never leaves a half file that looks finished.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .errors import ProjectError
from .schema import Schema

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


class DataFileError(ProjectError, ValueError):
    """A data file cannot be read; the message names the file and the fix."""


def file_format(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise DataFileError(
            f"{path}: unknown file type {suffix or '(none)'!r}; use a .csv or .parquet file"
        ) from None


def data_files(path: str | os.PathLike) -> list[Path]:
    """The data files at ``path``: the file itself, or a folder's .csv/.parquet files, sorted."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
        if not files:
            raise DataFileError(f"{path}: the folder holds no .csv or .parquet files")
        return files
    if not path.exists():
        raise DataFileError(f"{path}: no such file or folder")
    file_format(path)
    return [path]


def read_frame(path: str | os.PathLike, schema: Schema | None = None) -> pd.DataFrame:
    """Read a .csv or .parquet file (or a folder of them) into one frame.

    With a schema, text columns are read as text so that ids like ``007`` keep
    their zeros; the schema checks the values afterwards.
    """
    frames = [_read_one(file, schema) for file in data_files(path)]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _read_one(path: Path, schema: Schema | None) -> pd.DataFrame:
    try:
        if file_format(path) == "parquet":
            return pd.read_parquet(path)
        text_columns = {}
        if schema is not None:
            text_columns = {c.name: str for c in schema.training_columns if c.kind == "str"}
        return pd.read_csv(path, dtype=text_columns or None, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as error:
        raise DataFileError(f"{path}: cannot be read as {file_format(path)} ({error})") from error
    except Exception as error:  # pyarrow raises its own types for damaged files
        if type(error).__module__.startswith("pyarrow"):
            raise DataFileError(f"{path}: cannot be read as parquet ({error})") from error
        raise


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` only on success."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{final.name}.", suffix=".partial", dir=final.parent
    )
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def write_frame(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` to ``path`` (format by extension), atomically, without the index."""
    kind = file_format(path)
    with atomic_path(path) as temporary:
        if kind == "parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(temporary, index=False)
    return Path(path)
