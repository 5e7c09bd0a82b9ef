"""Charts of a coalition's local data: trend, gaps between groups, spread, and a map.

Each builder takes one of the small aggregated tables of
:mod:`workbook.analysis.local_data` (one row per year, subgroup or value band), never
the data set's rows, so a chart of 100,000 tract values embeds a few dozen rows. The
map embeds one value per sub-area with its simplified shape. Drawn offline: shapes
are inline data, nothing is fetched.
"""

from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd

from workbook.display.charts import finish, nothing_yet
from workbook.display.theme import (
    ACCENT,
    BORDER_GREY,
    DISTRIBUTION_BARS,
    GROUP_COLOURS,
    HIGHLIGHT,
    LINE_COLOURS,
    NO_DATA_GREY,
    WARNING_COLOUR,
)

NO_SUBGROUP = "Everyone"


def value_format(unit: str) -> str:
    """A d3 format for a measure's unit: shares as percentages, else plain numbers."""
    return ".1%" if unit in ("share", "percent") else ",.4~g"


def _subgroup_names(frame: pd.DataFrame) -> pd.Series:
    return frame["subgroup"].fillna("").replace("", NO_SUBGROUP).astype(str)


def _colours(groups: list[str]) -> alt.Scale:
    palette = iter(c for c in LINE_COLOURS if c not in GROUP_COLOURS.values())
    colours = []
    for group in groups:
        known = GROUP_COLOURS.get(group) or (
            GROUP_COLOURS["All"] if group.lower() in ("all", "total", "everyone") else None
        )
        colours.append(known or next(palette, ACCENT))
    return alt.Scale(domain=groups, range=colours)


def trend_chart(trend: pd.DataFrame, label: str, unit: str = "", synthetic: bool = False):
    """A measure over its years, one line per subgroup, the interval as a band or bars."""
    title = f"{label}: over the years"
    rows = trend[trend["value"].notna() & (trend["year"] >= 0)]
    if rows.empty:
        return nothing_yet(title, "No year with a value that is not suppressed.", synthetic)
    frame = rows[["year", "value", "low", "high", "places", "interval", "suppressed"]].copy()
    frame["subgroup"] = _subgroup_names(rows)
    groups = list(dict.fromkeys(frame["subgroup"]))
    fmt = value_format(unit)
    colour = alt.Color("subgroup:N", title="Group", scale=_colours(groups))
    x = alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("subgroup:N", title="Group"),
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("value:Q", title=label, format=fmt),
        alt.Tooltip("low:Q", title="Interval from", format=fmt),
        alt.Tooltip("high:Q", title="to", format=fmt),
        alt.Tooltip("interval:N", title="Interval"),
        alt.Tooltip("places:Q", title="Places with a value"),
        alt.Tooltip("suppressed:Q", title="Suppressed cells"),
    ]
    base = alt.Chart(frame).encode(x=x, color=colour)
    bars = base.mark_errorbar(ticks=True, thickness=1.5).encode(
        y=alt.Y("low:Q", title=label, axis=alt.Axis(format=fmt)), y2="high:Q"
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        y=alt.Y("value:Q", title=label, axis=alt.Axis(format=fmt)), tooltip=tooltip
    )
    chart = (bars + line).properties(width=460, height=260)
    years = sorted(frame["year"].unique())
    kinds = sorted(i for i in frame["interval"].unique() if i)
    described = (
        f"{label} from {years[0]} to {years[-1]}, {len(groups)} group(s). Where many "
        "sub-areas have a value the line is their median; bars show "
        + (" or ".join(kinds) if kinds else "no interval (none was given)")
        + "."
    )
    return finish(chart, title, described, synthetic)


def gap_chart(gaps: pd.DataFrame, label: str, unit: str = "", synthetic: bool = False):
    """Each subgroup's value in the latest year, with its interval."""
    title = f"{label}: groups compared"
    rows = gaps[gaps["value"].notna()]
    if rows.empty or len(rows) < 2:
        return nothing_yet(title, "The data set has no subgroups for this measure.", synthetic)
    frame = rows[["value", "low", "high", "gap", "places", "year"]].copy()
    frame["subgroup"] = _subgroup_names(rows)
    groups = list(dict.fromkeys(frame["subgroup"]))
    fmt = value_format(unit)
    base = alt.Chart(frame).encode(y=alt.Y("subgroup:N", title=None, sort=groups))
    bars = base.mark_bar(height=18).encode(
        x=alt.X("value:Q", title=label, axis=alt.Axis(format=fmt)),
        color=alt.Color("subgroup:N", scale=_colours(groups), legend=None),
        tooltip=[
            alt.Tooltip("subgroup:N", title="Group"),
            alt.Tooltip("value:Q", title=label, format=fmt),
            alt.Tooltip("low:Q", title="Interval from", format=fmt),
            alt.Tooltip("high:Q", title="to", format=fmt),
            alt.Tooltip("gap:Q", title="Gap to everyone", format=fmt),
            alt.Tooltip("places:Q", title="Places with a value"),
        ],
    )
    ranges = base.mark_rule(color=HIGHLIGHT, strokeWidth=1.5).encode(x="low:Q", x2="high:Q")
    chart = (bars + ranges).properties(width=460, height=30 * len(groups))
    year = int(frame["year"].iloc[0])
    when = f" in {year}" if year >= 0 else ""
    spread_ = frame.sort_values("value")
    return finish(
        chart,
        title,
        f"{label}{when} for {len(groups)} groups, from {spread_['subgroup'].iloc[0]} (lowest) "
        f"to {spread_['subgroup'].iloc[-1]} (highest); black lines show each group's interval.",
        synthetic,
    )


def spread_chart(
    bands: pd.DataFrame,
    summary: dict,
    label: str,
    unit: str = "",
    reference: tuple[str, float] | None = None,
    synthetic: bool = False,
):
    """How many sub-areas fall in each value band, with their median and, where there
    is one, the place's own Mobility Metric as a reference line."""
    title = f"{label}: spread across sub-areas"
    if bands.empty or int(bands["count"].sum()) < 2:
        return nothing_yet(title, "Fewer than two sub-areas have a value.", synthetic)
    fmt = value_format(unit)
    frame = bands[["start", "end", "count"]]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=DISTRIBUTION_BARS, stroke=BORDER_GREY, strokeWidth=0.5)
        .encode(
            x=alt.X("start:Q", title=label, axis=alt.Axis(format=fmt), bin="binned"),
            x2="end:Q",
            y=alt.Y("count:Q", title="Sub-areas", axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[
                alt.Tooltip("start:Q", title="From", format=fmt),
                alt.Tooltip("end:Q", title="To", format=fmt),
                alt.Tooltip("count:Q", title="Sub-areas"),
            ],
        )
    )
    lines = [("Median of sub-areas", float(summary["median"]), ACCENT)]
    if reference is not None and not math.isnan(reference[1]):
        lines.append((reference[0], float(reference[1]), WARNING_COLOUR))
    marks = pd.DataFrame([{"what": w, "at": v} for w, v, _ in lines])
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2.5, strokeDash=[5, 3])
        .encode(
            x="at:Q",
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=[w for w, _, _ in lines], range=[c for _, _, c in lines]),
                legend=alt.Legend(orient="bottom", labelLimit=420),
            ),
            tooltip=[alt.Tooltip("what:N", title="Line"), alt.Tooltip("at:Q", format=fmt)],
        )
    )
    chart = (bars + rules).properties(width=460, height=220)
    places = int(summary["places"])
    text = (
        f"{places} sub-areas: the middle half lie between "
        f"{number_text(summary['p25'], unit)} and {number_text(summary['p75'], unit)}, "
        f"the median is {number_text(summary['median'], unit)}"
    )
    if reference is not None:
        text += f"; {reference[0]} is {number_text(reference[1], unit)}"
    if summary.get("suppressed"):
        text += f"; {int(summary['suppressed'])} sub-areas suppressed"
    return finish(chart, title, text + ".", synthetic)


def number_text(value: float, unit: str) -> str:
    """A value as a sentence writes it: 12.5%, 48,420, 3.41."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if unit in ("share", "percent"):
        return f"{value:.1%}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def local_map(
    collection: dict,
    values: pd.DataFrame,
    label: str,
    unit: str = "",
    direction: str = "neither",
    synthetic: bool = False,
):
    """Sub-areas shaded by value (one value per shape), suppressed or missing in grey."""
    title = f"{label}: by sub-area"
    if not collection.get("features"):
        return nothing_yet(title, "No boundary matches a place of the data set.", synthetic)
    by_key = {
        str(r.place): (None if r.suppressed or pd.isna(r.value) else float(r.value))
        for r in values.itertuples()
    }
    features = []
    for feature in collection["features"]:
        key = feature["properties"]["key"]
        value = by_key.get(key)
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "key": key,
                    "value": value,
                    "status": "value" if value is not None else "no value",
                },
            }
        )
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    data = alt.InlineData(values=text, format=alt.DataFormat(type="json", property="features"))
    fmt = value_format(unit)
    base = alt.Chart(data)
    better = {"higher": "darker = better (higher)", "lower": "darker = better (lower)"}
    shaded = (
        base.transform_filter("datum.properties.status == 'value'")
        .mark_geoshape(stroke=BORDER_GREY, strokeWidth=0.4)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                scale=alt.Scale(scheme="blues", reverse=direction == "lower", zero=False),
                legend=alt.Legend(
                    title=f"{label}: {better.get(direction, 'darker = higher')}",
                    format=fmt,
                    titleLimit=460,
                ),
            ),
            tooltip=[
                alt.Tooltip("properties.key:N", title="Place"),
                alt.Tooltip("properties.value:Q", title=label, format=fmt),
            ],
        )
    )
    grey = (
        base.transform_filter("datum.properties.status != 'value'")
        .mark_geoshape(fill=NO_DATA_GREY, stroke=BORDER_GREY, strokeWidth=0.4)
        .encode(tooltip=[alt.Tooltip("properties.key:N", title="Place (suppressed or no value)")])
    )
    chart = alt.layer(grey, shaded).project(type="mercator").properties(width=460, height=420)
    missing = sum(1 for f in features if f["properties"]["status"] != "value")
    return finish(
        chart,
        title,
        f"{len(features)} sub-areas shaded by {label}; {missing} in grey (suppressed or no value).",
        synthetic,
    )


def embedded_rows(chart) -> int:
    """How many data rows a chart carries into the page (named datasets and inline values)."""
    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart

    def rows(values) -> int:
        if isinstance(values, str):  # JSON text: GeoJSON features or a list of rows
            values = json.loads(values)
        if isinstance(values, dict):
            values = values.get("features", [])
        return len(values) if isinstance(values, list) else 0

    count = sum(rows(values) for values in (spec.get("datasets") or {}).values())

    def inline(node) -> int:
        if isinstance(node, dict):
            data = node.get("data")
            found = rows(data["values"]) if isinstance(data, dict) and "values" in data else 0
            return found + sum(inline(v) for k, v in node.items() if k != "datasets")
        if isinstance(node, list):
            return sum(inline(v) for v in node)
        return 0

    return count + inline(spec)
