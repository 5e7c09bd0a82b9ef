"""Plan files on disk: the path, connections, new files that never clobber, atomic writes.

A plan file never exists half-built: a new plan (created or imported) is built under a
temporary name beside its final one and linked into place when complete, so an empty or
partial file at a plan's path always means damage, never a plan being made.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbook.plan.errors import PlanValueError
from workbook.plan.schema import initialise

DEFAULT_TIMEOUT = 15.0  # seconds a writer waits for another writer before giving up


def plan_path(path: object) -> Path:
    """The plan file's path, or a PlanValueError when none was given."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str) or not path.strip():
        raise PlanValueError(f"plan_path {path!r}: give the plan file's path as text")
    return Path(path).expanduser()


def connect(target: str, timeout: float, uri: bool = False) -> sqlite3.Connection:
    """A connection that waits ``timeout`` seconds for other writers."""
    # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE.
    conn = sqlite3.connect(
        target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=uri
    )
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn


def side_files(path: Path) -> list[Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a WAL database."""
    return [Path(f"{path}-wal"), Path(f"{path}-shm")]


def empty_or_missing(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def temp_beside(path: Path, purpose: str) -> Path:
    # Hidden, unique, and in the same folder, so a rename or link into place is atomic.
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.{purpose}")


@contextmanager
def new_plan_beside(
    path: Path,
    purpose: str,
    timeout: float,
    fill: Callable[[sqlite3.Connection], None] | None = None,
) -> Iterator[Path]:
    """Build a complete plan under a temporary name beside ``path`` and yield that name.

    ``fill`` may add to the new plan before it is closed. The caller links the yielded
    file into place; afterwards the temporary file and its side files are removed,
    whatever happened.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_beside(path, purpose)
    try:
        conn = connect(str(temp), timeout)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            initialise(conn)
            if fill is not None:
                fill(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        yield temp
    finally:
        for leftover in (temp, *side_files(temp)):
            leftover.unlink(missing_ok=True)


def create(path: Path, timeout: float) -> None:
    """Create a new, complete plan file at ``path`` without ever clobbering one.

    The hard link into place fails if another process created the plan meanwhile.
    """
    with new_plan_beside(path, "creating", timeout) as temp:
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # someone else created it first: use theirs
        except OSError:
            # A file system without hard links: replace only if still absent.
            if not path.exists():
                os.replace(temp, path)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_beside(path, "tmp")
    try:
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
