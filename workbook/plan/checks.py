"""The checks a file passes before the store uses it, and the messages that refuse it.

A plan path may point at anything a person can pick by mistake: a spreadsheet, an
exported .json, another program's database, a copy cut short. Each is named for what it
is, with what to do instead, and the file is left exactly as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from workbook.plan.errors import PlanFileError
from workbook.plan.schema import APPLICATION, MIGRATIONS, SCHEMA_VERSION
from workbook.plan.wording import name_list

SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_problem(exc: sqlite3.Error) -> str:
    """What an error from SQLite means for the person opening the plan, and the way out."""
    text = str(exc)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return (
            f"cannot be opened for writing here (SQLite says: {text}); open it in view "
            "mode (read_only=True), or copy it to a folder you may write to"
        )
    if "malformed" in text or "not a database" in text:
        return f"the file is damaged or is not a SQLite database (SQLite says: {text})"
    return f"SQLite could not read it ({text})"


def check_header(path: Path) -> None:
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


def identify(conn: sqlite3.Connection, path: Path) -> int:
    """The plan's schema version, or PlanFileError when it is not a workbook plan."""
    result = conn.execute("PRAGMA quick_check").fetchall()
    if result != [("ok",)]:
        details = "; ".join(str(r[0]) for r in result[:3])
        raise PlanFileError(path, f"is damaged (SQLite's check says: {details})")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    foreign = PlanFileError(
        path,
        "is a SQLite database of another application, not a workbook plan"
        + (f" (tables: {name_list(sorted(tables), 5)})" if tables else " (it is empty)"),
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
