"""A plan as readable JSON: the full export that rebuilds it, and the public one to share.

A full export holds everything (sections, history with values, conflicts, drafts, the rows
of local data sets) and :func:`import_plan` rebuilds the plan from it exactly. A public
export is what a stakeholder may see: private parts removed, history without values, no
conflicts, drafts or local data rows; it cannot rebuild a plan.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbook.errors import printable
from workbook.plan.errors import PlanFileError
from workbook.plan.files import DEFAULT_TIMEOUT, new_plan_beside, plan_path, write_atomically
from workbook.plan.history import summarise
from workbook.plan.privacy import strip_private
from workbook.plan.records import (
    Change,
    Conflict,
    Draft,
    UnreadableValue,
    canonical,
    check_section_name,
    columns,
    encode_section,
    load,
)
from workbook.plan.schema import APPLICATION, SCHEMA_VERSION
from workbook.plan.tables import export_rows, import_rows
from workbook.plan.wording import counted, name_list

EXPORT_FORMAT = "mobility-workbook-plan-export"


# --- export -------------------------------------------------------------------------


def collect_export(conn: sqlite3.Connection, public: bool = False) -> dict:
    """The whole plan as plain data, read in the caller's transaction (one snapshot).

    A saved value that cannot be read (the file was changed outside the workbook) is left
    out and listed under ``"unreadable"``, so one damaged record never stops an export.
    """
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    unreadable: list[dict] = []

    def readable(table: str, section: str, text: str, **where: Any) -> tuple[bool, Any]:
        try:
            return True, load(text)
        except UnreadableValue as exc:
            unreadable.append({"table": table, "section": section, **where, "problem": str(exc)})
            return False, None

    sections = {}
    for name, text, version, at, by, private in conn.execute(
        "SELECT name, value, version, saved_at, saved_by, private FROM sections ORDER BY name"
    ):
        ok, value = readable("sections", name, text, version=version)
        if ok:
            ok, paths = readable("sections", name, private, version=version)
        if not ok:
            continue
        sections[name] = {
            "value": strip_private(value, paths) if public else value,
            "version": version,
            "saved_at": at,
            "saved_by": by,
            "private": paths,
        }
    history = []
    for row in conn.execute(f"SELECT {columns(Change)}, value FROM history ORDER BY id"):
        entry = asdict(Change(*row[:6]))
        if not public:
            ok, entry["value"] = readable("history", row[1], row[6], version=row[2])
            if not ok:
                continue
        history.append(entry)
    data = {
        "format": EXPORT_FORMAT,
        "schema_version": int(meta["schema_version"]),
        "meta": meta,
        "public": public,
        "sections": sections,
        "history": history,
    }
    if not public:
        data["conflicts"] = []
        for row in conn.execute(f"SELECT {columns(Conflict)} FROM conflicts ORDER BY id"):
            if readable("conflicts", row[1], row[6], id=row[0])[0]:
                data["conflicts"].append(asdict(Conflict.from_row(row)))
        data["drafts"] = []
        for row in conn.execute(f"SELECT {columns(Draft)} FROM drafts ORDER BY section, author"):
            if readable("drafts", row[0], row[2], author=row[1])[0]:
                data["drafts"].append(asdict(Draft.from_row(row)))
        # The rows of local data sets (workbook.plan.tables), so the export rebuilds them.
        rows = export_rows(conn)
        if rows:
            data["local_values"] = rows
    if unreadable:
        data["unreadable"] = unreadable
    return data


def unreadable_message(plan: object, export: Path, unreadable: list[dict]) -> str:
    """What an export left out because it was damaged, and what to do about it."""
    names = sorted({entry["section"] for entry in unreadable})
    return printable(
        f"plan file {plan}: {counted(len(unreadable), 'saved value')} could not be read "
        f"(damaged, in section(s) {name_list(names)}) and were left out of {export}; "
        "everything else was exported, and the export lists what is missing under "
        "'unreadable'. Restore those sections from a backup or an earlier export, or "
        "delete their answers with store.delete_section(name) and enter them again"
    )


def write_export(path: str | os.PathLike[str], data: dict) -> Path:
    """Write exported plan data as readable JSON (sorted keys, indented); return the path."""
    target = Path(path)
    text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
    write_atomically(target, text + "\n")
    return target


# --- import -------------------------------------------------------------------------


def _export_problem(json_path: Path, problem: str) -> PlanFileError:
    return PlanFileError(
        json_path,
        problem,
        "Use a complete export written by PlanStore.export_plan (public=False); nothing "
        "was created",
    )


def _read_export(source: Path) -> dict:
    """The data of a full export of a schema this workbook reads, or PlanFileError."""
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
    return data


def import_plan(json_path: str | os.PathLike[str], sqlite_path: str | os.PathLike[str]) -> Path:
    """Rebuild a plan file at ``sqlite_path`` from a full JSON export; never overwrites."""
    source = Path(json_path)
    target = plan_path(sqlite_path)
    if target.exists():
        raise PlanFileError(
            target,
            "already exists, and importing never overwrites a plan",
            "Choose a new file name for the imported plan, or move the existing one away",
        )
    data = _read_export(source)

    def fill(conn: sqlite3.Connection) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            _fill_from_export(conn, data)
            conn.execute("COMMIT")
        except (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError) as exc:
            raise _export_problem(source, f"is incomplete or inconsistent ({exc!r})") from None

    with new_plan_beside(target, "importing", DEFAULT_TIMEOUT, fill) as temp:
        try:
            os.link(temp, target)
        except FileExistsError:
            raise PlanFileError(
                target, "was created by someone else while importing", "Choose a new name"
            ) from None
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
                canonical(sorted(entry.get("private", []))),
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
    import_rows(conn, data.get("local_values"))
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
