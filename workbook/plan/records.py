"""What the plan store hands out, and the one JSON text each section value is kept as.

A section is one JSON document (a dict or a list). It is checked and written as
canonical JSON (sorted keys, no spaces) so that equal documents are equal as text: the
store compares texts to tell "nothing changed" from a new version.

The record types' field names are the column names of the tables they are read from
(see :func:`columns`), so a row and a record cannot drift apart.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from workbook.plan.errors import PlanValueError

MAX_SECTION_BYTES = 32 * 1024 * 1024
SECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
MAX_DEPTH = 64


class UnreadableValue(ValueError):
    """A stored JSON text no longer parses: the file was changed outside the workbook."""


def load(text: object) -> Any:
    """The value of a stored JSON text, or UnreadableValue (the store names the section)."""
    try:
        return json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:  # JSONDecodeError, or a number/NULL put there
        raise UnreadableValue(f"its JSON text cannot be read ({exc})") from None


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

    @classmethod
    def from_row(cls, row: tuple | None, unreadable_as_none: bool = False) -> Record:
        """The record of a (value text, version, saved_at, saved_by, ...) row; empty for None.

        A value that cannot be read raises UnreadableValue, or is None when
        ``unreadable_as_none`` (for saving over it: its version and saver still count).
        """
        if row is None:
            return cls()
        try:
            value = load(row[0])
        except UnreadableValue:
            if not unreadable_as_none:
                raise
            value = None
        return cls(value, row[1], row[2], row[3])


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

    @classmethod
    def from_row(cls, row: tuple) -> Conflict:
        """The conflict of a row selected with ``columns(Conflict)``."""
        return cls(*row[:6], load(row[6]), *row[7:])


@dataclass(frozen=True)
class Draft:
    """Unsaved form values, kept so that a crash or a closed laptop loses nothing."""

    section: str
    author: str
    value: Any
    base_version: int
    saved_at: str

    @classmethod
    def from_row(cls, row: tuple) -> Draft:
        """The draft of a row selected with ``columns(Draft)``."""
        return cls(row[0], row[1], load(row[2]), row[3], row[4])


def columns(kind: type) -> str:
    """The SELECT list that reads a record type: its field names, which are column names."""
    return ", ".join(field.name for field in fields(kind))


def now_utc() -> str:
    """The current time as UTC ISO 8601, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def canonical(value: Any) -> str:
    """One text per value: sorted keys make equal documents compare equal as text."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


def _check_json(value: Any, where: str, depth: int = 0) -> None:
    """Raise PlanValueError naming the first part of ``value`` JSON cannot hold exactly."""
    if depth > MAX_DEPTH:
        raise PlanValueError(f"{where}: nested more than {MAX_DEPTH} levels deep; flatten it")
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
    text = canonical(value)
    if len(text.encode("utf-8")) > MAX_SECTION_BYTES:
        raise PlanValueError(
            f"section '{section}': {len(text.encode('utf-8')) / 1e6:.1f} MB is more than "
            f"the {MAX_SECTION_BYTES // (1024 * 1024)} MB a section may hold; split it"
        )
    return text


def check_section_name(section: object) -> str:
    """``section`` if it can name a section, or a PlanValueError showing a good name."""
    if not isinstance(section, str) or not SECTION_NAME.match(section):
        raise PlanValueError(
            f"section name {section!r}: use 1-100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (e.g. 'step4.stakeholders')"
        )
    return section
