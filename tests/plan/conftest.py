"""Fixtures shared by the plan tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """Where a test's plan file goes (not created)."""
    return tmp_path / "plan.sqlite"
