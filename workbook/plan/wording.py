"""How the plan's messages and change summaries phrase names, counts, times and people.

Errors and history entries are read by coalition members, not programmers: one place
says how a list of names is shortened, a count is pluralised and a time is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime


def describe_time(iso: str) -> str:
    """'2025-03-01 14:02 UTC' for an ISO timestamp (or the text itself if unreadable)."""
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return iso or "an unknown time"


def describe_saver(name: str) -> str:
    """The saver's name quoted, or a phrase for a save made without a name set."""
    return f"'{name}'" if name else "someone (no name set)"


def name_list(names: Sequence[str], limit: int = 6) -> str:
    """'a, b, c' for a few names; the first ``limit`` and 'and N more' for many."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def counted(n: int, noun: str) -> str:
    """'1 item', '2 items'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
