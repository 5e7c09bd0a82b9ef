"""The plan file's tables, its schema version, and the migrations of older layouts.

The layout carries a schema version in its ``meta`` table; older layouts are migrated
forward when opened (see :data:`MIGRATIONS`). A new plan is built with the first layout
and then migrated, so a new file and an upgraded old file have exactly the same layout.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from workbook.plan.errors import PlanFileError
from workbook.plan.history import summarise
from workbook.plan.records import now_utc

APPLICATION = "mobility-workbook-plan"
SCHEMA_VERSION = 2

# Layout of schema version 1, the first one.
SCHEMA_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE sections (name TEXT PRIMARY KEY, value TEXT NOT NULL, "
    "version INTEGER NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL)",
    "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, section TEXT NOT NULL, "
    "version INTEGER NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL, "
    "value TEXT NOT NULL)",
)

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: dict[int, Migration] = {}
"""Upgrade functions by the version they start from; each brings the file one version up."""


def migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register the decorated function as the upgrade from ``from_version``."""

    def register(function: Migration) -> Migration:
        MIGRATIONS[from_version] = function
        return function

    return register


@migration(1)
def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Version 2: change summaries in history, privacy marks, kept conflicts, drafts."""
    conn.execute("ALTER TABLE sections ADD COLUMN private TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE history ADD COLUMN summary TEXT NOT NULL DEFAULT ''")
    conn.execute("CREATE UNIQUE INDEX history_section_version ON history (section, version)")
    conn.execute(
        "CREATE TABLE conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT, section TEXT NOT NULL, "
        "base_version INTEGER NOT NULL, current_version INTEGER NOT NULL, "
        "attempted_at TEXT NOT NULL, attempted_by TEXT NOT NULL, value TEXT NOT NULL, "
        "status TEXT NOT NULL DEFAULT 'open', resolved_at TEXT NOT NULL DEFAULT '', "
        "resolved_by TEXT NOT NULL DEFAULT '')"
    )
    conn.execute(
        "CREATE TABLE drafts (section TEXT NOT NULL, author TEXT NOT NULL, "
        "value TEXT NOT NULL, base_version INTEGER NOT NULL, saved_at TEXT NOT NULL, "
        "PRIMARY KEY (section, author))"
    )
    # Version 1 kept no summaries: work them out from consecutive values.
    previous: dict[str, Any] = {}
    rows = conn.execute("SELECT id, section, value FROM history ORDER BY section, version")
    for row_id, section, text in rows.fetchall():
        value = json.loads(text)
        conn.execute(
            "UPDATE history SET summary = ? WHERE id = ?",
            (summarise(previous.get(section), value), row_id),
        )
        previous[section] = value


def read_schema_version(conn: sqlite3.Connection) -> int:
    """The schema version the plan's ``meta`` table records."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, path: object) -> None:
    """Bring the file up to SCHEMA_VERSION in one transaction (all steps or none)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another notebook may have just migrated it.
        version = read_schema_version(conn)
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.execute("COMMIT")
    except Exception as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise PlanFileError(
            path,
            f"could not be upgraded to schema version {SCHEMA_VERSION} ({exc})",
            "Nothing was changed. Keep a copy of the file and report the problem; an "
            "older workbook can still open it",
        ) from None


def initialise(conn: sqlite3.Connection) -> None:
    """Build a new plan in an empty database: the version 1 layout, then migrations."""
    conn.execute("BEGIN IMMEDIATE")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("application", APPLICATION),
            ("schema_version", "1"),
            ("plan_id", uuid.uuid4().hex),
            ("created_at", now_utc()),
        ],
    )
    conn.execute("COMMIT")
    migrate(conn, ":memory:")
