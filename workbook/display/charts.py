"""Chart builders: tidy data in, an Altair chart with a title and a description out.

Every builder gives only the columns it draws to Altair, because a chart embeds the
whole table it is handed. Colours come from :mod:`workbook.display.theme`.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable

import altair as alt
import pandas as pd

from workbook.data.catalog import Catalog, Framework
from workbook.display.theme import ACCENT, EMPTY_CELL, PILLAR_COLOURS, TEXT, TEXT_MUTED, WHITE

SYNTHETIC_NOTE = "Synthetic sample: invented places and values"


def finish(chart: alt.TopLevelMixin, title: str, description: str, synthetic: bool = False):
    """Give a chart its title (with a synthetic-data subtitle when needed) and description."""
    heading = alt.Title(title, subtitle=[SYNTHETIC_NOTE] if synthetic else [])
    return chart.properties(title=heading, description=description)


def nothing_yet(title: str, message: str, synthetic: bool = False) -> alt.Chart:
    """A chart-sized note that there is nothing to draw yet (so Run All never fails)."""
    chart = (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(fontSize=14, color=TEXT_MUTED, align="center")
        .encode(text="message:N")
        .properties(width=520, height=60)
    )
    return finish(chart, title, f"Nothing to show yet: {message}", synthetic)


def wrapped_labels(labels: Iterable[str], width: int) -> str:
    """A Vega ``labelExpr`` that puts every label longer than ``width`` characters on
    several lines, so that a long name is wrapped instead of cut off."""
    cases = [
        f"datum.value == {json.dumps(label)} ? {json.dumps(textwrap.wrap(label, width))}"
        for label in dict.fromkeys(labels)
        if len(label) > width
    ]
    return " : ".join([*cases, "datum.value"])


def pillar_scale(framework: Framework) -> alt.Scale:
    """The fixed pillar colours, keyed by the pillars' display names."""
    names = [p["name"] for p in framework.pillars]
    return alt.Scale(domain=names, range=[PILLAR_COLOURS[p["id"]] for p in framework.pillars])


def framework_tree_data(framework: Framework, catalog: Catalog) -> pd.DataFrame:
    """Nodes and links of the pillar -> predictor -> metric tree, laid out in three columns."""
    rows = []
    slot = 0
    for pillar in framework.pillars:
        predictor_rows = []
        for predictor in pillar["predictors"]:
            leaves = [
                m for m in catalog.in_pillar(pillar["id"]) if m.predictor == predictor["name"]
            ]
            leaf_rows = []
            for metric in leaves:
                leaf_rows.append(
                    {
                        "level": 2,
                        "label": metric.name,
                        "y": slot,
                        "pillar": pillar["name"],
                        "detail": metric.description,
                        "parent_y": None,
                    }
                )
                slot += 1
            if not leaf_rows:
                leaf_rows.append({"y": slot})
                slot += 1
            y = sum(r["y"] for r in leaf_rows) / len(leaf_rows)
            for leaf in leaf_rows:
                leaf["parent_y"] = y
            predictor_rows.append(
                {
                    "level": 1,
                    "label": predictor["name"],
                    "y": y,
                    "pillar": pillar["name"],
                    "detail": predictor["summary"],
                    "parent_y": None,
                }
            )
            rows.extend(r for r in leaf_rows if "level" in r)
        y = sum(r["y"] for r in predictor_rows) / len(predictor_rows)
        for row in predictor_rows:
            row["parent_y"] = y
        rows.extend(predictor_rows)
        rows.append(
            {
                "level": 0,
                "label": pillar["name"],
                "y": y,
                "pillar": pillar["name"],
                "detail": pillar["summary"],
                "parent_y": None,
            }
        )
        slot += 1  # a gap between pillars
    return pd.DataFrame(rows)


def framework_overview(framework: Framework, catalog: Catalog) -> alt.LayerChart:
    """The whole framework on one screen: pillars, their predictors, and the metrics."""
    nodes = framework_tree_data(framework, catalog)
    columns = {0: 0.0, 1: 1.15, 2: 2.2}  # x position of each level
    nodes["x"] = nodes["level"].map(columns)
    nodes["parent_x"] = (nodes["level"] - 1).map(columns)
    # Long pillar names go on two lines so they do not run into the predictors.
    nodes["label"] = nodes.apply(
        lambda r: r["label"].replace(" and ", " and\n", 1) if r["level"] == 0 else r["label"],
        axis=1,
    )
    height = max(420, int(nodes["y"].max() + 1) * 15)
    y_scale = alt.Scale(domain=[nodes["y"].max() + 1, -1], nice=False)
    x_scale = alt.Scale(domain=[-0.02, 3.5], nice=False)
    colour = alt.Color("pillar:N", scale=pillar_scale(framework), legend=None)
    base = alt.Chart(nodes).encode(color=colour)
    links = (
        base.transform_filter("datum.level > 0")
        .mark_rule(opacity=0.5)
        .encode(
            x=alt.X("parent_x:Q", scale=x_scale, axis=None),
            y=alt.Y("parent_y:Q", scale=y_scale, axis=None),
            x2="x:Q",
            y2="y:Q",
        )
    )
    position = {
        "x": alt.X("x:Q", scale=x_scale, axis=None),
        "y": alt.Y("y:Q", scale=y_scale, axis=None),
    }
    points = base.mark_circle(size=70, opacity=1).encode(
        **position,
        tooltip=[alt.Tooltip("label:N", title="Name"), alt.Tooltip("detail:N", title="About")],
    )
    labels = base.mark_text(align="left", dx=7, lineBreak="\n").encode(
        **position,
        text="label:N",
        size=alt.Size(
            "level:O", scale=alt.Scale(domain=[0, 1, 2], range=[14, 12, 11]), legend=None
        ),
        color=alt.value(TEXT),
    )
    chart = (links + points + labels).properties(width=980, height=height)
    counts = nodes["level"].value_counts()
    return finish(
        chart,
        "The framework: five pillars, their predictors, and the metrics that measure them",
        f"A tree read from left to right: {counts.get(0, 0)} pillars, {counts.get(1, 0)} "
        f"predictors and {counts.get(2, 0)} metric variables, coloured by pillar.",
    )


def map_sections_matrix(framework: Framework) -> alt.Chart:
    """Which steps feed which section of the Mobility Action Plan."""
    rows = []
    sections = framework["map_sections"]
    for section in sections:
        for step in framework.steps:
            rows.append(
                {
                    "section": f"{section['number']}. {section['title']}",
                    "step": f"{step['number']}. {step['title']}",
                    "feeds": step["number"] in section["steps"],
                }
            )
    data = pd.DataFrame(rows)
    step_order = [f"{s['number']}. {s['title']}" for s in framework.steps]
    section_order = [f"{s['number']}. {s['title']}" for s in sections]
    # Steps down the side (their names read across, whole), sections along the bottom
    # (wrapped on a few lines): no label is slanted, cut, or run over by an axis title.
    chart = (
        alt.Chart(data)
        .mark_rect(stroke=WHITE, strokeWidth=2)
        .encode(
            y=alt.Y("step:N", sort=step_order, title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X(
                "section:N",
                sort=section_order,
                title=None,
                axis=alt.Axis(
                    labelAngle=0, labelLimit=0, labelExpr=wrapped_labels(section_order, 16)
                ),
            ),
            color=alt.Color(
                "feeds:N",
                scale=alt.Scale(domain=[True, False], range=[ACCENT, EMPTY_CELL]),
                legend=alt.Legend(
                    title="Step feeds it", labelExpr="datum.label == 'true' ? 'yes' : 'no'"
                ),
            ),
            tooltip=[alt.Tooltip("step:N"), alt.Tooltip("section:N"), alt.Tooltip("feeds:N")],
        )
        .properties(width=5 * 120, height=len(step_order) * 26)
    )
    return finish(
        chart,
        "Which steps (rows) write which section of the Mobility Action Plan (columns)",
        "A grid of the ten steps against the five sections of the plan; a filled square "
        "means the step's work goes into that section.",
    )
