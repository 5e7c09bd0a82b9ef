"""Step 2 for many jurisdictions: the same numbers as compare(), shared assets, resuming,
failures that stay local, target lists, local processes, a Dask cluster and papermill."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from workbook.analysis.compare import compare, suggest_peers
from workbook.data.catalog import load_framework
from workbook.data.sources import SAMPLE_DIR
from workbook.display import comparison_charts
from workbook.errors import ParameterError
from workbook.run import report
from workbook.run.batch import (
    DONE_MARKER,
    FAILURES_FILE,
    SUMMARY_FILE,
    TargetsError,
    expand_targets,
    main_batch,
    run_batch,
)

SAMPLE_KEYS = ["98031", "98001", "97001", "9808800"]  # counties of both states and a city
# Large and small, DC, Alaska, a Connecticut planning region, an old Connecticut county
# (no recent row), Loving County (no racial gaps), cities.
REAL_KEYS = ["06037", "48301", "11001", "02013", "09110", "09001", "4260000", "0644000"]


def csv_text(comparison) -> str:
    buffer = io.StringIO()
    comparison.write_csv(buffer)
    return buffer.getvalue()


class Links(HTMLParser):
    """Every src/href of a page, and the inline scripts' types."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("src", "href") if a in attrs]
        if tag == "script" and "src" not in attrs:
            self.inline_scripts.append(attrs.get("type", ""))


def page_links(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_specs(path: Path) -> list[tuple[str, dict]]:
    text = path.read_text(encoding="utf-8")
    found = re.findall(r'data-shared="([^"]*)">(.*?)</script>', text)
    return [(shared, json.loads(spec)) for shared, spec in found]


@pytest.fixture(scope="module")
def sample_batch(sample, tmp_path_factory):
    """A state's counties and cities and a few more, rendered in two local worker processes."""
    out = tmp_path_factory.mktemp("batch") / "out"
    summary = run_batch(["state:97:all", *SAMPLE_KEYS], SAMPLE_DIR, out, workers=2)
    return out, summary


# Shared precomputation gives the same answers ---------------------------------------------


@pytest.mark.parametrize("which", ["sample", "real"])
def test_peer_index_and_comparison_index_equal_compare(which, request):
    data = request.getfixturevalue(which)
    keys = SAMPLE_KEYS if which == "sample" else REAL_KEYS
    reporter = report.Reporter(data)
    for key in keys:
        place = data.find(key)
        peers = suggest_peers(data, place)
        assert reporter.suggest_peers(place) == peers, key
        fast, slow = reporter.compare(place, peers), compare(data, place, peers)
        pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=True)
        assert csv_text(fast) == csv_text(slow)


def test_chart_specs_are_valid_and_the_split_grid_is_the_notebooks(sample, real):
    schema = alt.vegalite.v5.schema.core.load_schema()
    from altair.utils.schemapi import validate_jsonschema

    for data, key in ((sample, "98031"), (real, "06037"), (real, "4260000")):
        reporter = report.Reporter(data)
        place = data.find(key)
        comparison = reporter.compare(place)
        values = report.group_values(reporter.place_data(place), place)
        specs = reporter.specs(comparison, reporter.place_data(place), values)
        assert [s[0] for s in specs] == ["overview", "distributions", "disparities"]
        # The overview and disparities specs are the builders' own: validate them once.
        comparison_charts.overview(comparison, load_framework()).to_dict(validate=True)
        comparison_charts.disparities(data, values, place.label).to_dict(validate=True)
        # The grid: the template plus the page's marks equals the notebook's grid.
        _, grid, shared = specs[1]
        name, asset = shared.split("=")
        notebook = comparison_charts.distribution_grid(data, comparison).to_dict()
        rows = [report._without_nulls(r) for r in notebook.pop("datasets").popitem()[1]]
        shared_rows = reporter.grid(place.kind).shared_rows
        assert asset == f"distribution-{place.kind}"
        assert [r for r in rows if r["layer"] == "all"] == shared_rows
        assert [r for r in rows if r["layer"] == "mark"] == grid["datasets"][name]
        merged = dict(grid, datasets={name: shared_rows + grid["datasets"][name]})
        validate_jsonschema(merged, schema)
        assert {k: v for k, v in grid.items() if k not in ("data", "datasets")} == {
            k: v for k, v in notebook.items() if k != "data"
        }


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


def test_a_failure_in_a_worker_process_is_reported(tmp_path):
    (tmp_path / "98003").write_text("a file where the folder should be")
    args = argparse.Namespace(
        targets=["state:98"], data_dir=str(SAMPLE_DIR), output_dir=str(tmp_path), workers=2,
        no_resume=False, mode="fast", scheduler="",
    )  # fmt: skip
    assert main_batch(args) == 1
    summary = pd.read_csv(tmp_path / SUMMARY_FILE, dtype=str, keep_default_na=False)
    failed = summary[summary["status"] == "failed"]
    assert list(failed["key"]) == ["98003"] and "FileExistsError" in failed["error"].iloc[0]
    assert (summary["status"] == "done").sum() == len(summary) - 1
    assert (tmp_path / "98005" / DONE_MARKER).exists()


# Targets and parameters ----------------------------------------------------------------


def test_target_expansion(sample, real, tmp_path):
    recent = sample.table("county_recent")
    counties = sorted(set(recent["state"] + recent["county"]))
    keys = [p.key for p in expand_targets(sample, "all-counties")]
    assert keys == counties
    assert all(len(p.key) == 7 for p in expand_targets(sample, ["all-cities"]))
    state98 = [p.key for p in expand_targets(sample, "state:98")]
    assert state98 and all(k.startswith("98") and len(k) == 5 for k in state98)
    both = [p.key for p in expand_targets(sample, "state:98:all")]
    assert set(both) > set(state98) and any(len(k) == 7 for k in both)
    listing = tmp_path / "keys.txt"
    listing.write_text("# our region\n98031\n\n98001  # the capital\nstate:97\n98031\n")
    listed = [p.key for p in expand_targets(sample, [str(listing), "9808800"])]
    assert listed[:2] == ["98031", "98001"] and listed[-1] == "9808800"
    assert len(listed) == len(set(listed)) == 2 + len(expand_targets(sample, "state:97")) + 1
    table = tmp_path / "keys.csv"
    table.write_text('key\n98031\n"Basin County, Northmere"\n')
    assert len(expand_targets(sample, f"@{table}")) == 2
    # Real data: every county with a row in the latest year (3,144 in these files).
    assert len(expand_targets(real, "all-counties")) == len(real.table("county_recent"))
    california = expand_targets(real, "state:CA")
    assert len(california) == 58 and california == expand_targets(real, "state:06")
    assert all(p.kind == "place" for p in expand_targets(real, "state:06:cities"))


def test_unknown_names_in_a_list_file_are_all_reported_before_any_work(tmp_path, sample):
    listing = tmp_path / "keys.txt"
    listing.write_text("98031\nLindn County\n99999\nstate:55\n")
    out = tmp_path / "out"
    with pytest.raises(TargetsError) as caught:
        run_batch(str(listing), SAMPLE_DIR, out, progress=False)
    lines = [where for where, _, _ in caught.value.unknown]
    assert lines == ["keys.txt line 2", "keys.txt line 3", "keys.txt line 4"]
    assert "Did you mean" in str(caught.value) and not out.exists()


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


# Elsewhere: a Dask cluster, papermill, a browser ----------------------------------------


def test_on_a_dask_cluster(tmp_path, sample):
    distributed = pytest.importorskip("distributed")
    import dask

    with (
        dask.config.set({"temporary-directory": str(tmp_path / "dask")}),
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1",
            protocol="tcp://", dashboard_address=None,
        ) as cluster,
    ):  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        summary = run_batch(SAMPLE_KEYS, SAMPLE_DIR, tmp_path, scheduler=address, progress=False)
    assert summary.ok and summary.done == len(SAMPLE_KEYS) and summary.where == address
    for key in SAMPLE_KEYS:
        assert (tmp_path / key / "comparison.csv").read_text() == csv_text(
            compare(sample, sample.find(key))
        )


def test_papermill_mode_runs_the_notebook(tmp_path, sample, monkeypatch):
    for name in ("WORKBOOK_BATCH", "PYTHONPATH"):  # set for kernels; restored afterwards
        monkeypatch.setenv(name, os.environ.get(name, ""))
    summary = run_batch(["98031"], SAMPLE_DIR, tmp_path, workers=1, mode="papermill")
    assert summary.ok, summary.describe()
    folder = tmp_path / "98031"
    assert (folder / "02_use_the_metrics.ipynb").exists()
    assert (folder / "comparison.csv").read_text() == csv_text(
        compare(sample, sample.find("98031"))
    )
    page = folder / "02_use_the_metrics.html"
    links = page_links(page)
    assert "../assets/vega-bundle.js" in links.urls
    assert (tmp_path / "assets" / report.VEGA_FILE).exists()
    assert page.stat().st_size < (tmp_path / "assets" / report.VEGA_FILE).stat().st_size
    assert json.loads((folder / DONE_MARKER).read_text())["mode"] == "papermill"


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
