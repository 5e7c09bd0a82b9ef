"""Shared fixtures: an isolated workbook home, the real data beside the project, the sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DIR = Path(
    os.environ.get("WORKBOOK_REAL_DATA", ROOT.parent / "shared" / "data" / "mobility-metrics")
)


@pytest.fixture(scope="session", autouse=True)
def workbook_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workbook home for the whole run, shared by xdist workers (imports are atomic)."""
    home = tmp_path_factory.getbasetemp().parent / "workbook-home"
    home.mkdir(exist_ok=True)
    os.environ["WORKBOOK_HOME"] = str(home)
    os.environ.pop("WORKBOOK_DATA_DIR", None)
    return home


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not (REAL_DIR / "county_longitudinal.csv").exists():
        pytest.fail(
            f"the real Mobility Metrics files are expected in {REAL_DIR} "
            "(../shared/data/mobility-metrics beside the project, or set WORKBOOK_REAL_DATA)"
        )
    return REAL_DIR


@pytest.fixture(scope="session")
def real(real_dir: Path, workbook_home: Path):
    from workbook.data.dataset import open_dataset

    return open_dataset(real_dir)


@pytest.fixture(scope="session")
def sample(workbook_home: Path):
    from workbook.data.dataset import open_dataset
    from workbook.data.sources import SAMPLE_DIR

    return open_dataset(SAMPLE_DIR)


@pytest.fixture
def edit_session(tmp_path, monkeypatch):
    """Start a step's session on the sample county in edit mode, saving as Ana."""
    from workbook.session import READ_ONLY_ENV, start

    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    monkeypatch.setenv("WORKBOOK_AUTHOR", "Ana")
    return lambda step: start(step, "98031", output_dir=str(tmp_path), show=False)


def default_signals() -> None:
    """preexec_fn for a command a test will stop with Ctrl+C (SIGINT) or SIGTERM.

    A child inherits ignored signals; something in a test process (an in-process kernel
    app sets SIGINT to be ignored) could make the command deaf to the Ctrl+C under test.
    """
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def private_values(plan_path: Path) -> set[str]:
    """Every string of a plan that only its owners may see (6 characters or more).

    What the full export holds and the public export does not: contact details, names
    without consent, respondents. Pages and documents for the public must hold none.
    """
    from workbook.plan.store import PlanStore

    def strings(value: object) -> set[str]:
        if isinstance(value, str):
            return {value}
        if isinstance(value, dict):
            return set().union(set(), *(strings(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(set(), *(strings(v) for v in value))
        return set()

    with PlanStore.open(plan_path, read_only=True) as store:
        full = store.export_data(public=False)["sections"]
        public = store.export_data(public=True)["sections"]
    shown = strings([s["value"] for s in public.values()])
    return {s for s in strings([s["value"] for s in full.values()]) - shown if len(s) >= 6}


def command_line(process) -> str:
    """A process's command line, or "" when it ended while we looked (gone, or a zombie)."""
    import psutil

    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""
