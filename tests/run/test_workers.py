"""Where a batch runs: a failure inside a worker process, a Dask cluster, papermill."""

from __future__ import annotations

import argparse
import json
import os

import pandas as pd
import pytest

from tests.run.helpers import SAMPLE_KEYS, csv_text, page_links
from workbook.analysis.compare import compare
from workbook.cli import main_batch
from workbook.data.sources import SAMPLE_DIR
from workbook.run import report
from workbook.run.batch import run_batch
from workbook.run.markers import DONE_MARKER
from workbook.run.summary import SUMMARY_FILE


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
