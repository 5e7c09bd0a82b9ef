"""The plan store: everything a coalition decides, kept in one SQLite file per plan.

A plan is a set of named sections (``"step1.checklist"``, ``"step4.stakeholders"``...),
each one JSON document (a dict or a list) with a version number. Every save records who
changed what and when; a save made on top of an out-of-date version is refused but kept,
so nobody's work is lost when two laptops edit the same section.

Why SQLite, in WAL mode:

* **Atomic commits.** A save is one SQLite transaction: the new value, the history entry
  and the version number land together or not at all. If the kernel is killed or the
  laptop's battery dies in the middle, SQLite's journal brings the file back to the last
  complete save the next time it is opened. Writing JSON files by hand would need temp
  files, fsync and renames for the same guarantee, and still could not keep a value and
  its history in step.
* **Concurrent readers.** In write-ahead-log (WAL) mode readers never wait for a writer
  and a writer never waits for readers, so a dashboard can read the plan while a
  facilitator saves. Writers queue behind each other (``busy_timeout``) instead of
  failing, and each save takes the write lock first (``BEGIN IMMEDIATE``), so the
  version check and the write cannot be interleaved with another writer's.
* **Standard library.** ``sqlite3`` ships with Python: nothing to install or to run as a
  server in a workshop room with no network.
* **One file.** A plan is one file that can be copied, backed up or handed over (after
  the notebooks using it are closed, or at any time with :meth:`PlanStore.export_plan`,
  which writes readable JSON).

Limits: WAL needs every process that uses the plan to run on the same computer. Several
laptops can share a plan by working on one Jupyter server; a plan file on a network
share or in a synced folder (Dropbox, OneDrive) is not safe for simultaneous editing.

The store's other jobs live beside it in the plan package (listed in its ``__init__``):
records, privacy, history summaries, schema and migrations, the checks that refuse
damaged files, creating files safely, and JSON export and import. Every name this module
has offered is still importable from it (``from workbook.plan.store import import_plan``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from workbook.plan import closing
from workbook.plan.checks import SQLITE_MAGIC, check_header, identify, sqlite_problem
from workbook.plan.errors import (
    DAMAGED_FIX,
    ConflictError,
    DamagedSectionError,
    PlanBusyError,
    PlanFileError,
    PlanValueError,
    ReadOnlyError,
)
from workbook.plan.files import (
    DEFAULT_TIMEOUT,
    connect,
    create,
    empty_or_missing,
    plan_path,
    side_files,
)
from workbook.plan.history import summarise
from workbook.plan.privacy import marks_text, strip_private
from workbook.plan.records import (
    MAX_SECTION_BYTES,
    SECTION_NAME,
    Change,
    Conflict,
    Draft,
    Record,
    UnreadableValue,
    check_section_name,
    columns,
    encode_section,
    load,
    now_utc,
)
from workbook.plan.schema import (
    APPLICATION,
    MIGRATIONS,
    SCHEMA_V1,
    SCHEMA_VERSION,
    Migration,
    initialise,
    migrate,
    migration,
)
from workbook.plan.transfer import (
    EXPORT_FORMAT,
    collect_export,
    import_plan,
    unreadable_message,
    write_export,
)
from workbook.plan.wording import describe_saver, describe_time

__all__ = [
    # The store, and the names other modules have always imported from here.
    "APPLICATION",
    "DAMAGED_FIX",
    "DEFAULT_TIMEOUT",
    "EXPORT_FORMAT",
    "MAX_SECTION_BYTES",
    "MIGRATIONS",
    "SCHEMA_V1",
    "SCHEMA_VERSION",
    "SECTION_NAME",
    "SQLITE_MAGIC",
    "Change",
    "Conflict",
    "ConflictError",
    "DamagedSectionError",
    "Draft",
    "Migration",
    "PlanBusyError",
    "PlanFileError",
    "PlanStore",
    "PlanValueError",
    "ReadOnlyError",
    "Record",
    "check_section_name",
    "describe_saver",
    "describe_time",
    "encode_section",
    "import_plan",
    "migration",
    "now_utc",
    "strip_private",
    "summarise",
]


class PlanStore:
    """One plan: sections with versions, their history, kept conflicts and drafts.

    Open it with :meth:`PlanStore.open`; use it as a context manager or call
    :meth:`close`. ``author`` is the name recorded with every save made through it.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        author: str = "",
        read_only: bool = False,
        snapshot: bool = False,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        self.author = author
        self.read_only = read_only
        # True when a view-mode store reads an in-memory copy (a missing file, or an
        # older layout upgraded in memory); it then does not see later saves.
        self.snapshot = snapshot

    # -- opening and closing --

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        author: str = "",
        read_only: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> PlanStore:
        """Open the plan at ``path``, creating it on first use (never in view mode).

        ``read_only=True`` opens the file with SQLite's ``mode=ro``, so this process
        cannot change it; a missing file then reads as an empty plan.
        """
        plan = plan_path(path)
        try:
            if read_only:
                return cls._open_read_only(plan, author, timeout)
            return cls._open_writable(plan, author, timeout)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise PlanBusyError(
                    f"plan file {plan}: another notebook kept it locked for more than "
                    f"{timeout:g} s. Wait a moment and open it again"
                ) from None
            raise PlanFileError(plan, sqlite_problem(exc)) from None
        except sqlite3.Error as exc:
            raise PlanFileError(plan, sqlite_problem(exc)) from None

    @classmethod
    def _open_writable(cls, path: Path, author: str, timeout: float) -> PlanStore:
        if not path.exists():
            create(path, timeout)
        check_header(path)
        conn = connect(str(path), timeout)
        try:
            version = identify(conn, path)
            # Identified first: these pragmas write to the file, which must be ours.
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a save reported as done survives a power cut, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                migrate(conn, path)
        except BaseException:
            conn.close()
            raise
        store = cls(conn, path, author=author)
        closing.track(store)
        return store

    @classmethod
    def _open_read_only(cls, path: Path, author: str, timeout: float) -> PlanStore:
        if not path.exists():
            memory = connect(":memory:", timeout)
            initialise(memory)
            return cls._view(memory, path, author, snapshot=True)
        check_header(path)
        # A read-only connection to a WAL file creates the -wal and -shm side files if
        # they are missing, and cannot delete them. Note which ones it will make, so they
        # can be removed if the file turns out not to be a usable plan.
        sides = side_files(path)
        absent = [p for p in sides if not p.exists()]
        conn = connect(path.resolve().as_uri() + "?mode=ro", timeout, uri=True)
        try:
            try:
                version = identify(conn, path)
            except BaseException:
                conn.close()
                # Side files of a damaged or foreign file: no workbook process can be
                # using it, so removing what this open created (still empty) is safe.
                if all(p in absent for p in sides) and empty_or_missing(sides[0]):
                    for p in sides:
                        p.unlink(missing_ok=True)
                raise
            if version < SCHEMA_VERSION:
                # Upgrade a copy in memory: view mode never writes the file.
                memory = connect(":memory:", timeout)
                conn.backup(memory)
                conn.close()
                migrate(memory, path)
                return cls._view(memory, path, author, snapshot=True)
            return cls._view(conn, path, author)
        except BaseException:
            conn.close()
            raise

    @classmethod
    def _view(
        cls, conn: sqlite3.Connection, path: Path, author: str, snapshot: bool = False
    ) -> PlanStore:
        """A view-mode store; ``query_only`` also keeps an in-memory copy from changing."""
        conn.execute("PRAGMA query_only = ON")
        return cls(conn, path, author=author, read_only=True, snapshot=snapshot)

    def close(self) -> None:
        """Close the file, first folding the write-ahead log back into it.

        SQLite does that by itself only when the last connection closes; checkpointing
        here means the plan file alone holds every save as soon as this store is closed,
        even while other notebooks keep it open. A view-mode store never writes.
        """
        with self._lock:
            if self._conn is not None:
                if not self.read_only:
                    closing.checkpoint(self._conn)
                self._conn.close()
                self._conn = None
        closing.forget(self)

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "view mode" if self.read_only else "editable"
        return f"PlanStore({str(self.path)!r}, {mode}, author={self.author!r})"

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw SQLite connection (for checks and tests; saves go through the store)."""
        if self._conn is None:
            raise PlanFileError(
                self.path, "is closed in this notebook", "Open it again with PlanStore.open"
            )
        return self._conn

    # -- transactions --

    def _who(self, author: str | None) -> str:
        """The name a save records: the one given, else this store's author."""
        return self.author if author is None else author

    def _require_writable(self, section: str) -> None:
        if self.read_only:
            raise ReadOnlyError(
                f"'{section}' was not saved: plan file {self.path} is open in view mode "
                "(read-only). To make changes, open the plan with read_only=False, as the "
                "facilitator's notebooks do"
            )

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot for several SELECTs."""
        with self._lock:
            conn = self.connection
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise PlanFileError(self.path, sqlite_problem(exc)) from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the write lock from its first statement.

        BEGIN IMMEDIATE takes the lock before the version is read, so no other writer can
        slip in between the version check and the write.
        """
        with self._lock:
            conn = self.connection
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise PlanBusyError(
                    f"plan file {self.path} is busy: another notebook kept it locked for "
                    f"too long ({exc}). Nothing was saved; try again"
                ) from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise PlanFileError(
                        self.path,
                        f"the save failed and was undone ({exc})",
                        "Check there is free disk space and the file is writable, then save again",
                    ) from None
                raise
            closing.fold_in(conn)

    @contextmanager
    def _readable(self, section: str) -> Iterator[None]:
        """Name the section, the file and the fix when a saved value cannot be read."""
        try:
            yield
        except UnreadableValue as exc:
            raise DamagedSectionError(self.path, section, str(exc)) from None

    # -- reading --

    @property
    def meta(self) -> dict[str, str]:
        """The plan's metadata: application, schema_version, plan_id, created_at."""
        with self._reading() as conn:
            return dict(conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall())

    @property
    def schema_version(self) -> int:
        return int(self.meta["schema_version"])

    def sections(self) -> list[str]:
        """Names of every section saved so far, sorted."""
        with self._reading() as conn:
            return [r[0] for r in conn.execute("SELECT name FROM sections ORDER BY name")]

    def get(self, section: str, public: bool = False) -> Record:
        """The section's current value and version (version 0 if never saved).

        ``public=True`` leaves out the parts a form marked private (contact details).
        """
        check_section_name(section)
        with self._reading() as conn:
            row = self._current(conn, section)
        with self._readable(section):
            record = Record.from_row(row)
            if public and row is not None:
                return replace(record, value=strip_private(record.value, load(row[4])))
        return record

    def private_paths(self, section: str) -> list[str]:
        """The parts of a section marked private by the last save."""
        with self._reading() as conn:
            row = conn.execute("SELECT private FROM sections WHERE name = ?", (section,)).fetchone()
        with self._readable(section):
            return load(row[0]) if row else []

    def get_version(self, section: str, version: int) -> Record:
        """The section as it was at ``version`` (from history); empty if no such version."""
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {columns(Record)} FROM history WHERE section = ? AND version = ?",
                (section, version),
            ).fetchone()
        with self._readable(section):
            return Record.from_row(row)

    def history(self, section: str | None = None) -> list[Change]:
        """Every change, oldest first; only one section's when ``section`` is given."""
        query = f"SELECT {columns(Change)} FROM history"
        args: tuple = ()
        if section is not None:
            query += " WHERE section = ?"
            args = (section,)
        with self._reading() as conn:
            rows = conn.execute(query + " ORDER BY id", args).fetchall()
        return [Change(*row) for row in rows]

    def list_conflicts(
        self, section: str | None = None, include_resolved: bool = False
    ) -> list[Conflict]:
        """Refused saves, oldest first (open ones only unless ``include_resolved``)."""
        query = f"SELECT {columns(Conflict)} FROM conflicts WHERE 1 = 1"
        args: list[Any] = []
        if section is not None:
            query += " AND section = ?"
            args.append(section)
        if not include_resolved:
            query += " AND status = 'open'"
        with self._reading() as conn:
            rows = conn.execute(query + " ORDER BY id", args).fetchall()
        conflicts = []
        for row in rows:
            with self._readable(row[1]):
                conflicts.append(Conflict.from_row(row))
        return conflicts

    def get_draft(self, section: str, author: str | None = None) -> Draft | None:
        """Unsaved values kept for ``section`` by ``author`` (default: this store's)."""
        who = self._who(author)
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {columns(Draft)} FROM drafts WHERE section = ? AND author = ?",
                (section, who),
            ).fetchone()
        with self._readable(section):
            return Draft.from_row(row) if row else None

    # -- writing --

    def save(
        self,
        section: str,
        value: dict | list,
        base_version: int,
        author: str | None = None,
        private: Iterable[str] | None = None,
    ) -> Record:
        """Save ``value`` as the next version of ``section``, if nobody saved in between.

        ``base_version`` is the version the value was edited from (0 for a new section).
        If the section has moved on, the value is kept in the conflicts table and a
        ConflictError says who saved what and when. ``private`` names the parts that
        views and public exports must leave out (e.g. ``["contact.email"]``); left out,
        the marks of the last save stay.
        """
        check_section_name(section)
        self._require_writable(section)
        if isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 0:
            raise PlanValueError(
                f"section '{section}': base_version {base_version!r} must be a whole number "
                "(0 for a section never saved; otherwise the version you loaded)"
            )
        text = encode_section(section, value)
        who = self._who(author)
        when = now_utc()
        conflict: ConflictError | None = None
        with self._writing() as conn:
            current = self._current(conn, section)
            private_text = marks_text(private, current[4] if current else None)
            if self._unchanged(current, text, private_text):
                # Already saved exactly like this (by this form or someone else): a save
                # would change nothing, and nothing would be lost by not saving.
                self._drop_draft(conn, section, who)
                return Record.from_row(current)
            # A damaged value can still be saved over: its version and saver still count.
            record = Record.from_row(current, unreadable_as_none=True)
            if base_version != record.version:
                cursor = conn.execute(
                    "INSERT INTO conflicts (section, base_version, current_version, "
                    "attempted_at, attempted_by, value) VALUES (?, ?, ?, ?, ?, ?)",
                    (section, base_version, record.version, when, who, text),
                )
                conflict = ConflictError(section, base_version, record, cursor.lastrowid, who)
            else:
                saved = self._write_version(conn, section, text, private_text, who, when, current)
        if conflict is not None:
            raise conflict  # raised after COMMIT, so the kept value is on disk
        return saved

    def resolve_conflict(
        self,
        conflict_id: int,
        keep: Literal["saved", "mine"] = "saved",
        value: Any = None,
        base_version: int | None = None,
        author: str | None = None,
        private: Iterable[str] | None = None,
    ) -> Record:
        """Settle a kept conflict and return the section as it now stands.

        ``keep="saved"`` leaves the saved version as it is; ``keep="mine"`` saves the
        kept value (or ``value``, e.g. a merge of both) as a new version. Passing the
        version you compared against as ``base_version`` makes sure nobody saved since.
        """
        who = self._who(author)
        row = None
        with self._reading() as conn:
            row = conn.execute(
                "SELECT section, value, status FROM conflicts WHERE id = ?", (conflict_id,)
            ).fetchone()
        if row is None:
            raise PlanValueError(f"there is no conflict #{conflict_id} in {self.path}")
        section = row[0]
        self._require_writable(section)
        if keep not in ("saved", "mine"):
            raise PlanValueError(f"keep={keep!r}: use 'saved' or 'mine'")
        text = row[1] if value is None else encode_section(section, value)
        when = now_utc()
        stale: ConflictError | None = None
        with self._writing() as conn:
            status = conn.execute(
                "SELECT status FROM conflicts WHERE id = ?", (conflict_id,)
            ).fetchone()[0]
            if status != "open":
                raise PlanValueError(
                    f"conflict #{conflict_id} on '{section}' was already settled ({status})"
                )
            current = self._current(conn, section)
            record = Record.from_row(current, unreadable_as_none=True)
            if keep == "mine":
                if base_version is not None and base_version != record.version:
                    stale = ConflictError(section, base_version, record, conflict_id, who)
                else:
                    private_text = marks_text(private, current[4] if current else None)
                    if not self._unchanged(current, text, private_text):
                        record = self._write_version(
                            conn,
                            section,
                            text,
                            private_text,
                            who,
                            when,
                            current,
                            note=f"kept from conflict #{conflict_id}: ",
                        )
            if stale is None:
                conn.execute(
                    "UPDATE conflicts SET status = ?, resolved_at = ?, resolved_by = ? "
                    "WHERE id = ?",
                    ("used_mine" if keep == "mine" else "kept_saved", when, who, conflict_id),
                )
        if stale is not None:
            raise stale
        return record

    def save_draft(
        self, section: str, value: Any, base_version: int, author: str | None = None
    ) -> None:
        """Keep unsaved form values (one draft per section and author; no history)."""
        check_section_name(section)
        self._require_writable(section)
        text = encode_section(section, value)
        who = self._who(author)
        with self._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO drafts (section, author, value, base_version, saved_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (section, who, text, base_version, now_utc()),
            )

    def discard_draft(self, section: str, author: str | None = None) -> None:
        self._require_writable(section)
        with self._writing() as conn:
            self._drop_draft(conn, section, self._who(author))

    @staticmethod
    def _drop_draft(conn: sqlite3.Connection, section: str, who: str) -> None:
        conn.execute("DELETE FROM drafts WHERE section = ? AND author = ?", (section, who))

    @staticmethod
    def _current(conn: sqlite3.Connection, section: str) -> tuple | None:
        """The section's row: a Record's columns, then its private marks."""
        return conn.execute(
            f"SELECT {columns(Record)}, private FROM sections WHERE name = ?", (section,)
        ).fetchone()

    @staticmethod
    def _unchanged(current: tuple | None, text: str, private_text: str) -> bool:
        """True when the section already holds exactly this value and these marks."""
        return current is not None and current[0] == text and current[4] == private_text

    def _write_version(
        self,
        conn: sqlite3.Connection,
        section: str,
        text: str,
        private_text: str,
        who: str,
        when: str,
        current: tuple | None,
        note: str = "",
    ) -> Record:
        if current is not None:
            version = current[1] + 1
        else:
            # A deleted section goes on from its last version: history keeps them all.
            last = conn.execute(
                "SELECT MAX(version) FROM history WHERE section = ?", (section,)
            ).fetchone()[0]
            version = (last or 0) + 1
        try:
            old = load(current[0]) if current else None
        except UnreadableValue:
            old, note = None, note + "replaced damaged answers: "
        value = json.loads(text)
        conn.execute(
            "INSERT INTO sections (name, value, version, saved_at, saved_by, private) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
            "version = excluded.version, saved_at = excluded.saved_at, "
            "saved_by = excluded.saved_by, private = excluded.private",
            (section, text, version, when, who, private_text),
        )
        conn.execute(
            "INSERT INTO history (section, version, saved_at, saved_by, summary, value) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (section, version, when, who, note + summarise(old, value), text),
        )
        # The draft is now part of the plan: drop it in the same transaction.
        self._drop_draft(conn, section, who)
        return Record(value, version, when, who)

    def delete_section(self, section: str, author: str | None = None) -> None:
        """Remove a section's current answers (and drafts), e.g. answers that were damaged.

        Its history stays, so earlier versions can still be read with :meth:`get_version`;
        the next save of the section continues the version numbers.
        """
        check_section_name(section)
        self._require_writable(section)
        with self._writing() as conn:
            conn.execute("DELETE FROM sections WHERE name = ?", (section,))
            conn.execute("DELETE FROM drafts WHERE section = ?", (section,))

    # -- export --

    def export_data(self, public: bool = False) -> dict:
        """The whole plan as plain data (what :meth:`export_plan` writes).

        ``public=True`` gives what a stakeholder may see: private parts removed, history
        without values, no conflicts or drafts. A public export cannot rebuild a plan.
        """
        with self._reading() as conn:
            return collect_export(conn, public)

    def export_plan(self, path: str | os.PathLike[str], public: bool = False) -> Path:
        """Write the plan to a readable JSON file (sorted keys, indented) and return its path.

        The full export rebuilds the plan exactly with :func:`import_plan`; a public
        export is for sharing (no private parts, no values in history).
        """
        data = self.export_data(public)
        target = write_export(path, data)
        if data.get("unreadable"):
            warnings.warn(unreadable_message(self.path, target, data["unreadable"]), stacklevel=2)
        return target
