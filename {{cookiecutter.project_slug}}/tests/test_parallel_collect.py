"""JSON rows and the collect step: round trips, order by id, streaming, atomicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from {{ cookiecutter.package_name }}.row_lines import (
    RowLinesError,
    encode_rows,
)
from {{ cookiecutter.package_name }}.schema import (
    Column,
    Schema,
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


def write_lines(path, frames):
    with open(path, "w", encoding="ascii", newline="") as handle:
        for frame in frames:
            handle.writelines(line + "\n" for line in encode_rows(frame))
    return path


def read_back(path, kind):
    if kind == "parquet":
        return pq.read_table(path).to_pandas()
    return pd.read_csv(
        path,
        dtype={"id": str, "note": str, "prediction": str},
        keep_default_na=False,
        encoding="utf-8",
    )


def test_each_row_is_one_ascii_line():
    lines = encode_rows(awkward_frame())
    assert len(lines) == len(AWKWARD)
    assert all("\n" not in line and "\r" not in line and line.isascii() for line in lines)


def test_values_keep_their_type_and_exact_value():
    import json

    frame = pd.DataFrame({
        "text": pd.array(["plain", 'q"uote', None], dtype="string"),
        "number": [3.0, 0.1 + 0.2, np.nan],
        "big": [1e16, -0.0, np.inf],
        "count": pd.array([1, None, 3], dtype="Int64"),
        "flag": pd.array([True, False, None], dtype="boolean"),
        "mixed": [1, "a", None],  # not one Arrow type: encoded value by value
    })
    rows = [json.loads(line) for line in encode_rows(frame)]
    assert rows[0] == {"text": "plain", "number": 3.0, "big": 1e16, "count": 1, "flag": True,
                       "mixed": 1}
    assert isinstance(rows[0]["number"], float) and isinstance(rows[0]["big"], float)
    assert rows[1]["number"] == 0.1 + 0.2 and rows[1]["text"] == 'q"uote'
    assert rows[2] == {"text": None, "number": None, "big": None, "count": 3, "flag": None,
                       "mixed": None}


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_awkward_strings_round_trip_byte_for_byte(tmp_path, kind):
    frame = awkward_frame()
    rows = write_lines(tmp_path / "rows.txt", [frame.iloc[5:], frame.iloc[:5]])
    result = collect(rows, tmp_path / f"out.{kind}", text_schema(), kind)
    back = read_back(result.path, kind)
    assert list(back.columns) == ["id", "note", "x", "prediction"]
    assert back["note"].tolist() == AWKWARD  # ordered by id, every byte kept
    assert [v.encode() for v in back["note"]] == [v.encode() for v in AWKWARD]
    assert back["prediction"].tolist() == frame["prediction"].tolist()
    assert back["x"].tolist() == frame["x"].tolist()  # floats exactly


def test_order_by_id_holds_across_mini_batches_and_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_output, "RUN_BATCH_ROWS", 7)
    frame = awkward_frame(500)
    shuffled = frame.sample(frac=1, random_state=3)
    batches = [shuffled.iloc[i : i + 37] for i in range(0, len(shuffled), 37)]
    rows = write_lines(tmp_path / "rows.txt", batches)
    # Tiny blocks: many sorted runs, merged a few rows at a time.
    result = collect(rows, tmp_path / "out.csv", text_schema(), "csv", block_bytes=2_000)
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
    rows = write_lines(tmp_path / "rows.txt", [frame])
    result = collect(rows, tmp_path / "out.parquet", text_schema("int"), "parquet", block_bytes=40)
    assert pq.read_table(result.path).column("id").to_pylist() == [1, 9, 10, 100]


def test_without_id_every_row_is_written_once(tmp_path):
    schema = Schema(features=(Column("note", "str"), Column("x", "float")))
    frame = awkward_frame(300).drop(columns="id")
    rows = write_lines(tmp_path / "rows.txt", [frame.iloc[:100], frame.iloc[100:]])
    result = collect(rows, tmp_path / "out.csv", schema, "csv", block_bytes=1_000)
    back = read_back(result.path, "csv")
    key = ["note", "x", "prediction"]
    expected = frame.sort_values(key).reset_index(drop=True)
    assert back.sort_values(key).reset_index(drop=True).equals(expected)


def test_a_repeated_id_fails_and_leaves_no_file(tmp_path):
    frame = awkward_frame(20)
    rows = write_lines(tmp_path / "rows.txt", [frame, frame.iloc[[3]]])
    output = tmp_path / "out.csv"
    with pytest.raises(CollectError, match="'0003'.*more than once"):
        collect(rows, output, text_schema(), "csv", block_bytes=300)
    assert list(tmp_path.iterdir()) == [rows]


def test_rows_that_are_not_json_fail_clearly_and_leave_no_file(tmp_path):
    rows = tmp_path / "rows.txt"
    rows.write_text('{"id": "1", "note": "a", "x": 1.0, "prediction": "p"}\n1 a 1.0 p\n')
    with pytest.raises(RowLinesError, match="not JSON rows"):
        collect(rows, tmp_path / "out.csv", text_schema(), "csv")
    assert list(tmp_path.iterdir()) == [rows]


def test_no_rows_still_gives_a_header(tmp_path):
    rows = tmp_path / "rows.txt"
    rows.write_text("")
    result = collect(rows, tmp_path / "out.csv", text_schema(), "csv")
    assert result.rows == 0
    assert result.path.read_text().splitlines() == ["id,note,x,prediction"]


def test_memory_is_bounded_by_blocks_not_rows(tmp_path):
    """The collect step never holds more than a block and one batch per run."""
    frame = awkward_frame(2_000)
    rows = write_lines(tmp_path / "rows.txt", [frame.sample(frac=1, random_state=0)])
    seen = []
    real = collect_output.decode_block

    def spy(data, schema):
        table = real(data, schema)
        seen.append(table.num_rows)
        return table

    collect_output.decode_block = spy
    try:
        collect(rows, tmp_path / "out.csv", text_schema(), "csv", block_bytes=20_000)
    finally:
        collect_output.decode_block = real
    assert len(seen) > 5 and max(seen) < 500


def test_integer_columns_held_as_floats_are_written_as_integers(tmp_path):
    """A mini-batch whose bad rows were dropped keeps an int column as float64."""
    schema = Schema(features=(Column("count", "int"),), id=Column("id", "str"))
    frame = pd.DataFrame({"id": ["a", "b"], "count": [58.0, np.nan], "prediction": [1.5, 2.5]})
    rows = tmp_path / "rows.txt"
    rows.write_text("".join(line + "\n" for line in encode_rows(frame, schema)))
    assert '"count":58,' in rows.read_text()
    result = collect(rows, tmp_path / "out.parquet", schema, "parquet")
    assert pq.read_table(result.path).column("count").to_pylist() == [58, None]
