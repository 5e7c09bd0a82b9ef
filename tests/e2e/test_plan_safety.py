"""A plan survives being copied, and each jurisdiction keeps its own plan and outputs,
whichever way a notebook is run (the workbook command, papermill, JupyterLab)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.plan.store import PlanStore

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
OTHER_COUNTY = "97001"  # Basin County in the sample, besides its default 98031


def test_a_plan_copied_after_workbook_run_holds_the_saved_peers(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "2", "--no-html"]
        + ["--output-dir", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(out / "plan.sqlite", copy / "plan.sqlite")  # the .sqlite alone
    with PlanStore.open(copy / "plan.sqlite", read_only=True) as store:
        assert store.get("step2.peers").exists


def test_session_defaults_give_each_jurisdiction_its_own_folder(tmp_path, monkeypatch):
    from workbook.session import PLAN_PATH_ENV, READ_ONLY_ENV, start

    for name in (READ_ONLY_ENV, PLAN_PATH_ENV, "WORKBOOK_JURISDICTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    plans = {}
    for key in ("98031", OTHER_COUNTY):
        # The notebooks' parameter cells, left as committed.
        session = start(2, key, data_dir="", plan_path="", output_dir="", show=False)
        assert session.output_dir == Path("output") / key
        session.plan.save("step2.peers", {"for": key}, 0)
        assert session.output_path("comparison.csv").parent == Path("output") / key
        plans[key] = session.plan.path
        session.plan.close()
    assert plans["98031"] != plans[OTHER_COUNTY]
    for key, path in plans.items():
        assert path.resolve() == (tmp_path / "output" / key / "plan.sqlite")
        with PlanStore.open(path, read_only=True) as store:
            assert store.get("step2.peers").value == {"for": key}
    assert not (tmp_path / "output" / "plan.sqlite").exists()
    explicit = start(2, "98031", output_dir="mine", show=False)
    assert explicit.output_dir == Path("mine")  # an explicit folder is used as given


@pytest.mark.parametrize("notebook", ["01_learn_the_approach.ipynb"])
def test_papermill_with_default_parameters_keeps_jurisdictions_apart(tmp_path, notebook):
    for key in ("98031", OTHER_COUNTY):
        result = subprocess.run(
            [sys.executable, "-m", "papermill", "--log-level", "WARNING"]
            + [str(NOTEBOOKS_DIR / notebook), str(tmp_path / f"{key}.ipynb")]
            + ["-p", "jurisdiction", key, "--cwd", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    for key in ("98031", OTHER_COUNTY):
        assert (tmp_path / "output" / key / "plan.sqlite").exists()
    assert not (tmp_path / "output" / "plan.sqlite").exists()
