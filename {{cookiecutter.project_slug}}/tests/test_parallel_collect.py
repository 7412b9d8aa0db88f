"""Scored parquet parts and the collect step: round trips, order by id, streaming, atomicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from {{ cookiecutter.package_name }}.schema import (
    Column,
    Schema,
)
from {{ cookiecutter.package_name }}.scored_parts import (
    ScoredPartsError,
    part_files,
    write_part,
)
from {{ cookiecutter.package_name }}.steps import collect_output
from {{ cookiecutter.package_name }}.steps.collect_output import (
    CollectError,
    collect,
)

AWKWARD = [
    "plain",
    "two  spaces and a trailing space ",
    "comma, separated, text",
    'a "quoted" word and a lone "',
    "line one\nline two",
    "windows\r\nline end",
    "tab\there, backslash \\ and slash /",
    "non-ASCII: café, naïve, 中文, ελληνικά, emoji 🎉",
    '{"looks": ["like", "json"]}',
    " leading space",
]


def text_schema(id_kind: str = "str") -> Schema:
    return Schema(features=(Column("note", "str"), Column("x", "float")), id=Column("id", id_kind))


def awkward_frame(rows: int = len(AWKWARD)) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "id": [f"{i:04d}" for i in range(rows)],
            "note": [AWKWARD[i % len(AWKWARD)] for i in range(rows)],
            "x": rng.normal(size=rows) * 1e3,
            "prediction": rng.choice(["class a", "class, b", 'class "c"'], size=rows),
        }
    )


def write_parts(folder, frames, schema):
    """One part per mini-batch, as run() writes them."""
    folder.mkdir(exist_ok=True)
    for frame in frames:
        write_part(frame, schema, folder)
    return folder


def read_back(path, kind):
    if kind == "parquet":
        return pq.read_table(path).to_pandas()
    return pd.read_csv(
        path,
        dtype={"id": str, "note": str, "prediction": str},
        keep_default_na=False,
        encoding="utf-8",
    )


def test_parts_are_complete_files_named_in_the_order_they_were_written(tmp_path):
    frame = awkward_frame(30)
    batches = [frame.iloc[:10], frame.iloc[10:], frame]
    folder = write_parts(tmp_path / "parts", batches, text_schema())
    parts = part_files(folder)
    assert len(parts) == 3 and sorted(p.name for p in folder.iterdir()) == [p.name for p in parts]
    assert [pq.read_metadata(p).num_rows for p in parts] == [10, 20, 30]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_awkward_strings_round_trip_byte_for_byte(tmp_path, kind):
    frame = awkward_frame()
    parts = write_parts(tmp_path / "parts", [frame.iloc[5:], frame.iloc[:5]], text_schema())
    result = collect(parts, tmp_path / f"out.{kind}", text_schema(), kind)
    back = read_back(result.path, kind)
    assert list(back.columns) == ["id", "note", "x", "prediction"]
    assert back["note"].tolist() == AWKWARD  # ordered by id, every byte kept
    assert [v.encode() for v in back["note"]] == [v.encode() for v in AWKWARD]
    assert back["prediction"].tolist() == frame["prediction"].tolist()
    assert back["x"].tolist() == frame["x"].tolist()  # floats exactly


def test_order_by_id_holds_across_mini_batches_and_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_output, "RUN_BATCH_ROWS", 7)
    monkeypatch.setattr(collect_output, "READ_BATCH_ROWS", 11)
    frame = awkward_frame(500)
    shuffled = frame.sample(frac=1, random_state=3)
    batches = [shuffled.iloc[i : i + 37] for i in range(0, len(shuffled), 37)]
    parts = write_parts(tmp_path / "parts", batches, text_schema())
    # Tiny blocks: many sorted runs, merged a few rows at a time.
    result = collect(parts, tmp_path / "out.csv", text_schema(), "csv", block_rows=50)
    back = read_back(result.path, "csv")
    assert result.rows == 500
    assert back["id"].tolist() == frame["id"].tolist()
    assert back["note"].tolist() == frame["note"].tolist()


def test_integer_ids_sort_as_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "id": [10, 9, 100, 1],
            "note": list("abcd"),
            "x": [1.0, 2.0, 3.0, 4.0],
            "prediction": [1, 0, 1, 0],
        }
    )
    schema = text_schema("int")
    parts = write_parts(tmp_path / "parts", [frame.iloc[:2], frame.iloc[2:]], schema)
    result = collect(parts, tmp_path / "out.parquet", schema, "parquet", block_rows=1)
    assert pq.read_table(result.path).column("id").to_pylist() == [1, 9, 10, 100]


def test_without_id_rows_come_in_mini_batch_order(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_output, "READ_BATCH_ROWS", 30)
    schema = Schema(features=(Column("note", "str"), Column("x", "float")))
    frame = awkward_frame(300).drop(columns="id")
    batches = [frame.iloc[200:], frame.iloc[:100], frame.iloc[100:200]]
    parts = write_parts(tmp_path / "parts", batches, schema)
    result = collect(parts, tmp_path / "out.csv", schema, "csv")
    back = read_back(result.path, "csv")
    assert back.equals(pd.concat(batches).reset_index(drop=True))


def test_a_repeated_id_fails_and_leaves_no_file(tmp_path):
    frame = awkward_frame(20)
    parts = write_parts(tmp_path / "parts", [frame, frame.iloc[[3]]], text_schema())
    output = tmp_path / "out.csv"
    with pytest.raises(CollectError, match="'0003'.*more than once"):
        collect(parts, output, text_schema(), "csv", block_rows=5)
    assert list(tmp_path.iterdir()) == [parts]


def test_a_part_that_is_not_parquet_fails_clearly_and_leaves_no_file(tmp_path):
    parts = write_parts(tmp_path / "parts", [awkward_frame(5)], text_schema())
    (parts / "scored-0-broken.parquet").write_text('{"id": "1"}\n')
    with pytest.raises(ScoredPartsError, match="scored-0-broken.parquet: not a parquet file"):
        collect(parts, tmp_path / "out.csv", text_schema(), "csv")
    assert list(tmp_path.iterdir()) == [parts]


def test_parts_scored_with_other_settings_fail_clearly(tmp_path):
    other = Schema(features=(Column("y", "float"),), id=Column("id", "str"))
    frame = pd.DataFrame({"id": ["a"], "y": [1.0], "prediction": [0.5]})
    parts = write_parts(tmp_path / "parts", [frame], other)
    with pytest.raises(ScoredPartsError, match="lack column\\(s\\) 'note', 'x'"):
        collect(parts, tmp_path / "out.csv", text_schema(), "csv")


def test_a_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(ScoredPartsError, match="output folder is missing"):
        collect(tmp_path / "nowhere", tmp_path / "out.csv", text_schema(), "csv")
    assert not (tmp_path / "out.csv").exists()


def test_no_rows_still_gives_a_header(tmp_path):
    (tmp_path / "parts").mkdir()
    result = collect(tmp_path / "parts", tmp_path / "out.csv", text_schema(), "csv")
    assert result.rows == 0
    assert result.path.read_text().splitlines() == ["id,note,x,prediction"]


def test_memory_is_bounded_by_blocks_not_rows(tmp_path, monkeypatch):
    """The collect step never holds more than a block and one batch per run."""
    monkeypatch.setattr(collect_output, "READ_BATCH_ROWS", 64)
    frame = awkward_frame(2_000).sample(frac=1, random_state=0)
    batches = [frame.iloc[:1_500], frame.iloc[1_500:]]
    parts = write_parts(tmp_path / "parts", batches, text_schema())
    seen = []
    real = collect_output._blocks

    def spy(tables, block_rows):
        for table in real(tables, block_rows):
            seen.append(table.num_rows)
            yield table

    monkeypatch.setattr(collect_output, "_blocks", spy)
    collect(parts, tmp_path / "out.csv", text_schema(), "csv", block_rows=300)
    assert len(seen) > 5 and max(seen) < 400 and sum(seen) == 2_000


def test_integer_columns_held_as_floats_are_written_as_integers(tmp_path):
    """A mini-batch whose bad rows were dropped keeps an int column as float64."""
    schema = Schema(features=(Column("count", "int"),), id=Column("id", "str"))
    frame = pd.DataFrame({"id": ["a", "b"], "count": [58.0, np.nan], "prediction": [1.5, 2.5]})
    parts = write_parts(tmp_path / "parts", [frame], schema)
    assert str(pq.read_schema(part_files(parts)[0]).field("count").type) == "int64"
    result = collect(parts, tmp_path / "out.parquet", schema, "parquet")
    assert pq.read_table(result.path).column("count").to_pylist() == [58, None]
