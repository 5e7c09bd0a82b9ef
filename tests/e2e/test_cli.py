"""The `workbook data` commands an analyst uses to bring in the real files."""

import subprocess
import sys

from tests.data.test_importer import GOOD_ROWS, replace, write


def workbook(*args, env_home=None):
    import os

    env = dict(os.environ)
    if env_home:
        env["WORKBOOK_HOME"] = str(env_home)
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_import_reports_and_becomes_the_default(tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    write(download / "11_mobility-metrics_county_longitudinal.csv")
    result = workbook("data", "import", str(download), "--release", "2025", env_home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "county_longitudinal: 3 rows, 2 geographies, years 2022-2023" in result.stdout
    assert "(2025)" in result.stdout and "derived" in result.stdout
    described = workbook("data", "describe", env_home=tmp_path)
    assert "imported earlier" in described.stdout and "(2025)" in described.stdout


def test_import_of_a_bad_folder_fails_cleanly(tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    write(download / "county_longitudinal.csv", rows=replace(GOOD_ROWS, 0, "county", "01A"))
    result = workbook("data", "import", str(download), env_home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "county_longitudinal.csv, column 'county'" in result.stderr
    described = workbook("data", "describe", env_home=tmp_path)
    assert "bundled synthetic sample" in described.stdout  # nothing half-imported is used


def test_describe_real_data(real_dir, tmp_path):
    result = workbook("data", "describe", "--data-dir", str(real_dir), env_home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "county: 3,144 in the latest year" in result.stdout
    assert "place: 486 in the latest year" in result.stdout
    assert "metrics present: 47" in result.stdout
