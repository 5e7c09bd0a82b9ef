"""The result of a vote as bars: one per option, most points first, ties marked."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbook.display.charts import finish, nothing_yet, wrapped_labels
from workbook.display.theme import ACCENT, PEER_COLOUR, TEXT

TIED = "Tied"
NOT_TIED = "Not tied"


def vote_chart(rows: pd.DataFrame, title: str, description: str) -> alt.LayerChart:
    """Horizontal bars of ``rows`` (columns ``label``, ``points``, ``tied``), in their order.

    Options sharing their points with another are drawn in a second colour, named in the
    legend, so a tie is seen at a glance and not only read from the numbers.
    """
    data = rows[["label", "points", "tied"]].copy()
    data["tie"] = data["tied"].map({True: TIED, False: NOT_TIED})
    order = list(data["label"])
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=320, labelExpr=wrapped_labels(order, 40)),
    )
    bars = (
        alt.Chart(data[["label", "points", "tie"]])
        .mark_bar()
        .encode(
            x=alt.X("points:Q", title="Points", axis=alt.Axis(tickMinStep=1)),
            y=y,
            color=alt.Color(
                "tie:N",
                scale=alt.Scale(domain=[NOT_TIED, TIED], range=[ACCENT, PEER_COLOUR]),
                title=None,
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Option"),
                alt.Tooltip("points:Q", title="Points"),
                alt.Tooltip("tie:N", title="Tie"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=4, color=TEXT).encode(
        text="points:Q", color=alt.value(TEXT)
    )
    chart = (bars + labels).properties(width=460, height=max(60, 28 * len(data)))
    return finish(chart, title, description)


def tally_chart(table: pd.DataFrame, title: str, synthetic: bool = False, chosen=()):
    """A tally (``option``, ``points``, ``rank``, ``tied``) as :func:`vote_chart` bars.

    Options without points are left out (the description counts them); options in
    ``chosen`` (the coalition's decision) are marked in their label.
    """
    if table.empty or int(table["points"].sum()) == 0:
        return nothing_yet(title, "No points recorded yet.", synthetic)
    shown = table[table["points"] > 0]
    without = len(table) - len(shown)
    chosen = set(chosen)
    rows = pd.DataFrame({
        "label": [f"{o} (chosen)" if o in chosen else o for o in shown["option"]],
        "points": shown["points"].astype(int), "tied": shown["tied"].astype(bool),
    })  # fmt: skip
    ties = int(rows["tied"].sum())
    top = shown.iloc[0]
    description = (
        f"A bar chart of the {len(rows)} options with points, most first"
        + (f" ({without} more got none)" if without else "")
        + f". {top['option']} leads with {top['points']} points. "
        + (f"{ties} options share their points with another; the tie rule sets their order."
           if ties else "No two options have the same points.")
    )  # fmt: skip
    chart = vote_chart(rows, title, description)
    return finish(chart, title, description, synthetic) if synthetic else chart
