"""Leaving a plan file self-contained: fold the write-ahead log back in on close and at exit.

In WAL mode a save lands in ``plan.sqlite-wal`` first and reaches ``plan.sqlite`` at a
checkpoint. SQLite checkpoints by itself only when the last connection to a file closes,
and a notebook kernel exits without closing its plan: the latest answers then sit in the
``-wal`` file, and a copy of ``plan.sqlite`` alone lacks them. So a writable store
checkpoints when it closes, and every writable store still open when the process exits
is closed then (an :mod:`atexit` hook, which kernels run when they shut down). Each
save is also followed by a checkpoint that never waits, for kernels killed before exit.
"""

from __future__ import annotations

import atexit
import sqlite3
import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbook.plan.store import PlanStore

# How long a checkpoint waits for another notebook's save to finish. Short: closing must
# not hang, and a notebook still writing checkpoints when it closes in turn.
CHECKPOINT_WAIT_MS = 2000

_open_stores: weakref.WeakSet[PlanStore] = weakref.WeakSet()
_guard = threading.Lock()
_hooked = False


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy every committed save from the log into the plan file and empty the log.

    True when the log was emptied; False when another process was reading or writing
    (nothing is lost: the saves stay in the log until that process checkpoints).
    """
    try:
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error:
        return False
    return busy == 0


def fold_in(conn: sqlite3.Connection) -> None:
    """After a save: copy what no reader still needs into the plan file, without waiting.

    A kernel can be killed before its exit hooks run (a shutdown that takes too long is
    ended by force); this keeps the plan file complete after every save even then. A
    PASSIVE checkpoint never blocks: what a reader still needs is copied later.
    """
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        pass  # the save itself is committed; a later checkpoint copies it


def track(store: PlanStore) -> None:
    """Close ``store`` (with a checkpoint) when the process exits, if it is still open."""
    global _hooked
    with _guard:
        _open_stores.add(store)
        if not _hooked:
            atexit.register(close_open_stores)
            _hooked = True


def forget(store: PlanStore) -> None:
    """``store`` was closed: nothing is left to do for it at exit."""
    with _guard:
        _open_stores.discard(store)


def close_open_stores() -> None:
    """Close every writable store still open, leaving each plan file self-contained."""
    with _guard:
        stores = list(_open_stores)
    for store in stores:
        try:
            store.close()
        except Exception:  # noqa: BLE001 - at exit, one plan's trouble must not stop the rest
            pass
