"""The sample imported once before any batch test runs."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def sample_imported_once(workbook_home: Path) -> None:
    """Import the bundled sample in one test process at a time.

    Test processes share one workbook home. Two imports of the sample at once each put
    their own copy in place, and the copies' manifests differ by their import time. A
    batch started on the first copy sees the second as changed data, and every task
    fails. Once one process has imported the sample, the others find it and only read it.
    """
    from workbook.data.dataset import open_dataset
    from workbook.data.sources import SAMPLE_DIR

    with (workbook_home / "sample-import.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        open_dataset(SAMPLE_DIR)
