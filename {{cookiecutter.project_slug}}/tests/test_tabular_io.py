"""Reading and writing by extension, folders, damaged files, and atomic writes."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.schema import Column
from {{ cookiecutter.package_name }}.simulate import simulate
from {{ cookiecutter.package_name }}.tabular_io import (
    DataFileError,
    atomic_path,
    data_files,
    file_format,
    read_frame,
    write_frame,
)


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".partial"))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip_by_extension(tmp_path, schema, suffix):
    frame = schema.validate(simulate(schema, 12, seed=3))
    path = write_frame(frame, tmp_path / f"data{suffix}")
    is_parquet = path.read_bytes()[:4] == b"PAR1"
    assert is_parquet == (suffix == ".parquet")
    back = schema.validate(read_frame(path, schema))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert leftovers(tmp_path) == []


def test_written_csv_has_a_header_and_no_index(tmp_path, schema):
    path = write_frame(simulate(schema, 3), tmp_path / "data.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [c.name for c in schema.scoring_columns]


def test_extension_is_case_insensitive():
    assert file_format("A.CSV") == "csv" and file_format("b.Parquet") == "parquet"


def test_folder_input_reads_every_data_file_in_order(tmp_path, schema):
    folder = tmp_path / "in"
    first, second = simulate(schema, 4, seed=1), simulate(schema, 6, seed=2)
    write_frame(first, folder / "a.csv")
    write_frame(second, folder / "nested" / "b.parquet")
    (folder / "notes.txt").write_text("not data", encoding="utf-8")
    assert [p.name for p in data_files(folder)] == ["a.csv", "b.parquet"]
    frame = read_frame(folder, schema)
    assert len(frame) == 10
    assert frame.index.tolist() == list(range(10))
    _, problems = schema.check(frame)  # check(): both files restart their ids
    assert not problems


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(DataFileError, match="no .csv or .parquet files"):
        read_frame(tmp_path)


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "absent.csv"
    with pytest.raises(DataFileError, match="absent.csv: no such file"):
        read_frame(missing)


@pytest.mark.parametrize("name", ["data.xlsx", "data"])
def test_unknown_extension_is_refused_for_reading_and_writing(tmp_path, name):
    path = tmp_path / name
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"use a \.csv or \.parquet file"):
        read_frame(path)
    with pytest.raises(DataFileError, match=name):
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "out" / name)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_malformed_csv_names_the_file(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("a,b\n1,2\n3,4,5,6\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_frame(path)
    assert str(path) in str(error.value) and "csv" in str(error.value)
    assert isinstance(error.value, ProjectError)


def test_empty_csv_names_the_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataFileError, match="empty.csv"):
        read_frame(path)


def test_damaged_parquet_names_the_file(tmp_path):
    path = tmp_path / "damaged.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file PAR1")
    with pytest.raises(DataFileError, match=r"damaged\.parquet: cannot be read as parquet"):
        read_frame(path)


def test_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "predictions.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half a file", encoding="utf-8")
        raise RuntimeError("the run failed here")
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "predictions.parquet"
    write_frame(pd.DataFrame({"a": [1, 2]}), target)
    unwritable = pd.DataFrame({"a": [1, "text", 2.5]})  # mixed types: pyarrow refuses
    with pytest.raises(Exception):  # noqa: B017 - whatever pyarrow raises
        write_frame(unwritable, target)
    assert pd.read_parquet(target)["a"].tolist() == [1, 2]
    assert leftovers(tmp_path) == []


def test_text_ids_keep_leading_zeros(tmp_path, schema):
    schema = dataclasses.replace(schema, id=Column("row_id", "str"))
    frame = simulate(schema, 3)
    frame["row_id"] = ["007", "010", "100"]
    for suffix in (".csv", ".parquet"):
        path = write_frame(frame, tmp_path / f"ids{suffix}")
        back = schema.validate(read_frame(path, schema))
        assert back["row_id"].tolist() == ["007", "010", "100"], suffix
