"""Step 2's charts: standing, position among all jurisdictions, trends, disparities.

Each builder hands Altair only the few columns it draws (never a whole data table), and
aggregates where a chart would otherwise carry thousands of rows per metric.
"""

from __future__ import annotations

import textwrap

import altair as alt
import numpy as np
import pandas as pd

from workbook.analysis.compare import Comparison, numeric_values
from workbook.analysis.disparities import ALL, gaps, group_family
from workbook.data.catalog import Framework, Metric
from workbook.data.dataset import Dataset
from workbook.display.charts import finish, nothing_yet
from workbook.display.theme import (
    DISTRIBUTION_BARS,
    GROUP_COLOURS,
    HIGHLIGHT,
    JUDGEMENT_COLOURS,
    LEGEND_SYMBOL,
    LINE_COLOURS,
    MUTED,
    OTHER_PLACES,
    PEER_COLOUR,
    QUALITY_OPACITY,
    QUALITY_SHAPES,
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


QUALITY_ORDER = ["Strong", "Marginal", "Weak", "none"]


def _quality_encodings() -> dict:
    """Quality as shape and opacity, in one legend whose symbols differ by shape."""
    legend = alt.Legend(title="Quality", symbolFillColor=LEGEND_SYMBOL, symbolOpacity=1)
    opacities = [QUALITY_OPACITY["Strong"], QUALITY_OPACITY["Marginal"], QUALITY_OPACITY["Weak"]]
    return {
        "shape": alt.Shape(
            "quality:N",
            scale=alt.Scale(domain=QUALITY_ORDER, range=[QUALITY_SHAPES[q] for q in QUALITY_ORDER]),
            legend=legend,
        ),
        "opacity": alt.Opacity(
            "quality:O",
            scale=alt.Scale(domain=QUALITY_ORDER, range=[*opacities, 0.6]),
            legend=legend,
        ),
    }


def kind_plural(kind: str) -> str:
    return "counties" if kind == "county" else "cities"


def standing(percentile: float, direction: str) -> float:
    """Where a value stands with "right is better": the share of places it does better than.

    For "lower is better" metrics this is 100 minus the percentile rank.
    """
    return 100.0 - percentile if direction == "lower" else percentile


def overview_rows(comparison: Comparison, framework: Framework) -> pd.DataFrame:
    """One row per metric with a rank: its panel, its standing and how it is drawn.

    ``panel`` is the pillar for metrics with a better direction; metrics without one (and
    counts, which grow with size) go to one panel of their own, placed by percentile.
    """
    table = comparison.table
    catalog = comparison.data.catalog
    rows = []
    for r in table.itertuples(index=False):
        if pd.isna(r.national_percentile):
            continue
        metric = catalog[r.variable]
        directed = r.direction in ("higher", "lower") and metric.format != "count"
        rows.append({
            "panel": framework.pillar_name(r.pillar) if directed else DIRECTIONLESS,
            "metric": r.name,
            "standing": round(standing(r.national_percentile, r.direction), 1)
            if directed else round(r.national_percentile, 1),
            "judgement": r.vs_nation or "not judged",
            "quality": r.quality if isinstance(r.quality, str) else "none",
            "year": "" if pd.isna(r.year) else str(int(r.year)),
            "direction": DIRECTION_NOTE.get(r.direction if directed else "none", ""),
        })  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["panel", "metric", "standing", "judgement", "quality", "year", "direction"],
    )


DIRECTIONLESS = "Metrics without a better direction (not judged)"
DIRECTION_NOTE = {"higher": "higher is better", "lower": "lower is better", "none": ""}


def overview(comparison: Comparison, framework: Framework) -> alt.VConcatChart:
    """Every metric on one screen, by pillar, placed so that right is always better.

    One panel per pillar, each with its own axis; metrics without a direction are shown
    apart, by percentile. Colour is the judgement against the national median, shape and
    opacity the quality flag.
    """
    frame = overview_rows(comparison, framework)
    place = comparison.place
    kinds = kind_plural(place.kind)
    panels = []
    order = [p["name"] for p in framework.pillars] + [DIRECTIONLESS]
    for panel in order:
        part = frame[frame["panel"] == panel]
        if part.empty:
            continue
        directed = panel != DIRECTIONLESS
        title = (
            f"Better than this share of {kinds} (%)"
            if directed
            else f"Share of {kinds} with a lower value (%)"
        )
        standing_title = "Better than (% of " + kinds + ")" if directed else "Percentile"
        points = alt.Chart(part).mark_point(size=110, filled=True).encode(
            x=alt.X("standing:Q", scale=alt.Scale(domain=[0, 100]), title=title,
                    axis=alt.Axis(values=[0, 25, 50, 75, 100])),
            y=alt.Y("metric:N", title=None, sort=None,
                    axis=alt.Axis(labelLimit=340, minExtent=340)),
            color=alt.Color("judgement:N", scale=_judgement_scale(),
                            title="Against the national median",
                            legend=alt.Legend(titleLimit=320)),
            **_quality_encodings(),
            tooltip=[alt.Tooltip("metric:N", title="Metric"),
                     alt.Tooltip("standing:Q", title=standing_title),
                     alt.Tooltip("direction:N", title="Direction"),
                     alt.Tooltip("judgement:N", title="Judgement"),
                     alt.Tooltip("quality:N", title="Quality"),
                     alt.Tooltip("year:N", title="Year")],
        )  # fmt: skip
        middle = alt.Chart().mark_rule(color=MUTED, strokeDash=[4, 3]).encode(x=alt.datum(50))
        panels.append(
            alt.layer(points, middle)
            .properties(width=380, height=alt.Step(17))
            .properties(title=alt.Title(panel, fontSize=14, anchor="start", limit=720))
        )
    if not panels:
        return finish(
            alt.vconcat(nothing_yet("No ranked metric", f"{place.label} has no ranked value.")),
            f"Where {place.label} stands on every metric",
            f"{place.label} has no metric with a national rank.",
            comparison.data.synthetic,
        )
    counts = frame["judgement"].value_counts()
    better, worse = int(counts.get("better", 0)), int(counts.get("worse", 0))
    chart = alt.vconcat(*panels, spacing=18).resolve_scale(y="independent")
    return finish(
        chart,
        f"Where {place.label} stands on every metric",
        f"For each metric, the share of {kinds} that {place.label} does better than: further "
        f"right is better, whatever the metric's direction. {better} metrics compare better "
        f"than the national median and {worse} worse. Quality is shown by shape (circle "
        "Strong, diamond Marginal, triangle Weak) and faint points are Weak or Marginal. "
        "Metrics without a better direction are placed by percentile, apart.",
        comparison.data.synthetic,
    )


PANEL_LINE = 30  # characters per line of a small panel's title


def wrap(text: str, width: int = PANEL_LINE) -> list[str]:
    """``text`` broken into lines of about ``width`` characters, at spaces."""
    return textwrap.wrap(text, width) or [""]


def panel_label(metric: Metric) -> str:
    """A small panel's title: the full metric name (with its unit for shares and dollars).

    Lines are joined with a newline; the header splits them (``HEADER_LINES``), so no
    title is cut and no two panels read alike.
    """
    unit = {"share": " (%)", "dollars": " (dollars)"}.get(metric.format, "")
    return "\n".join(wrap(metric.name + unit))


HEADER_LINES = "split(datum.value, '\\n')"
# Small panels' tick labels: 50k rather than 50,000 (they collide in a narrow panel), and
# no more digits than tell the ticks apart.
COMPACT_NUMBER = "abs(datum.value) >= 1000 ? format(datum.value, '~s') : format(datum.value, ',~r')"


def shown_number(metric: Metric, values: pd.Series) -> pd.Series:
    """Values as the tables show them: shares in percent, the rest as they are."""
    return values * 100 if metric.format == "share" else values


def _small_header() -> alt.Header:
    return alt.Header(labelFontSize=11, labelExpr=HEADER_LINES, labelLimit=0,
                      labelAlign="center", labelBaseline="bottom")  # fmt: skip


def distribution_panels(data: Dataset, variables, kind: str):
    """Each panel of the distribution grid: (metric, every place's values, low, high).

    Metrics without values for this kind of place have no panel; the panel spans the
    1st to the 99th percentile. Shares are in percent, as the tables show them.
    """
    recent = data.table(f"{kind}_recent")
    for variable in variables:
        metric = data.catalog[variable]
        if not metric.applies_to(kind) or metric.variable not in recent:
            continue
        values = shown_number(metric, numeric_values(metric, recent[metric.variable]))
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
        label = panel_label(metric)
        clipped = values.dropna().clip(low, high)
        counts, edges = np.histogram(clipped, bins=BINS, range=(low, high))
        for count, start, end in zip(counts, edges[:-1], edges[1:], strict=True):
            rows.append(
                {
                    "metric": label,
                    "layer": "all",
                    "start": start,
                    "end": end,
                    "count": int(count),
                    "value": None,
                    "role": None,
                }
            )
        marks = [("you", comparison.place.key)] + [("peer", k) for k in comparison.peers.keys]
        drawn = 0
        for role, key in marks:
            value = values[keys == key]
            if len(value) and not pd.isna(value.iloc[0]):
                drawn += 1
                rows.append(
                    {
                        "metric": label,
                        "layer": "mark",
                        "start": None,
                        "end": None,
                        "count": None,
                        "value": float(np.clip(value.iloc[0], low, high)),
                        "role": role,
                    }
                )
        if not drawn:  # an unseen line: an empty layer leaves its scale with no extent
            rows.append({"metric": label, "layer": "mark", "start": None, "end": None,
                         "count": None, "value": float(low), "role": "none"})  # fmt: skip
    return pd.DataFrame(rows)


def distribution_grid(data: Dataset, comparison: Comparison, columns: int = 4) -> alt.FacetChart:
    """Where the jurisdiction (black) and its peers (orange) sit in each metric's spread.

    Panels follow the pillars (the catalog's order), each titled with the full metric name.
    """
    rows = _distribution_rows(data, comparison)
    order = list(dict.fromkeys(rows["metric"])) if len(rows) else []
    kind_word = kind_plural(comparison.place.kind)
    base = alt.Chart().properties(width=170, height=70)
    bars = (
        base.transform_filter("datum.layer == 'all'")
        .mark_bar(color=DISTRIBUTION_BARS)
        .encode(
            x=alt.X(
                "start:Q",
                title=None,
                axis=alt.Axis(
                    labelExpr=COMPACT_NUMBER, labelFontSize=10, tickCount=3, labelOverlap="greedy"
                ),
            ),  # fmt: skip
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
                "role:O", scale=alt.Scale(domain=["you", "peer"], range=[3, 1]), legend=None
            ),
            opacity=alt.condition("datum.role == 'none'", alt.value(0), alt.value(1)),
        )
    )
    grid = (
        alt.layer(bars, marks, data=rows)
        .facet(
            facet=alt.Facet("metric:N", title=None, sort=order, header=_small_header()),
            columns=columns,
        )
        .resolve_scale(x="independent", y="independent")
    )
    place = comparison.place
    return finish(
        grid,
        f"{place.label} among all {kind_word}, metric by metric",
        f"For each metric, pillar by pillar, the spread of values across all {kind_word} "
        f"(bars, extreme 1% at each end gathered at the edges), with {place.label} as a "
        "black line and its peers as orange lines. Shares are in percent.",
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
    frame["rank"] = frame["role"].map({r: i for i, r in enumerate(order)})
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
    # One layer (a place with no value, or no peers, leaves no layer empty), drawn in the
    # order of the roles so the jurisdiction and its peers are never hidden under others.
    points = base.mark_circle().encode(
        size=alt.Size("role:O", sort=order,
                      scale=alt.Scale(domain=order, range=[16, 16, 90, 220]), legend=None),
        opacity=alt.condition("datum.rank < 2", alt.value(0.8), alt.value(1)),
        order=alt.Order("rank:Q"),
    )  # fmt: skip
    own = comparison.table.set_index("variable").loc[variable]
    interval = ""
    if metric.bounds_kind == "ci" and not (pd.isna(own["lower"]) or pd.isna(own["upper"])):
        you = frame[frame["role"] == "you"]
        band = pd.DataFrame({
            "lower": [float(own["lower"])], "upper": [float(own["upper"])],
            "jitter": [float(you["jitter"].iloc[0]) if len(you) else 0.5],
        })  # fmt: skip
        points = points + alt.Chart(band).mark_rule(color=HIGHLIGHT, strokeWidth=3).encode(
            x="lower:Q", x2="upper:Q", y="jitter:Q"
        )
        interval = " The black bar across it is its 95% confidence interval."
    points = points.properties(width=640, height=160)
    kind_word = kind_plural(kind)
    return finish(
        points,
        f"{metric.name}: {comparison.place.label} among {len(frame):,} {kind_word}",
        f"Each point is one of {len(frame):,} {kind_word} with a value. {comparison.place.label}"
        f" is the large black point, its peers orange, others in its state blue.{interval}",
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
    bounds = series[["year", "lower", "upper"]].dropna() if "lower" in series else None
    if bounds is not None and len(bounds):
        band = (
            alt.Chart(bounds)
            .mark_area(opacity=0.15, color=HIGHLIGHT)
            .encode(x="year:O", y="lower:Q", y2="upper:Q")
        )
        lines = band + lines
    points = base.mark_point(filled=True, size=60).encode(
        opacity=alt.Opacity(
            "quality:O",
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
        "state. Faint points are Weak values; the grey band, where there is one, is the 95% "
        f"confidence interval of {place_name}'s values.",
        data.synthetic,
    )


def trend_grid(
    data: Dataset, series: pd.DataFrame, place_name: str, columns: int = 4
) -> alt.FacetChart:
    """Every metric's yearly values in small panels: the place, peer and state medians.

    ``series`` holds the tidy rows of :func:`workbook.analysis.compare.trends` for every
    metric, with a ``metric`` column (the panel's title, :func:`panel_label`), in the
    order the panels take. Each panel has its own year axis (so every row reads), and a
    band where the place's values have a 95% confidence interval.
    """
    frame = series[["metric", "year", "series", "value"]].copy()
    names = list(dict.fromkeys(frame["series"]))
    own = [n for n in names if n != "Peer median" and not n.endswith(" median")]
    order = own + [n for n in names if n not in own]
    colours = [HIGHLIGHT, PEER_COLOUR, STATE_COLOUR][: len(order)]
    bounds = (
        series[["metric", "year", "lower", "upper"]].dropna()
        if {"lower", "upper"} <= set(series.columns)
        else pd.DataFrame(columns=["metric", "year", "lower", "upper"])
    )
    # A panel without bounds gets a band of no height along the place's own line: an
    # empty band layer would leave its scale with no extent (Vega warns on every panel).
    without = frame[~frame["metric"].isin(set(bounds["metric"]))]
    flat = (
        without[["metric", "year"]].assign(lower=without["value"], upper=without["value"]).dropna()
    )
    bounds = pd.concat([bounds, flat], ignore_index=True)
    frame = pd.concat([frame.assign(layer="line"), bounds.assign(layer="band")], ignore_index=True)
    x = alt.X("year:O", title=None,
              axis=alt.Axis(labelFontSize=10, labelAngle=0, labelOverlap="greedy"))  # fmt: skip
    y_axis = alt.Axis(labelExpr=COMPACT_NUMBER, labelFontSize=10, tickCount=3)
    lines = (
        alt.Chart()
        .transform_filter("datum.layer == 'line'")
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=x,
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=y_axis),
            color=alt.Color("series:N", scale=alt.Scale(domain=order, range=colours), title=None),
            tooltip=["series:N", "year:O", alt.Tooltip("value:Q", format=",.4~r")],
        )
    )
    band = (
        alt.Chart()
        .transform_filter("datum.layer == 'band'")
        .mark_area(opacity=0.15, color=HIGHLIGHT)
        .encode(x=x, y=alt.Y("lower:Q", axis=y_axis), y2="upper:Q")
    )
    grid = (
        alt.layer(band, lines, data=frame)
        .properties(width=170, height=90)
        .facet(
            facet=alt.Facet(
                "metric:N",
                title=None,
                sort=list(dict.fromkeys(series["metric"])),
                header=_small_header(),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent")
        .resolve_axis(x="independent", y="independent")
    )
    return finish(
        grid,
        f"Every metric over the years: {place_name}, its peers and its state",
        f"One small panel per metric with a value in more than one year, pillar by pillar: "
        f"{place_name} in black (a grey band is its 95% confidence interval, where Urban "
        "publishes one), the median of its peers in orange and of its state in blue. "
        "Shares are in percent.",
        data.synthetic,
    )


def gap_words(metric: Metric, gap: float) -> str:
    """A gap between groups with its unit: shares in percentage points."""
    if metric.format == "share":
        return f"{gap * 100:.1f} percentage points"
    if metric.format == "dollars":
        return f"{gap:,.0f} dollars"
    number = f"{gap:,.0f}" if abs(gap) >= 100 else f"{gap:,.3g}"
    return f"{number} {metric.unit}"


def disparities(data: Dataset, values: pd.DataFrame, place_label: str) -> alt.VConcatChart | None:
    """Each group's latest value per metric with a gap, metrics ordered by relative gap.

    None when no metric has a gap (fewer than two groups with a value that is not Weak):
    no chart then, as the text beside it says. Each group keeps one colour in every panel
    (:func:`group_family`); each panel names the groups its metric uses and its gap.
    """
    gap_table = gaps(values)
    if gap_table.empty:
        return None
    latest = gap_table.sort_values("year").groupby("variable").tail(1).copy()
    latest["relative"] = (latest["gap"] / latest["overall"].abs()).replace(
        [np.inf, -np.inf], np.nan
    )
    latest = latest.sort_values("relative", ascending=False, na_position="last")
    # One colour per group in every panel, and only the groups drawn in the legend.
    drawn = set(values.loc[values["subgroup"] != ALL, "subgroup"].map(group_family))
    present = [g for g in GROUP_COLOURS if g in drawn]
    groups = alt.Scale(domain=present, range=[GROUP_COLOURS[g] for g in present])
    panels = []
    for r in latest.itertuples(index=False):
        metric = data.catalog[r.variable]
        precise = {"share": ".3~%", "dollars": "$,.0f"}.get(metric.format, ",.4~r")
        part = values[(values["variable"] == r.variable) & (values["year"] == r.year)]
        part = part[part["subgroup"] != ALL]
        frame = pd.DataFrame({
            "group": part["subgroup"].astype(str),
            "family": part["subgroup"].map(group_family),
            "value": part["value"].astype(float),
            "quality": part["quality"].where(part["quality"].notna(), "none"),
        })  # fmt: skip
        title = alt.Title(
            wrap(f"{metric.name} ({r.year})", 70),
            subtitle=[
                f"Largest gap: {gap_words(metric, r.gap)} ({r.high_group} highest, "
                f"{r.low_group} lowest)."
            ],
            fontSize=13, anchor="start", subtitleFontSize=12,
        )  # fmt: skip
        dots = alt.Chart(frame).mark_point(size=120, filled=True).encode(
            x=alt.X("value:Q", title=metric.unit, scale=alt.Scale(zero=False),
                    axis=alt.Axis(format=precise, tickCount=5)),
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=220, minExtent=220)),
            color=alt.Color("family:N", title="Group", scale=groups),
            **_quality_encodings(),
            tooltip=[alt.Tooltip("group:N", title="Group"),
                     alt.Tooltip("value:Q", format=axis_format(metric)),
                     alt.Tooltip("quality:N", title="Quality")],
        )  # fmt: skip
        panels.append(dots.properties(width=420, height=alt.Step(18), title=title))
    chart = alt.vconcat(*panels, spacing=22).resolve_scale(x="independent", y="independent")
    largest = latest["name"].iloc[0]
    return finish(
        chart,
        f"Gaps between racial and ethnic groups in {place_label}",
        "For each metric with a gap between groups, the latest value of each group; metrics "
        f"are ordered from the largest gap relative to the overall value ({largest}) down. "
        "Urban defines groups differently by metric (Black or Black, Non-Hispanic): each "
        "panel names the groups it uses, and a group keeps its colour in every panel. "
        "Faint triangles are Weak values, which never set a gap.",
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
                "name:N",
                title="Metric",
                scale=alt.Scale(range=LINE_COLOURS),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=520),
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
