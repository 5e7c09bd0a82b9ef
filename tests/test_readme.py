"""The README says what the software does: its columns, commands and counts are current."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT
from workbook.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_comparison_column_is_documented(real, tmp_path):
    """comparison.csv's columns, as Step 2 writes them, each named in the README."""
    from workbook.analysis.compare import compare

    path = tmp_path / "comparison.csv"
    compare(real, real.find("06037")).write_csv(path)
    columns = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    section = README[README.index("writes `comparison.csv`") :][:3000]
    missing = [c for c in columns if f"`{c}`" not in section]
    assert missing == [], f"README does not describe these comparison.csv columns: {missing}"


def test_every_command_is_documented():
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if f"workbook {name}" not in README]
    assert missing == []


def test_county_counts_match_the_data(real):
    latest = len(real.table("county_recent"))
    every_key = int((real.index["kind"] == "county").sum())
    assert f"{latest:,} counties" in README and f"{every_key:,} county keys" in README
    assert "3,143 counties" not in README.replace("3,143 (2020-21)", "")


def test_the_readme_example_output_folders_are_ignored_by_git():
    for path in re.findall(r"--output-dir (\S+)", README):
        ignored = subprocess.run(["git", "check-ignore", "-q", f"{path}/x.html"], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} is not ignored by git"
