"""Where ballots live in the plan file.

* Ballot definitions (question, options, status, join code) are the plan section
  ``ballots``, saved through the plan store with versions and history like any answer.
* Each participant's ballot is a row of its own table, ``ballot_votes``, keyed by the
  ballot's id and a hash of the participant's random token: a hundred phones sending at
  once add a hundred small rows instead of rewriting one JSON section a hundred times,
  and sending again replaces that participant's row. The token itself is never stored,
  and the hash differs from ballot to ballot, so ballots cannot be linked to each other.
* Counts typed from a paper wall chart are one row per ballot in ``ballot_paper``.
* A running participant server notes its address in ``workshop_server`` so the
  facilitator's notebook can show the join link.

Every write is one SQLite transaction that takes the write lock first (``BEGIN
IMMEDIATE``) on the plan store's own connection, in WAL mode with its busy timeout:
writers from several threads or processes queue instead of failing, and a vote and the
ballot's closing cannot interleave (a vote re-checks the status inside its transaction).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from workbook.ballots.errors import BallotError
from workbook.plan.errors import PlanBusyError, PlanFileError
from workbook.plan.store import PlanStore

BALLOTS_SECTION = "ballots"

TABLES = (
    "CREATE TABLE IF NOT EXISTS ballot_votes (ballot_id TEXT NOT NULL, "
    "participant TEXT NOT NULL, choices TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', "
    "received_at TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 1, "
    "PRIMARY KEY (ballot_id, participant))",
    "CREATE TABLE IF NOT EXISTS ballot_paper (ballot_id TEXT PRIMARY KEY, "
    "counts TEXT NOT NULL, voters INTEGER NOT NULL, recorded_at TEXT NOT NULL, "
    "recorded_by TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS workshop_server (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "url TEXT NOT NULL, pid INTEGER NOT NULL, started_at TEXT NOT NULL)",
)

_fallback_locks: dict[int, threading.RLock] = {}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def participant_key(ballot_id: str, token: str) -> str:
    """The participant's row key: a hash of the ballot and the token, never the token."""
    return hashlib.sha256(f"{ballot_id}\x00{token}".encode()).hexdigest()


def _lock(store: PlanStore) -> threading.RLock:
    # The store serialises its own use of its connection with this lock; ballot writes
    # share it, so a save of a section and a vote never mix on one connection.
    lock = getattr(store, "_lock", None)
    if lock is None:
        lock = _fallback_locks.setdefault(id(store), threading.RLock())
    return lock


@contextmanager
def transaction(store: PlanStore, write: bool = True) -> Iterator[sqlite3.Connection]:
    """One transaction on the plan's connection; a write one holds the lock from the start."""
    with _lock(store):
        conn = store.connection
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise PlanBusyError(
                f"plan file {store.path} is busy: another program kept it locked for too "
                f"long ({exc}). The ballot was not saved; send it again"
            ) from None
        try:
            if write:
                for statement in TABLES:
                    conn.execute(statement)
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise PlanFileError(
                    store.path,
                    f"the ballot could not be saved or read ({exc})",
                    "Check there is free disk space and the file is writable, then try again",
                ) from None
            raise


def _missing_table(exc: sqlite3.Error) -> bool:
    return "no such table" in str(exc)


def definitions(conn: sqlite3.Connection) -> list[dict]:
    """The ballots section as saved (in the caller's transaction)."""
    row = conn.execute("SELECT value FROM sections WHERE name = ?", (BALLOTS_SECTION,)).fetchone()
    if row is None:
        return []
    value = json.loads(row[0])
    return value if isinstance(value, list) else []


def read_definitions(store: PlanStore) -> list[dict]:
    return list(store.get(BALLOTS_SECTION).value or [])


def by_code(store: PlanStore, code: str) -> dict | None:
    """The ballot with this join code (open or closed), or None."""
    wanted = normalise_code(code)
    if not wanted:
        return None
    with transaction(store, write=False) as conn:
        for ballot in definitions(conn):
            if ballot.get("join_code") == wanted:
                return ballot
    return None


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())[:12]


@dataclass(frozen=True)
class Stored:
    """One participant's ballot as kept: choices, comment and when it came."""

    choices: dict
    comment: str
    received_at: str


class Closed(BallotError):
    """The ballot closed before this vote arrived."""


def put_vote(store: PlanStore, ballot_id: str, token: str, choices: dict, comment: str) -> bool:
    """Save (or replace) a participant's ballot; True if it replaced an earlier one.

    The status is read again inside the write transaction: a vote that arrives as the
    ballot closes is either in the count or refused (:class:`Closed`), never lost in
    between.
    """
    result = put_votes(store, [(ballot_id, token, choices, comment)])[0]
    if isinstance(result, Closed):
        raise result
    return result


def put_votes(store: PlanStore, votes: list[tuple[str, str, dict, str]]) -> list[bool | Closed]:
    """Save several participants' ballots in one transaction (one write to disk).

    ``votes`` holds (ballot id, token, choices, comment). For each, in order: True if it
    replaced that participant's earlier ballot, False if it is their first, or a
    :class:`Closed` error (not raised) if its ballot is no longer open.
    """
    results: list[bool | Closed] = []
    with transaction(store) as conn:
        status = {b.get("id"): b.get("status") for b in definitions(conn)}
        for ballot_id, token, choices, comment in votes:
            if status.get(ballot_id) != "open":
                results.append(Closed(f"ballot '{ballot_id}' is closed: no more ballots are taken"))
                continue
            key = participant_key(ballot_id, token)
            before = conn.execute(
                "SELECT 1 FROM ballot_votes WHERE ballot_id = ? AND participant = ?",
                (ballot_id, key),
            ).fetchone()
            conn.execute(
                "INSERT INTO ballot_votes (ballot_id, participant, choices, comment, "
                "received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (ballot_id, participant) "
                "DO UPDATE SET choices = excluded.choices, comment = excluded.comment, "
                "received_at = excluded.received_at, sent = sent + 1",
                (ballot_id, key, json.dumps(choices, sort_keys=True), comment, now()),
            )
            results.append(before is not None)
    return results


def get_vote(store: PlanStore, ballot_id: str, token: str) -> Stored | None:
    """This participant's ballot, to pre-fill the page when they come back."""
    try:
        with transaction(store, write=False) as conn:
            row = conn.execute(
                "SELECT choices, comment, received_at FROM ballot_votes "
                "WHERE ballot_id = ? AND participant = ?",
                (ballot_id, participant_key(ballot_id, token)),
            ).fetchone()
    except PlanFileError:
        return None
    return Stored(json.loads(row[0]), row[1], row[2]) if row else None


def _rows(conn: sqlite3.Connection, query: str, args: tuple) -> list[tuple]:
    try:
        return conn.execute(query, args).fetchall()
    except sqlite3.OperationalError as exc:
        if _missing_table(exc):
            return []  # no ballot has been sent to this plan yet
        raise


def votes(store: PlanStore, ballot_id: str) -> list[Stored]:
    """Every participant's ballot, oldest first."""
    with _lock(store):
        rows = _rows(
            store.connection,
            "SELECT choices, comment, received_at FROM ballot_votes WHERE ballot_id = ? "
            "ORDER BY received_at, rowid",
            (ballot_id,),
        )
    return [Stored(json.loads(c), m, r) for c, m, r in rows]


def received(store: PlanStore, ballot_id: str) -> tuple[int, str]:
    """How many participants have sent a ballot, and when the latest came ('' if none)."""
    with _lock(store):
        rows = _rows(
            store.connection,
            "SELECT COUNT(*), COALESCE(MAX(received_at), '') FROM ballot_votes WHERE ballot_id = ?",
            (ballot_id,),
        )
    return (int(rows[0][0]), rows[0][1]) if rows else (0, "")


def put_paper(
    store: PlanStore, ballot_id: str, counts: dict[str, int], voters: int, who: str
) -> None:
    """Keep the counts typed from paper (replacing earlier ones for this ballot)."""
    with transaction(store) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO ballot_paper (ballot_id, counts, voters, recorded_at, "
            "recorded_by) VALUES (?, ?, ?, ?, ?)",
            (ballot_id, json.dumps(counts, sort_keys=True), voters, now(), who),
        )


def paper(store: PlanStore, ballot_id: str) -> tuple[dict[str, int], int]:
    with _lock(store):
        rows = _rows(
            store.connection,
            "SELECT counts, voters FROM ballot_paper WHERE ballot_id = ?",
            (ballot_id,),
        )
    return (json.loads(rows[0][0]), int(rows[0][1])) if rows else ({}, 0)


def note_server(store: PlanStore, url: str, pid: int) -> None:
    with transaction(store) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO workshop_server (id, url, pid, started_at) VALUES (1, ?, ?, ?)",
            (url, pid, now()),
        )


def forget_server(store: PlanStore, pid: int) -> None:
    with transaction(store) as conn:
        conn.execute("DELETE FROM workshop_server WHERE pid = ?", (pid,))


def server(store: PlanStore) -> tuple[str, int] | None:
    """The running participant server's address and process id, if one noted itself."""
    with _lock(store):
        rows = _rows(store.connection, "SELECT url, pid FROM workshop_server", ())
    return (rows[0][0], int(rows[0][1])) if rows else None
