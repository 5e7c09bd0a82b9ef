"""A damaged or foreign file is refused with a clear error and left exactly as it was."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path

import pytest

from tests.plan.helpers import digest
from workbook.plan.errors import PlanFileError
from workbook.plan.store import PlanStore


def write_damaged(kind: str, path: Path) -> None:
    if kind in ("truncated", "header only"):
        PlanStore.open(path).close()
        with PlanStore.open(path) as store:
            for n in range(40):
                store.save(f"s{n}", {"text": "x" * 4000}, 0)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if kind == "truncated" else data[:50])
    elif kind == "random bytes":
        path.write_bytes(random.Random(7).randbytes(20_000))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("name,organisation\nAna,City\n")
    elif kind == "json":
        path.write_text('{"format": "something"}')
    elif kind == "xlsx":
        path.write_bytes(b"PK\x03\x04" + bytes(2000))
    elif kind == "other app":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
        conn.execute("INSERT INTO customers VALUES (1, 'x')")
        conn.commit()
        conn.close()
    elif kind == "empty sqlite":
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 3")  # a valid, empty SQLite database
        conn.close()
    elif kind == "folder":
        path.mkdir()


DAMAGE = {
    "random bytes": "not a SQLite database",
    "truncated": "damaged",
    "header only": "cut short",
    "empty": "is empty",
    "text": "not a SQLite database",
    "json": "is JSON",
    "xlsx": "zip or Office file",
    "other app": "another application.*customers",
    "empty sqlite": "another application",
    "folder": "is a folder",
}


@pytest.mark.parametrize("read_only", [False, True], ids=["edit", "view"])
@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_or_foreign_file_gives_a_clear_error_and_is_not_touched(
    tmp_path, kind, read_only
):
    path = tmp_path / "plan.sqlite"
    write_damaged(kind, path)
    before = {p.name: (digest(p) if p.is_file() else "dir") for p in tmp_path.iterdir()}
    with pytest.raises(PlanFileError) as caught:
        PlanStore.open(path, read_only=read_only)
    message = str(caught.value)
    assert message.startswith(f"plan file {path}: ")
    assert "Fix: " in message
    assert re.search(DAMAGE[kind], message), message
    # Only our message: no SQLite traceback chained to it.
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    after = {p.name: (digest(p) if p.is_file() else "dir") for p in tmp_path.iterdir()}
    assert after == before
