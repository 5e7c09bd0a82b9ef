"""Older plan files are migrated when opened; files from a newer workbook are not touched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.plan.helpers import digest
from workbook.plan.errors import ConflictError, PlanFileError
from workbook.plan.records import Record
from workbook.plan.schema import SCHEMA_VERSION
from workbook.plan.store import PlanStore


def build_v1_plan(path: Path) -> None:
    """A plan as schema version 1 wrote it, built by hand (no workbook code)."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sections (name TEXT PRIMARY KEY, value TEXT NOT NULL,
            version INTEGER NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL);
        CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, section TEXT NOT NULL,
            version INTEGER NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL,
            value TEXT NOT NULL);
        INSERT INTO meta VALUES ('application', 'mobility-workbook-plan'),
            ('schema_version', '1'), ('plan_id', 'v1plan'),
            ('created_at', '2024-05-01T09:00:00+00:00');
        INSERT INTO history (section, version, saved_at, saved_by, value) VALUES
            ('step1.team', 1, '2024-05-01T09:05:00+00:00', 'Ana', '{"lead":"Ana"}'),
            ('step1.team', 2, '2024-05-01T09:10:00+00:00', 'Bo', '{"lead":"Bo","size":4}'),
            ('step4.stakeholders', 1, '2024-05-01T09:20:00+00:00', 'Ana', '[{"id":"a"}]');
        INSERT INTO sections VALUES
            ('step1.team', '{"lead":"Bo","size":4}', 2, '2024-05-01T09:10:00+00:00', 'Bo'),
            ('step4.stakeholders', '[{"id":"a"}]', 1, '2024-05-01T09:20:00+00:00', 'Ana');
        """
    )
    conn.close()


def test_a_version_1_plan_is_migrated_when_opened(plan):
    build_v1_plan(plan)
    with PlanStore.open(plan, author="Cy") as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        assert store.meta["plan_id"] == "v1plan"
        assert store.get("step1.team") == Record(
            {"lead": "Bo", "size": 4}, 2, "2024-05-01T09:10:00+00:00", "Bo"
        )
        # The migration worked out the summaries version 1 never kept.
        assert [c.summary for c in store.history()] == [
            "created with 1 field: lead",
            "added size; changed lead",
            "created with 1 item",
        ]
        # What version 2 added works on the migrated file.
        with pytest.raises(ConflictError):
            store.save("step1.team", {"lead": "Cy"}, 1)
        assert store.save("step1.team", {"lead": "Cy"}, 2).version == 3
        store.save_draft("step1.team", {"lead": "C"}, 3)
    with PlanStore.open(plan) as store:  # a second open finds nothing left to do
        assert store.schema_version == 2 and len(store.list_conflicts()) == 1


def test_view_mode_reads_an_old_plan_without_upgrading_the_file(plan):
    build_v1_plan(plan)
    before = digest(plan)
    with PlanStore.open(plan, read_only=True) as store:
        assert store.schema_version == 2 and store.snapshot
        assert store.history()[1].summary == "added size; changed lead"
    assert digest(plan) == before
    raw = sqlite3.connect(plan)
    try:
        version = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    finally:
        raw.close()
    assert version == ("1",)


def test_a_plan_from_a_newer_workbook_is_not_touched(plan):
    PlanStore.open(plan).close()
    raw = sqlite3.connect(plan)
    raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    before = digest(plan)
    for read_only in (False, True):
        with pytest.raises(PlanFileError, match="newer workbook.*Update the workbook"):
            PlanStore.open(plan, read_only=read_only)
    assert digest(plan) == before
