"""What a coalition weighs when it picks first priorities: one row per predictor.

For each predictor of the framework, from the place's comparison (Step 2's rules):

* **standing**: how many of its metrics are better or worse than the peers' median, the
  state's median and the national median;
* **gaps**: the largest gap between racial and ethnic groups among its metrics (Weak
  values left out), the metric, the year and the group doing worst;
* **data quality**: how many of its values are rated Weak, and their share;
* **trend**: how many of its metrics improved, worsened or stayed about the same from
  their first to their latest year (Weak values left out);
* **partners**: how many accepted coalition partners (Step 4's register) work in its
  pillar.

Pure pandas: tables in, a table out; the step draws it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from workbook.analysis.compare import numeric_values
from workbook.data.catalog import Catalog, Framework
from workbook.data.dataset import Dataset
from workbook.data.jurisdictions import Jurisdiction

STEADY_SHARE = 0.05  # a change within 5% of the larger value is "about the same"
ACCEPTED = "accepted"
TREND_COLUMNS = ["variable", "first_year", "first_value", "latest_year", "latest_value",
                 "change", "trend"]  # fmt: skip
PRIORITY_COLUMNS = [
    "pillar", "pillar_name", "predictor", "metrics", "with_value",
    "better_peers", "worse_peers", "better_state", "worse_state",
    "better_nation", "worse_nation", "weak", "weak_share",
    "gap_variable", "gap_name", "gap_year", "gap", "gap_relative", "gap_worst_group",
    "improving", "worsening", "steady", "partners",
]  # fmt: skip


def predictors(framework: Framework) -> list[tuple[str, str]]:
    """(pillar id, predictor name) for every predictor, in the framework's order."""
    return [(p["id"], q["name"]) for p in framework.pillars for q in p["predictors"]]


def place_trends(data: Dataset, place: Jurisdiction) -> pd.DataFrame:
    """Per metric: its first and latest year with a value for ``place``, and the direction.

    ``trend`` is 'improving', 'worsening' or 'about the same' (judged by the metric's
    direction), 'no direction' for metrics without a better direction and counts, or
    'one year only'. Weak values are left out.
    """
    table = f"{place.kind}_longitudinal"
    if not data.has(table):
        return pd.DataFrame(columns=TREND_COLUMNS)
    own = data.rows(table, keys=[place.key])  # not the whole table: a kernel keeps it
    rows = []
    for metric in data.catalog.for_geography(place.kind):
        if metric.variable not in own.columns:
            continue
        values = numeric_values(metric, own[metric.variable])
        keep = values.notna()
        if metric.quality_variable in own.columns:
            keep &= own[metric.quality_variable] != "Weak"
        series = pd.DataFrame({"year": own["year"][keep], "value": values[keep]}).sort_values(
            "year"
        )
        if series.empty:
            continue
        first, last = series.iloc[0], series.iloc[-1]
        change = float(last["value"] - first["value"])
        direction = "none" if metric.format == "count" else metric.direction
        scale = max(abs(first["value"]), abs(last["value"]), 1e-12)
        if len(series) < 2 or first["year"] == last["year"]:
            trend = "one year only"
        elif direction not in ("higher", "lower"):
            trend = "no direction"
        elif abs(change) <= STEADY_SHARE * scale:
            trend = "about the same"
        else:
            trend = "improving" if (change > 0) == (direction == "higher") else "worsening"
        rows.append({
            "variable": metric.variable, "first_year": int(first["year"]),
            "first_value": float(first["value"]), "latest_year": int(last["year"]),
            "latest_value": float(last["value"]), "change": change, "trend": trend,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def _listed(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def partners_by_pillar(stakeholders: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many accepted partners name each pillar (a partner counts once per pillar)."""
    counts: dict[str, int] = {}
    for record in stakeholders:
        if not isinstance(record, Mapping) or record.get("status") != ACCEPTED:
            continue
        for pillar in set(_listed(record.get("pillars"))):
            counts[pillar] = counts.get(pillar, 0) + 1
    return counts


def _largest_gaps(gap_table: pd.DataFrame) -> pd.DataFrame:
    """Each metric's gap in its latest year, with the gap relative to the larger value."""
    if gap_table.empty:
        return gap_table.assign(relative=pd.Series(dtype="float64"))
    latest = gap_table.sort_values("year").groupby("variable").tail(1).copy()
    scale = latest[["high_value", "low_value"]].abs().max(axis=1).where(lambda s: s > 0)
    latest["relative"] = latest["gap"] / scale
    return latest


def priority_table(
    framework: Framework,
    catalog: Catalog,
    comparison: pd.DataFrame,
    gap_table: pd.DataFrame,
    trend_table: pd.DataFrame,
    stakeholders: Iterable[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """One row per predictor with what a coalition weighs (see the module's docstring).

    ``comparison`` is a :class:`~workbook.analysis.compare.Comparison`'s table,
    ``gap_table`` :func:`~workbook.analysis.disparities.gaps`' result and ``trend_table``
    :func:`place_trends`'; the largest gap is the one largest relative to the groups'
    larger value, so gaps in different units can be compared.
    """
    partners = partners_by_pillar(stakeholders)
    largest = _largest_gaps(gap_table)
    trend_of = dict(zip(trend_table["variable"], trend_table["trend"], strict=True))
    rows = []
    for pillar, predictor in predictors(framework):
        part = comparison[comparison["predictor"] == predictor]
        applicable = part[part["missing_reason"] != "not_computed"]
        valued = applicable[applicable["value_number"].notna()]
        weak = int((valued["quality"] == "Weak").sum())
        variables = set(applicable["variable"])
        row: dict[str, Any] = {
            "pillar": pillar, "pillar_name": framework.pillar_name(pillar),
            "predictor": predictor, "metrics": len(applicable), "with_value": len(valued),
            "weak": weak, "weak_share": weak / len(valued) if len(valued) else float("nan"),
            "partners": partners.get(pillar, 0),
        }  # fmt: skip
        for scope in ("peers", "state", "nation"):
            verdicts = applicable[f"vs_{scope}"]
            row[f"better_{scope}"] = int((verdicts == "better").sum())
            row[f"worse_{scope}"] = int((verdicts == "worse").sum())
        gaps_here = largest[largest["variable"].isin(variables)].dropna(subset=["relative"])
        if len(gaps_here):
            top = gaps_here.loc[gaps_here["relative"].idxmax()]
            row.update(
                gap_variable=top["variable"], gap_name=catalog[top["variable"]].name,
                gap_year=int(top["year"]), gap=float(top["gap"]),
                gap_relative=float(top["relative"]), gap_worst_group=top["worst_group"],
            )  # fmt: skip
        else:
            row.update(gap_variable="", gap_name="", gap_year=pd.NA, gap=float("nan"),
                       gap_relative=float("nan"), gap_worst_group="")  # fmt: skip
        moves = [trend_of[v] for v in variables if v in trend_of]
        row["improving"] = moves.count("improving")
        row["worsening"] = moves.count("worsening")
        row["steady"] = moves.count("about the same")
        rows.append(row)
    table = pd.DataFrame(rows, columns=PRIORITY_COLUMNS)
    table["gap_year"] = table["gap_year"].astype("Int64")
    return table


def tie_order(table: pd.DataFrame) -> dict[str, tuple]:
    """Predictor -> its place in the tie rule: more partners, more metrics worse, A to Z."""
    return {
        r.predictor: (-int(r.partners), -int(r.worse_nation), str(r.predictor).lower())
        for r in table.itertuples()
    }
