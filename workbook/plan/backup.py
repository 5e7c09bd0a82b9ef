"""A consistent copy of a plan, safe to make while people are editing it.

Copying ``plan.sqlite`` with the file manager can miss the latest saves (they may still
sit in ``plan.sqlite-wal``) or catch a save half-written. SQLite's online backup reads
the plan in one read transaction, so the copy holds every save committed when it began
and none in progress; in WAL mode it neither waits for nor blocks the notebooks saving.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from workbook.plan.checks import check_header, identify, sqlite_problem
from workbook.plan.errors import PlanFileError
from workbook.plan.files import DEFAULT_TIMEOUT, connect, plan_path, side_files, temp_beside


def _refuse_target(source: Path, target: Path, force: bool) -> None:
    if target.is_dir():
        raise PlanFileError(
            target, "is a folder", "Give the copy a file name, e.g. plan-copy.sqlite"
        )
    if target.exists() and target.resolve() == source.resolve():
        raise PlanFileError(target, "is the plan itself", "Give the copy another file name")
    if target.exists() and not force:
        raise PlanFileError(
            target,
            "already exists, and a backup never overwrites a file unless told to",
            "Choose a new file name for the copy, or add --force to replace this file",
        )
    if force and any(p.exists() for p in side_files(target)):
        raise PlanFileError(
            target,
            "is open in a notebook, or was not closed cleanly (its -wal or -shm file is "
            "beside it), so replacing it could mix the old file's saves into the copy",
            "Close the notebooks using it, or choose a new file name for the copy",
        )


def _reader(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection that only reads ``path``.

    Opened read-write when it can be (then closing it removes the -wal and -shm files
    it had to create), else with ``mode=ro``; ``query_only`` stops it writing either way.
    """
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        conn = connect(str(path), timeout)
    else:
        conn = connect(path.resolve().as_uri() + "?mode=ro", timeout, uri=True)
    conn.execute("PRAGMA query_only = ON")
    return conn


def backup_plan(
    source: str | os.PathLike[str],
    copy: str | os.PathLike[str],
    *,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Copy the plan at ``source`` to ``copy`` consistently and return the copy's path.

    Never overwrites a file unless ``force``; the copy is checked to open as a plan
    before it is put in place, and the plan itself is only read.
    """
    src = plan_path(source)
    target = plan_path(copy)
    if not src.exists():
        raise PlanFileError(src, "does not exist", "Check the path of the plan to copy")
    check_header(src)
    _refuse_target(src, target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_beside(target, "backup")
    try:
        try:
            reader = _reader(src, timeout)
            try:
                identify(reader, src)
                writer = connect(str(temp), timeout)
                try:
                    # One step (pages=-1): one read transaction, one consistent snapshot.
                    reader.backup(writer, pages=-1)
                    identify(writer, temp)  # the copy must open as a plan
                finally:
                    writer.close()
            finally:
                reader.close()
        except sqlite3.Error as exc:
            raise PlanFileError(src, f"could not be copied: {sqlite_problem(exc)}") from None
        if force:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)
            except FileExistsError:
                raise PlanFileError(
                    target, "was created by someone else while copying", "Choose a new name"
                ) from None
    finally:
        for leftover in (temp, *side_files(temp)):
            leftover.unlink(missing_ok=True)
    return target
