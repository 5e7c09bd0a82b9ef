"""Step 2 executed end to end, and the disparity rules."""

from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest

from tests.display.test_export import external_references
from workbook.analysis.compare import CSV_COLUMNS
from workbook.analysis.disparities import gap_trends, gaps


def run_step2(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "2", "--output-dir", str(tmp_path),
         *args], capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_step2_on_the_sample(tmp_path):
    result = run_step2(tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "comparison.csv")
    assert list(rows[0])[: len(CSV_COLUMNS)] == CSV_COLUMNS
    assert {r["jurisdiction"] for r in rows} == {"98031"}
    assert all(r["synthetic"] == "True" for r in rows)
    page = (tmp_path / "02_use_the_metrics.html").read_text(encoding="utf-8")
    assert external_references(page) == [] and "Synthetic sample" in page
    assert (tmp_path / "data_dictionary.csv").exists()


@pytest.mark.parametrize(
    ("query", "key", "kind"),
    [("Cook County, IL", "17031", "county"), ("4260000", "4260000", "place"),
     ("09110", "09110", "county")],
)  # fmt: skip
def test_step2_on_real_jurisdictions(tmp_path, real_dir, query, key, kind):
    result = run_step2(tmp_path, "--jurisdiction", query, "--data-dir", str(real_dir))
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "comparison.csv")
    with open(real_dir / f"{kind}_recent.csv", newline="", encoding="utf-8") as handle:
        source = next(r for r in csv.DictReader(handle) if r["state"] + r[kind] == key)
    checked = 0
    for row in rows:
        assert row["jurisdiction"] == key and len(row["peers"].split(";")) == 8
        text = source.get(row["variable"], "NA")
        if text in ("NA", "") or ":" in text:
            continue
        assert float(row["value"]) == float(text), row["variable"]  # unrounded, Urban's
        assert row["year"] == source[f"{row['variable']}_year"].split(".")[0]
        checked += 1
    assert checked >= 25
    judged = [r for r in rows if r["vs_nation"]]
    assert all(r["direction"] in ("higher", "lower") and r["quality"] != "Weak" for r in judged)


def test_step2_bad_parameters_stop_with_a_message(tmp_path, real_dir):
    data = ["--data-dir", str(real_dir)]
    cases = [
        (["--jurisdiction", "Washington County", *data], "matches 30 jurisdictions"),
        (["--jurisdiction", "Springfeld County, Ohio", *data], "no county or city"),
        (["--jurisdiction", "06O37", *data], "parameter 'jurisdiction'"),
        (["--jurisdiction", "06037", "--peers", "06999", *data], "parameter 'peers'"),
        (["--jurisdiction", "06037", "--peers", "0644000", *data], "is a city key"),
    ]
    for args, fragment in cases:
        result = run_step2(tmp_path, *args)
        assert result.returncode == 2, args
        assert fragment in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.ipynb"))


def test_gaps_leave_out_weak_values_and_follow_direction():
    values = pd.DataFrame(
        [
            ("share_employed", "Employed", "higher", 2019, "All", 0.70, "Strong"),
            ("share_employed", "Employed", "higher", 2019, "Black", 0.60, "Strong"),
            ("share_employed", "Employed", "higher", 2019, "White", 0.80, "Strong"),
            ("share_employed", "Employed", "higher", 2019, "Hispanic", 0.20, "Weak"),
            ("share_employed", "Employed", "higher", 2023, "All", 0.72, "Strong"),
            ("share_employed", "Employed", "higher", 2023, "Black", 0.68, "Strong"),
            ("share_employed", "Employed", "higher", 2023, "White", 0.78, "Marginal"),
        ],
        columns=["variable", "name", "direction", "year", "subgroup", "value", "quality"],
    )
    table = gaps(values)
    first = table[table["year"] == 2019].iloc[0]
    assert first["gap"] == pytest.approx(0.20)  # the Weak 0.20 does not set the gap
    assert first["worst_group"] == "Black" and first["high_group"] == "White"
    trend = gap_trends(table).iloc[0]
    assert trend["movement"] == "narrowed" and trend["latest_gap"] == pytest.approx(0.10)


def test_a_place_with_no_two_groups_has_empty_gap_tables(real):
    """Loving County, Texas: race rows, but never two groups with a value in one year."""
    from workbook.analysis.disparities import group_values

    values = group_values(real, real.find("48301"))
    table = gaps(values)
    assert table.empty and "variable" in table.columns
    assert gap_trends(table).empty


def test_step2_runs_for_a_county_without_group_gaps(tmp_path, real_dir):
    result = run_step2(tmp_path, "--jurisdiction", "48301", "--data-dir", str(real_dir))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "02_use_the_metrics.html").read_text(encoding="utf-8")
    assert "Loving County" in page
