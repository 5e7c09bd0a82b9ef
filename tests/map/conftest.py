"""Fixtures of the MAP tests: the example plan imported into a test's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbook.plan.store import import_plan

EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"


@pytest.fixture
def example_plan(tmp_path: Path) -> Path:
    return import_plan(EXAMPLE, tmp_path / "plan" / "plan.sqlite")
