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

The file layout carries a schema version in its ``meta`` table; older layouts are
migrated forward when opened (see :data:`MIGRATIONS`).
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from workbook.errors import WorkbookError

APPLICATION = "mobility-workbook-plan"
EXPORT_FORMAT = "mobility-workbook-plan-export"
SCHEMA_VERSION = 2
DEFAULT_TIMEOUT = 15.0  # seconds a writer waits for another writer before giving up
MAX_SECTION_BYTES = 32 * 1024 * 1024
SECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
SQLITE_MAGIC = b"SQLite format 3\x00"

DAMAGED_FIX = (
    "Nothing was changed. Open an earlier copy of the plan (a backup, or an exported "
    ".json file via workbook.plan.store.import_plan), or set plan_path to a new file to "
    "start a new plan"
)


# --- errors -------------------------------------------------------------------------


class PlanFileError(WorkbookError):
    """A plan file is missing, damaged, not a plan, or from a newer workbook."""

    def __init__(self, path: object, problem: str, fix: str = DAMAGED_FIX) -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"plan file {self.path}: {problem}. Fix: {fix}")


class PlanValueError(WorkbookError, ValueError):
    """A section name or a value cannot be stored in a plan."""


class ReadOnlyError(WorkbookError):
    """A write was attempted on a plan opened in view mode."""


class PlanBusyError(WorkbookError):
    """Another process kept the plan locked for longer than the store waits."""


class ConflictError(WorkbookError):
    """A save started from an out-of-date version; the rejected value is kept as a conflict."""

    def __init__(
        self,
        section: str,
        base_version: int,
        current: Record,
        conflict_id: int,
        attempted_by: str,
    ) -> None:
        self.section = section
        self.base_version = base_version
        self.current = current
        self.conflict_id = conflict_id
        self.attempted_by = attempted_by
        super().__init__(
            f"'{section}' was not saved: {describe_saver(current.saved_by)} saved version "
            f"{current.version} at {describe_time(current.saved_at)}, after you loaded "
            f"version {base_version}. Nothing is lost: what you tried to save is kept as "
            f"conflict #{conflict_id}. To resolve: reload the section to see the saved "
            f"version, compare it with yours, then save again (in code: "
            f"store.list_conflicts() to compare, store.resolve_conflict({conflict_id}, "
            f"keep='mine') to save yours over it, or keep='saved' to drop yours)"
        )


# --- what the store hands out -------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One section's current value and who saved it; version 0 means never saved."""

    value: Any = None
    version: int = 0
    saved_at: str = ""
    saved_by: str = ""

    @property
    def exists(self) -> bool:
        return self.version > 0


@dataclass(frozen=True)
class Change:
    """One entry of a plan's history: a section reached a new version."""

    id: int
    section: str
    version: int
    saved_at: str
    saved_by: str
    summary: str


@dataclass(frozen=True)
class Conflict:
    """A save that was refused because the section had moved on; its value is kept."""

    id: int
    section: str
    base_version: int
    current_version: int
    attempted_at: str
    attempted_by: str
    value: Any
    status: str  # open, kept_saved, used_mine
    resolved_at: str
    resolved_by: str


@dataclass(frozen=True)
class Draft:
    """Unsaved form values, kept so that a crash or a closed laptop loses nothing."""

    section: str
    author: str
    value: Any
    base_version: int
    saved_at: str


# --- small helpers --------------------------------------------------------------------


def now_utc() -> str:
    """The current time as UTC ISO 8601, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def describe_time(iso: str) -> str:
    """'2025-03-01 14:02 UTC' for an ISO timestamp (or the text itself if unreadable)."""
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return iso or "an unknown time"


def describe_saver(name: str) -> str:
    return f"'{name}'" if name else "someone (no name set)"


def _canonical(value: Any) -> str:
    # One text per value: sorted keys make equal documents compare equal as text.
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


def _check_json(value: Any, where: str, depth: int = 0) -> None:
    """Raise PlanValueError naming the first part of ``value`` JSON cannot hold exactly."""
    if depth > 64:
        raise PlanValueError(f"{where}: nested more than 64 levels deep; flatten it")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PlanValueError(f"{where}: {value!r} is not a number JSON can hold")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise PlanValueError(
                    f"{where}: key {key!r} is a {type(key).__name__}; keys must be text"
                )
            _check_json(item, f"{where}[{key!r}]", depth + 1)
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]", depth + 1)
        return
    raise PlanValueError(
        f"{where}: a {type(value).__name__} cannot be stored in a plan; use text, numbers, "
        "true/false, lists or dicts (a date as text such as '2025-03-31')"
    )


def encode_section(section: str, value: Any) -> str:
    """The canonical JSON text of a section value, or a PlanValueError naming the section."""
    if not isinstance(value, dict | list | tuple):
        raise PlanValueError(
            f"section '{section}': a section holds a dict or a list, not a {type(value).__name__}"
        )
    _check_json(value, f"section '{section}'")
    text = _canonical(value)
    if len(text.encode("utf-8")) > MAX_SECTION_BYTES:
        raise PlanValueError(
            f"section '{section}': {len(text.encode('utf-8')) / 1e6:.1f} MB is more than "
            f"the {MAX_SECTION_BYTES // (1024 * 1024)} MB a section may hold; split it"
        )
    return text


def check_section_name(section: object) -> str:
    if not isinstance(section, str) or not SECTION_NAME.match(section):
        raise PlanValueError(
            f"section name {section!r}: use 1-100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (e.g. 'step4.stakeholders')"
        )
    return section


def _names(keys: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _kind(value: Any) -> str:
    return {dict: "a dict", list: "a list"}.get(type(value), "nothing")


def _keyed(items: list) -> bool:
    return all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items)


def summarise(old: Any, new: Any) -> str:
    """A short description of what changed between two versions (names, never values)."""
    if old is None:
        if isinstance(new, dict):
            names = sorted(new)
            return f"created with {_count(len(names), 'field')}" + (
                f": {_names(names)}" if names else ""
            )
        return f"created with {_count(len(new), 'item')}"
    if isinstance(old, dict) and isinstance(new, dict):
        added = sorted(new.keys() - old.keys())
        removed = sorted(old.keys() - new.keys())
        changed = sorted(
            k for k in old.keys() & new.keys() if _canonical(old[k]) != _canonical(new[k])
        )
        parts = [
            f"{verb} {_names(keys)}"
            for verb, keys in (("added", added), ("changed", changed), ("removed", removed))
            if keys
        ]
        return "; ".join(parts) or "no change"
    if isinstance(old, list) and isinstance(new, list):
        if _keyed(old) and _keyed(new):
            before = {i["id"]: _canonical(i) for i in old}
            after = {i["id"]: _canonical(i) for i in new}
            counts = {
                "added": len(after.keys() - before.keys()),
                "changed": sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
                "removed": len(before.keys() - after.keys()),
            }
        else:
            before_c = Counter(_canonical(i) for i in old)
            after_c = Counter(_canonical(i) for i in new)
            counts = {
                "added": sum((after_c - before_c).values()),
                "removed": sum((before_c - after_c).values()),
            }
        parts = [f"{verb} {_count(n, 'item')}" for verb, n in counts.items() if n]
        if not parts:
            return "reordered items" if _canonical(old) != _canonical(new) else "no change"
        return ", ".join(parts)
    return f"replaced {_kind(old)} with {_kind(new)}"


def strip_private(value: Any, paths: Iterable[str]) -> Any:
    """``value`` without the keys named by ``paths`` ("email", "contact.phone").

    A path applies at every level it can: in a list of records it removes the key from
    each record, so one list of paths serves forms (a dict) and tables (a list of dicts).
    """
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if child is True:
                break
            node = child
        else:
            node[parts[-1]] = True
    if not tree:
        return value

    def apply(item: Any, node: dict[str, Any]) -> Any:
        if isinstance(item, list):
            return [apply(x, node) for x in item]
        if isinstance(item, dict):
            kept = {}
            for key, sub in item.items():
                rule = node.get(key)
                if rule is True:
                    continue
                kept[key] = apply(sub, rule) if rule else sub
            return kept
        return item

    return apply(value, tree)


# --- schema and migrations ----------------------------------------------------------

# Layout of schema version 1, the first one. New plans are created with it and then
# migrated, so a new file and an upgraded old file have exactly the same layout.
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


def _read_schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0])


def _migrate(conn: sqlite3.Connection, path: object) -> None:
    """Bring the file up to SCHEMA_VERSION in one transaction (all steps or none)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another notebook may have just migrated it.
        version = _read_schema_version(conn)
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


def _initialise(conn: sqlite3.Connection) -> None:
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
    _migrate(conn, ":memory:")


# --- opening files ------------------------------------------------------------------


def _sqlite_problem(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return (
            f"cannot be opened for writing here (SQLite says: {text}); open it in view "
            "mode (read_only=True), or copy it to a folder you may write to"
        )
    if "malformed" in text or "not a database" in text:
        return f"the file is damaged or is not a SQLite database (SQLite says: {text})"
    return f"SQLite could not read it ({text})"


def _check_header(path: Path) -> None:
    """Look at the first bytes, so non-SQLite files are named before SQLite touches them."""
    if path.is_dir():
        raise PlanFileError(path, "is a folder, not a file", "Set plan_path to a file name")
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        raise PlanFileError(
            path, f"cannot be read ({exc.strerror})", "Check the path and its permissions"
        ) from None
    if not head:
        raise PlanFileError(
            path,
            "is empty (0 bytes): it is not a plan, or a copy of it was cut short",
            "Nothing was changed. Use a complete copy of the plan, or delete this empty "
            "file (or choose another plan_path) to start a new plan",
        )
    if head.startswith(SQLITE_MAGIC) and len(head) == 100:
        return
    if head.startswith(SQLITE_MAGIC):
        problem = "is cut short: it ends inside the SQLite header"
    elif head.startswith(b"PK\x03\x04"):
        problem = "is a zip or Office file (for example .xlsx), not a plan"
    elif head.lstrip().startswith(b"{"):
        problem = "is JSON, not a plan database (is it an exported plan?)"
        raise PlanFileError(
            path,
            problem,
            "To rebuild a plan from an exported .json file use "
            "workbook.plan.store.import_plan(json_path, new_plan_path); nothing was changed",
        )
    else:
        problem = "is not a plan: it is not a SQLite database"
    raise PlanFileError(path, problem)


def _identify(conn: sqlite3.Connection, path: Path) -> int:
    """The plan's schema version, or PlanFileError when it is not a workbook plan."""
    result = conn.execute("PRAGMA quick_check").fetchall()
    if result != [("ok",)]:
        details = "; ".join(str(r[0]) for r in result[:3])
        raise PlanFileError(path, f"is damaged (SQLite's check says: {details})")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    foreign = PlanFileError(
        path,
        "is a SQLite database of another application, not a workbook plan"
        + (f" (tables: {_names(sorted(tables), 5)})" if tables else " (it is empty)"),
        "Nothing was changed. Set plan_path to a new file name (e.g. 'plan.sqlite' in the "
        "output folder) or to an existing workbook plan",
    )
    if "meta" not in tables:
        raise foreign
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        raise foreign from None
    if meta.get("application") != APPLICATION:
        raise foreign
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise PlanFileError(
            path, f"has an unreadable schema version {meta.get('schema_version')!r}"
        ) from None
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            path,
            f"was written by a newer workbook (schema version {version}; this workbook "
            f"reads up to {SCHEMA_VERSION})",
            "Update the workbook (git pull, then make setup) and open it again; nothing "
            "was changed",
        )
    if version < 1 or any(v not in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        raise PlanFileError(path, f"has an unknown schema version {version}")
    return version


def _connect(target: str, timeout: float, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE.
    conn = sqlite3.connect(
        target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=uri
    )
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn


def _create(path: Path, timeout: float) -> None:
    """Create a new, complete plan file at ``path`` without ever clobbering one.

    The plan is built under a temporary name and then hard-linked into place: the link
    fails if another process created the plan meanwhile, and a plan file never exists
    half-built (so an empty or partial file at the path always means damage).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.creating")
    try:
        conn = _connect(str(temp), timeout)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            _initialise(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # someone else created it first: use theirs
        except OSError:
            # A file system without hard links: replace only if still absent.
            if not path.exists():
                os.replace(temp, path)
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)


def _empty_or_missing(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def _plan_path(path: object) -> Path:
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str) or not path.strip():
        raise PlanValueError(f"plan_path {path!r}: give the plan file's path as text")
    return Path(path).expanduser()


# --- the store ----------------------------------------------------------------------


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
        plan = _plan_path(path)
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
            raise PlanFileError(plan, _sqlite_problem(exc)) from None
        except sqlite3.Error as exc:
            raise PlanFileError(plan, _sqlite_problem(exc)) from None

    @classmethod
    def _open_writable(cls, path: Path, author: str, timeout: float) -> PlanStore:
        if not path.exists():
            _create(path, timeout)
        _check_header(path)
        conn = _connect(str(path), timeout)
        try:
            version = _identify(conn, path)
            # Identified first: these pragmas write to the file, which must be ours.
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a save reported as done survives a power cut, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, author=author)

    @classmethod
    def _open_read_only(cls, path: Path, author: str, timeout: float) -> PlanStore:
        if not path.exists():
            memory = _connect(":memory:", timeout)
            _initialise(memory)
            memory.execute("PRAGMA query_only = ON")
            return cls(memory, path, author=author, read_only=True, snapshot=True)
        _check_header(path)
        # A read-only connection to a WAL file creates the -wal and -shm side files if
        # they are missing, and cannot delete them. Note which ones it will make, so they
        # can be removed if the file turns out not to be a usable plan.
        side_files = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        absent = [p for p in side_files if not p.exists()]
        conn = _connect(path.resolve().as_uri() + "?mode=ro", timeout, uri=True)
        try:
            try:
                version = _identify(conn, path)
            except BaseException:
                conn.close()
                # Side files of a damaged or foreign file: no workbook process can be
                # using it, so removing what this open created (still empty) is safe.
                if all(p in absent for p in side_files) and _empty_or_missing(side_files[0]):
                    for p in side_files:
                        p.unlink(missing_ok=True)
                raise
            if version < SCHEMA_VERSION:
                # Upgrade a copy in memory: view mode never writes the file.
                memory = _connect(":memory:", timeout)
                conn.backup(memory)
                conn.close()
                _migrate(memory, path)
                memory.execute("PRAGMA query_only = ON")
                return cls(memory, path, author=author, read_only=True, snapshot=True)
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, author=author, read_only=True)

    def close(self) -> None:
        """Close the file; the last connection to close folds the WAL back into it."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

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
                raise PlanFileError(self.path, _sqlite_problem(exc)) from None

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
            row = conn.execute(
                "SELECT value, version, saved_at, saved_by, private FROM sections WHERE name = ?",
                (section,),
            ).fetchone()
        if row is None:
            return Record()
        value = json.loads(row[0])
        if public:
            value = strip_private(value, json.loads(row[4]))
        return Record(value, row[1], row[2], row[3])

    def private_paths(self, section: str) -> list[str]:
        """The parts of a section marked private by the last save."""
        with self._reading() as conn:
            row = conn.execute("SELECT private FROM sections WHERE name = ?", (section,)).fetchone()
        return json.loads(row[0]) if row else []

    def get_version(self, section: str, version: int) -> Record:
        """The section as it was at ``version`` (from history); empty if no such version."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT value, version, saved_at, saved_by FROM history "
                "WHERE section = ? AND version = ?",
                (section, version),
            ).fetchone()
        return Record(json.loads(row[0]), row[1], row[2], row[3]) if row else Record()

    def history(self, section: str | None = None) -> list[Change]:
        """Every change, oldest first; only one section's when ``section`` is given."""
        query = "SELECT id, section, version, saved_at, saved_by, summary FROM history"
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
        query = (
            "SELECT id, section, base_version, current_version, attempted_at, attempted_by, "
            "value, status, resolved_at, resolved_by FROM conflicts WHERE 1 = 1"
        )
        args: list[Any] = []
        if section is not None:
            query += " AND section = ?"
            args.append(section)
        if not include_resolved:
            query += " AND status = 'open'"
        with self._reading() as conn:
            rows = conn.execute(query + " ORDER BY id", args).fetchall()
        return [Conflict(*r[:6], json.loads(r[6]), *r[7:]) for r in rows]

    def get_draft(self, section: str, author: str | None = None) -> Draft | None:
        """Unsaved values kept for ``section`` by ``author`` (default: this store's)."""
        who = self.author if author is None else author
        with self._reading() as conn:
            row = conn.execute(
                "SELECT section, author, value, base_version, saved_at FROM drafts "
                "WHERE section = ? AND author = ?",
                (section, who),
            ).fetchone()
        return Draft(row[0], row[1], json.loads(row[2]), row[3], row[4]) if row else None

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
        wanted = None if private is None else _canonical(sorted(set(private)))
        who = self.author if author is None else author
        when = now_utc()
        conflict: ConflictError | None = None
        with self._writing() as conn:
            current = self._current(conn, section)
            # No list given: keep the marks, so code that does not know which parts are
            # private cannot make them public by saving.
            private_text = wanted if wanted is not None else (current[4] if current else "[]")
            if current is not None and current[0] == text and current[4] == private_text:
                # Already saved exactly like this (by this form or someone else): a save
                # would change nothing, and nothing would be lost by not saving.
                self._drop_draft(conn, section, who)
                return Record(json.loads(text), current[1], current[2], current[3])
            current_version = current[1] if current else 0
            if base_version != current_version:
                cursor = conn.execute(
                    "INSERT INTO conflicts (section, base_version, current_version, "
                    "attempted_at, attempted_by, value) VALUES (?, ?, ?, ?, ?, ?)",
                    (section, base_version, current_version, when, who, text),
                )
                record = Record(json.loads(current[0]), *current[1:4]) if current else Record()
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
        who = self.author if author is None else author
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
            record = Record(json.loads(current[0]), *current[1:4]) if current else Record()
            if keep == "mine":
                if base_version is not None and base_version != record.version:
                    stale = ConflictError(section, base_version, record, conflict_id, who)
                else:
                    private_text = (
                        _canonical(sorted(set(private)))
                        if private is not None
                        else (current[4] if current else "[]")
                    )
                    if current is None or current[0] != text or current[4] != private_text:
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
        who = self.author if author is None else author
        with self._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO drafts (section, author, value, base_version, saved_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (section, who, text, base_version, now_utc()),
            )

    def discard_draft(self, section: str, author: str | None = None) -> None:
        self._require_writable(section)
        with self._writing() as conn:
            self._drop_draft(conn, section, self.author if author is None else author)

    @staticmethod
    def _drop_draft(conn: sqlite3.Connection, section: str, who: str) -> None:
        conn.execute("DELETE FROM drafts WHERE section = ? AND author = ?", (section, who))

    @staticmethod
    def _current(conn: sqlite3.Connection, section: str) -> tuple | None:
        return conn.execute(
            "SELECT value, version, saved_at, saved_by, private FROM sections WHERE name = ?",
            (section,),
        ).fetchone()

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
        version = (current[1] if current else 0) + 1
        old = json.loads(current[0]) if current else None
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

    # -- export --

    def export_data(self, public: bool = False) -> dict:
        """The whole plan as plain data (what :meth:`export_plan` writes).

        ``public=True`` gives what a stakeholder may see: private parts removed, history
        without values, no conflicts or drafts. A public export cannot rebuild a plan.
        """
        with self._reading() as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            sections = {}
            for name, text, version, at, by, private in conn.execute(
                "SELECT name, value, version, saved_at, saved_by, private FROM sections"
            ):
                paths = json.loads(private)
                value = json.loads(text)
                sections[name] = {
                    "value": strip_private(value, paths) if public else value,
                    "version": version,
                    "saved_at": at,
                    "saved_by": by,
                    "private": paths,
                }
            history = []
            for row in conn.execute(
                "SELECT id, section, version, saved_at, saved_by, summary, value FROM history "
                "ORDER BY id"
            ):
                entry = dict(
                    zip(
                        ("id", "section", "version", "saved_at", "saved_by", "summary"),
                        row[:6],
                        strict=True,
                    )
                )
                if not public:
                    entry["value"] = json.loads(row[6])
                history.append(entry)
            conflicts = [
                dict(
                    zip(
                        (
                            "id",
                            "section",
                            "base_version",
                            "current_version",
                            "attempted_at",
                            "attempted_by",
                            "value",
                            "status",
                            "resolved_at",
                            "resolved_by",
                        ),
                        (*r[:6], json.loads(r[6]), *r[7:]),
                        strict=True,
                    )
                )
                for r in conn.execute(
                    "SELECT id, section, base_version, current_version, attempted_at, "
                    "attempted_by, value, status, resolved_at, resolved_by FROM conflicts "
                    "ORDER BY id"
                )
            ]
            drafts = [
                {
                    "section": r[0],
                    "author": r[1],
                    "value": json.loads(r[2]),
                    "base_version": r[3],
                    "saved_at": r[4],
                }
                for r in conn.execute(
                    "SELECT section, author, value, base_version, saved_at FROM drafts "
                    "ORDER BY section, author"
                )
            ]
        data = {
            "format": EXPORT_FORMAT,
            "schema_version": int(meta["schema_version"]),
            "meta": meta,
            "public": public,
            "sections": sections,
            "history": history,
        }
        if not public:
            data["conflicts"] = conflicts
            data["drafts"] = drafts
        return data

    def export_plan(self, path: str | os.PathLike[str], public: bool = False) -> Path:
        """Write the plan to a readable JSON file (sorted keys, indented) and return its path.

        The full export rebuilds the plan exactly with :func:`import_plan`; a public
        export is for sharing (no private parts, no values in history).
        """
        target = Path(path)
        text = json.dumps(self.export_data(public), sort_keys=True, indent=2, ensure_ascii=False)
        _write_atomically(target, text + "\n")
        return target


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


# --- import -----------------------------------------------------------------------


def _export_problem(json_path: Path, problem: str) -> PlanFileError:
    return PlanFileError(
        json_path,
        problem,
        "Use a complete export written by PlanStore.export_plan (public=False); nothing "
        "was created",
    )


def import_plan(json_path: str | os.PathLike[str], sqlite_path: str | os.PathLike[str]) -> Path:
    """Rebuild a plan file at ``sqlite_path`` from a full JSON export; never overwrites."""
    source = Path(json_path)
    target = _plan_path(sqlite_path)
    if target.exists():
        raise PlanFileError(
            target,
            "already exists, and importing never overwrites a plan",
            "Choose a new file name for the imported plan, or move the existing one away",
        )
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _export_problem(source, f"cannot be read ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _export_problem(source, f"is not a JSON plan export ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise _export_problem(
            source, f"is not a plan export (its 'format' is not '{EXPORT_FORMAT}')"
        )
    if data.get("public"):
        raise _export_problem(
            source, "is a public export: private parts and history values were left out"
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise _export_problem(
            source, f"has schema version {version!r}; this workbook reads 1 to {SCHEMA_VERSION}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.importing")
    try:
        conn = _connect(str(temp), DEFAULT_TIMEOUT)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            _initialise(conn)
            conn.execute("BEGIN IMMEDIATE")
            _fill_from_export(conn, data)
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError) as exc:
            raise _export_problem(source, f"is incomplete or inconsistent ({exc!r})") from None
        finally:
            conn.close()
        try:
            os.link(temp, target)
        except FileExistsError:
            raise PlanFileError(
                target, "was created by someone else while importing", "Choose a new name"
            ) from None
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
    return target


def _fill_from_export(conn: sqlite3.Connection, data: dict) -> None:
    meta = {k: str(v) for k, v in data["meta"].items() if k != "schema_version"}
    if meta.get("application", APPLICATION) != APPLICATION:
        raise ValueError(f"meta.application is {meta['application']!r}")
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", sorted(meta.items()))
    previous: dict[str, Any] = {}
    for entry in data["history"]:
        section = check_section_name(entry["section"])
        text = encode_section(section, entry["value"])
        summary = entry.get("summary")
        if summary is None:  # exports of schema version 1 had no summaries
            summary = summarise(previous.get(section), entry["value"])
        previous[section] = entry["value"]
        conn.execute(
            "INSERT INTO history (id, section, version, saved_at, saved_by, summary, value) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                int(entry["id"]),
                section,
                int(entry["version"]),
                str(entry["saved_at"]),
                str(entry["saved_by"]),
                str(summary),
                text,
            ),
        )
    for name, entry in data["sections"].items():
        check_section_name(name)
        conn.execute(
            "INSERT INTO sections (name, value, version, saved_at, saved_by, private) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                name,
                encode_section(name, entry["value"]),
                int(entry["version"]),
                str(entry["saved_at"]),
                str(entry["saved_by"]),
                _canonical(sorted(entry.get("private", []))),
            ),
        )
    # A section must be the last version its history holds, or the export was edited.
    for name, version, text in conn.execute("SELECT name, version, value FROM sections"):
        last = conn.execute(
            "SELECT version, value FROM history WHERE section = ? ORDER BY version DESC",
            (name,),
        ).fetchone()
        if last != (version, text):
            raise ValueError(f"section {name!r} does not match the last version in history")
    for entry in data.get("conflicts", []):
        conn.execute(
            "INSERT INTO conflicts (id, section, base_version, current_version, attempted_at, "
            "attempted_by, value, status, resolved_at, resolved_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(entry["id"]),
                entry["section"],
                int(entry["base_version"]),
                int(entry["current_version"]),
                entry["attempted_at"],
                entry["attempted_by"],
                encode_section(entry["section"], entry["value"]),
                entry["status"],
                entry["resolved_at"],
                entry["resolved_by"],
            ),
        )
    for entry in data.get("drafts", []):
        conn.execute(
            "INSERT INTO drafts (section, author, value, base_version, saved_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                entry["section"],
                entry["author"],
                encode_section(entry["section"], entry["value"]),
                int(entry["base_version"]),
                entry["saved_at"],
            ),
        )
