"""Step 2's charts: standing, position among all jurisdictions, trends, disparities.

Each builder hands Altair only the few columns it draws (never a whole data table), and
aggregates where a chart would otherwise carry thousands of rows per metric.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from workbook.analysis.compare import Comparison, numeric_values
from workbook.data.catalog import Framework, Metric
from workbook.data.dataset import Dataset
from workbook.display.charts import finish
from workbook.display.theme import (
    DISTRIBUTION_BARS,
    HIGHLIGHT,
    JUDGEMENT_COLOURS,
    MUTED,
    OTHER_PLACES,
    PEER_COLOUR,
    QUALITY_OPACITY,
    STATE_COLOUR,
)

JUDGEMENT_ORDER = ["better", "similar", "worse", "not judged"]
BINS = 24


def axis_format(metric: Metric) -> str:
    return {"share": ".0%", "dollars": "$,.0f"}.get(metric.format, ",.3~g")


def _judgement_scale() -> alt.Scale:
    colours = [
        JUDGEMENT_COLOURS["better"],
        JUDGEMENT_COLOURS["similar"],
        JUDGEMENT_COLOURS["worse"],
        JUDGEMENT_COLOURS[""],
    ]
    return alt.Scale(domain=JUDGEMENT_ORDER, range=colours)


def overview(comparison: Comparison, framework: Framework) -> alt.FacetChart:
    """Every metric's national percentile on one screen, by pillar, coloured by judgement."""
    table = comparison.table
    frame = pd.DataFrame({
        "pillar": table["pillar"].map(framework.pillar_name),
        "metric": table["name"],
        "percentile": table["national_percentile"].round(1),
        "judgement": table["vs_nation"].replace("", "not judged"),
        "quality": table["quality"].fillna("none"),
        "year": table["year"].astype("string").fillna(""),
    }).dropna(subset=["percentile"])  # fmt: skip
    order = [p["name"] for p in framework.pillars]
    chart = (
        alt.Chart()
        .mark_circle(size=110)
        .encode(
            x=alt.X(
                "percentile:Q",
                scale=alt.Scale(domain=[0, 100]),
                title="National percentile rank (share of places with a lower value)",
            ),
            y=alt.Y("metric:N", title=None, sort=None, axis=alt.Axis(labelLimit=330)),
            color=alt.Color(
                "judgement:N", scale=_judgement_scale(), title="Compared with the nation"
            ),
            opacity=alt.Opacity(
                "quality:N",
                scale=alt.Scale(
                    domain=["Strong", "Marginal", "Weak", "none"],
                    range=[
                        QUALITY_OPACITY["Strong"],
                        QUALITY_OPACITY["Marginal"],
                        QUALITY_OPACITY["Weak"],
                        0.5,
                    ],
                ),
                title="Quality",
            ),
            tooltip=["metric:N", "percentile:Q", "judgement:N", "quality:N", "year:N"],
        )
        .properties(width=420)
    )
    rules = alt.Chart().mark_rule(color=MUTED, strokeDash=[4, 3]).encode(x=alt.datum(50))
    faceted = (
        alt.layer(chart, rules, data=frame)
        .facet(
            row=alt.Row(
                "pillar:N",
                sort=order,
                title=None,
                header=alt.Header(
                    labelAngle=0,
                    labelAlign="left",
                    labelFontWeight="bold",
                    labelOrient="top",
                    labelLimit=600,
                    labelFontSize=14,
                ),
            ),
        )
        .resolve_scale(y="independent")
    )
    place = comparison.place
    better = int((table["vs_nation"] == "better").sum())
    worse = int((table["vs_nation"] == "worse").sum())
    return finish(
        faceted,
        f"Where {place.label} stands on every metric",
        f"National percentile rank of each metric for {place.label}, grouped by pillar. "
        f"{better} metrics compare better than the national median and {worse} worse; "
        "faint points are Weak or Marginal values. For metrics where lower is better, a high "
        "rank is a concern.",
        comparison.data.synthetic,
    )


def distribution_panels(data: Dataset, variables, kind: str):
    """Each panel of the distribution grid: (metric, every place's values, low, high).

    Metrics without values for this kind of place have no panel; the panel spans the
    1st to the 99th percentile.
    """
    recent = data.table(f"{kind}_recent")
    for variable in variables:
        metric = data.catalog[variable]
        if not metric.applies_to(kind) or metric.variable not in recent:
            continue
        values = numeric_values(metric, recent[metric.variable])
        present = values.dropna()
        if present.empty:
            continue
        low, high = np.nanpercentile(present, [1, 99])
        if low == high:
            low, high = present.min(), present.max() + 1e-9
        yield metric, values, low, high


def _distribution_rows(data: Dataset, comparison: Comparison) -> pd.DataFrame:
    kind = comparison.place.kind
    recent = data.table(f"{kind}_recent")
    keys = recent["state"] + recent[kind]
    rows = []
    variables = comparison.table["variable"]
    for metric, values, low, high in distribution_panels(data, variables, kind):
        clipped = values.dropna().clip(low, high)
        counts, edges = np.histogram(clipped, bins=BINS, range=(low, high))
        for count, start, end in zip(counts, edges[:-1], edges[1:], strict=True):
            rows.append(
                {
                    "metric": metric.name,
                    "layer": "all",
                    "start": start,
                    "end": end,
                    "count": int(count),
                    "value": None,
                    "role": None,
                }
            )
        marks = [("you", comparison.place.key)] + [("peer", k) for k in comparison.peers.keys]
        for role, key in marks:
            value = values[keys == key]
            if len(value) and not pd.isna(value.iloc[0]):
                rows.append(
                    {
                        "metric": metric.name,
                        "layer": "mark",
                        "start": None,
                        "end": None,
                        "count": None,
                        "value": float(np.clip(value.iloc[0], low, high)),
                        "role": role,
                    }
                )
    return pd.DataFrame(rows)


def distribution_grid(data: Dataset, comparison: Comparison, columns: int = 4) -> alt.FacetChart:
    """Where the jurisdiction (black) and its peers (orange) sit in each metric's spread."""
    rows = _distribution_rows(data, comparison)
    kind_word = "counties" if comparison.place.kind == "county" else "cities"
    base = alt.Chart().properties(width=170, height=70)
    bars = (
        base.transform_filter("datum.layer == 'all'")
        .mark_bar(color=DISTRIBUTION_BARS)
        .encode(
            x=alt.X(
                "start:Q", title=None, axis=alt.Axis(format=",.2~r", labelFontSize=9, tickCount=4)
            ),
            x2="end:Q",
            y=alt.Y("count:Q", title=None, axis=None),
            y2=alt.datum(0),
        )
    )
    marks = (
        base.transform_filter("datum.layer == 'mark'")
        .mark_rule(strokeWidth=2)
        .encode(
            x="value:Q",
            color=alt.Color(
                "role:N",
                scale=alt.Scale(domain=["you", "peer"], range=[HIGHLIGHT, PEER_COLOUR]),
                title=None,
            ),
            size=alt.Size(
                "role:N", scale=alt.Scale(domain=["you", "peer"], range=[3, 1]), legend=None
            ),
        )
    )
    grid = (
        alt.layer(bars, marks, data=rows)
        .facet(
            facet=alt.Facet(
                "metric:N", title=None, header=alt.Header(labelFontSize=10, labelLimit=190)
            ),
            columns=columns,
        )
        .resolve_scale(x="independent", y="independent")
    )
    place = comparison.place
    return finish(
        grid,
        f"{place.label} among all {kind_word}, metric by metric",
        f"For each metric, the spread of values across all {kind_word} (bars, extreme "
        f"1% at each end gathered at the edges), with {place.label} as a black line and "
        "its peers as orange lines.",
        data.synthetic,
    )


def position(data: Dataset, comparison: Comparison, variable: str) -> alt.LayerChart:
    """Every county (or city) as a point for one metric, the jurisdiction and peers marked."""
    metric = data.catalog[variable]
    kind = comparison.place.kind
    recent = data.table(f"{kind}_recent")
    keys = recent["state"] + recent[kind]
    values = numeric_values(metric, recent[variable]) if variable in recent else pd.Series()
    role = np.where(
        keys == comparison.place.key,
        "you",
        np.where(
            keys.isin(comparison.peers.keys),
            "peer",
            np.where(recent["state"] == comparison.place.state, "same state", "other"),
        ),
    )
    frame = pd.DataFrame({
        "value": values,
        "role": role,
        "name": recent[f"{kind}_name"] + ", " + recent["state_name"],
        # A fixed pseudo-random spread keeps points apart and the chart identical each run.
        "jitter": np.random.default_rng(7).uniform(0, 1, len(recent)),
    }).dropna(subset=["value"])  # fmt: skip
    frame.loc[frame["role"] == "other", "name"] = ""  # only named where it matters
    order = ["other", "same state", "peer", "you"]
    colours = [OTHER_PLACES, STATE_COLOUR, PEER_COLOUR, HIGHLIGHT]
    x = alt.X(
        "value:Q",
        title=f"{metric.name} ({metric.unit})",
        axis=alt.Axis(format=axis_format(metric)),
        scale=alt.Scale(zero=False),
    )
    base = alt.Chart(frame).encode(
        x=x,
        y=alt.Y("jitter:Q", axis=None, title=None),
        color=alt.Color("role:N", scale=alt.Scale(domain=order, range=colours), title=None),
        tooltip=[
            alt.Tooltip("name:N", title="Place"),
            alt.Tooltip("value:Q", format=axis_format(metric)),
        ],
    )
    # Drawn in layers so the jurisdiction and its peers are never hidden under others.
    points = (
        base.transform_filter("datum.role == 'other' || datum.role == 'same state'").mark_circle(
            size=16, opacity=0.8
        )
        + base.transform_filter("datum.role == 'peer'").mark_circle(size=90, opacity=1)
        + base.transform_filter("datum.role == 'you'").mark_circle(size=220, opacity=1)
    ).properties(width=640, height=160)
    kind_word = "counties" if kind == "county" else "cities"
    return finish(
        points,
        f"{metric.name}: {comparison.place.label} among {len(frame):,} {kind_word}",
        f"Each point is one of {len(frame):,} {kind_word} with a value. {comparison.place.label}"
        " is the large black point, its peers orange, others in its state blue.",
        data.synthetic,
    )


def trend(data: Dataset, series: pd.DataFrame, variable: str, place_name: str) -> alt.LayerChart:
    """A metric over the years for the jurisdiction, its peers' median and its state median."""
    metric = data.catalog[variable]
    frame = series[["year", "series", "value", "quality"]].copy()
    frame["quality"] = frame["quality"].fillna("reference")
    names = list(dict.fromkeys(frame["series"]))
    colours = [HIGHLIGHT, PEER_COLOUR, STATE_COLOUR][: len(names)]
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title="Year"),
        y=alt.Y(
            "value:Q",
            title=metric.unit,
            axis=alt.Axis(format=axis_format(metric)),
            scale=alt.Scale(zero=False),
        ),
        color=alt.Color("series:N", scale=alt.Scale(domain=names, range=colours), title=None),
    )
    lines = base.mark_line(strokeWidth=2)
    points = base.mark_point(filled=True, size=60).encode(
        opacity=alt.Opacity(
            "quality:N",
            scale=alt.Scale(
                domain=["Strong", "Marginal", "Weak", "reference"], range=[1, 0.75, 0.3, 0.8]
            ),
            legend=None,
        ),
        tooltip=[
            "series:N",
            "year:O",
            alt.Tooltip("value:Q", format=axis_format(metric)),
            "quality:N",
        ],
    )
    years = sorted(frame["year"].unique())
    span = f"{years[0]}-{years[-1]}" if years else "no years"
    return finish(
        (lines + points).properties(width=560, height=220),
        f"{metric.name}, {span}",
        f"{metric.name} for {place_name} each year, with the median of its peers and of its "
        "state. Faint points are Weak values.",
        data.synthetic,
    )


def trend_grid(
    data: Dataset, series: pd.DataFrame, place_name: str, columns: int = 4
) -> alt.FacetChart:
    """Every metric's yearly values in small panels: the place, peer and state medians.

    ``series`` holds the tidy rows of :func:`workbook.analysis.compare.trends` for every metric,
    with a ``metric`` column (the metric's name).
    """
    frame = series[["metric", "year", "series", "value"]].copy()
    names = list(dict.fromkeys(frame["series"]))
    own = [n for n in names if n != "Peer median" and not n.endswith(" median")]
    order = own + [n for n in names if n not in own]
    colours = [HIGHLIGHT, PEER_COLOUR, STATE_COLOUR][: len(order)]
    chart = (
        alt.Chart()
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X(
                "year:O",
                title=None,
                axis=alt.Axis(
                    labelFontSize=9,
                    labelAngle=0,
                    labelExpr="datum.value % 2 == 0 ? datum.value : ''",
                ),
            ),
            y=alt.Y(
                "value:Q",
                title=None,
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",.2~r", labelFontSize=9, tickCount=4),
            ),
            color=alt.Color("series:N", scale=alt.Scale(domain=order, range=colours), title=None),
            tooltip=["metric:N", "series:N", "year:O", alt.Tooltip("value:Q", format=",.4~r")],
        )
        .properties(width=170, height=90)
    )
    grid = (
        alt.layer(chart, data=frame)
        .facet(
            facet=alt.Facet(
                "metric:N",
                title=None,
                sort=list(dict.fromkeys(frame["metric"])),
                header=alt.Header(labelFontSize=10, labelLimit=190),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent")
    )
    return finish(
        grid,
        f"Every metric over the years: {place_name}, its peers and its state",
        f"One small panel per metric with a value in more than one year: {place_name} in "
        "black, the median of its peers in orange and of its state in blue.",
        data.synthetic,
    )


def disparities(data: Dataset, values: pd.DataFrame, place_label: str) -> alt.FacetChart | None:
    """Each group's latest value per metric, metrics ordered by their relative gap."""
    if values.empty:
        return None
    latest = values[values["year"] == values.groupby("variable")["year"].transform("max")]
    groups = latest[latest["subgroup"] != "All"].copy()
    overall = latest[latest["subgroup"] == "All"].set_index("variable")["value"]
    spread = groups.groupby("variable")["value"].agg(lambda v: v.max() - v.min())
    relative = (spread / overall.reindex(spread.index).abs()).replace([np.inf], np.nan)
    order = relative.sort_values(ascending=False).index.tolist()
    names = latest.drop_duplicates("variable").set_index("variable")["name"]
    groups["metric"] = groups["variable"].map(
        lambda v: f"{names[v]} ({int(latest.loc[latest['variable'] == v, 'year'].iloc[0])})"
    )
    metric_order = [
        groups.loc[groups["variable"] == v, "metric"].iloc[0]
        for v in order
        if (groups["variable"] == v).any()
    ]
    frame = groups[["metric", "subgroup", "value", "quality"]].copy()
    frame["quality"] = frame["quality"].fillna("none")
    base = alt.Chart().encode(y=alt.Y("subgroup:N", title=None, axis=alt.Axis(labelLimit=200)))
    dots = base.mark_circle(size=120).encode(
        x=alt.X("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("subgroup:N", title="Group"),
        opacity=alt.Opacity(
            "quality:N",
            scale=alt.Scale(
                domain=["Strong", "Marginal", "Weak", "none"], range=[1, 0.75, 0.3, 0.6]
            ),
            legend=None,
        ),
        tooltip=["subgroup:N", alt.Tooltip("value:Q", format=",.3~g"), "quality:N"],
    )
    chart = (
        alt.layer(dots, data=frame)
        .properties(width=460, height=alt.Step(16))
        .facet(
            row=alt.Row(
                "metric:N",
                sort=metric_order,
                title=None,
                header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260),
            ),
        )
        .resolve_scale(x="independent", y="independent")
    )
    largest = metric_order[0] if metric_order else "none"
    return finish(
        chart,
        f"Gaps between racial and ethnic groups in {place_label}",
        "For each metric with data by race and ethnicity, the latest value of each group; "
        f"metrics are ordered from the largest gap relative to the overall value ({largest}) "
        "down. Faint points are Weak values.",
        data.synthetic,
    )


def gap_trend(data: Dataset, gap_table: pd.DataFrame, place_label: str) -> alt.Chart | None:
    """How the largest gap of each metric moved over the years (relative to the overall)."""
    if gap_table.empty:
        return None
    frame = gap_table[["name", "year", "gap", "overall"]].copy()
    frame["relative_gap"] = frame["gap"] / frame["overall"].abs()
    frame = frame.replace([np.inf, -np.inf], np.nan).dropna(subset=["relative_gap"])
    chart = (
        alt.Chart(frame[["name", "year", "relative_gap"]])
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y(
                "relative_gap:Q",
                title="Gap as a share of the overall value",
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "name:N", title="Metric", legend=alt.Legend(orient="right", labelLimit=280)
            ),
            tooltip=["name:N", "year:O", alt.Tooltip("relative_gap:Q", format=".0%")],
        )
        .properties(width=520, height=240)
    )
    return finish(
        chart,
        f"How the gaps between groups moved in {place_label}",
        "The largest gap between groups for each metric and year, as a share of the overall "
        "value; a rising line is a widening gap.",
        data.synthetic,
    )
