"""Charts of what people said and how the place's systems connect (Step 6).

Code frequencies as bars, the code co-occurrence heatmap, the network of organisations
(who funds, partners with or competes with whom) and the timeline of policies and
events. The network is drawn by Altair from a layout computed here (a circle, in a fixed
order), so it renders offline, in every export, and the same way every time.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbook.analysis.qualitative import circle_layout
from workbook.display.charts import finish, nothing_yet, wrapped_labels
from workbook.display.theme import (
    COUNT_HIGH,
    COUNT_LOW,
    EMPTY_COUNT_CELL,
    OKABE_ITO,
    TEXT,
    TEXT_STRONG,
    WHITE,
)

RELATION_KINDS = ("funds", "partners_with", "competes_with")
RELATION_LABELS = {
    "funds": "Funds",
    "partners_with": "Partners with",
    "competes_with": "Competes with",
}
RELATION_COLOURS = {
    "funds": OKABE_ITO[0],
    "partners_with": OKABE_ITO[2],
    "competes_with": OKABE_ITO[4],
}
RELATION_DASHES = {"funds": [1, 0], "partners_with": [6, 3], "competes_with": [2, 2]}


def frequency_bars(table: pd.DataFrame, by_label: str, synthetic: bool = False):
    """Excerpts per code, stacked by source type or working group (from ``frequencies``)."""
    title = f"How often each code was used, by {by_label}"
    if table.empty:
        return nothing_yet(title, "No excerpts coded yet.", synthetic)
    frame = table[["code", "category", "excerpts"]].copy()
    order = list(
        frame.groupby("code", sort=False)["excerpts"].sum().sort_values(ascending=False).index
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "code:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(order, 30)),
            ),
            x=alt.X("excerpts:Q", title="Excerpts", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("category:N", title=by_label.capitalize()),
            tooltip=[
                alt.Tooltip("code:N", title="Code"),
                alt.Tooltip("category:N", title=by_label.capitalize()),
                alt.Tooltip("excerpts:Q", title="Excerpts"),
            ],
        )
        .properties(width=440, height=max(80, 26 * len(order)))
    )
    top = order[0]
    return finish(
        chart,
        title,
        f"Bars count excerpts per code, split by {by_label}; the most used code is '{top}'.",
        synthetic,
    )


def cooccurrence_heatmap(long: pd.DataFrame, synthetic: bool = False):
    """Excerpts that carry both codes, for every pair (from ``cooccurrence_long``)."""
    title = "Codes used together on the same excerpt"
    if long.empty or int(long["excerpts"].sum()) == 0:
        return nothing_yet(title, "No excerpts coded yet.", synthetic)
    frame = long[["code_a", "code_b", "excerpts"]].copy()
    order = list(dict.fromkeys(frame["code_a"]))
    most = max(int(frame["excerpts"].max()), 1)
    base = alt.Chart(frame).encode(
        x=alt.X("code_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
        y=alt.Y("code_a:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
    )
    cells = base.mark_rect(stroke=WHITE).encode(
        color=alt.condition(
            "datum.excerpts == 0",
            alt.value(EMPTY_COUNT_CELL),
            alt.Color(
                "excerpts:Q",
                scale=alt.Scale(domain=[0, most], range=[COUNT_LOW, COUNT_HIGH]),
                title="Excerpts",
            ),
        ),
        tooltip=[
            alt.Tooltip("code_a:N", title="Code"),
            alt.Tooltip("code_b:N", title="With"),
            alt.Tooltip("excerpts:Q", title="Excerpts"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text="excerpts:Q",
        color=alt.condition(
            f"datum.excerpts > {most / 2}", alt.value(WHITE), alt.value(TEXT_STRONG)
        ),
    )
    size = max(120, 34 * len(order))
    off = frame[frame["code_a"] != frame["code_b"]].sort_values("excerpts", ascending=False)
    best = off.iloc[0] if len(off) and off.iloc[0]["excerpts"] > 0 else None
    summary = (
        f"'{best['code_a']}' and '{best['code_b']}' appear together most "
        f"({best['excerpts']} excerpts)."
        if best is not None
        else "No two codes share an excerpt yet."
    )
    return finish(
        (cells + text).properties(width=size, height=size),
        title,
        "A grid of codes against codes; each cell counts excerpts carrying both, the "
        f"diagonal each code's own count. {summary}",
        synthetic,
    )


def network_chart(relations: pd.DataFrame, synthetic: bool = False):
    """Organisations as points on a circle, their relationships as lines (coloured by kind).

    ``relations`` has columns source, target, kind (funds, partners_with, competes_with).
    """
    title = "How organisations connect: who funds, partners with or competes with whom"
    if relations.empty:
        return nothing_yet(title, "No relationships recorded yet.", synthetic)
    frame = relations[["source", "target", "kind"]].astype(str)
    nodes = sorted(set(frame["source"]) | set(frame["target"]), key=str.lower)
    place = circle_layout(nodes)
    edges = []
    for n, r in enumerate(frame.itertuples()):
        label = RELATION_LABELS.get(r.kind, r.kind)
        for end in (r.source, r.target):
            edges.append(
                {
                    "edge": n,
                    "x": place[end][0],
                    "y": place[end][1],
                    "kind": label,
                    "text": f"{r.source} {label.lower()} {r.target}",
                }
            )
    edge_frame = pd.DataFrame(edges)
    degree = pd.concat([frame["source"], frame["target"]]).value_counts()
    node_frame = pd.DataFrame(
        [
            {
                "name": name,
                "x": place[name][0],
                "y": place[name][1],
                "links": int(degree[name]),
                # labels just outside the circle, clear of the lines
                "label_x": place[name][0] * 1.1,
                "label_y": place[name][1] + (0.2 if place[name][1] > 0.3 else -0.2),
            }
            for name in nodes
        ]
    )
    scale = alt.Scale(domain=[-1.9, 1.9])
    kinds = [RELATION_LABELS[k] for k in RELATION_KINDS]
    lines = (
        alt.Chart(edge_frame)
        .mark_line(strokeWidth=2.5, opacity=0.8)
        .encode(
            x=alt.X("x:Q", scale=scale, axis=None),
            y=alt.Y("y:Q", scale=scale, axis=None),
            detail="edge:N",
            color=alt.Color(
                "kind:N",
                title="Relationship",
                scale=alt.Scale(domain=kinds, range=[RELATION_COLOURS[k] for k in RELATION_KINDS]),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                title="Relationship",
                scale=alt.Scale(domain=kinds, range=[RELATION_DASHES[k] for k in RELATION_KINDS]),
            ),
            tooltip=[alt.Tooltip("text:N", title="Relationship")],
        )
    )
    points = (
        alt.Chart(node_frame)
        .mark_circle(color=TEXT, opacity=1)
        .encode(
            x=alt.X("x:Q", scale=scale),
            y=alt.Y("y:Q", scale=scale),
            size=alt.Size("links:Q", legend=None, scale=alt.Scale(range=[80, 400])),
            tooltip=[
                alt.Tooltip("name:N", title="Organisation"),
                alt.Tooltip("links:Q", title="Links"),
            ],
        )
    )
    labels = (
        alt.Chart(node_frame)
        .mark_text(fontSize=12, color=TEXT)
        .encode(x=alt.X("label_x:Q", scale=scale), y=alt.Y("label_y:Q", scale=scale), text="name:N")
    )
    chart = (lines + points + labels).properties(width=560, height=460)
    busiest = str(degree.index[0])
    return finish(
        chart,
        title,
        f"{len(nodes)} organisations placed on a circle with "
        f"{len(frame)} relationships drawn between them; '{busiest}' has the most "
        f"({int(degree.iloc[0])}).",
        synthetic,
    )


def timeline_chart(events: pd.DataFrame, synthetic: bool = False):
    """Policies and events over time (columns date, what, who, effect)."""
    title = "Policies and events that shaped local conditions"
    if events.empty:
        return nothing_yet(title, "No events on the timeline yet.", synthetic)
    frame = events[["date", "what", "who", "effect"]].copy()
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
    frame = frame.dropna(subset=["date"]).sort_values("date").reset_index(drop=True)
    if frame.empty:
        return nothing_yet(title, "No event has a date yet.", synthetic)
    frame["lane"] = [
        n % 4 for n in range(len(frame))
    ]  # labels on four rows, so they rarely overlap
    frame["label"] = frame["what"].str.slice(0, 40)
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y")),
        y=alt.Y("lane:O", axis=None),
    )
    dots = base.mark_point(filled=True, size=90, color=OKABE_ITO[0]).encode(
        tooltip=[
            alt.Tooltip("date:T", title="When", format="%Y-%m-%d"),
            alt.Tooltip("what:N", title="What"),
            alt.Tooltip("who:N", title="Who"),
            alt.Tooltip("effect:N", title="Effect"),
        ]
    )
    labels = base.mark_text(align="left", dx=8, fontSize=11, color=TEXT).encode(text="label:N")
    first, last = frame["date"].iloc[0].year, frame["date"].iloc[-1].year
    return finish(
        (dots + labels).properties(width=620, height=200),
        title,
        f"{len(frame)} events from {first} to {last}, in order of date.",
        synthetic,
    )
