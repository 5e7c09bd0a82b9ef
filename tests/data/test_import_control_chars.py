"""A crafted data file cannot drive the terminal: whatever the import prints or raises
quotes file content with control characters escaped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.data.test_importer import GOOD_ROWS, HEADER, replace, write

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "\x1b]2;pwned\x07\x1b[2J"  # retitle the terminal, then clear the screen


def import_folder_command(folder: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbook", "data", "import", str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "WORKBOOK_HOME": str(home)},
        timeout=300,
    )


def scores(rows: list[list[str]]) -> list[list[str]]:
    """Quality flags written as 1/2/3, which the import reads and reports in a note."""
    column = HEADER.index("share_employed_quality")
    return [[*r[:column], str(n % 3 + 1), *r[column + 1 :]] for n, r in enumerate(rows)]


def test_the_import_report_escapes_a_crafted_file_name(tmp_path):
    folder = tmp_path / "download"
    folder.mkdir()
    write(folder / f"{HOSTILE}_county_longitudinal.csv", rows=scores(GOOD_ROWS))
    result = import_folder_command(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "read as Strong/Marginal/Weak" in result.stdout  # the note naming the file
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "\\x1b]2;pwned\\x07" in result.stdout


def test_an_import_error_escapes_crafted_values(tmp_path):
    folder = tmp_path / "download"
    folder.mkdir()
    write(folder / "county_longitudinal.csv", rows=replace(GOOD_ROWS, 0, "county", HOSTILE))
    result = import_folder_command(folder, tmp_path)
    assert result.returncode == 2 and "column 'county'" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stderr
