"""The progress scorecard: each measure's values against its baseline, forecast and target.

One written rule (:data:`STATUS_RULE`) gives every measure its status, applied the same
way every time by :func:`measure_status`, a pure function of the measure, its values and
the day. Measures and actual values come in the shapes of the plan sections
``step8.measures`` and ``step10.actuals``; nothing here reads the plan or draws.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

ON_TRACK, OFF_TRACK, NO_NEW_DATA, STALE = "on_track", "off_track", "no_new_data", "stale"
STATUSES = (ON_TRACK, OFF_TRACK, STALE, NO_NEW_DATA)
STATUS_LABELS = {
    ON_TRACK: "On track",
    OFF_TRACK: "Off track",
    STALE: "Stale",
    NO_NEW_DATA: "No new data",
}
# How long a value stays current, by the measure's reporting frequency (Step 8).
PERIOD_DAYS = {"monthly": 31, "quarterly": 92, "annual": 366, "every_two_years": 731}
FREQUENCY_WORDS = {
    "monthly": "a month",
    "quarterly": "a quarter",
    "annual": "a year",
    "every_two_years": "two years",
}
NEITHER_BAND = 0.05  # a measure with no better direction is on track within 5% of its aim
ROUNDING = 5e-4  # two values closer than this (relative) are the same value re-rounded

STATUS_RULE = (
    "Each measure gets one status, decided in this order. "
    "1. No new data: nothing has been recorded since the baseline. "
    "2. Stale: the newest value is older than the measure's reporting frequency allows "
    "(a month, a quarter, a year or two years before today). "
    "3. On track: the newest value is at least as far along, in the direction the measure "
    "should move, as a straight line from the baseline to the target says it should be on "
    "that date. Without a target, on track means it has not moved the wrong way from the "
    "baseline; for a measure with no better direction, within 5% of its target (or of its "
    "baseline). "
    "4. Off track: every other case."
)


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def year_end(year: Any) -> dt.date | None:
    try:
        return dt.date(int(year), 12, 31)
    except (TypeError, ValueError):
        return None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def baseline_date(measure: Mapping) -> dt.date | None:
    """When the baseline was measured: its date, else the end of its year."""
    base = measure.get("baseline") or {}
    return parse_date(base.get("date")) or year_end(base.get("year"))


def earliest_actual(measure: Mapping) -> dt.date | None:
    """The first day an actual value may be dated: the baseline's date, else its year's start."""
    base = measure.get("baseline") or {}
    if parse_date(base.get("date")):
        return parse_date(base.get("date"))
    try:
        return dt.date(int(base.get("year")), 1, 1)
    except (TypeError, ValueError):
        return None


def target_date(measure: Mapping) -> dt.date | None:
    return year_end((measure.get("target") or {}).get("year"))


def expected_on(measure: Mapping, day: dt.date) -> float | None:
    """Where a straight line from the baseline to the target says the measure should be."""
    base, target = measure.get("baseline") or {}, measure.get("target") or {}
    start, end = baseline_date(measure), target_date(measure)
    b, t = number(base.get("value")), number(target.get("value"))
    if None in (start, end, b, t):
        return None
    if end <= start or day >= end:
        return t
    share = max(0.0, (day - start).days / (end - start).days)
    return b + (t - b) * share


def _at_least_as_good(value: float, aim: float, direction: str) -> bool:
    slack = 1e-9 * max(1.0, abs(aim))
    if direction == "higher":
        return value >= aim - slack
    if direction == "lower":
        return value <= aim + slack
    return abs(value - aim) <= NEITHER_BAND * abs(aim) + slack


def measure_status(
    measure: Mapping, values: Iterable[tuple[Any, Any]], today: dt.date
) -> tuple[str, str]:
    """(status, reason in words) of ``measure`` given its ``(date, value)`` actuals.

    The rule is :data:`STATUS_RULE`; this function is its only implementation.
    """
    start = baseline_date(measure)
    points = sorted(
        ((d, v) for d, v in ((parse_date(d), number(v)) for d, v in values)
         if d is not None and v is not None),
        key=lambda point: point[0],  # by date only: a later record for the same date wins
    )  # fmt: skip
    base_value = number((measure.get("baseline") or {}).get("value"))
    if base_value is None and points:  # no baseline: the first value recorded serves as one
        (start, base_value), points = points[0], points[1:]
    new = [(d, v) for d, v in points if start is None or d > start]
    if not new:
        return NO_NEW_DATA, "nothing recorded since the baseline"
    day, value = new[-1]
    frequency = str(measure.get("frequency") or "annual")
    period = PERIOD_DAYS.get(frequency, PERIOD_DAYS["annual"])
    if (today - day).days > period:
        words = FREQUENCY_WORDS.get(frequency, "a year")
        return STALE, f"the newest value ({day.isoformat()}) is more than {words} old"
    direction = str(measure.get("direction") or "neither")
    aim = expected_on(measure, day)
    if aim is None:
        target = number((measure.get("target") or {}).get("value"))
        aim = target if direction == "neither" and target is not None else base_value
        compared = "the target" if aim == target and direction == "neither" else "the baseline"
    else:
        compared = "the straight line to the target"
    if aim is None:
        return NO_NEW_DATA, "no baseline or target to compare with"
    good = _at_least_as_good(value, aim, direction)
    side = "at or ahead of" if good else "behind"
    if direction == "neither":
        side = "within 5% of" if good else "more than 5% away from"
    return (ON_TRACK if good else OFF_TRACK), f"{value:g} is {side} {compared} ({aim:.4g})"


def actuals_frame(actuals: Sequence[Mapping]) -> pd.DataFrame:
    """The ``step10.actuals`` records as a typed table (measure_id, date, value, ...)."""
    columns = ["id", "measure_id", "date", "value", "source", "note", "release"]
    frame = pd.DataFrame([{c: a.get(c) for c in columns} for a in actuals], columns=columns)
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    # stable: of two values for one date, the one recorded later (a revision) comes last
    return frame.dropna(subset=["date", "value"]).sort_values(["measure_id", "date"], kind="stable")


def trend_forecast(measure: Mapping, history: pd.DataFrame) -> float | None:
    """The value a straight-line trend through the baseline and actuals gives at the
    target year (None with fewer than two dated values or no target year)."""
    end = target_date(measure)
    if end is None:
        return None
    points = list(zip(history["date"].dt.date, history["value"], strict=True))
    base = measure.get("baseline") or {}
    start, value = baseline_date(measure), number(base.get("value"))
    if start is not None and value is not None:
        points.append((start, value))
    if len({d for d, _ in points}) < 2:
        return None
    x = np.array([d.toordinal() for d, _ in points], dtype=float)
    y = np.array([v for _, v in points], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope * end.toordinal() + intercept)


def stored_forecast(measure: Mapping) -> float | None:
    """A forecast Step 8 stored with the measure ({"value", "year"} or a list of them)."""
    forecast = measure.get("forecast")
    target_year = (measure.get("target") or {}).get("year")
    if isinstance(forecast, Mapping):
        return number(forecast.get("value"))
    if isinstance(forecast, list):
        rows = [f for f in forecast if isinstance(f, Mapping)]
        same = [f for f in rows if str(f.get("year")) == str(target_year)] or rows[-1:]
        return number(same[0].get("value")) if same else None
    return None


SCORECARD_COLUMNS = (
    "measure_id", "measure", "unit", "direction", "level", "pillar", "owners", "frequency",
    "baseline", "baseline_year", "baseline_date", "latest", "latest_date", "target", "target_year",
    "forecast", "forecast_source", "values", "status", "status_label", "reason",
)  # fmt: skip


def scorecard(
    measures: Sequence[Mapping],
    actuals: Sequence[Mapping],
    today: dt.date,
    pillar_of: Mapping[str, str] | None = None,
    owner_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per measure: baseline, newest value, target, forecast and status."""
    frame = actuals_frame(actuals)
    pillar_of, owner_names = pillar_of or {}, owner_names or {}
    rows = []
    for m in measures:
        mid = str(m.get("id"))
        history = frame[frame["measure_id"] == mid]
        status, reason = measure_status(
            m, zip(history["date"].dt.date.astype(str), history["value"], strict=True), today
        )
        stored = stored_forecast(m)
        forecast = stored if stored is not None else trend_forecast(m, history)
        source = "Step 8" if stored is not None else ("trend" if forecast is not None else "")
        base, target = m.get("baseline") or {}, m.get("target") or {}
        latest = history.iloc[-1] if len(history) else None
        owners = [owner_names.get(str(o), str(o)) for o in m.get("owners") or []]
        rows.append({
            "measure_id": mid, "measure": str(m.get("name") or mid),
            "unit": str(m.get("unit") or ""), "direction": str(m.get("direction") or ""),
            "level": str((m.get("element") or {}).get("kind") or "unknown"),
            "pillar": pillar_of.get(mid, "") or "no pillar",
            "owners": ", ".join(owners) or "no owner",
            "frequency": str(m.get("frequency") or ""),
            "baseline": number(base.get("value")), "baseline_year": base.get("year"),
            "baseline_date": None if baseline_date(m) is None else baseline_date(m).isoformat(),
            "latest": None if latest is None else float(latest["value"]),
            "latest_date": None if latest is None else latest["date"].date().isoformat(),
            "target": number(target.get("value")), "target_year": target.get("year"),
            "forecast": forecast, "forecast_source": source, "values": len(history),
            "status": status, "status_label": STATUS_LABELS[status], "reason": reason,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(SCORECARD_COLUMNS))


def by_view(card: pd.DataFrame, view: str) -> pd.DataFrame:
    """How many measures have each status, by ``view`` ("pillar", "owners" or "level")."""
    if card.empty:
        return pd.DataFrame(columns=[view, *STATUS_LABELS.values(), "total"])
    exploded = card.assign(**{view: card[view].str.split(", ")}).explode(view)
    table = pd.crosstab(exploded[view], exploded["status"])
    table = table.reindex(columns=list(STATUSES), fill_value=0)
    table.columns = [STATUS_LABELS[s] for s in table.columns]
    table["total"] = table.sum(axis=1)
    return table.reset_index()


def metric_actuals(
    measures: Sequence[Mapping],
    table: pd.DataFrame,
    kind: str,
    geography: str,
    release: str,
    recorded: Sequence[Mapping] = (),
) -> list[dict]:
    """New actual records for the metric-linked measures from one release's table.

    Each year after the measure's baseline year that has a value becomes an actual dated
    31 December of that year, recorded with ``release``; a value already recorded for that
    measure and year (by this release, or the same value within rounding by an earlier
    one) is not repeated, so a revision is recorded and a repetition is not. Subgroup
    measures are left to their own entry.
    """
    state, code = str(geography)[:2], str(geography)[2:]
    rows = table[(table["state"] == state) & (table[kind] == code)]
    done = {(str(a.get("measure_id")), str(a.get("date"))[:4], a.get("release"))
            for a in recorded}  # fmt: skip
    known: dict[tuple[str, str], list[float]] = {}
    for a in recorded:
        value = number(a.get("value"))
        if value is not None:
            known.setdefault((str(a.get("measure_id")), str(a.get("date"))[:4]), []).append(value)
    out = []
    for m in measures:
        metric = m.get("metric")
        if not metric or m.get("subgroup") or metric not in rows.columns:
            continue
        base_year = (m.get("baseline") or {}).get("year")
        found = rows[["year", metric]].dropna()
        if base_year not in (None, ""):
            found = found[found["year"] > int(base_year)]
        for year, value in zip(found["year"], found[metric], strict=True):
            key = (str(m["id"]), str(int(year)))
            if (*key, release) in done or any(
                abs(value - v) <= ROUNDING * max(abs(value), abs(v)) for v in known.get(key, [])
            ):
                continue
            out.append({
                "measure_id": str(m["id"]), "date": f"{int(year)}-12-31",
                "value": float(value), "source": f"Mobility Metrics, release {release}",
                "note": "", "release": release,
            })  # fmt: skip
    return out
