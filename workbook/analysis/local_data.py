"""What a coalition's local data show: trends, gaps between groups, spread across sub-areas.

Every function takes the tidy values of one data set (place, year, measure, subgroup,
value, moe, suppressed; see :mod:`workbook.plan.tables`) and returns a small aggregated
table, one row per measure and year or subgroup: charts get these, never the rows
themselves. Suppressed cells are counted, never read as zero.

Where one place has a value (a county's own series), its margin of error gives the
interval; where many sub-areas do (tracts, ZIP codes), the interval is the middle half
of the sub-areas (25th to 75th percentile) around their median.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.analysis.compare import numeric_values
from workbook.data.dataset import Dataset
from workbook.data.jurisdictions import Jurisdiction

OVERALL_NAMES = ("", "all", "total", "overall", "all people", "everyone")
TREND_COLUMNS = [
    "measure",
    "subgroup",
    "year",
    "places",
    "value",
    "low",
    "high",
    "interval",
    "suppressed",
]
SPREAD_COLUMNS = [
    "measure",
    "year",
    "places",
    "suppressed",
    "uncertain",
    "min",
    "p10",
    "p25",
    "median",
    "p75",
    "p90",
    "max",
]
NO_YEAR = -1  # a data set without a year column: one period


def overall_label(subgroups: pd.Series) -> str | None:
    """The subgroup that stands for everyone ('' / All / Total), or None."""
    present = list(dict.fromkeys(subgroups.astype(str)))
    for name in OVERALL_NAMES:
        for value in present:
            if value.strip().lower() == name:
                return value
    return None


def _usable(values: pd.DataFrame) -> pd.DataFrame:
    frame = values.copy()
    frame["year"] = frame["year"].astype("Int64").fillna(NO_YEAR).astype(int)
    frame["subgroup"] = frame["subgroup"].fillna("").astype(str)
    return frame


INTERVALS = {1: "margin of error", 2: "middle half of sub-areas"}


def _trend(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["measure", "subgroup", "year"]
    known = frame[~frame["suppressed"] & frame["value"].notna()]
    grouped = known.groupby(keys, sort=True)
    stats = pd.DataFrame(
        {
            "places": grouped["place"].nunique(),
            "median": grouped["value"].median(),
            "q25": grouped["value"].quantile(0.25),
            "q75": grouped["value"].quantile(0.75),
            "first": grouped["value"].first(),
            "moe": grouped["moe"].first(),
        }
    )
    table = frame.groupby(keys, sort=True)["suppressed"].sum().to_frame().join(stats)
    places = table["places"].fillna(0).astype(int)
    one, many = places == 1, places > 1
    with_moe = one & table["moe"].notna()
    table["places"] = places
    table["suppressed"] = table["suppressed"].astype(int)
    # One place: its value and margin of error; many: their median and middle half.
    table["value"] = np.where(one, table["first"], table["median"])
    table["low"] = np.where(
        with_moe, table["first"] - table["moe"], np.where(many, table["q25"], np.nan)
    )
    table["high"] = np.where(
        with_moe, table["first"] + table["moe"], np.where(many, table["q75"], np.nan)
    )
    table["interval"] = np.where(with_moe, INTERVALS[1], np.where(many, INTERVALS[2], ""))
    return table.reset_index()[TREND_COLUMNS]


def trend(values: pd.DataFrame) -> pd.DataFrame:
    """Per measure, subgroup and year: the value (median across places), its interval,
    how many places had a value and how many cells were suppressed."""
    if values.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    return _trend(_usable(values))


def _latest(frame: pd.DataFrame) -> dict[str, int]:
    """Each measure's latest year with a value (its latest year at all, if none has)."""
    known = frame[~frame["suppressed"] & frame["value"].notna()]
    latest = frame.groupby("measure")["year"].max().to_dict()
    latest.update(known.groupby("measure")["year"].max().to_dict())
    return {m: int(y) for m, y in latest.items()}


def latest_year(values: pd.DataFrame, measure: str) -> int:
    return _latest(_usable(values[values["measure"] == measure]))[measure]


def subgroup_gaps(values: pd.DataFrame) -> pd.DataFrame:
    """Per measure, in its latest year: each subgroup's value and interval, and its gap
    to everyone (the overall subgroup) where the data have one."""
    columns = [*TREND_COLUMNS, "gap"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    frame = _usable(values)
    latest = _latest(frame)
    table = _trend(frame)
    parts = []
    for measure, rows in table.groupby("measure", sort=False):
        rows = rows[rows["year"] == latest[measure]].copy()
        overall = overall_label(rows["subgroup"])
        base = rows.loc[rows["subgroup"] == overall, "value"]
        rows["gap"] = rows["value"] - float(base.iloc[0]) if len(base) else np.nan
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)[columns]


def _overall_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Each measure's rows for everyone (its overall subgroup, else all rows)."""
    parts = []
    for _, rows in frame.groupby("measure", sort=False):
        overall = overall_label(rows["subgroup"])
        parts.append(rows[rows["subgroup"] == overall] if overall is not None else rows)
    return pd.concat(parts) if parts else frame


def spread(values: pd.DataFrame) -> pd.DataFrame:
    """Per measure, in its latest year: how values spread across sub-areas (quantiles),
    with counts of suppressed cells and of values less certain than they are large."""
    if values.empty:
        return pd.DataFrame(columns=SPREAD_COLUMNS)
    usable = _usable(values)
    latest = _latest(usable)
    frame = _overall_rows(usable)
    rows = []
    for measure, group in frame.groupby("measure", sort=False):
        year = latest[measure]
        group = group[group["year"] == year]
        known = group[~group["suppressed"] & group["value"].notna()]
        numbers = known["value"].to_numpy(dtype=float)
        quantiles = (
            np.quantile(numbers, [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
            if len(numbers)
            else [np.nan] * 7
        )
        uncertain = int((known["moe"].notna() & (known["moe"] > known["value"].abs())).sum())
        figures = dict(zip(SPREAD_COLUMNS[5:], map(float, quantiles), strict=True))
        rows.append(
            {
                "measure": measure,
                "year": year,
                "places": len(numbers),
                "suppressed": int(group["suppressed"].sum()),
                "uncertain": uncertain,
                **figures,
            }
        )
    return pd.DataFrame(rows, columns=SPREAD_COLUMNS)


def histogram(values: pd.DataFrame, measure: str, bins: int = 24) -> pd.DataFrame:
    """How many sub-areas fall in each value band (latest year, everyone): start, end, count."""
    usable = _usable(values[values["measure"] == measure])
    frame = _overall_rows(usable)
    if frame.empty:
        return pd.DataFrame(columns=["start", "end", "count"])
    frame = frame[frame["year"] == _latest(usable)[measure]]
    numbers = frame.loc[~frame["suppressed"] & frame["value"].notna(), "value"].to_numpy(float)
    if len(numbers) == 0:
        return pd.DataFrame(columns=["start", "end", "count"])
    low, high = float(numbers.min()), float(numbers.max())
    if low == high:
        high = low + (abs(low) or 1) * 0.01
    counts, edges = np.histogram(numbers, bins=min(bins, max(len(numbers), 1)), range=(low, high))
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts.astype(int)})


def place_values(values: pd.DataFrame, measure: str, year: int | None = None) -> pd.DataFrame:
    """One row per place for ``measure`` (everyone, the latest year unless given):
    place, value, moe, suppressed. For a map: as many rows as sub-areas, no more."""
    usable = _usable(values[values["measure"] == measure])
    frame = _overall_rows(usable)
    if frame.empty:
        return pd.DataFrame(columns=["place", "value", "moe", "suppressed"])
    year = _latest(usable)[measure] if year is None else year
    frame = frame[frame["year"] == year].drop_duplicates("place")
    return frame[["place", "value", "moe", "suppressed"]].reset_index(drop=True)


def reference_value(data: Dataset, place: Jurisdiction, variable: str) -> tuple[int, float] | None:
    """The place's own latest value of a Mobility Metric, (year, value), or None."""
    if variable not in data.catalog or place is None:
        return None
    metric = data.catalog[variable]
    kind = place.kind
    table = f"{kind}_longitudinal"
    if not data.has(table):
        return None
    try:
        frame = data.columns(table, ["year", "state", kind, variable])
    except (KeyError, ValueError):
        return None
    own = frame[(frame["state"] + frame[kind]) == place.key]
    numbers = numeric_values(metric, own[variable])
    known = own.assign(number=numbers).dropna(subset=["number"])
    if known.empty:
        return None
    last = known.sort_values("year").iloc[-1]
    return int(last["year"]), float(last["number"])
