"""The plan store keeps what a coalition decides: atomically, versioned, never lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.plan.store_writer import CRASH_SECTIONS, crash_document
from workbook.errors import WorkbookError
from workbook.plan.store import (
    SCHEMA_VERSION,
    ConflictError,
    PlanBusyError,
    PlanFileError,
    PlanStore,
    PlanValueError,
    ReadOnlyError,
    Record,
    import_plan,
    strip_private,
    summarise,
)

WRITER = Path(__file__).with_name("store_writer.py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return tmp_path / "plan.sqlite"


# --- basics -------------------------------------------------------------------------


def test_a_new_plan_is_one_complete_wal_file(plan: Path):
    with PlanStore.open(plan, author="Ana") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.meta["application"] == "mobility-workbook-plan"
        assert store.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert store.sections() == []
    # Created under a temporary name and linked into place: nothing else is left behind,
    # and closing folds the WAL back into the one file.
    assert sorted(p.name for p in plan.parent.iterdir()) == ["plan.sqlite"]


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


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"when": dt.date(2025, 3, 1)}, "['when']: a date cannot be stored"),
        ({"tags": {"a", "b"}}, "['tags']: a set cannot be stored"),
        ({"share": float("nan")}, "['share']: nan is not a number"),
        ({1: "one"}, "key 1 is a int; keys must be text"),
        ([{"ok": 1}, {"bad": object()}], "[1]['bad']: a object cannot be stored"),
        ("just text", "a section holds a dict or a list, not a str"),
    ],
)
def test_values_that_are_not_json_are_refused_naming_the_section(plan, value, words):
    with PlanStore.open(plan) as store:
        with pytest.raises(PlanValueError) as caught:
            store.save("step4.stakeholders", value, base_version=0)
        assert "section 'step4.stakeholders'" in str(caught.value)
        assert words in str(caught.value)
        assert not store.get("step4.stakeholders").exists


@pytest.mark.parametrize("name", ["", " step1", "step 1", "../x", "a" * 101, 7])
def test_section_names_are_checked(plan, name):
    with PlanStore.open(plan) as store, pytest.raises(PlanValueError, match="section name"):
        store.save(name, {}, 0)


def test_a_stale_or_odd_base_version_is_refused(plan):
    with PlanStore.open(plan) as store:
        with pytest.raises(PlanValueError, match="base_version"):
            store.save("s", {}, base_version=None)
        with pytest.raises(PlanValueError, match="base_version"):
            store.save("s", {}, base_version=True)


# --- history ------------------------------------------------------------------------


def test_history_says_who_changed_what_and_when_in_order(plan):
    with PlanStore.open(plan, author="Ana") as store:
        store.save("step1.team", {"lead": "Ana", "size": 3}, 0)
        store.save("step1.team", {"lead": "Ana", "size": 4, "chair": "Bo"}, 1, author="Bo")
        store.author = "Cy"  # the facilitator names themself once per session
        store.save("step1.team", {"chair": "Bo", "size": 4}, 2)
        store.save("step4.stakeholders", [{"id": "a", "n": 1}, {"id": "b", "n": 2}], 0)
        store.save("step4.stakeholders", [{"id": "a", "n": 9}, {"id": "c", "n": 3}], 1)
        changes = store.history()
        team = store.history("step1.team")
    assert [(c.section, c.version, c.saved_by) for c in changes] == [
        ("step1.team", 1, "Ana"),
        ("step1.team", 2, "Bo"),
        ("step1.team", 3, "Cy"),
        ("step4.stakeholders", 1, "Cy"),
        ("step4.stakeholders", 2, "Cy"),
    ]
    assert [c.summary for c in changes] == [
        "created with 2 fields: lead, size",
        "added chair; changed size",
        "removed lead",
        "created with 2 items",
        "added 1 item, changed 1 item, removed 1 item",
    ]
    assert team == changes[:3]
    stamps = [dt.datetime.fromisoformat(c.saved_at) for c in changes]
    assert all(s.utcoffset() == dt.timedelta(0) for s in stamps) and stamps == sorted(stamps)


def test_summaries_of_plain_lists_and_type_changes():
    assert summarise(["a", "b"], ["b", "c", "d"]) == "added 2 items, removed 1 item"
    assert summarise(["a", "b"], ["b", "a"]) == "reordered items"
    assert summarise({"a": 1}, ["a"]) == "replaced a dict with a list"
    many = {f"k{i}": i for i in range(9)}
    assert summarise({}, many) == "added k0, k1, k2, k3, k4, k5 and 3 more"


def test_get_version_reads_any_earlier_version(plan):
    with PlanStore.open(plan) as store:
        store.save("s", {"v": 1}, 0)
        store.save("s", {"v": 2}, 1)
        assert store.get_version("s", 1).value == {"v": 1}
        assert not store.get_version("s", 7).exists


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


# --- export and import --------------------------------------------------------------


def busy_plan(path: Path) -> None:
    """A plan with private fields, history, a settled and an open conflict, a draft."""
    with PlanStore.open(path, author="Ana") as store:
        store.save(
            "step4.stakeholders",
            [{"id": "r1", "name": "Bo <b>", "email": "bo@example.org", "share": 0.1}],
            0,
            private=["email"],
        )
        store.save("step1.team", {"lead": "Ana", "notes": "ünïcødé\nline two"}, 0)
        store.save("step1.team", {"lead": "Ana", "notes": "", "size": 3}, 1)
        for attempt in ({"lead": "Cy"}, {"lead": "Di"}):
            with pytest.raises(ConflictError) as caught:
                store.save("step1.team", attempt, 1, author="Cy")
        store.resolve_conflict(caught.value.conflict_id, keep="saved")
        store.save_draft("step2.insights", {"text": "half-typed"}, 0)


def test_export_then_import_rebuilds_the_plan_exactly(tmp_path):
    original = tmp_path / "original.sqlite"
    busy_plan(original)
    with PlanStore.open(original) as store:
        first = store.export_plan(tmp_path / "plan.json")
        before = store.export_data()
    text = first.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "history": [' in text  # indented, sorted, readable
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION

    rebuilt = import_plan(first, tmp_path / "rebuilt.sqlite")
    with PlanStore.open(rebuilt) as store:
        second = store.export_plan(tmp_path / "again.json")
        after = store.export_data()
        assert store.list_conflicts()[0].attempted_by == "Cy"
        assert store.get_draft("step2.insights", "Ana").value == {"text": "half-typed"}
        # Ids continue after the imported ones.
        assert store.save("step1.team", {"lead": "Eve"}, 2).version == 3
    assert second.read_bytes() == first.read_bytes()
    assert after["sections"] == before["sections"] and after["history"] == before["history"]
    assert after["meta"] == before["meta"]  # the same plan (plan_id, created_at)


def test_import_never_overwrites_and_rejects_broken_exports(tmp_path):
    busy_plan(tmp_path / "p.sqlite")
    with PlanStore.open(tmp_path / "p.sqlite") as store:
        export = store.export_plan(tmp_path / "p.json")
        store.export_plan(tmp_path / "public.json", public=True)
    existing = tmp_path / "taken.sqlite"
    existing.write_bytes(b"precious")
    with pytest.raises(PlanFileError, match="never overwrites"):
        import_plan(export, existing)
    assert existing.read_bytes() == b"precious"

    data = json.loads(export.read_text())
    data["sections"]["step1.team"]["value"]["lead"] = "Mallory"  # edited by hand
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    (tmp_path / "junk.json").write_text("{not json")
    for source, words in [
        (edited, "does not match the last version in history"),
        (tmp_path / "public.json", "is a public export"),
        (tmp_path / "junk.json", "is not a JSON plan export"),
    ]:
        target = tmp_path / f"from-{source.stem}.sqlite"
        with pytest.raises(PlanFileError, match=words):
            import_plan(source, target)
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if ".importing" in p.name) == []


def test_public_export_leaves_out_private_parts_and_old_values(tmp_path):
    busy_plan(tmp_path / "p.sqlite")
    with PlanStore.open(tmp_path / "p.sqlite") as store:
        text = store.export_plan(tmp_path / "public.json", public=True).read_text()
        assert store.get("step4.stakeholders", public=True).value == [
            {"id": "r1", "name": "Bo <b>", "share": 0.1}
        ]
    assert "bo@example.org" not in text and "half-typed" not in text and "Cy" not in text
    data = json.loads(text)
    assert data["public"] is True and "value" not in data["history"][0]
    assert "conflicts" not in data and "drafts" not in data


def test_privacy_marks_stay_unless_a_save_replaces_them(plan):
    with PlanStore.open(plan) as store:
        store.save("s", {"name": "A", "email": "a@x.org"}, 0, private=["email"])
        store.save("s", {"name": "B", "email": "b@x.org"}, 1)  # code unaware of privacy
        assert store.get("s", public=True).value == {"name": "B"}
        assert store.private_paths("s") == ["email"]
        store.save("s", {"name": "B", "email": "b@x.org"}, 2, private=[])  # said on purpose
        assert store.get("s", public=True).value == {"name": "B", "email": "b@x.org"}


def test_strip_private_applies_to_forms_and_tables():
    form = {"contact": {"name": "A", "email": "a@x", "phone": "1"}, "note": "n", "pin": 1}
    assert strip_private(form, ["contact.email", "contact.phone", "pin"]) == {
        "contact": {"name": "A"},
        "note": "n",
    }
    table = [{"id": "1", "email": "a@x", "n": 1}, {"id": "2", "n": 2}]
    assert strip_private(table, ["email"]) == [{"id": "1", "n": 1}, {"id": "2", "n": 2}]
    assert strip_private(form, []) is form


# --- schema versions ----------------------------------------------------------------


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


# --- damaged files ------------------------------------------------------------------


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


# --- drafts and housekeeping ---------------------------------------------------------


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


def test_open_needs_a_path(tmp_path):
    with pytest.raises(PlanValueError, match="plan_path"):
        PlanStore.open(None)
    with PlanStore.open(tmp_path / "deep" / "er" / "plan.sqlite") as store:
        assert store.path.exists()
