"""Metric values as people read them: 71.2% for shares, $52,300 for dollars, with units.

Shared by every view that prints a Mobility Metric (Step 2's tables and MAP part,
Step 5's workshop view and priorities), so a value reads the same everywhere.
"""

from __future__ import annotations

import math
from datetime import date

from workbook.data.catalog import Metric


def format_value(value: object, fmt: str) -> str:
    """A value as a person reads it: 71.2% for shares, $52,300 for dollars."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if fmt == "share":
        return f"{value:.1%}"
    if fmt == "dollars":
        return f"${value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def value_text(metric: Metric, value: object) -> str:
    """A value with its unit, for sentences: '71.2% (share of adults ages 25-54)'."""
    shown = format_value(value, metric.format)
    if not shown:
        return "no value"
    unit = metric.unit
    if metric.format == "dollars":
        rest = unit.removeprefix("dollars").strip()
        return f"{shown} {rest}".strip()
    if unit.startswith("ratio (") and unit.endswith(")"):
        unit = "ratio, " + unit.removeprefix("ratio (").removesuffix(")")
    if metric.format in ("share", "index") or unit.startswith("ratio"):
        return f"{shown} ({unit})"
    return f"{shown} {unit}"


def gap_text(metric: Metric, gap: float) -> str:
    """A difference between groups in the metric's unit (shares in percentage points)."""
    if metric.format == "share":
        return f"{gap * 100:.1f} percentage points"
    return value_text(metric, gap)


def plain_dollars(html: str) -> str:
    """``html`` in a block MathJax leaves alone.

    JupyterLab and Voila typeset ``$...$`` in HTML output as maths, so "$32,319 to
    $34,358" would read as italic "32,319to34,358"; MathJax skips elements of these classes
    (MathJax 2 and 3 names), and other front ends ignore them.
    """
    return f'<div class="tex2jax_ignore mathjax_ignore">{html}</div>'


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def long_date(iso: str) -> str:
    """'2026-10-05' as '5 October 2026' (the text itself when it is not a date)."""
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
