"""Step 2 for many jurisdictions: outputs with shared assets, resuming, failures that stay
local, parameters checked before any work, and a report that draws offline."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.run.helpers import REAL_KEYS, SAMPLE_KEYS, csv_text, page_links
from workbook.analysis.compare import compare
from workbook.cli import main_batch
from workbook.data.sources import SAMPLE_DIR
from workbook.errors import ParameterError
from workbook.run import report
from workbook.run.batch import run_batch
from workbook.run.markers import DONE_MARKER
from workbook.run.summary import FAILURES_FILE, SUMMARY_FILE
from workbook.run.targets import expand_targets


@pytest.fixture(scope="module")
def sample_batch(sample, tmp_path_factory):
    """A state's counties and cities and a few more, rendered in two local worker processes."""
    out = tmp_path_factory.mktemp("batch") / "out"
    summary = run_batch(["state:97:all", *SAMPLE_KEYS], SAMPLE_DIR, out, workers=2)
    return out, summary


# The batch's outputs ----------------------------------------------------------------------


def test_outputs_per_jurisdiction_with_assets_once(sample, sample_batch):
    out, summary = sample_batch
    assert [r.key for r in summary.records] == [
        p.key for p in expand_targets(sample, ["state:97:all", *SAMPLE_KEYS])
    ]
    assert summary.ok and summary.done == len(summary.records) and summary.where.startswith("local")
    bundles = [p for p in out.rglob("*") if p.name == report.VEGA_FILE]
    assert bundles == [out / "assets" / report.VEGA_FILE]
    bundle_size = bundles[0].stat().st_size
    for key in SAMPLE_KEYS:
        folder = out / key
        assert {p.name for p in folder.iterdir()} == {"comparison.csv", "report.html", DONE_MARKER}
        place = sample.find(key)
        assert (folder / "comparison.csv").read_text() == csv_text(compare(sample, place))
        page = folder / "report.html"
        assert page.stat().st_size < bundle_size / 5  # no Vega inside
        links = page_links(page)
        scripts = [u for u in links.urls if u.endswith(".js")]
        assert scripts == [
            "../assets/vega-bundle.js",
            f"../assets/distribution-{place.kind}.js",
            "../assets/report.js",
        ]
        assert not [u for u in links.urls if "://" in u or u.startswith("//")]
        for url in links.urls:
            if not url.startswith("#"):
                assert (folder / url).resolve().exists(), url
        assert set(links.inline_scripts) == {"application/json"}  # specs only, no code
        text = page.read_text()
        assert "Synthetic sample" in text and place.label in text
    summary_rows = pd.read_csv(out / SUMMARY_FILE, dtype=str)
    assert set(summary_rows["status"]) == {"done"} and len(summary_rows) == len(summary.records)
    assert (out / "data_dictionary.csv").exists() and (out / "index.html").exists()


def test_real_counties_in_this_process(real, tmp_path):
    summary = run_batch(REAL_KEYS[:3], real.folder, tmp_path, workers=1, progress=False)
    assert summary.ok and summary.where == "this process"
    for key in REAL_KEYS[:3]:
        written = (tmp_path / key / "comparison.csv").read_text()
        assert written == csv_text(compare(real, real.find(key)))
        assert "Synthetic sample" not in (tmp_path / key / "report.html").read_text()


def test_resume_skips_finished_ones(tmp_path, sample):
    keys = SAMPLE_KEYS[:3]
    first = run_batch(keys, SAMPLE_DIR, tmp_path, workers=1, progress=False)
    assert first.done == 3
    stamps = {k: (tmp_path / k / "report.html").stat().st_mtime_ns for k in keys}
    bundle = (tmp_path / "assets" / report.VEGA_FILE).stat().st_mtime_ns
    again = run_batch(keys, SAMPLE_DIR, tmp_path, workers=1, progress=False)
    assert (again.done, again.skipped) == (0, 3)
    assert {k: (tmp_path / k / "report.html").stat().st_mtime_ns for k in keys} == stamps
    assert (tmp_path / "assets" / report.VEGA_FILE).stat().st_mtime_ns == bundle
    # An unfinished one (no marker, or one from other data) is made again; the rest skipped.
    (tmp_path / keys[0] / DONE_MARKER).unlink()
    marker = tmp_path / keys[1] / DONE_MARKER
    marker.write_text(json.dumps(dict(json.loads(marker.read_text()), dataset="other")))
    third = run_batch(keys, SAMPLE_DIR, tmp_path, workers=1, progress=False)
    assert [r.status for r in third.records] == ["done", "done", "skipped"]
    redo = run_batch(keys, SAMPLE_DIR, tmp_path, workers=1, resume=False, progress=False)
    assert redo.done == 3


def test_a_failure_is_reported_and_the_others_complete(tmp_path, monkeypatch):
    original = report.Reporter.write

    def write(self, place, folder):
        if place.key == "98001":
            raise RuntimeError("disk full (simulated)")
        return original(self, place, folder)

    monkeypatch.setattr(report.Reporter, "write", write)
    summary = run_batch(SAMPLE_KEYS, SAMPLE_DIR, tmp_path, workers=1, progress=False)
    assert [r.key for r in summary.failed] == ["98001"] and summary.done == 3
    assert "RuntimeError: disk full (simulated)" in summary.failed[0].error
    assert not (tmp_path / "98001" / DONE_MARKER).exists()
    failures = pd.read_csv(tmp_path / FAILURES_FILE, dtype=str)
    assert list(failures["key"]) == ["98001"] and "simulated" in failures["error"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"data_dir": "/no/such/folder"}, "data_dir"),
        ({"targets": ["Nowhere County, XX"]}, "unknown jurisdiction"),
        ({"output_dir": "FILE/out"}, "output_dir"),
        ({"workers": -1}, "workers"),
        ({"mode": "slow"}, "mode"),
        ({"scheduler": "localhost"}, "scheduler"),
    ],
)
def test_bad_parameters_exit_2_before_any_work(tmp_path, capsys, change, message):
    blocker = tmp_path / "FILE"
    blocker.write_text("not a folder")
    values = {
        "targets": ["98031"], "data_dir": str(SAMPLE_DIR), "output_dir": str(tmp_path / "out"),
        "workers": None, "no_resume": False, "mode": "fast", "scheduler": "",
    }  # fmt: skip
    values.update(change)
    if values["output_dir"].startswith("FILE"):
        values["output_dir"] = str(tmp_path / values["output_dir"])
    assert main_batch(argparse.Namespace(**values)) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_parameter_errors_name_the_fix(sample):
    with pytest.raises(ParameterError, match="tcp://"):
        run_batch(["98031"], SAMPLE_DIR, scheduler="127.0.0.1:8786")


# Elsewhere: a browser ----------------------------------------


def test_a_report_draws_offline_in_chromium(sample_batch):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(chromium).exists(), "Chromium is needed: apt-get install chromium"
    out, _ = sample_batch
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        page = browser.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((out / "98031" / "report.html").as_uri())
        page.wait_for_function("document.querySelectorAll('svg.marks').length >= 3")
        errors = page.locator(".wb-chart-error").count()
        browser.close()
    assert failed == [] and errors == 0
