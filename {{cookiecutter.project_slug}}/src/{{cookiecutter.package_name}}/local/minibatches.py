"""Mini-batches of a tabular input, cut the way ParallelRunStep cuts a tabular dataset.

A mini-batch holds about ``mini_batch_size`` bytes and never crosses a file
boundary. Parquet files split only at row groups (a file with one row group
is one mini-batch, as on Azure ML: prepare data with ``split-data``). CSV
files split at record ends: a newline counts as a record end only outside
quotes, found by the parity of the quote characters before it, so a quoted
value holding a newline is never cut. The scan is vectorised with numpy.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProjectError
from ..schema import Schema
from ..tabular_io import data_files, file_format

SIZE_PATTERN = re.compile(r"^(\d+)([kKmMgG][bB])?$")
UNITS = {"": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
SCAN_BYTES = 16 * 1024 * 1024
QUOTE, NEWLINE = ord('"'), ord("\n")


@dataclass(frozen=True)
class MiniBatch:
    index: int
    file: str
    kind: str  # "csv" or "parquet"
    size: int  # bytes (parquet: uncompressed size of the row groups)
    row_groups: tuple[int, ...] = ()  # parquet
    start: int = 0  # csv: byte range [start, end) of whole records
    end: int = 0
    header_end: int = 0  # csv: the header is bytes [0, header_end)
    rows: int | None = None  # known without reading for parquet

    def describe(self) -> str:
        name = Path(self.file).name
        if self.kind == "parquet":
            groups = self.row_groups
            span = f"{groups[0]}" if len(groups) == 1 else f"{groups[0]}-{groups[-1]}"
            return f"mini-batch {self.index} ({name}, row group {span})"
        return f"mini-batch {self.index} ({name}, bytes {self.start}-{self.end})"


def parse_size(text: str | int) -> int:
    """``"1MB"`` -> 1048576: the mini_batch_size syntax of ParallelRunConfig."""
    match = SIZE_PATTERN.match(str(text).strip())
    if not match or int(match.group(1)) < 1:
        raise ProjectError(
            f"mini-batch size {text!r} is not a size; write a number of bytes with an optional "
            "unit, e.g. 1MB, 512KB or 1048576"
        )
    return int(match.group(1)) * UNITS[(match.group(2) or "").lower()]


def plan(path: str | os.PathLike, size: int) -> list[MiniBatch]:
    """Mini-batches of every data file at ``path`` (a file or a folder of files)."""
    batches: list[MiniBatch] = []
    for file in data_files(path):
        cut = _parquet_batches if file_format(file) == "parquet" else _csv_batches
        for batch in cut(file, size):
            batches.append(MiniBatch(index=len(batches), **batch))
    return batches


def _parquet_batches(file: Path, size: int) -> list[dict]:
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(file).metadata
    batches, groups, total, rows = [], [], 0, 0
    for number in range(metadata.num_row_groups):
        group = metadata.row_group(number)
        groups.append(number)
        total += group.total_byte_size
        rows += group.num_rows
        if total >= size or number == metadata.num_row_groups - 1:
            batches.append(
                {
                    "file": str(file),
                    "kind": "parquet",
                    "size": total,
                    "row_groups": tuple(groups),
                    "rows": rows,
                }
            )
            groups, total, rows = [], 0, 0
    return batches


def record_ends(file: Path, targets_every: int) -> tuple[int, list[int]]:
    """The header's end and the record ends at or after every ``targets_every`` bytes."""
    header_end, ends = None, []
    next_target = 0
    parity = 0  # quote characters seen so far, modulo 2
    offset = 0
    with open(file, "rb") as handle:
        while chunk := handle.read(SCAN_BYTES):
            if parity == 0 and b'"' not in chunk:
                # No quotes: every newline ends a record; find only the ones needed.
                header_end, next_target = _ends_by_search(
                    chunk, offset, header_end, next_target, targets_every, ends
                )
                offset += len(chunk)
                continue
            data = np.frombuffer(chunk, dtype=np.uint8)
            quotes = np.cumsum(data == QUOTE) + parity
            newlines = np.flatnonzero((data == NEWLINE) & (quotes % 2 == 0)) + offset + 1
            parity = int(quotes[-1] % 2)
            offset += len(chunk)
            if not len(newlines):
                continue
            if header_end is None:
                header_end = int(newlines[0])
                next_target = header_end + targets_every
                newlines = newlines[1:]
            while len(newlines):
                position = np.searchsorted(newlines, next_target)
                if position == len(newlines):
                    break
                ends.append(int(newlines[position]))
                next_target = ends[-1] + targets_every
                newlines = newlines[position + 1 :]
    if header_end is None:
        header_end = offset
    if not ends or ends[-1] < offset:
        ends.append(offset)
    return header_end, ends


def _ends_by_search(
    chunk: bytes,
    offset: int,
    header_end: int | None,
    next_target: int,
    targets_every: int,
    ends: list[int],
) -> tuple[int | None, int]:
    """Record ends of a chunk without quotes, where every newline ends a record."""
    if header_end is None:
        position = chunk.find(b"\n")
        if position < 0:
            return None, next_target
        header_end = offset + position + 1
        next_target = header_end + targets_every
    while True:
        # A record ends after a newline at index >= target - 1.
        position = chunk.find(b"\n", max(0, next_target - 1 - offset))
        if position < 0:
            return header_end, next_target
        ends.append(offset + position + 1)
        next_target = ends[-1] + targets_every


def _csv_batches(file: Path, size: int) -> list[dict]:
    header_end, ends = record_ends(file, size)
    batches, start = [], header_end
    for end in ends:
        if end > start:
            batches.append(
                {
                    "file": str(file),
                    "kind": "csv",
                    "size": end - start,
                    "start": start,
                    "end": end,
                    "header_end": header_end,
                }
            )
        start = end
    return batches


def read(batch: MiniBatch, schema: Schema) -> pd.DataFrame:
    """The mini-batch as a DataFrame, read like ``tabular_io.read_frame`` reads the whole file."""
    if batch.kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(batch.file).read_row_groups(list(batch.row_groups)).to_pandas()
    with open(batch.file, "rb") as handle:
        header = handle.read(batch.header_end)
        handle.seek(batch.start)
        body = handle.read(batch.end - batch.start)
    # Text columns stay text (ids like 007 keep their zeros), as in tabular_io.
    text_columns = {c.name: str for c in schema.training_columns if c.kind == "str"}
    return pd.read_csv(io.BytesIO(header + body), dtype=text_columns or None, keep_default_na=True)
