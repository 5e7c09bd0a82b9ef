"""Charts of the measurement plan: turn the curve (history, forecast, target) and the funding gap.

Tidy frames in, Altair charts out, finished with a title and a description by
:func:`workbook.display.charts.finish`; colours from :mod:`workbook.display.theme`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from workbook.display.charts import finish, nothing_yet
from workbook.display.theme import ACCENT, MUTED, OKABE_ITO, TEXT_MUTED

HISTORY_COLOUR = ACCENT
FORECAST_COLOUR = MUTED
TARGET_COLOUR = OKABE_ITO[4]
NEEDED_COLOUR = MUTED
SECURED_COLOUR = OKABE_ITO[2]


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def turn_the_curve(
    name: str,
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    target: Mapping[str, Any] | None,
    unit: str = "",
    forecast_note: str = "",
    synthetic: bool = False,
):
    """The measure's published history, the straight-line forecast with its band, the target.

    ``history``: year, value (published values only); ``forecast``: year, fit, low, high
    (may be empty); ``target``: {"value", "year"} or None.
    """
    title = f"Turn the curve: {name}"
    has_target = isinstance(target, Mapping) and isinstance(target.get("value"), int | float)
    if history.empty and not has_target:
        return nothing_yet(title, "No history and no target for this measure yet.", synthetic)
    y_title = unit or "Value"
    layers = []
    if not forecast.empty:
        band = forecast[["year", "low", "high"]].assign(series="Forecast if nothing changes")
        layers.append(
            alt.Chart(band)
            .mark_area(opacity=0.25, color=FORECAST_COLOUR)
            .encode(
                x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
                y=alt.Y("low:Q", title=y_title),
                y2="high:Q",
                tooltip=[
                    alt.Tooltip("year:Q", title="Year"),
                    alt.Tooltip("low:Q", title="Band from", format=".4g"),
                    alt.Tooltip("high:Q", title="to", format=".4g"),
                ],
            )
        )
        layers.append(
            alt.Chart(forecast[["year", "fit"]])
            .mark_line(strokeDash=[6, 4], color=FORECAST_COLOUR)
            .encode(
                x="year:Q",
                y=alt.Y("fit:Q", title=y_title),
                tooltip=[
                    alt.Tooltip("year:Q", title="Year"),
                    alt.Tooltip("fit:Q", title="Forecast", format=".4g"),
                ],
            )
        )
    if not history.empty:
        past = history[["year", "value"]].astype({"year": int, "value": float})
        layers.append(
            alt.Chart(past)
            .mark_line(point=True, color=HISTORY_COLOUR)
            .encode(
                x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
                y=alt.Y("value:Q", title=y_title),
                tooltip=[
                    alt.Tooltip("year:Q", title="Year"),
                    alt.Tooltip("value:Q", title="Value", format=".4g"),
                ],
            )
        )
    if has_target:
        point = pd.DataFrame(
            {
                "year": [int(target.get("year") or 0)],
                "value": [float(target["value"])],
                "label": ["Target"],
            }
        )
        layers.append(
            alt.Chart(point)
            .mark_point(shape="diamond", size=160, filled=True, color=TARGET_COLOUR)
            .encode(
                x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
                y=alt.Y("value:Q", title=y_title),
                tooltip=[
                    alt.Tooltip("label:N", title=""),
                    alt.Tooltip("year:Q", title="Year"),
                    alt.Tooltip("value:Q", title="Value", format=".4g"),
                ],
            )
        )
        layers.append(
            alt.Chart(point)
            .mark_text(dx=10, align="left", color=TARGET_COLOUR)
            .encode(x="year:Q", y="value:Q", text="label:N")
        )
    chart = alt.layer(*layers).properties(width=480, height=240)
    parts = []
    if not history.empty:
        first, last = history.iloc[0], history.iloc[-1]
        parts.append(
            f"Published values from {int(first['year'])} ({_fmt(first['value'])}) to "
            f"{int(last['year'])} ({_fmt(last['value'])})."
        )
    if not forecast.empty:
        end = forecast.iloc[-1]
        parts.append(
            f"If nothing changes, the line reaches {_fmt(end['fit'])} in "
            f"{int(end['year'])} (95% band {_fmt(end['low'])} to {_fmt(end['high'])})."
        )
    elif forecast_note:
        parts.append(forecast_note)
    if has_target:
        parts.append(f"The target is {_fmt(float(target['value']))} by {target.get('year')}.")
    return finish(chart, title, " ".join(parts), synthetic)


def funding_gap(resources: Sequence[Mapping[str, Any]]):
    """Needed against secured, one bar pair per item, the gap written beside each."""
    title = "Resources needed and secured"
    rows = [
        {
            "item": str(r.get("item") or ""),
            "needed": float(r.get("needed") or 0),
            "secured": float(r.get("secured") or 0),
        }
        for r in resources
        if isinstance(r.get("needed"), int | float) or isinstance(r.get("secured"), int | float)
    ]
    if not rows:
        return nothing_yet(title, "No resource with an amount yet.")
    frame = pd.DataFrame(rows)
    frame["gap"] = (frame["needed"] - frame["secured"]).clip(lower=0)
    frame["gap_text"] = frame["gap"].map(lambda g: f"gap {g:,.0f}" if g > 0 else "covered")
    long = frame.melt(
        id_vars=["item"], value_vars=["needed", "secured"], var_name="kind", value_name="amount"
    )
    long["kind"] = long["kind"].map({"needed": "Needed", "secured": "Secured"})
    y = alt.Y("item:N", title=None, sort=list(frame["item"]), axis=alt.Axis(labelLimit=260))
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=y,
            yOffset=alt.YOffset("kind:N", sort=["Needed", "Secured"]),
            x=alt.X("amount:Q", title="Amount", axis=alt.Axis(format="~s")),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=["Needed", "Secured"], range=[NEEDED_COLOUR, SECURED_COLOUR]
                ),
            ),
            tooltip=[
                alt.Tooltip("item:N", title="Item"),
                alt.Tooltip("kind:N", title=""),
                alt.Tooltip("amount:Q", title="Amount", format=",.0f"),
            ],
        )
    )
    notes = (
        alt.Chart(frame[["item", "needed", "secured", "gap_text"]])
        .transform_calculate(top="max(datum.needed, datum.secured)")
        .mark_text(align="left", dx=6, color=TEXT_MUTED)
        .encode(y=y, x="top:Q", text="gap_text:N")
    )
    chart = (bars + notes).properties(width=440, height=max(60, 44 * len(frame)))
    needed, secured = frame["needed"].sum(), frame["secured"].sum()
    description = (
        f"{len(frame)} items: {needed:,.0f} needed, {secured:,.0f} secured, a gap of "
        f"{max(needed - secured, 0):,.0f}."
    )
    return finish(chart, title, description)
