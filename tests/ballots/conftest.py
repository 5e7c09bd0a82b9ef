"""A fresh plan for each ballot test."""

from __future__ import annotations

import pytest

from workbook.plan.store import PlanStore

PREDICTORS = ["Housing stability", "Access to good jobs", "Safe neighbourhoods", "Health"]


@pytest.fixture
def store(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as opened:
        yield opened
