"""A plan file is made whole under a temporary name and linked into place; it needs a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.plan.errors import PlanValueError
from workbook.plan.schema import SCHEMA_VERSION
from workbook.plan.store import PlanStore


def test_a_new_plan_is_one_complete_wal_file(plan: Path):
    with PlanStore.open(plan, author="Ana") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.meta["application"] == "mobility-workbook-plan"
        assert store.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert store.sections() == []
    # Created under a temporary name and linked into place: nothing else is left behind,
    # and closing folds the WAL back into the one file.
    assert sorted(p.name for p in plan.parent.iterdir()) == ["plan.sqlite"]


def test_open_needs_a_path(tmp_path):
    with pytest.raises(PlanValueError, match="plan_path"):
        PlanStore.open(None)
    with PlanStore.open(tmp_path / "deep" / "er" / "plan.sqlite") as store:
        assert store.path.exists()
