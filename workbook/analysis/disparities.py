"""Racial and ethnic disparities: each group's value, the gaps between groups, and their trend.

Uses the race/ethnicity tables. Urban splits groups either by race alone (Black, White)
or with Hispanic origin separated (Black, Non-Hispanic; White, Non-Hispanic), depending
on the source; each metric uses the groups that carry values. Counts are left out (a
larger group has more of everything); Weak values are shown but never set a gap.
"""

from __future__ import annotations

import pandas as pd

from workbook.analysis.compare import numeric_values
from workbook.data.dataset import Dataset
from workbook.data.jurisdictions import Jurisdiction

ALL = "All"
GAP_COLUMNS = ["variable", "name", "year", "gap", "high_group", "high_value", "low_group",
               "low_value", "worst_group", "groups", "overall"]  # fmt: skip
TREND_COLUMNS = ["variable", "name", "first_year", "first_gap", "latest_year", "latest_gap",
                 "change", "movement", "latest_worst_group"]  # fmt: skip


def group_family(subgroup: str) -> str:
    """The group a label belongs to, whichever definition: 'Black, Non-Hispanic' -> 'Black'.

    Charts give a group one colour everywhere; the label itself still says which
    definition a metric uses.
    """
    return str(subgroup).split(",")[0].strip()


def definitions(values: pd.DataFrame) -> dict[str, list[str]]:
    """Per metric, the group labels its values use (without 'All'), in the data's order."""
    groups = values[values["subgroup"] != ALL]
    return {
        variable: list(dict.fromkeys(part["subgroup"]))
        for variable, part in groups.groupby("variable", sort=False)
    }


def group_values(data: Dataset, place: Jurisdiction) -> pd.DataFrame:
    """Tidy rows for ``place``: variable, name, year, subgroup, value, quality, lower, upper."""
    table = f"{place.kind}_race_ethnicity"
    columns = [
        "variable",
        "name",
        "direction",
        "year",
        "subgroup",
        "value",
        "quality",
        "lower",
        "upper",
    ]
    if not data.has(table):
        return pd.DataFrame(columns=columns)
    own = data.rows(table, keys=[place.key])
    parts = []
    for metric in data.catalog.for_geography(place.kind):
        if not metric.has_race_ethnicity(place.kind) or metric.format == "count":
            continue
        if metric.variable not in own.columns:
            continue
        part = pd.DataFrame(
            {
                "variable": metric.variable,
                "name": metric.name,
                "direction": metric.direction,
                "year": own["year"],
                "subgroup": own["subgroup"],
                "value": numeric_values(metric, own[metric.variable]),
                "quality": own[metric.quality_variable] if metric.quality_variable in own else None,
                "lower": own[metric.lower_bound] if metric.lower_bound in own else None,
                "upper": own[metric.upper_bound] if metric.upper_bound in own else None,
            }
        )
        # Records rather than concat: no dtype guessing from all-empty bound columns.
        parts.extend(part.dropna(subset=["value"]).to_dict("records"))
    return pd.DataFrame(parts, columns=columns)


def gaps(values: pd.DataFrame) -> pd.DataFrame:
    """Per metric and year: the largest gap between groups (Weak values left out).

    ``worst_group`` is the group doing worst by the metric's direction (blank when the
    metric has none).
    """
    rows = []
    groups = values[(values["subgroup"] != ALL) & (values["quality"] != "Weak")]
    for (variable, year), part in groups.groupby(["variable", "year"], sort=True):
        if len(part) < 2:
            continue
        high = part.loc[part["value"].idxmax()]
        low = part.loc[part["value"].idxmin()]
        direction = part["direction"].iloc[0]
        worst = {"higher": low["subgroup"], "lower": high["subgroup"]}.get(direction, "")
        overall = values[
            (values["variable"] == variable)
            & (values["year"] == year)
            & (values["subgroup"] == ALL)
        ]["value"]
        rows.append({
            "variable": variable, "name": part["name"].iloc[0], "year": int(year),
            "gap": float(high["value"] - low["value"]),
            "high_group": high["subgroup"], "high_value": float(high["value"]),
            "low_group": low["subgroup"], "low_value": float(low["value"]),
            "worst_group": worst, "groups": len(part),
            "overall": float(overall.iloc[0]) if len(overall) else float("nan"),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def gap_trends(gap_table: pd.DataFrame) -> pd.DataFrame:
    """How each metric's gap moved from its first to its latest year with a gap."""
    rows = []
    if gap_table.empty:
        return pd.DataFrame(rows, columns=TREND_COLUMNS)
    for variable, part in gap_table.groupby("variable", sort=False):
        part = part.sort_values("year")
        first, last = part.iloc[0], part.iloc[-1]
        change = last["gap"] - first["gap"]
        scale = max(abs(first["gap"]), abs(last["gap"]), 1e-12)
        if len(part) == 1:
            movement = "one year only"
        elif abs(change) <= 0.05 * scale:
            movement = "about the same"
        else:
            movement = "widened" if change > 0 else "narrowed"
        rows.append({
            "variable": variable, "name": first["name"],
            "first_year": int(first["year"]), "first_gap": float(first["gap"]),
            "latest_year": int(last["year"]), "latest_gap": float(last["gap"]),
            "change": float(change), "movement": movement,
            "latest_worst_group": last["worst_group"],
        })  # fmt: skip
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
