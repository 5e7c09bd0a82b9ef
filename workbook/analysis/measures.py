"""Measures of a logic model: proposals, baselines from the data, forecasts and target checks.

Pure logic for Step 8's measurement plan. A measure record has the shape of the
``step8.measures`` contract (element, name, unit, direction, metric, subgroup, RBA
category, owners, baseline, target, ...). Nothing here draws or saves anything.

Baselines come from the Mobility Metrics as published: the value, its year, its lower
and upper bounds and its quality flag, for the whole place or for one racial or ethnic
group; a gap between two groups (subgroup ``"gap:<a>|<b>"``) is the distance between
their values, year by year. A value Urban withheld (a quality flag without a value) is
never a baseline. The baseline forecast is a straight line fitted to the history by
ordinary least squares, with a 95% prediction interval; with fewer than three years
there is no forecast, and the reason says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbook.analysis.compare import numeric_values
from workbook.data.catalog import Catalog, Metric
from workbook.data.dataset import Dataset
from workbook.data.jurisdictions import Jurisdiction

KINDS = ("input", "activity", "output", "outcome")
KIND_WORDS = {"input": "Input", "activity": "Activity", "output": "Output", "outcome": "Outcome"}
MEASURED_KINDS = ("input", "output", "outcome")  # every one of these should have a measure
DIRECTIONS = ("higher", "lower", "neither")
RBA = {
    "how_much": "How much did we do?",
    "how_well": "How well did we do it?",
    "better_off": "Is anyone better off?",
}
RBA_BY_KIND = {
    "input": "how_much",
    "activity": "how_well",
    "output": "how_much",
    "outcome": "better_off",
}
FREQUENCIES = {"monthly": 12, "quarterly": 4, "annual": 1, "every_two_years": 0.5}
GAP_PREFIX = "gap:"
MIN_FORECAST_YEARS = 3
HISTORY_COLUMNS = ["year", "value", "low", "high", "quality", "suppressed"]
# Two-sided 95% quantiles of Student's t by degrees of freedom (1 to 30); 1.96 beyond.
T_975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


# --- the approved logic model ------------------------------------------------------------


def approved_logic_model(approval: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The logic model of the latest approved version in ``step7.approval`` (None if none)."""
    versions = [v for v in (approval or {}).get("versions") or [] if isinstance(v, Mapping)]
    approved = [v for v in versions if v.get("status") == "approved"]
    if not approved:
        return None
    latest = max(approved, key=lambda v: int(v.get("number") or 0))
    model = (latest.get("snapshot") or {}).get("logic_model")
    return dict(model) if isinstance(model, Mapping) else None


@dataclass(frozen=True)
class Element:
    """One input, activity, output or outcome of the logic model."""

    kind: str
    id: str
    name: str
    metrics: tuple[str, ...] = ()
    local_measures: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def label(self) -> str:
        return f"{KIND_WORDS[self.kind]}: {self.name}"


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def elements(model: Mapping[str, Any] | None) -> list[Element]:
    """Every element of a logic model, inputs first, outcomes last."""
    found = []
    for kind in KINDS:
        for item in (model or {}).get(f"{kind}s" if kind != "activity" else "activities") or []:
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                found.append(
                    Element(
                        kind,
                        item["id"],
                        str(item.get("name") or item["id"]),
                        _strings(item.get("metrics")),
                        _strings(item.get("local_measures")),
                    )
                )
    return found


def element_of(measure: Mapping[str, Any]) -> tuple[str, str]:
    ref = measure.get("element") or {}
    return (
        (str(ref.get("kind") or ""), str(ref.get("id") or ""))
        if isinstance(ref, Mapping)
        else ("", "")
    )


# --- proposals ---------------------------------------------------------------------------


def direction_of(metric: Metric) -> str:
    """The catalog's direction in the measure's words ('none' is 'neither')."""
    return metric.direction if metric.direction in ("higher", "lower") else "neither"


def is_gap(subgroup: Any) -> bool:
    return isinstance(subgroup, str) and subgroup.startswith(GAP_PREFIX)


def gap_groups(subgroup: str) -> tuple[str, str]:
    """('Black', 'White') from 'gap:Black|White'; ValueError names the expected form."""
    a, sep, b = subgroup.removeprefix(GAP_PREFIX).partition("|")
    if not (is_gap(subgroup) and sep and a.strip() and b.strip()):
        raise ValueError(f"subgroup '{subgroup}': a gap is written 'gap:<group a>|<group b>'")
    return a.strip(), b.strip()


def subgroup_label(subgroup: Any) -> str:
    if not subgroup:
        return ""
    if is_gap(subgroup):
        try:
            a, b = gap_groups(subgroup)
        except ValueError:
            return str(subgroup)
        return f"gap between {a} and {b}"
    return str(subgroup)


def local_measure_info(
    local_data: Sequence[Mapping[str, Any]] | None, ref: str
) -> dict[str, Any] | None:
    """Step 5's description of local measure ``"<dataset id>/<measure id>"`` (None if unknown).

    The measure's own fields (name, unit, direction, quality...) plus ``dataset`` (the
    dataset's name) and ``dataset_id``.
    """
    dataset_id, _, measure_id = str(ref).partition("/")
    for dataset in local_data or []:
        if not isinstance(dataset, Mapping) or dataset.get("id") != dataset_id:
            continue
        for item in dataset.get("measures") or []:
            if isinstance(item, Mapping) and item.get("id") == measure_id:
                return {**item, "dataset": str(dataset.get("name") or dataset_id),
                        "dataset_id": dataset_id}  # fmt: skip
    return None


def local_history(
    values: pd.DataFrame, measure_id: str, place: str | None = None, quality: str | None = None
) -> pd.DataFrame:
    """A local measure's yearly values from Step 5's rows (place, year, measure, subgroup,
    value, moe, suppressed), for the whole population; the place's own rows when the file
    holds several places. Bounds are the value plus or minus the margin of error."""
    rows = values[values["measure"].astype(str) == str(measure_id)]
    if "subgroup" in rows.columns:
        rows = rows[rows["subgroup"].isna() | rows["subgroup"].isin(["", "All", "all"])]
    if place is not None and rows["place"].nunique() > 1:
        rows = rows[rows["place"].astype(str) == str(place)]
    if rows.empty or rows["place"].nunique() > 1 or rows["year"].duplicated().any():
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    value = pd.to_numeric(rows["value"], errors="coerce")
    moe = pd.to_numeric(rows["moe"], errors="coerce") if "moe" in rows else np.nan
    suppressed = rows["suppressed"].fillna(False).astype(bool) if "suppressed" in rows else False
    frame = pd.DataFrame({
        "year": pd.to_numeric(rows["year"], errors="coerce"), "value": value.where(~suppressed),
        "low": value - moe, "high": value + moe, "quality": quality,
        "suppressed": suppressed | value.isna(),
    }).dropna(subset=["year"])  # fmt: skip
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values("year").reset_index(drop=True)


def propose(
    model: Mapping[str, Any] | None,
    catalog: Catalog,
    existing: Sequence[Mapping[str, Any]] = (),
    local_data: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """New measure records (without ids) for the elements ``existing`` does not cover yet.

    An outcome linked to Mobility Metrics gets one measure per metric, named, unitised
    and directed as in the catalog; a local measure one each, described as Step 5's
    ``local_data`` describes it; every other input, output and outcome one measure to be
    named by the coalition.
    """
    covered = {element_of(m) for m in existing}
    linked = {(element_of(m), m.get("metric"), m.get("local_measure")) for m in existing}
    proposals = []
    for element in elements(model):
        if element.kind not in MEASURED_KINDS:
            continue
        base = {
            "element": {"kind": element.kind, "id": element.id},
            "rba": RBA_BY_KIND[element.kind],
            "subgroup": None,
            "owners": [],
            "baseline": None,
            "target": None,
            "headline": False,
            "metric": None,
            "local_measure": None,
            "frequency": "annual",
            "reported_to": "",
        }
        key = (element.kind, element.id)
        made = False
        for variable in element.metrics:
            if variable not in catalog or (key, variable, None) in linked:
                continue
            metric = catalog[variable]
            proposals.append(
                {
                    **base,
                    "name": metric.name,
                    "unit": metric.unit,
                    "direction": direction_of(metric),
                    "metric": variable,
                    "source": metric.source,
                }
            )
            made = True
        for local in element.local_measures:
            if (key, None, local) in linked:
                continue
            info = local_measure_info(local_data, local) or {}
            direction = info.get("direction")
            proposals.append(
                {
                    **base,
                    "name": str(info.get("name") or f"{element.name} (local data)"),
                    "unit": str(info.get("unit") or ""),
                    "direction": direction if direction in DIRECTIONS else "neither",
                    "local_measure": local,
                    "source": str(info.get("dataset") or "Local data"),
                }
            )
            made = True
        if not made and key not in covered and not element.metrics and not element.local_measures:
            word = {
                "input": "Resources in place for",
                "output": "Delivered:",
                "outcome": "Change in",
            }[element.kind]
            proposals.append(
                {
                    **base,
                    "name": f"{word} {element.name}",
                    "unit": "",
                    "direction": "higher",
                    "source": "",
                }
            )
    return proposals


# --- history and baselines from the data -------------------------------------------------


def _own_rows(data: Dataset, place: Jurisdiction, table: str) -> pd.DataFrame:
    return data.rows(table, keys=[place.key])  # not the whole table: a kernel keeps it


def _series(metric: Metric, rows: pd.DataFrame) -> pd.DataFrame:
    if metric.variable not in rows.columns:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    values = numeric_values(metric, rows[metric.variable])

    def column(name: str) -> pd.Series:
        if name and name in rows.columns:
            return pd.to_numeric(rows[name], errors="coerce")
        return pd.Series(np.nan, index=rows.index)

    quality = (
        rows[metric.quality_variable]
        if metric.quality_variable in rows.columns
        else pd.Series(None, index=rows.index, dtype=object)
    )
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype(int),
            "value": values,
            "low": column(metric.lower_bound),
            "high": column(metric.upper_bound),
            "quality": quality.where(quality.notna(), None),
            "suppressed": values.isna() & quality.notna(),
        }
    )
    keep = frame["value"].notna() | frame["suppressed"]
    return frame[keep].sort_values("year").reset_index(drop=True)


def history(
    data: Dataset, place: Jurisdiction, variable: str, subgroup: str | None = None
) -> pd.DataFrame:
    """The place's yearly values of ``variable``: year, value, low, high, quality, suppressed.

    ``subgroup`` is a racial or ethnic group of the race/ethnicity table, or a gap
    ``"gap:<a>|<b>"`` (the distance between the two groups' values in each year both
    have one; a suppressed value in either group suppresses that year's gap).
    """
    metric = data.catalog[variable]
    if is_gap(subgroup):
        a, b = gap_groups(subgroup)
        first, second = history(data, place, variable, a), history(data, place, variable, b)
        both = first.merge(second, on="year", suffixes=("_a", "_b"))
        order = {"Strong": 0, "Marginal": 1, "Weak": 2}
        return pd.DataFrame(
            {
                "year": both["year"],
                "value": (both["value_a"] - both["value_b"]).abs().round(10),
                "low": np.nan,
                "high": np.nan,
                "quality": [
                    max((q for q in pair if q in order), key=order.get, default=None)
                    for pair in zip(both["quality_a"], both["quality_b"], strict=True)
                ],
                "suppressed": both["suppressed_a"] | both["suppressed_b"],
            },
            columns=HISTORY_COLUMNS,
        )
    if subgroup:
        table = f"{place.kind}_race_ethnicity"
        if not data.has(table) or not metric.has_race_ethnicity(place.kind):
            return pd.DataFrame(columns=HISTORY_COLUMNS)
        rows = _own_rows(data, place, table)
        return _series(metric, rows[rows["subgroup"] == subgroup])
    table = f"{place.kind}_longitudinal"
    if not data.has(table):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    return _series(metric, _own_rows(data, place, table))


def groups_of(data: Dataset, place: Jurisdiction, variable: str) -> list[str]:
    """The racial and ethnic groups with values of ``variable`` for the place ('All' left out)."""
    metric = data.catalog[variable]
    table = f"{place.kind}_race_ethnicity"
    if not data.has(table) or not metric.has_race_ethnicity(place.kind):
        return []
    rows = _own_rows(data, place, table)
    if variable not in rows.columns:
        return []
    present = rows[rows[variable].notna() & (rows["subgroup"] != "All")]
    return list(dict.fromkeys(present["subgroup"]))


def widest_gap(data: Dataset, place: Jurisdiction, variable: str) -> str | None:
    """'gap:<worse off>|<better off>' for the two groups furthest apart in the latest year
    with two published values that are not Weak (None without a direction or groups)."""
    metric = data.catalog[variable]
    if metric.direction not in ("higher", "lower"):
        return None
    frames = [history(data, place, variable, g).assign(group=g)
              for g in groups_of(data, place, variable)]  # fmt: skip
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[~rows["suppressed"].astype(bool) & rows["value"].notna()]
    rows = rows[rows["quality"] != "Weak"]
    counts = rows.groupby("year").size()
    years = counts[counts >= 2].index
    if not len(years):
        return None
    latest = rows[rows["year"] == years.max()]
    high = latest.loc[latest["value"].idxmax(), "group"]
    low = latest.loc[latest["value"].idxmin(), "group"]
    worse, better = (low, high) if metric.direction == "higher" else (high, low)
    return f"{GAP_PREFIX}{worse}|{better}"


def gap_measure(measure: Mapping[str, Any], subgroup: str) -> dict[str, Any]:
    """The gap version of a metric's measure: narrower is better, whatever the direction."""
    unit = str(measure.get("unit") or "")
    return {
        **measure,
        "subgroup": subgroup,
        "direction": "lower",
        "name": f"{measure.get('name')}: {subgroup_label(subgroup)}",
        "unit": f"difference in {unit}" if unit else "difference",
        "baseline": None,
    }


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass(frozen=True)
class BaselineResult:
    """A baseline drawn from the data (None when there is none) and what the reader should know."""

    baseline: dict[str, Any] | None
    note: str


def baseline_from(rows: pd.DataFrame, source: str = "", collect_by: str = "") -> BaselineResult:
    """The latest published value of a history as a baseline; withheld values are skipped."""
    published = rows[~rows["suppressed"].astype(bool)] if len(rows) else rows
    withheld = (
        [int(y) for y in rows.loc[rows["suppressed"].astype(bool), "year"]] if len(rows) else []
    )
    if published.empty:
        why = (
            "every value was withheld (suppressed) by the publisher "
            f"({', '.join(map(str, withheld))}), "
            "and a withheld value is not a baseline"
            if withheld
            else "the data have no value for this place"
        )
        when = f": collect by {collect_by}" if collect_by else ""
        return BaselineResult(None, f"No baseline yet{when}; {why}.")
    last = published.iloc[-1]
    later = [y for y in withheld if y > int(last["year"])]
    baseline = {
        "value": float(last["value"]),
        "year": int(last["year"]),
        "low": _number(last["low"]),
        "high": _number(last["high"]),
        "quality": last["quality"] if isinstance(last["quality"], str) else None,
        "source": source,
        "date": None,
        "collect_by": None,
    }
    notes = []
    if later:
        notes.append(
            f"The {', '.join(map(str, later))} value was withheld (suppressed) and is "
            f"not a baseline; the baseline is the {baseline['year']} value."
        )
    if baseline["quality"] == "Weak":
        notes.append("The baseline's data quality is Weak: read it with care.")
    return BaselineResult(baseline, " ".join(notes))


def no_baseline(collect_by: str) -> dict[str, Any]:
    """A baseline still to be collected by a date (a measure without data yet)."""
    return {
        "value": None,
        "year": None,
        "low": None,
        "high": None,
        "quality": None,
        "source": "",
        "date": None,
        "collect_by": collect_by,
    }


def has_value(baseline: Mapping[str, Any] | None) -> bool:
    return isinstance(baseline, Mapping) and isinstance(baseline.get("value"), int | float)


def number_text(value: float, share: bool = False, gap: bool = False) -> str:
    """A value as people read it: shares as percentages (a gap in points), else 4 digits."""
    if share:
        return f"{100 * value:.1f}" + (" percentage points" if gap else "%")
    return f"{value:.4g}"


def is_share(measure: Mapping[str, Any], catalog: Catalog) -> bool:
    """Whether a measure's values are shares (0-1) of a catalog metric."""
    variable = measure.get("metric")
    return bool(variable in catalog and catalog[variable].format == "share")


def baseline_text(
    baseline: Mapping[str, Any] | None, share: bool = False, gap: bool = False
) -> str:
    """'19.2% (2023)', '82.2 (2023)' or 'No baseline yet: collect by 2027-06-30'."""
    if not has_value(baseline):
        by = (baseline or {}).get("collect_by") if isinstance(baseline, Mapping) else None
        return f"No baseline yet: collect by {by}" if by else "No baseline yet"
    year = baseline.get("year") or str(baseline.get("date") or "")[:4]
    return number_text(baseline["value"], share, gap) + (f" ({year})" if year else "")


# --- the baseline forecast ---------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """The straight-line forecast if nothing changes: yearly fit and 95% prediction band."""

    rows: pd.DataFrame  # year, fit, low, high
    slope: float | None
    note: str

    @property
    def possible(self) -> bool:
        return not self.rows.empty


def forecast(rows: pd.DataFrame, to_year: int) -> Forecast:
    """A linear trend fitted to the published values, extended to ``to_year``.

    Ordinary least squares on (year, value); the band is the 95% prediction interval
    for a single future year. Fewer than three published years: no forecast.
    """
    empty = pd.DataFrame(columns=["year", "fit", "low", "high"])
    points = rows[~rows["suppressed"].astype(bool)].dropna(subset=["value"]) if len(rows) else rows
    n = len(points)
    if n < MIN_FORECAST_YEARS:
        return Forecast(
            empty,
            None,
            f"Too few years for a forecast: {n} published value"
            f"{'' if n == 1 else 's'}, and a trend needs at least "
            f"{MIN_FORECAST_YEARS}.",
        )
    x = points["year"].to_numpy(dtype=float)
    y = points["value"].to_numpy(dtype=float)
    x_mean, y_mean = x.mean(), y.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return Forecast(empty, None, "Too few distinct years for a forecast.")
    slope = float(((x - x_mean) * (y - y_mean)).sum() / sxx)
    intercept = y_mean - slope * x_mean
    residual = y - (intercept + slope * x)
    s = math.sqrt(float((residual**2).sum()) / (n - 2)) if n > 2 else 0.0
    t = T_975[n - 3] if n - 2 <= len(T_975) else 1.96
    last = int(x.max())
    years = np.arange(last, max(int(to_year), last + 1) + 1, dtype=float)
    fit = intercept + slope * years
    half = t * s * np.sqrt(1 + 1 / n + (years - x_mean) ** 2 / sxx)
    frame = pd.DataFrame(
        {"year": years.astype(int), "fit": fit, "low": fit - half, "high": fit + half}
    )
    return Forecast(
        frame,
        slope,
        f"A straight line through {n} published years "
        f"({int(x.min())}-{last}), with a 95% prediction band.",
    )


# --- targets and flags -------------------------------------------------------------------


def baseline_year(baseline: Any) -> int | None:
    """The baseline's year, or the year of its date for a typed local baseline."""
    if not isinstance(baseline, Mapping):
        return None
    if isinstance(baseline.get("year"), int):
        return baseline["year"]
    text = str(baseline.get("date") or "")[:4]
    return int(text) if text.isdigit() else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def target_problems(measure: Mapping[str, Any]) -> dict[str, str]:
    """What makes a measure's target unacceptable, by field: refused, never saved.

    A target must be a number with a year; not before the baseline's year; and the
    measure must say which direction is better, since a target without one cannot say
    what progress is (a measure with no direction is watched, not targeted).
    """
    target = measure.get("target")
    if not isinstance(target, Mapping) or all(
        target.get(k) in (None, "") for k in ("value", "year")
    ):
        return {}
    problems = []
    value, year = target.get("value"), target.get("year")
    if not _is_number(value):
        problems.append(
            f"The target value '{value}' is not a number: type a number such as "
            "0.25 (a share of 25% is 0.25)."
        )
    if not (isinstance(year, int) and not isinstance(year, bool)):
        problems.append(f"The target year '{year}' is not a year: type one such as 2030.")
    else:
        baseline = measure.get("baseline")
        base_year = baseline_year(baseline)
        if isinstance(base_year, int) and year < base_year:
            problems.append(
                f"The target year {year} is before the baseline year {base_year}: "
                "a target must come after its baseline."
            )
    if measure.get("direction") not in ("higher", "lower"):
        problems.append(
            "This measure has no better direction, so no target can be checked "
            "against it: set Direction to higher or lower is better, or leave the "
            "target empty and watch the measure."
        )
    return {"target": " ".join(problems)} if problems else {}


def wrong_way(measure: Mapping[str, Any]) -> bool:
    """Whether the target moves away from the baseline in the wrong direction."""
    target, baseline = measure.get("target"), measure.get("baseline")
    if not (
        isinstance(target, Mapping) and _is_number(target.get("value")) and has_value(baseline)
    ):
        return False
    change = target["value"] - baseline["value"]
    return (measure.get("direction") == "higher" and change < 0) or (
        measure.get("direction") == "lower" and change > 0
    )


def owner_ids(measure: Mapping[str, Any]) -> list[str]:
    return list(_strings(measure.get("owners")))


def flags(
    measure: Mapping[str, Any],
    model_elements: Iterable[Element],
    stakeholders: Sequence[Mapping[str, Any]],
    team: Sequence[Mapping[str, Any]],
    model_known: bool = True,
) -> list[str]:
    """Warnings about a saved measure, in plain words (nothing here is refused)."""
    out = []
    kind, element_id = element_of(measure)
    if model_known and (kind, element_id) not in {(e.kind, e.id) for e in model_elements}:
        out.append(
            f"Linked to a logic-model element that is no longer in the approved model "
            f"({kind or 'no kind'} '{element_id}'): link it to another element or "
            "delete the measure."
        )
    members = {str(s.get("id")): s for s in stakeholders}
    people = {str(t.get("id")) for t in team}
    for owner in owner_ids(measure):
        if owner in people:
            continue
        record = members.get(owner)
        if record is None:
            out.append(
                f"Owner '{owner}' is no longer in the coalition (the record was removed): "
                "choose another owner."
            )
        elif record.get("status") != "accepted":
            out.append(
                f"Owner {record.get('organisation') or owner} has not accepted or has left "
                "the coalition: choose another owner."
            )
    if not owner_ids(measure):
        out.append("No owner yet: name who collects and reports it.")
    if wrong_way(measure):
        word = {"higher": "lower", "lower": "higher"}[measure["direction"]]
        out.append(
            f"The target is {word} than the baseline although {measure['direction']} "
            "is better: it moves the wrong way."
        )
    if target_problems(measure):
        out.append(target_problems(measure)["target"])
    baseline = measure.get("baseline")
    if has_value(baseline) and baseline.get("quality") == "Weak":
        out.append("The baseline's data quality is Weak.")
    if not has_value(baseline):
        out.append(baseline_text(baseline) + ".")
    return out


def owner_names(
    stakeholders: Sequence[Mapping[str, Any]],
    team: Sequence[Mapping[str, Any]],
    people: bool = False,
) -> dict[str, str]:
    """Names of possible owners: partners by organisation, team members by organisation
    and role. Only with ``people`` (the coalition's own editing view) is a team member's
    own name added: documents for the public name organisations and roles, not people."""
    names = {
        str(s["id"]): str(s.get("organisation") or s["id"]) for s in stakeholders if s.get("id")
    }
    for t in team:
        if not t.get("id"):
            continue
        person = t.get("person") if isinstance(t.get("person"), Mapping) else {}
        role = str(t.get("role") or "").replace("_", " ")
        where = str(person.get("organisation") or "")
        shown = f"{where} ({role})" if where and role else where or role or str(t["id"])
        if people and person.get("name"):
            shown = f"{person['name']}, {shown}"
        names[str(t["id"])] = shown
    return names


# --- the export --------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "id",
    "name",
    "element_kind",
    "element",
    "rba_category",
    "unit",
    "direction",
    "subgroup",
    "metric",
    "local_measure",
    "baseline_value",
    "baseline_year",
    "baseline_low",
    "baseline_high",
    "baseline_quality",
    "target_value",
    "target_year",
    "owners",
    "frequency",
    "reported_to",
    "source",
    "headline",
]


def export_frame(
    measures: Sequence[Mapping[str, Any]],
    model_elements: Iterable[Element],
    names: Mapping[str, str],
) -> pd.DataFrame:
    """One flat row per measure, as a performance office loads it (public fields only)."""
    by_key = {(e.kind, e.id): e.name for e in model_elements}
    rows = []
    for m in measures:
        kind, element_id = element_of(m)
        base = m.get("baseline") if isinstance(m.get("baseline"), Mapping) else {}
        target = m.get("target") if isinstance(m.get("target"), Mapping) else {}
        rows.append(
            {
                "id": m.get("id"),
                "name": m.get("name"),
                "element_kind": kind,
                "element": by_key.get((kind, element_id), f"(removed: {element_id})"),
                "rba_category": RBA.get(m.get("rba"), ""),
                "unit": m.get("unit") or "",
                "direction": m.get("direction") or "",
                "subgroup": m.get("subgroup") or "",
                "metric": m.get("metric") or "",
                "local_measure": m.get("local_measure") or "",
                "baseline_value": base.get("value"),
                "baseline_year": base.get("year") or (str(base.get("date") or "")[:4] or None),
                "baseline_low": base.get("low"),
                "baseline_high": base.get("high"),
                "baseline_quality": base.get("quality") or "",
                "target_value": target.get("value"),
                "target_year": target.get("year"),
                "owners": "; ".join(names.get(o, o) for o in owner_ids(m)),
                "frequency": m.get("frequency") or "",
                "reported_to": m.get("reported_to") or "",
                "source": m.get("source") or "",
                "headline": bool(m.get("headline")),
            }
        )
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


# --- the reporting calendar --------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def reporting_calendar(
    measures: Sequence[Mapping[str, Any]], first: str, months: int = 12
) -> list[tuple[str, list[str]]]:
    """(date, names of the measures reported then) over ``months`` from the first report.

    Monthly measures are reported every month, quarterly every third, annual measures
    once a year and the rest every two years (once, at the first report, in a year).
    """
    start = dt.date.fromisoformat(str(first)[:10])
    step = {"monthly": 1, "quarterly": 3, "annual": 12, "every_two_years": 24}
    due: dict[dt.date, list[str]] = {}
    for m in measures:
        every = step.get(str(m.get("frequency") or ""), 12)
        for k in range(0, months, every):
            due.setdefault(_add_months(start, k), []).append(str(m.get("name") or m.get("id")))
    return [(day.isoformat(), names) for day, names in sorted(due.items())]
