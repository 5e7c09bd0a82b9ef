"""Reading, validating and importing the official files."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from workbook.data.catalog import load_catalog
from workbook.data.importer import derive_recent, discover, import_folder, read_manifest, read_table
from workbook.data.schema import TABLES
from workbook.errors import DataFileError, DataSourceError

HEADER = [
    "year",
    "state",
    "county",
    "state_name",
    "county_name",
    "population",
    "share_employed",
    "share_employed_lb",
    "share_employed_ub",
    "share_employed_quality",
    "rate_crime_violent",
    "rate_crime_violent_quality",
]
GOOD_ROWS = [
    [
        "2022",
        "01",
        "001",
        "Alpha",
        "Oak County",
        "1000",
        "0.71",
        "0.69",
        "0.73",
        "Strong",
        "312.5",
        "Marginal",
    ],
    [
        "2023",
        "01",
        "001",
        "Alpha",
        "Oak County",
        "1010",
        "0.72",
        "0.70",
        "0.74",
        "Weak",
        "NA",
        "NA",
    ],
    ["2023", "01", "003", "Alpha", "Elm County", "500", "NA", "NA", "NA", "NA", "100", "Strong"],
]


def write(path, header=HEADER, rows=GOOD_ROWS):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def replace(rows, row, column, value, header=HEADER):
    rows = [list(r) for r in rows]
    rows[row][header.index(column)] = value
    return rows


def test_good_file_is_typed(tmp_path):
    result = read_table(write(tmp_path / "county_longitudinal.csv"))
    frame = result.frame
    assert frame["state"].tolist() == ["01", "01", "01"]
    assert frame["county"].tolist() == ["001", "001", "003"]
    assert frame["year"].dtype == "int64"
    assert frame["share_employed"].dtype == "float64"
    assert frame["share_employed_quality"].tolist() == ["Strong", "Weak", None]
    assert result.notes == []


def test_urban_numbered_file_names_are_recognised(tmp_path):
    write(tmp_path / "11_mobility-metrics_county_longitudinal.csv")
    assert set(discover(tmp_path)) == {"county_longitudinal"}


@pytest.mark.parametrize(
    ("rows", "column", "fragment"),
    [
        (replace(GOOD_ROWS, 0, "state", "A1"), "state", "not numeric codes"),
        (replace(GOOD_ROWS, 0, "county", "0001"), "county", "longer than 3 digits"),
        (replace(GOOD_ROWS, 1, "share_employed", "72%"), "share_employed", "not numbers"),
        (
            replace(GOOD_ROWS, 0, "share_employed_quality", "Good"),
            "share_employed_quality",
            "not Strong, Marginal or Weak",
        ),
        (replace(GOOD_ROWS, 2, "year", "2023.5"), "year", "fractions"),
        (GOOD_ROWS + [GOOD_ROWS[0]], "year, state, county", "share their key"),
    ],
)
def test_bad_values_name_file_column_and_fix(tmp_path, rows, column, fragment):
    path = write(tmp_path / "county_longitudinal.csv", rows=rows)
    with pytest.raises(DataFileError) as info:
        read_table(path)
    error = info.value
    assert error.file == "county_longitudinal.csv"
    assert error.column == column
    assert fragment in error.problem
    assert "Fix:" in str(error) and error.fix


def test_missing_required_column(tmp_path):
    header = [c for c in HEADER if c != "county_name"]
    rows = [[v for c, v in zip(HEADER, r, strict=True) if c != "county_name"] for r in GOOD_ROWS]
    with pytest.raises(DataFileError, match="required column is missing") as info:
        read_table(write(tmp_path / "county_longitudinal.csv", header, rows))
    assert info.value.column == "county_name"


def test_file_without_any_metric(tmp_path):
    header = HEADER[:6]
    with pytest.raises(DataFileError, match="none of the Mobility Metrics columns"):
        read_table(write(tmp_path / "county_longitudinal.csv", header, [r[:6] for r in GOOD_ROWS]))


def test_not_utf8_and_malformed_csv(tmp_path):
    path = tmp_path / "county_longitudinal.csv"
    write(path)
    path.write_bytes(path.read_bytes().replace(b"Oak", b"\xd1o\xf1a"))
    with pytest.raises(DataFileError, match="UTF-8"):
        read_table(path)
    path.write_text(",".join(HEADER) + "\n2022,01,001,Alpha\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="cannot be read as CSV"):
        read_table(path)


def test_spreadsheet_damage_is_repaired_and_reported(tmp_path):
    rows = replace(replace(GOOD_ROWS, 0, "state", "1"), 0, "county", "1")
    rows = replace(rows, 1, "share_employed_quality", "3")
    result = read_table(write(tmp_path / "county_longitudinal.csv", rows=rows))
    assert result.frame.loc[0, ["state", "county"]].tolist() == ["01", "001"]
    assert result.frame["share_employed_quality"].tolist()[1] == "Weak"
    assert any("leading zeros" in n for n in result.notes)
    assert any("scores 1/2/3" in n for n in result.notes)


def test_unknown_file_name_and_empty_folder(tmp_path):
    with pytest.raises(DataFileError, match="not one of the Mobility Metrics file names"):
        read_table(write(tmp_path / "metrics.csv"))
    with pytest.raises(DataSourceError, match="no county or city longitudinal file"):
        discover(tmp_path)
    with pytest.raises(DataSourceError, match="does not exist"):
        discover(tmp_path / "nowhere")


def test_import_derives_recent_and_keeps_old_copy_on_failure(tmp_path):
    source = tmp_path / "download"
    source.mkdir()
    write(source / "county_longitudinal.csv")
    dest = tmp_path / "imported"
    report = import_folder(source, dest, release="test release")
    manifest = read_manifest(dest)
    assert manifest["tables"]["county_recent"]["derived"] is True
    assert manifest["release"] == "test release" and manifest["synthetic"] is False
    recent = pd.read_parquet(dest / "county_recent.parquet")
    oak = recent.set_index("county").loc["001"]
    assert oak["share_employed"] == 0.72 and oak["share_employed_year"] == 2023
    # Crime's latest year is 2023, where Oak County has no value: no fallback to 2022.
    assert pd.isna(oak["rate_crime_violent"]) and pd.isna(oak["rate_crime_violent_year"])
    elm = recent.set_index("county").loc["003"]
    assert elm["rate_crime_violent"] == 100 and elm["rate_crime_violent_year"] == 2023
    assert "derived it from county_longitudinal" in report.describe()

    write(source / "county_longitudinal.csv", rows=replace(GOOD_ROWS, 0, "state", "XX"))
    with pytest.raises(DataFileError):
        import_folder(source, dest)
    assert read_manifest(dest)["release"] == "test release"  # the earlier import survives
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".imported-")]


def test_real_files_import_with_exact_values(real, real_dir):
    manifest = real.manifest
    assert manifest["geographies"] == {"county": 3144, "place": 486}
    assert manifest["tables"]["county_longitudinal"]["rows"] == 31426
    assert manifest["years"] == [2014, 2023]
    assert len(manifest["metrics"]) == 47
    frame = real.table("county_longitudinal").set_index(["year", "state", "county"])
    with open(real_dir / "county_longitudinal.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    for row in rows[::997]:
        stored = frame.loc[(int(row["year"]), row["state"], row["county"])]
        for column in ("pctl_income_20", "share_employed", "rate_injury_death_lb", "population"):
            if row[column] == "NA":
                assert pd.isna(stored[column])
            else:
                assert stored[column] == float(row[column]), (row["county"], column)
                checked += 1
        assert stored["county_name"] == row["county_name"]
    assert checked > 50


def test_derived_recent_matches_the_published_rule(real, real_dir):
    """Deriving county_recent from the longitudinal file gives the real recent file."""
    catalog = load_catalog()
    derived = derive_recent(real.table("county_longitudinal"), TABLES["county_recent"], catalog)
    published = real.table("county_recent")
    key = ["state", "county"]
    derived = derived.set_index(key).sort_index()
    published = published.set_index(key).sort_index()
    assert derived.index.equals(published.index)
    for column in published.columns:
        left, right = derived[column], published[column]
        both_missing = left.isna() & right.isna()
        assert ((left == right) | both_missing).all(), column


def test_sample_manifest_is_marked_synthetic(sample):
    assert sample.synthetic is True
    assert sample.manifest["default_jurisdiction"]
    assert json.loads((sample.source.path / "SAMPLE.json").read_text())["synthetic"] is True
