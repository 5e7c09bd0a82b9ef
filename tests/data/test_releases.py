"""Releases of the Mobility Metrics: kept side by side, never overwritten, and compared."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from workbook.analysis import releases
from workbook.cli import main
from workbook.data.dataset import open_release
from workbook.data.sources import (
    ENV_DATA_DIR,
    SAMPLE_DIR,
    import_release,
    imported_dir,
    list_releases,
    release_dir,
)
from workbook.errors import DataSourceError, ParameterError

COUNTY = "98031"
RENAMED = ("share_homeless", "share_homeless_people")
REVISED = (  # (county, year, column, factor) changed beyond rounding
    ("98031", 2018, "share_employed", 1.10),
    ("98031", 2021, "pctl_income_50", 0.90),
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    return tmp_path / "home"


def copy_sample(folder):
    folder.mkdir(parents=True)
    for path in SAMPLE_DIR.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    return folder


def read(folder, name="county_longitudinal.csv"):
    return pd.read_csv(folder / name, dtype={"state": str, "county": str, "place": str})


def key(frame):
    return frame["state"] + frame["county"]


def second_release(tmp_path, revise=True, add_year=True, rename=True, drop_year=None):
    """The sample with values changed, a year added and a column renamed (what it did)."""
    folder = copy_sample(tmp_path / "release-2")
    frame = read(folder)
    made = {"revised": [], "year": None, "renamed": None, "missing": drop_year}
    if revise:
        for geo, year, column, factor in REVISED:
            row = (key(frame) == geo) & (frame["year"] == year)
            assert frame.loc[row, column].notna().all()
            made["revised"].append((geo, year, column, float(frame.loc[row, column].iloc[0])))
            frame.loc[row, column] *= factor
        # a value rounded to fewer decimals is not a revision
        row = (key(frame) == COUNTY) & (frame["year"] == 2019)
        frame.loc[row, "share_employed"] = frame.loc[row, "share_employed"].round(4)
    if add_year:
        last = frame[frame["year"] == frame["year"].max()].copy()
        made["year"] = int(last["year"].iloc[0]) + 1
        last["year"] = made["year"]
        frame = pd.concat([frame, last], ignore_index=True)
    if rename:
        frame = frame.rename(columns=dict([RENAMED]))
        made["renamed"] = RENAMED
    if drop_year is not None:
        frame = frame[frame["year"] != drop_year]
    frame.to_csv(folder / "county_longitudinal.csv", index=False)
    return folder, made


def compare(old_folder, new_folder, tmp_path):
    from workbook.data.importer import import_folder

    old = import_folder(old_folder, tmp_path / "a")
    new = import_folder(new_folder, tmp_path / "b")
    tables = {}
    for report in (old, new):
        tables[report.folder] = {
            name: pd.read_parquet(report.folder / f"{name}.parquet")
            for name in releases.COMPARED_TABLES
            if name in report.manifest["tables"]
        }
    return releases.compare_releases(tables[old.folder], tables[new.folder])


def test_report_finds_every_change_the_fixture_made_and_nothing_else(tmp_path):
    first = copy_sample(tmp_path / "release-1")
    second, made = second_release(tmp_path)
    changes = compare(first, second, tmp_path)
    assert set(changes["change"]) == {"year_added", "metric_renamed", "value_revised"}
    assert set(changes["table"]) == {"county_longitudinal"}
    assert changes.loc[changes["change"] == "year_added", "year"].tolist() == [made["year"]]
    renamed = changes[changes["change"] == "metric_renamed"]
    assert list(zip(renamed["old"], renamed["new"], strict=True)) == [RENAMED]
    revised = changes[changes["change"] == "value_revised"]
    found = {(r.geography, int(r.year), r.variable) for r in revised.itertuples()}
    assert found == {(geo, year, column) for geo, year, column, _ in made["revised"]}
    for _geo, year, column, before in made["revised"]:
        row = revised[(revised["variable"] == column) & (revised["year"] == year)].iloc[0]
        assert row["old"] == pytest.approx(before)
        assert row["new"] != pytest.approx(before, rel=1e-3)
    text = " ".join(releases.summary(changes, "release 1", "release 2"))
    assert f"New years: {made['year']}" in text
    assert "share_homeless -> share_homeless_people" in text
    assert "Past values revised: 2 values in 1 places, 2 metrics" in text


def test_same_files_make_an_empty_report(tmp_path):
    first = copy_sample(tmp_path / "one")
    again = copy_sample(tmp_path / "two")
    changes = compare(first, again, tmp_path)
    assert changes.empty
    assert releases.summary(changes) == [
        "Nothing changed between the old release and the new release."
    ]


def test_a_revised_baseline_is_flagged_on_the_measure(tmp_path):
    first = copy_sample(tmp_path / "release-1")
    second, made = second_release(tmp_path, add_year=False, rename=False)
    changes = compare(first, second, tmp_path)
    measures = [
        {"id": "m1", "name": "Employment", "metric": "share_employed",
         "baseline": {"value": 0.7, "year": 2018}},
        {"id": "m2", "name": "Employment later", "metric": "share_employed",
         "baseline": {"value": 0.7, "year": 2021}},
        {"id": "m3", "name": "Local", "metric": None, "baseline": {"value": 3, "year": 2018}},
    ]  # fmt: skip
    touched = releases.baselines_touched(changes, measures, COUNTY)
    assert touched["measure_id"].tolist() == ["m1"]
    assert touched.iloc[0]["old"] == pytest.approx(made["revised"][0][3])
    assert releases.baselines_touched(changes, measures, "98001").empty


def test_a_rename_map_names_a_renamed_column_whose_values_also_changed(tmp_path):
    first = copy_sample(tmp_path / "release-1")
    second, _ = second_release(tmp_path, add_year=False)
    frame = read(second)
    frame[RENAMED[1]] = frame[RENAMED[1]] * 1.5
    frame.to_csv(second / "county_longitudinal.csv", index=False)
    plain = compare(first, second, tmp_path)
    assert {"metric_removed", "metric_added"} <= set(plain["change"])
    old = {n: pd.read_parquet(tmp_path / "a" / f"{n}.parquet") for n in ["county_longitudinal"]}
    new = {n: pd.read_parquet(tmp_path / "b" / f"{n}.parquet") for n in ["county_longitudinal"]}
    mapped = releases.compare_releases(old, new, renames=dict([RENAMED]))
    assert "metric_removed" not in set(mapped["change"])
    assert (mapped["change"] == "metric_renamed").sum() == 1
    revised = mapped[mapped["variable"] == RENAMED[1]]
    assert len(revised) > 100  # the whole column's values, reported under the new name


# --- bad input ------------------------------------------------------------------------------


def test_the_same_release_imported_twice_is_refused_and_the_first_is_kept(tmp_path, home):
    folder = copy_sample(tmp_path / "download")
    import_release(folder, "2025")
    stamp = (release_dir("2025") / "manifest.json").read_text()
    with pytest.raises(DataSourceError, match="release '2025' was imported already") as info:
        import_release(folder, "2025")
    assert "never overwritten" in str(info.value) and "--release 2025-rev1" in str(info.value)
    assert (release_dir("2025") / "manifest.json").read_text() == stamp
    with pytest.raises(ParameterError, match="release"):
        release_dir("../elsewhere")


def test_releases_are_kept_side_by_side_and_listed(tmp_path, home, capsys):
    first = copy_sample(tmp_path / "release-1")
    second, made = second_release(tmp_path)
    assert main(["data", "import", str(first), "--release", "2025"]) == 0
    assert main(["data", "import", str(second), "--release", "2026"]) == 0
    out = capsys.readouterr().out
    assert "What changed from release 2025 to release 2026:" in out
    assert f"New years: {made['year']}" in out and "share_homeless -> share_homeless_people" in out
    assert [m["release"] for m in list_releases()] == ["2025", "2026"]
    assert open_release("2025").manifest["years"][-1] == made["year"] - 1
    assert open_release("2026").manifest["years"][-1] == made["year"]
    # the newest release is also the data in use
    assert (imported_dir() / "manifest.json").exists()
    assert main(["data", "describe"]) == 0
    described = capsys.readouterr().out
    assert "Releases kept side by side (2):" in described
    assert "  2025: years" in described and "  2026: years" in described
    with pytest.raises(DataSourceError, match="no release '2024' is kept"):
        open_release("2024")


def test_a_release_with_a_renamed_column_imports_and_the_rename_is_reported(tmp_path, home):
    first = copy_sample(tmp_path / "release-1")
    second, _ = second_release(tmp_path, revise=False, add_year=False)
    import_release(first, "2025")
    report = import_release(second, "2026")
    assert any("not in the catalog" in note for note in report.manifest["notes"])
    changes = releases.compare_releases(
        releases.tables_of(open_release("2025")), releases.tables_of(open_release("2026"))
    )
    assert changes["change"].tolist() == ["metric_renamed"]


def test_a_release_missing_a_year_the_previous_one_had(tmp_path, home):
    first = copy_sample(tmp_path / "release-1")
    second, _ = second_release(tmp_path, revise=False, add_year=False, rename=False,
                               drop_year=2016)  # fmt: skip
    import_release(first, "2025")
    import_release(second, "2026")
    changes = releases.compare_releases(
        releases.tables_of(open_release("2025")), releases.tables_of(open_release("2026"))
    )
    assert changes["change"].tolist() == ["year_missing"]
    assert changes["year"].tolist() == [2016]
    assert "Years no longer in the release: 2016." in releases.summary(changes)


def test_places_and_quality_flags_that_changed(tmp_path):
    first = copy_sample(tmp_path / "release-1")
    second = copy_sample(tmp_path / "release-2")
    frame = read(second)
    gone = key(frame).iloc[-1]
    frame = frame[key(frame) != gone]
    flag = frame["share_employed_quality"].notna().idxmax()
    frame.loc[flag, "share_employed_quality"] = (
        "Weak" if frame.loc[flag, "share_employed_quality"] != "Weak" else "Strong"
    )
    frame.to_csv(second / "county_longitudinal.csv", index=False)
    changes = compare(first, second, tmp_path)
    assert changes["change"].tolist() == ["place_removed", "quality_changed"]
    assert changes.iloc[0]["geography"] == gone
    assert changes.iloc[1]["variable"] == "share_employed_quality"


def test_a_groups_baseline_is_flagged_only_by_that_groups_values():
    changes = pd.DataFrame({
        "change": ["value_revised", "value_revised"],
        "table": ["county_race_ethnicity", "county_longitudinal"],
        "geography": [COUNTY, COUNTY], "year": [2018, 2019],
        "subgroup": ["Black", None], "variable": ["share_employed"] * 2,
        "old": [0.6, 0.7], "new": [0.5, 0.8],
    })  # fmt: skip
    base = {"value": 0.6, "year": 2018}
    measures = [
        {"id": "all", "metric": "share_employed", "subgroup": None, "baseline": base},
        {"id": "black", "metric": "share_employed", "subgroup": "Black", "baseline": base},
        {"id": "gap", "metric": "share_employed", "subgroup": "gap:White|Black",
         "baseline": base},
        {"id": "white", "metric": "share_employed", "subgroup": "White", "baseline": base},
        {"id": "later", "metric": "share_employed", "baseline": {"value": 0.7, "year": 2019}},
    ]  # fmt: skip
    touched = releases.baselines_touched(changes, measures, COUNTY)
    assert touched["measure_id"].tolist() == ["black", "gap", "later"]


def test_data_changes_writes_every_change_to_a_csv_and_takes_a_rename_map(tmp_path, home, capsys):
    first = copy_sample(tmp_path / "release-1")
    second, _ = second_release(tmp_path, add_year=False, revise=False)
    frame = read(second)
    frame[RENAMED[1]] = frame[RENAMED[1]] + 0.01  # renamed and revised: not found by values
    frame.to_csv(second / "county_longitudinal.csv", index=False)
    import_release(first, "2025")
    import_release(second, "2026")
    table = tmp_path / "changes.csv"
    assert main(["data", "changes", "2025", "2026", "--csv", str(table)]) == 0
    out = capsys.readouterr().out
    assert "Metrics removed: share_homeless." in out and "Metrics added" in out
    mapped = ["--renamed", "=".join(RENAMED), "--csv", str(table)]
    assert main(["data", "changes", "2025", "2026", *mapped]) == 0
    out = capsys.readouterr().out
    assert "Metrics renamed: share_homeless -> share_homeless_people." in out
    written = pd.read_csv(table)
    assert list(written.columns) == list(releases.COLUMNS)
    assert set(written["change"]) == {"metric_renamed", "value_revised"}
    assert main(["data", "changes", "2025", "2026", "--renamed", "nonsense"]) == 2
    assert "OLD=NEW" in capsys.readouterr().err
