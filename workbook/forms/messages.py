"""How the kit speaks to people: coloured one-line messages and 'saved at .. by ..'.

Kept apart from the editors because fields, imports and both editors all write these
lines, and the wording of a save ("Saved at 14:02 by Ana") should read the same
everywhere.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from workbook.display.html import escape
from workbook.display.values import long_date
from workbook.plan.store import Record


def coloured(text: str, colour: str) -> str:
    """``text`` escaped, in a span of ``colour`` (a theme constant)."""
    return f'<span style="color:{colour}">{escape(text)}</span>'


def plain(markup: str) -> str:
    """Text of a bit of HTML made by this kit (for status properties and tests)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def local_time(iso: str) -> str:
    """'14:02' today, '2025-03-01 14:02' another day, in the computer's time zone."""
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone()
    except (TypeError, ValueError):
        return iso
    if moment.date() == dt.datetime.now().astimezone().date():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def saved_line(record: Record) -> str:
    """'Saved at 14:02 by Ana', or 'Not saved yet'."""
    if not record.exists:
        return "Not saved yet"
    when = local_time(record.saved_at)
    line = f"Saved at {when}" if len(when) == 5 else f"Saved on {when[:10]} at {when[11:]}"
    return line + (f" by {record.saved_by}" if record.saved_by else "")


def updated_line(record: Record) -> str:
    """'Last updated 5 March 2027' for readers' pages: the day, not who saved it or when
    in the day (the name of the person at the keyboard is not the reader's business)."""
    if not record.exists:
        return ""
    try:
        day = dt.datetime.fromisoformat(record.saved_at).astimezone().date()
    except (TypeError, ValueError):
        return ""
    return f"Last updated {long_date(day.isoformat())}"
