"""Step 10's charts: each measure against its baseline and target; funding over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from workbook.analysis import scorecard as sc
from workbook.display.charts import finish, nothing_yet
from workbook.display.theme import MUTED, OKABE_ITO
from workbook.steps.sustain_momentum.records import (
    money,
)

# --- charts ------------------------------------------------------------------------------

UNIT_OF_SCALE = {"percent": "%", "points": "percentage points"}


def progress_chart(card: pd.DataFrame, actuals: Sequence[Mapping], synthetic: bool = False):
    """Each measure's values over time, its baseline and its target, in small panels."""
    title = "Progress of each measure"
    frame = sc.actuals_frame(actuals)
    # Each panel is titled with its measure and unit; shares are drawn as percentages.
    names, factor = {}, {}
    for r in card.itertuples():
        scale = getattr(r, "scale", "")
        unit = UNIT_OF_SCALE.get(scale) or (r.unit.strip() if isinstance(r.unit, str) else "")
        names[r.measure_id] = f"{r.measure} ({unit})" if unit else r.measure
        factor[r.measure_id] = 100.0 if scale else 1.0
    frame = frame[frame["measure_id"].isin(names)]
    points = [{"measure": names[r.measure_id], "date": r.date.date().isoformat(),
               "value": float(r.value) * factor[r.measure_id], "kind": "Actual"}
              for r in frame.itertuples()]  # fmt: skip
    for r in card.itertuples():
        target_day = sc.year_end(r.target_year)
        for kind, value, day in (
            ("Baseline", r.baseline, r.baseline_date),
            ("Target", r.target, None if target_day is None else target_day.isoformat()),
        ):
            if sc.number(value) is not None and day:
                value = float(value) * factor[r.measure_id]
                points.append({"measure": names[r.measure_id], "date": day, "value": value,
                               "kind": kind})  # fmt: skip
    if not points:
        return nothing_yet(title, "No baselines, targets or values recorded yet.", synthetic)
    data = pd.DataFrame(points)
    kinds = alt.Scale(domain=["Baseline", "Actual", "Target"],
                      range=[MUTED, OKABE_ITO[0], OKABE_ITO[2]])  # fmt: skip
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("kind:N", scale=kinds, title=None),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("kind:N", title="What"),
                 alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                 alt.Tooltip("value:Q", title="Value", format=",.4g")],
    )  # fmt: skip
    line = base.transform_filter(alt.datum.kind == "Actual").mark_line()
    # the straight line from baseline to target that the status rule compares with
    path = (
        base.transform_filter(alt.FieldOneOfPredicate(field="kind", oneOf=["Baseline", "Target"]))
        .mark_line(strokeDash=[4, 3])
        .encode(color=alt.value(MUTED))
    )
    chart = (
        alt.layer(path, line, base.mark_point(filled=True, size=60))
        .properties(width=220, height=120)
        .facet(facet=alt.Facet("measure:N", title=None), columns=3)
        .resolve_scale(x="independent", y="independent")
    )
    return finish(chart, title, f"{card.shape[0]} measures; actual values against baseline "
                  "and target, and the dashed straight line between them.", synthetic)  # fmt: skip


def funding_chart(frame: pd.DataFrame, synthetic: bool = False):
    title = "Funding needed and secured over time"
    if frame.empty:
        return nothing_yet(title, "No funding recorded yet.", synthetic)
    long = frame.melt(id_vars=["date"], value_vars=["needed_total", "secured_total"],
                      var_name="what", value_name="dollars")  # fmt: skip
    long["what"] = long["what"].map({"needed_total": "Needed", "secured_total": "Secured"})
    chart = (
        alt.Chart(long).mark_line(point=True, interpolate="step-after")
        .encode(x=alt.X("date:T", title=None), y=alt.Y("dollars:Q", title="Dollars, added up"),
                color=alt.Color("what:N", title=None, scale=alt.Scale(
                    domain=["Needed", "Secured"], range=[OKABE_ITO[4], OKABE_ITO[2]])),
                tooltip=[alt.Tooltip("what:N"), alt.Tooltip("date:T", format="%d %b %Y"),
                         alt.Tooltip("dollars:Q", format=",.0f")])
        .properties(width=480, height=200)
    )  # fmt: skip
    last = frame.iloc[-1]
    return finish(chart, title, f"{money(last['secured_total'])} secured of "
                  f"{money(last['needed_total'])} needed so far.", synthetic)  # fmt: skip
