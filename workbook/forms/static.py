"""Read-only HTML of saved answers and records: what view mode and exported pages show.

Everything a user typed is escaped here, and private fields are never rendered, so a
page built from these strings can be published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbook.display import views
from workbook.display.html import escape
from workbook.display.theme import TEXT_MUTED
from workbook.forms.fields import Field, Rating


class StaticHTML:
    """HTML with no widget behind it (view mode)."""

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return {"text/html": self.html, "text/plain": self.text}


def block(css_class: str, title: str, body: str, line: str) -> str:
    """A titled block: ``body`` (HTML) above a muted line of text such as 'Saved at ..'
    (none when ``line`` is empty: an empty block says so in one sentence, its body)."""
    heading = views.heading(title) if title else ""
    muted = f'<div style="color:{TEXT_MUTED}">{escape(line)}</div>' if line else ""
    return f'<div class="{css_class}">{heading}{body}{muted}</div>'


def answers_table(fields: Sequence[Field], values: Mapping[str, Any]) -> str:
    """One row per public field: its title and the answer (a rating with its anchor)."""
    rows = []
    for f in fields:
        if f.private:
            continue
        text = f.display(values[f.name])
        if isinstance(f, Rating) and (level := f.level(values[f.name])) and level.description:
            text += f": {level.description}"
        rows.append(
            f'<tr><th style="text-align:left;vertical-align:top;padding-right:1em">'
            f"{escape(f.title)}</th>"
            f'<td style="text-align:left;white-space:pre-wrap">{escape(text)}</td></tr>'
        )
    return f"<table><tbody>{''.join(rows)}</tbody></table>"


def records_table(fields: Sequence[Field], items: Sequence[Mapping[str, Any]]) -> str:
    """The records numbered from 1, one column per public field."""
    shown = [f for f in fields if not f.private]
    if not items:
        return views.paragraph("No records yet.")
    rows = [[n, *(f.display(item.get(f.name)) for f in shown)] for n, item in enumerate(items, 1)]
    return views.table(rows, ["#", *(f.title for f in shown)])
