"""Fixtures of the form kit tests: a plan store that is Ana's."""

from __future__ import annotations

import pytest

from workbook.plan.store import PlanStore


@pytest.fixture
def store(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as plan:
        yield plan
