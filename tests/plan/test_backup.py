"""`workbook plan backup` copies a plan consistently while people are still editing it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plan.test_closing import WRITER, copy_alone
from workbook.plan.backup import backup_plan
from workbook.plan.store import PlanFileError, PlanStore

ROOT = Path(__file__).resolve().parents[2]


def test_backup_while_another_process_is_saving(plan, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), "hold", str(plan)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "holding"
        copy = backup_plan(plan, tmp_path / "backups" / "copy.sqlite")
    finally:
        proc.communicate("", timeout=30)
    assert copy == tmp_path / "backups" / "copy.sqlite"
    assert not any(copy.parent.glob("*-wal"))  # the copy is one self-contained file
    alone = copy_alone(copy, tmp_path / "moved")
    with PlanStore.open(alone, read_only=True) as store:
        # Every committed save, and not the change still in its transaction.
        assert store.get("busy").value == {"n": 49}
        assert store.get("busy").version == 50


def test_backup_never_overwrites_unless_forced(plan, tmp_path):
    with PlanStore.open(plan) as store:
        store.save("a", {"v": 1}, 0)
    target = tmp_path / "copy.sqlite"
    target.write_text("my notes")
    with pytest.raises(PlanFileError, match="already exists.*--force"):
        backup_plan(plan, target)
    assert target.read_text() == "my notes"
    backup_plan(plan, target, force=True)
    with PlanStore.open(target, read_only=True) as store:
        assert store.get("a").value == {"v": 1}


def test_backup_refuses_what_is_not_a_plan(tmp_path):
    notes = tmp_path / "notes.sqlite"
    with sqlite3.connect(notes) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(PlanFileError, match="another application"):
        backup_plan(notes, tmp_path / "copy.sqlite")
    with pytest.raises(PlanFileError, match="does not exist"):
        backup_plan(tmp_path / "missing.sqlite", tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()


def test_the_backup_command(plan, tmp_path):
    with PlanStore.open(plan) as store:
        store.save("a", {"v": 1}, 0)
    target = tmp_path / "copy.sqlite"

    def command(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "workbook", "plan", "backup", str(plan), str(target), *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )

    first = command()
    assert first.returncode == 0, first.stderr
    assert str(target) in first.stdout
    again = command()
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert command("--force").returncode == 0
