"""Small HTML building blocks for static views. Every piece of text is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workbook.display.html import escape
from workbook.display.theme import ACCENT, BORDER_GREY, PANEL_BACKGROUND

CARD_STYLE = (
    f"border:1px solid {BORDER_GREY};border-radius:6px;padding:8px 12px;margin:4px;"
    f"flex:1 1 240px;background:{PANEL_BACKGROUND}"
)


def cards(items: Iterable[tuple[str, str]], accent: str = ACCENT) -> str:
    """A wrapping row of cards, each a (heading, body) pair."""
    parts = [
        f'<div style="{CARD_STYLE};border-left:5px solid {escape(accent)}">'
        f"<b>{escape(head)}</b><div>{escape(body)}</div></div>"
        for head, body in items
    ]
    return f'<div style="display:flex;flex-wrap:wrap">{"".join(parts)}</div>'


def table(rows: Sequence[Sequence[object]], header: Sequence[str], caption: str = "") -> str:
    """A plain HTML table; cells are escaped text."""
    head = "".join(f'<th style="text-align:left">{escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td style="text-align:left;vertical-align:top">{escape(c)}</td>' for c in row)
        + "</tr>"
        for row in rows
    )
    cap = f"<caption style='text-align:left'>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def year_ranges(years: Sequence[int]) -> str:
    """'2014-2019, 2021-2023' for a sorted list of years; 'none' when empty."""
    if not years:
        return "none"
    spans: list[list[int]] = [[years[0], years[0]]]
    for year in years[1:]:
        if year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def place_first(headline: str, place: object) -> str:
    """A page's opening (``<div class="wb-headline">...``) led by the place it is about."""
    if place is None:
        return headline
    lead = f'<p class="wb-headline-place"><b>{escape(str(place))}</b></p>'
    return headline.replace('<div class="wb-headline">', '<div class="wb-headline">' + lead, 1)
