"""Fixtures the end-to-end tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Where screenshots are kept: $WORKBOOK_ARTIFACTS (CI keeps it), else a temporary folder."""
    folder = os.environ.get("WORKBOOK_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path
