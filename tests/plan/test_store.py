"""The plan store keeps what a coalition decides: atomically, versioned, never lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.plan.helpers import digest
from tests.plan.store_writer import CRASH_SECTIONS, crash_document
from workbook.errors import WorkbookError
from workbook.plan.errors import (
    ConflictError,
    PlanBusyError,
    PlanFileError,
    PlanValueError,
    ReadOnlyError,
)
from workbook.plan.records import Record
from workbook.plan.store import PlanStore

# --- basics -------------------------------------------------------------------------


WRITER = Path(__file__).with_name("store_writer.py")


def test_a_missing_section_is_an_empty_record(plan: Path):
    with PlanStore.open(plan) as store:
        record = store.get("step2.insights")
    assert record == Record(None, 0, "", "") and not record.exists


def test_save_returns_the_new_version_and_get_reads_it_back(plan: Path):
    with PlanStore.open(plan, author="Ana") as store:
        first = store.save("step1.checklist", {"read": True, "notes": "é <b>"}, base_version=0)
        second = store.save("step1.checklist", {"read": False}, base_version=1)
        assert (first.version, second.version) == (1, 2)
        assert store.get("step1.checklist") == second
        assert second.value == {"read": False} and second.saved_by == "Ana"
        # Saving exactly what is stored changes nothing: no new version, no history noise.
        again = store.save("step1.checklist", {"read": False}, base_version=2)
        assert again.version == 2 and len(store.history()) == 2
        assert store.sections() == ["step1.checklist"]


def test_a_stale_or_odd_base_version_is_refused(plan):
    with PlanStore.open(plan) as store:
        with pytest.raises(PlanValueError, match="base_version"):
            store.save("s", {}, base_version=None)
        with pytest.raises(PlanValueError, match="base_version"):
            store.save("s", {}, base_version=True)


# --- optimistic concurrency ---------------------------------------------------------


def test_a_save_on_a_stale_version_is_refused_but_kept(plan):
    with PlanStore.open(plan, author="Ana") as ana, PlanStore.open(plan, author="Ben") as ben:
        loaded_by_ben = ben.get("step2.insights")
        ana.save("step2.insights", {"insight": "Housing costs"}, ana.get("step2.insights").version)
        with pytest.raises(ConflictError) as caught:
            ben.save("step2.insights", {"insight": "Jobs"}, loaded_by_ben.version)
        error = caught.value
        message = str(error)
        # Who saved what and when, and how to resolve it.
        assert isinstance(error, WorkbookError)
        assert "'step2.insights' was not saved" in message and "'Ana' saved version 1" in message
        assert "UTC" in message and "after you loaded version 0" in message
        assert "reload" in message and "compare" in message and "save again" in message
        assert error.current.value == {"insight": "Housing costs"}
        # The refused value is on disk, visible to any store on the file.
        (kept,) = ana.list_conflicts()
        assert (kept.id, kept.attempted_by, kept.value) == (
            error.conflict_id,
            "Ben",
            {"insight": "Jobs"},
        )
        assert (kept.base_version, kept.current_version, kept.status) == (0, 1, "open")
        assert ana.get("step2.insights").value == {"insight": "Housing costs"}
        assert [c.saved_by for c in ana.history()] == ["Ana"]

        # Ben compares and keeps his: a new version on top of Ana's, recorded in history.
        record = ben.resolve_conflict(kept.id, keep="mine", base_version=1)
        assert (record.version, record.value, record.saved_by) == (2, {"insight": "Jobs"}, "Ben")
        assert ana.history()[-1].summary.startswith(f"kept from conflict #{kept.id}: ")
        assert ana.list_conflicts() == []
        (settled,) = ana.list_conflicts(include_resolved=True)
        assert (settled.status, settled.resolved_by) == ("used_mine", "Ben")
        with pytest.raises(PlanValueError, match="already settled"):
            ben.resolve_conflict(kept.id)


def test_resolving_keeps_the_saved_version_or_a_merge(plan):
    with PlanStore.open(plan, author="Ana") as store:
        store.save("s", {"a": 1}, 0)
        with pytest.raises(ConflictError) as first:
            store.save("s", {"b": 2}, 0)
        assert store.resolve_conflict(first.value.conflict_id).value == {"a": 1}
        with pytest.raises(ConflictError) as second:
            store.save("s", {"b": 3}, 0)
        # Resolving against a version that moved on again is itself refused.
        store.save("s", {"a": 5}, 1)
        with pytest.raises(ConflictError):
            store.resolve_conflict(second.value.conflict_id, keep="mine", base_version=1)
        merged = store.resolve_conflict(
            second.value.conflict_id, keep="mine", value={"a": 5, "b": 3}, base_version=2
        )
        assert (merged.version, merged.value) == (3, {"a": 5, "b": 3})
        assert [c.status for c in store.list_conflicts(include_resolved=True)] == [
            "kept_saved",
            "used_mine",
        ]


def test_saving_what_is_already_there_is_not_a_conflict(plan):
    with PlanStore.open(plan) as a, PlanStore.open(plan) as b:
        a.save("s", {"x": 1}, 0)
        assert b.save("s", {"x": 1}, 0).version == 1
        assert a.list_conflicts() == []


def test_writers_wait_for_each_other_rather_than_fail(plan):
    PlanStore.open(plan).close()
    blocker = sqlite3.connect(plan, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another process in the middle of a save
    threading.Timer(0.4, lambda: blocker.execute("COMMIT")).start()
    started = time.monotonic()
    with PlanStore.open(plan, timeout=5) as store:
        assert store.save("s", {"x": 1}, 0).version == 1
    assert time.monotonic() - started >= 0.3
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with PlanStore.open(plan, timeout=0.2) as store:
            with pytest.raises(PlanBusyError, match="Nothing was saved; try again"):
                store.save("s", {"x": 2}, 1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_concurrent_writer_processes_lose_no_update(plan):
    """Writers race to append to one list; every entry lands exactly once.

    Each writer reads, appends its entry, and saves on the version it read, retrying on
    conflict. A lost update (two saves on the same version) would drop an entry or break
    the chain of versions in history.
    """
    PlanStore.open(plan).close()
    writers, count = 4, 15
    start_at = time.time() + 1.0
    procs = {
        f"w{n}": subprocess.Popen(
            [sys.executable, str(WRITER), "contend", str(plan), f"w{n}", str(count), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    }
    outputs = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outputs[name] = [line.split() for line in out.splitlines()]

    with PlanStore.open(plan, read_only=True) as store:
        final = store.get("shared")
        changes = store.history("shared")
        versions = [store.get_version("shared", c.version).value for c in changes]
        conflicts = {c.id: c for c in store.list_conflicts(include_resolved=True)}

    expected = sorted(f"w{n}-{i}" for n in range(writers) for i in range(count))
    assert sorted(final.value) == expected  # nothing lost, nothing twice
    assert [c.version for c in changes] == list(range(1, writers * count + 1))
    for before, after in zip([[], *versions], versions, strict=False):
        assert after[:-1] == before  # each save built on the one before it

    saved = {
        (int(v), entry) for lines in outputs.values() for kind, v, entry in lines if kind == "saved"
    }
    assert saved == {(c.version, versions[c.version - 1][-1]) for c in changes}
    for change in changes:
        assert versions[change.version - 1][-1].startswith(change.saved_by + "-")
    refused = [
        (int(i), entry)
        for lines in outputs.values()
        for kind, i, entry in lines
        if kind == "conflict"
    ]
    assert len(refused) == len(conflicts) > 0  # they did collide, and each collision is kept
    for conflict_id, entry in refused:
        kept = conflicts[conflict_id]
        assert kept.value[-1] == entry and entry.startswith(kept.attempted_by + "-")


# --- atomic saves -------------------------------------------------------------------


def check_complete(plan: Path, seen: dict) -> int:
    """Assert the plan is sound and holds only whole documents; return the save count.

    ``seen`` remembers the seq of each (section, version) already checked, so after
    each kill only the history entries written since the last kill are decoded.
    """
    raw = sqlite3.connect(plan)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        raw.close()
    total = 0
    with PlanStore.open(plan) as store:
        for section in CRASH_SECTIONS:
            record = store.get(section)
            changes = store.history(section)
            assert [c.version for c in changes] == list(range(1, record.version + 1))
            if not record.exists:
                continue
            assert record.value == crash_document(section, record.value["seq"])
            seqs = []
            for change in changes:
                key = (section, change.version)
                if key not in seen:
                    value = store.get_version(section, change.version).value
                    assert value == crash_document(section, value["seq"])
                    seen[key] = value["seq"]
                seqs.append(seen[key])
            assert seqs == sorted(set(seqs)) and seqs[-1] == record.value["seq"]
            total += record.version
    return total


def test_killing_the_writer_mid_save_never_leaves_a_broken_plan(plan):
    """SIGKILL a process saving ~100 KB documents at random moments, 30 times.

    After every kill the file must open, pass SQLite's integrity check, and every
    section and every history entry must be a whole document that a save wrote.
    """
    rng = random.Random(20250301)
    saves, seen = [], {}
    for _ in range(30):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), "crash", str(plan)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.12))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        proc.stdout.close()
        proc.stderr.close()
        saves.append(check_complete(plan, seen))
    # The writer made progress between kills, so kills landed while it was saving.
    assert saves == sorted(saves) and saves[-1] >= 30 * len(CRASH_SECTIONS)


# --- view mode ----------------------------------------------------------------------


def test_view_mode_physically_cannot_write(plan):
    with PlanStore.open(plan, author="Ana") as store:
        store.save("step1.team", {"lead": "Ana"}, 0)
    with PlanStore.open(plan, read_only=True) as view:
        assert view.get("step1.team").value == {"lead": "Ana"}
        for attempt in (
            lambda: view.save("step1.team", {"lead": "Eve"}, 1),
            lambda: view.save_draft("step1.team", {"lead": "Eve"}, 1),
            lambda: view.discard_draft("step1.team"),
        ):
            with pytest.raises(ReadOnlyError, match="view mode.*read_only=False"):
                attempt()
        # Even bypassing the store, SQLite refuses: the file is open with mode=ro.
        raw = view.connection
        raw.execute("PRAGMA query_only = OFF")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            raw.execute("UPDATE sections SET value = '{}'")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            raw.execute("CREATE TABLE evil (x)")
        # A view sees what the facilitator saves afterwards (it reads the live file).
        with PlanStore.open(plan, author="Ana") as store:
            store.save("step1.team", {"lead": "Bo"}, 1)
        assert view.get("step1.team").value == {"lead": "Bo"}
    # The refused writes left no trace: no version, conflict or draft.
    with PlanStore.open(plan) as store:
        assert [c.saved_by for c in store.history()] == ["Ana", "Ana"]
        assert store.get("step1.team").value == {"lead": "Bo"}
        assert store.list_conflicts(include_resolved=True) == []
        assert store.get_draft("step1.team") is None


def test_view_mode_leaves_the_file_bytes_unchanged(plan):
    with PlanStore.open(plan) as store:
        store.save("a", {"x": 1}, 0)
    before = digest(plan)
    with PlanStore.open(plan, read_only=True) as view:
        view.history()
        view.export_data()
        with pytest.raises(ReadOnlyError):
            view.save("a", {"x": 2}, 1)
    assert digest(plan) == before
    wal = plan.with_name(plan.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_view_mode_of_a_missing_file_is_an_empty_plan_and_creates_nothing(tmp_path):
    path = tmp_path / "nowhere" / "plan.sqlite"
    with PlanStore.open(path, read_only=True) as view:
        assert view.sections() == [] and view.history() == []
        assert not view.get("step1.team").exists
        with pytest.raises(ReadOnlyError):
            view.save("step1.team", {}, 0)
    assert list(tmp_path.iterdir()) == []


# --- drafts and housekeeping --------------------------------------------------------


def test_drafts_keep_unsaved_values_until_the_save(plan):
    with PlanStore.open(plan, author="Ana") as store:
        store.save_draft("step2.insights", {"text": "half"}, 0)
        store.save_draft("step2.insights", {"text": "half-typed"}, 0)
        store.save_draft("step2.insights", {"text": "Bo's"}, 0, author="Bo")
    with PlanStore.open(plan, author="Ana") as store:  # after a crash: still there
        draft = store.get_draft("step2.insights")
        assert (draft.value, draft.base_version, draft.author) == ({"text": "half-typed"}, 0, "Ana")
        store.save("step2.insights", {"text": "done"}, 0)
        assert store.get_draft("step2.insights") is None
        assert store.get_draft("step2.insights", "Bo").value == {"text": "Bo's"}
        assert len(store.history()) == 1  # drafts are not versions


def test_a_closed_store_says_so(plan):
    store = PlanStore.open(plan)
    store.close()
    store.close()  # closing twice is harmless
    with pytest.raises(PlanFileError, match="is closed"):
        store.get("a")


# --- names other modules import --------------------------------------------------


def test_the_store_module_still_offers_the_names_others_import():
    """Forms, steps, scripts and messages name ``workbook.plan.store``; the split kept it whole."""
    import workbook.plan
    import workbook.plan.store

    imported_elsewhere = [
        "SCHEMA_VERSION",
        "ConflictError",
        "PlanBusyError",
        "PlanFileError",
        "PlanStore",
        "PlanValueError",
        "ReadOnlyError",
        "Record",
        "import_plan",
        "strip_private",
        "summarise",
    ]
    for name in imported_elsewhere:
        assert getattr(workbook.plan.store, name) is getattr(workbook.plan, name), name
    fix = workbook.plan.store.DAMAGED_FIX
    assert "workbook.plan.store.import_plan" in fix and callable(workbook.plan.store.import_plan)
