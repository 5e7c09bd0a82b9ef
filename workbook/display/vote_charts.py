"""The tally of a vote as a bar chart: points per option, most first, ties marked."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbook.display.charts import finish, nothing_yet
from workbook.display.theme import ACCENT, OKABE_ITO, TEXT

TIED_COLOUR = OKABE_ITO[1]
TIED, ALONE = "Tied: order set by the tie rule", "Not tied"


def tally_chart(table: pd.DataFrame, title: str, synthetic: bool = False, chosen=()):
    """Horizontal bars of ``table`` (option, points, rank, tied), in rank order.

    Options without points are left out (the description counts them). Tied options are
    drawn in another colour and labelled "tie"; options in ``chosen`` (the coalition's
    decision) get a mark after their points.
    """
    if table.empty or int(table["points"].sum()) == 0:
        return nothing_yet(title, "No points recorded yet.", synthetic)
    frame = table.loc[table["points"] > 0, ["option", "points", "rank", "tied"]].copy()
    without = len(table) - len(frame)
    frame["status"] = frame["tied"].map({True: TIED, False: ALONE})
    chosen = set(chosen)
    frame["label"] = [
        f"{p}" + (" (tie)" if t else "") + (" - chosen" if o in chosen else "")
        for o, p, t in zip(frame["option"], frame["points"], frame["tied"], strict=True)
    ]
    frame = frame.drop(columns="tied")
    order = list(frame["option"])
    base = alt.Chart(frame).encode(
        y=alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("points:Q", title="Points"),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=[ALONE, TIED], range=[ACCENT, TIED_COLOUR]),
            title=None,
        ),
        tooltip=[
            alt.Tooltip("rank:Q", title="Rank"),
            alt.Tooltip("option:N", title="Option"),
            alt.Tooltip("points:Q", title="Points"),
            alt.Tooltip("status:N", title="Tie"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, color=TEXT).encode(text="label:N")
    chart = (bars + labels).properties(width=460, height=max(60, 26 * len(frame)))
    ties = int((frame["status"] == TIED).sum())
    top = frame.iloc[0]
    return finish(
        chart,
        title,
        f"A bar chart of the {len(frame)} options with points, most first"
        + (f" ({without} more got none)" if without else "")
        + f". {top['option']} leads with {top['points']} points. "
        + (
            f"{ties} options share their points with another; the tie rule sets their order."
            if ties
            else "No two options have the same points."
        ),  # fmt: skip
        synthetic,
    )
