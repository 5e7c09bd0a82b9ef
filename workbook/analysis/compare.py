"""Step 2's comparisons: a jurisdiction's metrics against peers, its state and the nation.

The rules, in one place so that notebooks, CSVs and charts agree:

* **Year.** Each metric is compared in its most recent year (the "recent" table), the
  same year for every geography, so ranks compare like with like.
* **Percentile rank** (0-100) of a value among all counties (or all cities) with a value
  that year, nationally and within the state: the share of values below it, ties
  counted half. It is a position, not a judgement: for "lower is better" metrics a high
  rank is a bad sign.
* **State median** is the median of the state's counties (or cities). Urban publishes no
  state values; this is a reference the workbook computes.
* **Judgements** (better / worse / similar) follow each metric's direction; metrics
  without one get none, and neither do counts (they grow with population, so the share
  beside them is the one to judge). A value rated Weak is never judged. Where a 95% confidence
  interval exists, a reference inside it is "similar". Without one, a difference smaller
  than a tenth of the national interquartile range is "similar".
* **Peers** are suggested as the nearest counties (or cities) on population size, census
  region and the metric profile, and can be replaced by a list of keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from workbook.data.catalog import Metric
from workbook.data.dataset import Dataset
from workbook.data.fips import kind_of_key, normalize_key
from workbook.data.jurisdictions import Jurisdiction
from workbook.errors import ParameterError

# Census Bureau regions by state FIPS code (Census Regions and Divisions of the US).
CENSUS_REGIONS = {
    "Northeast": "09 23 25 33 34 36 42 44 50",
    "Midwest": "17 18 19 20 26 27 29 31 38 39 46 55",
    "South": "01 05 10 11 12 13 21 22 24 28 37 40 45 47 48 51 54",
    "West": "02 04 06 08 15 16 30 32 35 41 49 53 56",
}
REGION_OF_STATE = {
    code: region for region, codes in CENSUS_REGIONS.items() for code in codes.split()
}
SIMILAR_SHARE_OF_IQR = 0.1
DEFAULT_PEER_COUNT = 8
PROFILE_COVERAGE = 0.9  # metrics used for peer profiles: values for 90% of geographies
MISSING_REASONS = ("not_computed", "no_data_year", "suppressed", "unavailable")
CSV_COLUMNS = [
    "jurisdiction", "name", "variable", "year", "value", "quality", "lower", "upper",
    "national_percentile", "state_percentile", "state_median", "peer_median", "direction",
    "vs_peers", "vs_state", "vs_nation", "peers",
]  # fmt: skip


def region_of(state: str) -> str:
    return REGION_OF_STATE.get(state, "")


def percentile_rank(values: pd.Series, value: float) -> float:
    """Percent of ``values`` below ``value``, ties counted half (NaN when undefined)."""
    return _rank(np.sort(values.dropna().to_numpy(dtype="float64")), value)


def judge(
    value: float,
    reference: float,
    direction: str,
    quality: str | None,
    lower: float | None = None,
    upper: float | None = None,
    tolerance: float = 0.0,
) -> str:
    """'better', 'worse', 'similar' or '' (no judgement) for ``value`` against ``reference``.

    No judgement without a direction, for a Weak value, or when a number is missing.
    With bounds, a reference inside [lower, upper] is 'similar'; without, a difference
    within ``tolerance`` is.
    """
    if direction not in ("higher", "lower") or quality == "Weak":
        return ""
    if value is None or reference is None or pd.isna(value) or pd.isna(reference):
        return ""
    has_bounds = lower is not None and upper is not None
    if has_bounds and not (pd.isna(lower) or pd.isna(upper)):
        if lower <= reference <= upper:
            return "similar"
    elif abs(value - reference) <= tolerance:
        return "similar"
    if value == reference:
        return "similar"
    higher = value > reference
    return "better" if higher == (direction == "higher") else "worse"


def numeric_values(metric: Metric, column: pd.Series) -> pd.Series:
    """Numbers for comparing: text ratios 'a:b' become a / b (group's share over fair share)."""
    if metric.numeric:
        return pd.to_numeric(column, errors="coerce")
    parts = column.astype("string").str.split(":", expand=True)
    if parts.shape[1] < 2:
        return pd.Series(np.nan, index=column.index)
    share_of_value = pd.to_numeric(parts[0], errors="coerce")
    share_of_households = pd.to_numeric(parts[1], errors="coerce")
    return (share_of_value / share_of_households.replace(0, np.nan)).astype("float64")


@dataclass
class PeerSuggestion:
    """A suggested or chosen peer and why."""

    key: str
    label: str
    reason: str
    distance: float = math.nan


@dataclass
class PeerGroup:
    """The peers a comparison uses, and how they were chosen."""

    members: list[PeerSuggestion]
    method: str  # "suggested" or "chosen"
    note: str = ""

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.members]


def _frame_key(frame: pd.DataFrame, kind: str) -> pd.Series:
    return frame["state"] + frame[kind]


def people_text(population: float | None) -> str:
    """A population as people read it: '9.7 million', '45,000', '43' (never '0 k')."""
    if population is None or pd.isna(population):
        return "unknown"
    if population >= 1e6:
        return f"{population / 1e6:.1f} million"
    if population >= 1e4:
        return f"{round(population, -3):,.0f}"
    return f"{population:,.0f}"


_population_text = people_text


def none_to_count(metric: Metric, value: float | None) -> str:
    """Why a value means "nothing to count" ('' when it is an ordinary value).

    Residents per physician is 0 where a place has no physician at all: not the best
    value but none, so it is shown with this note and left out of ranks and judgements.
    """
    unit = metric.unit
    if metric.format == "ratio" and unit.startswith("residents per ") and value == 0:
        return f"no {unit.removeprefix('residents per ')} to count"
    return ""


def profile_metrics(data: Dataset, kind: str) -> list[Metric]:
    """Metrics with values for most geographies of ``kind``: the basis of peer profiles."""
    recent = data.table(f"{kind}_recent")
    chosen = []
    for metric in data.catalog.for_geography(kind):
        if metric.variable in recent and metric.numeric:
            if recent[metric.variable].notna().mean() >= PROFILE_COVERAGE:
                chosen.append(metric)
    return chosen


class PeerIndex:
    """Peer suggestions for one kind of place, the standardised features computed once.

    :func:`suggest_peers` uses one for a single place; a batch keeps one per kind.
    """

    def __init__(self, data: Dataset, kind: str) -> None:
        self.kind = kind
        recent = data.table(f"{kind}_recent").copy()
        recent["key"] = _frame_key(recent, kind)
        recent = recent.set_index("key")
        self.recent = recent
        self.metrics = profile_metrics(data, kind)
        features = pd.DataFrame(index=recent.index)
        log_population = np.log10(recent["population"].clip(lower=1))
        features["population"] = (log_population - log_population.mean()) / log_population.std()
        for metric in self.metrics:
            column = recent[metric.variable]
            spread = column.std()
            features[metric.variable] = (column - column.mean()) / spread if spread else 0.0
        self.features = features
        self.regions = recent["state"].map(region_of)

    def suggest(self, place: Jurisdiction, count: int = DEFAULT_PEER_COUNT) -> PeerGroup:
        """The ``count`` nearest jurisdictions of the same kind, with reasons."""
        kind, recent, features = self.kind, self.recent, self.features
        if place.key not in recent.index:
            return PeerGroup([], "suggested", f"{place} is not in the latest year's data")
        own = features.loc[place.key]
        differences = features.sub(own, axis="columns")
        population_term = 2.0 * differences["population"] ** 2
        metric_part = differences.drop(columns="population") ** 2
        metric_term = metric_part.mean(axis=1, skipna=True).fillna(1.0) * 2.0
        own_region = region_of(place.state)
        region_term = (self.regions != own_region).astype(float) if own_region else 0.0
        distance = np.sqrt(population_term + metric_term + region_term)
        distance = distance.drop(index=place.key).sort_values()
        members = []
        for key in distance.index[:count]:
            row = recent.loc[key]
            same_region = own_region and region_of(row["state"]) == own_region
            # Only the chosen peers need the "close on n metrics" count.
            near = int((differences.loc[key].drop("population").abs() < 0.5).sum())
            reason = (
                f"population {_population_text(row['population'])} "
                f"(yours {_population_text(place.population)}); "
                + (f"also in the {own_region}; " if same_region else "")
                + f"close on {near} of {len(self.metrics)} metrics"
            )
            label = f"{row[f'{kind}_name']}, {row['state_name']}"
            members.append(PeerSuggestion(key, label, reason, float(distance.loc[key])))
        note = (
            f"Suggested: the {len(members)} {'counties' if kind == 'county' else 'cities'} "
            "nearest in population, census region and metric profile."
        )
        return PeerGroup(members, "suggested", note)


def suggest_peers(data: Dataset, place: Jurisdiction, count: int = DEFAULT_PEER_COUNT) -> PeerGroup:
    """The ``count`` most similar jurisdictions of the same kind, with reasons.

    Similarity is a distance over standardised features: log population (weight 2), each
    profile metric (weight 1, shared among them so they weigh as much as population
    together), and a penalty of 1 for a different census region.
    """
    return PeerIndex(data, place.kind).suggest(place, count)


def choose_peers(data: Dataset, place: Jurisdiction, keys: object) -> PeerGroup:
    """Peers given by the facilitator: a list or a comma/semicolon-separated string of keys."""
    if isinstance(keys, str):
        items = [k for k in keys.replace(";", ",").split(",") if k.strip()]
    elif isinstance(keys, int):
        items = [keys]
    else:
        items = list(keys or [])
    if not items:
        raise ParameterError(
            "peers",
            keys,
            "is empty",
            "Give at least one FIPS key, or leave it unset to use the suggested peers",
        )
    members = []
    for item in items:
        key = normalize_key(item, parameter="peers")
        if kind_of_key(key) != place.kind:
            raise ParameterError(
                "peers",
                item,
                f"is a {('county' if kind_of_key(key) == 'county' else 'city')} "
                f"key, but {place.label} is a {place.kind_word}",
                "Compare counties with counties and cities with cities",
            )
        if key == place.key:
            raise ParameterError("peers", item, "is the jurisdiction itself", "Remove it")
        if key not in data.index.index:
            raise ParameterError(
                "peers",
                item,
                f"no {place.kind_word} has the key {key}",
                "Check the key (counties 5 digits, cities 7)",
            )
        found = data.find(key)
        if key not in [m.key for m in members]:
            members.append(PeerSuggestion(key, found.label, "chosen by the coalition"))
    return PeerGroup(members, "chosen", "Chosen by the coalition.")


@dataclass
class Comparison:
    """Every metric of a jurisdiction with its standing: the table behind Step 2."""

    place: Jurisdiction
    peers: PeerGroup
    table: pd.DataFrame
    data: Dataset = field(repr=False)

    def to_csv_frame(self) -> pd.DataFrame:
        """The analyst's CSV: the required columns first, then the extra ones."""
        extra = [c for c in self.table.columns if c not in CSV_COLUMNS]
        return self.table[CSV_COLUMNS + extra]

    def write_csv(self, path) -> None:
        # Default float output is the shortest text that reads back as the same number.
        self.to_csv_frame().to_csv(path, index=False)


def _missing_reason(
    metric: Metric,
    place: Jurisdiction,
    year: float,
    row: pd.Series | None,
    value_missing: bool,
    in_data: bool,
) -> str:
    if not metric.applies_to(place.kind):
        return "not_computed"
    if not value_missing:
        return ""
    if not in_data:
        return "unavailable"  # the imported files do not carry this metric at all
    if row is None or pd.isna(year) or not (place.first_year <= year <= place.last_year):
        return "no_data_year"  # e.g. Connecticut's planning regions before 2022
    quality = row.get(metric.quality_variable) if metric.quality_variable else None
    if quality is not None and not pd.isna(quality):
        return "suppressed"  # a flag without a value: Urban withheld the number
    return "unavailable"


@dataclass
class _MetricFigures:
    """One metric's national figures for one kind of place."""

    metric: Metric
    applies: bool
    numbers: pd.Series
    values: np.ndarray
    year: float
    national_median: float
    iqr: float
    sorted_values: np.ndarray


def _rank(sorted_values: np.ndarray, value: float) -> float:
    """:func:`percentile_rank` on values sorted in advance."""
    if not len(sorted_values) or value is None or pd.isna(value):
        return math.nan
    below = np.searchsorted(sorted_values, value, side="left")
    equal = np.searchsorted(sorted_values, value, side="right") - below
    return float(100.0 * (below + 0.5 * equal) / len(sorted_values))


def _median(values: np.ndarray) -> float:
    """``float(Series.median())`` for the non-missing ``values`` (pandas calls nanmedian)."""
    return float(np.nanmedian(values)) if len(values) else math.nan


class ComparisonIndex:
    """Comparisons for one kind of place, the national and state figures computed once.

    :func:`compare` uses one for a single place; a batch keeps one per kind.
    """

    def __init__(self, data: Dataset, kind: str) -> None:
        self.data = data
        self.kind = kind
        recent = data.table(f"{kind}_recent").copy()
        recent["key"] = _frame_key(recent, kind)
        recent = recent.set_index("key")
        self.recent = recent
        self.states = recent["state"].to_numpy()
        self.figures: list[_MetricFigures] = []
        empty = pd.Series(dtype="float64")
        for metric in data.catalog:
            if not metric.is_metric:
                continue
            applies = metric.applies_to(kind) and metric.variable in recent.columns
            if not applies:
                nothing = np.array([])
                self.figures.append(
                    _MetricFigures(metric, False, empty, nothing, *[math.nan] * 3, nothing)
                )
                continue
            numbers = numeric_values(metric, recent[metric.variable])
            # Ranks and medians leave out values that mean "none to count".
            ranked = numbers.mask(numbers == 0) if none_to_count(metric, 0.0) else numbers
            year_column = f"{metric.variable}_year"
            years = recent[year_column].dropna() if year_column in recent else pd.Series()
            present = numbers.dropna()
            self.figures.append(
                _MetricFigures(
                    metric,
                    True,
                    numbers,
                    ranked.to_numpy(dtype="float64"),
                    float(years.iloc[0]) if len(years) else math.nan,
                    float(ranked.median()) if len(present) else math.nan,
                    float(ranked.quantile(0.75) - ranked.quantile(0.25)),
                    np.sort(ranked.dropna().to_numpy(dtype="float64")),
                )
            )

    @cache  # noqa: B019 - one entry per state, kept for the life of the index
    def _state(self, state: str) -> list[tuple[np.ndarray, float, int]]:
        """Per metric: the state's sorted values, their median and their count."""
        mask = self.states == state
        result = []
        for figures in self.figures:
            if not figures.applies:
                result.append((np.array([]), math.nan, 0))
                continue
            values = figures.values[mask]
            present = values[~np.isnan(values)]
            result.append((np.sort(present), _median(present), len(present)))
        return result

    def compare(self, place: Jurisdiction, peers: PeerGroup) -> Comparison:
        """The comparison table of ``place`` against ``peers``, its state and the nation."""
        recent = self.recent
        in_recent = place.key in recent.index
        own = recent.loc[place.key] if in_recent else None
        position = recent.index.get_loc(place.key) if in_recent else None
        peer_positions = recent.index.get_indexer([k for k in peers.keys if k in recent.index])
        state_figures = self._state(place.state)
        peer_text = ";".join(peers.keys)
        synthetic = self.data.synthetic
        rows = []
        for figures, (state_sorted, state_median, n_state) in zip(
            self.figures, state_figures, strict=True
        ):
            metric = figures.metric
            applies = figures.applies
            record = {
                "jurisdiction": place.key, "name": metric.name, "variable": metric.variable,
                "pillar": metric.pillar, "predictor": metric.predictor, "unit": metric.unit,
                "direction": metric.direction, "peers": peer_text,
            }  # fmt: skip
            raw = own[metric.variable] if applies and own is not None else None
            value_missing = raw is None or pd.isna(raw)
            shown = math.nan if value_missing else float(figures.numbers.iat[position])
            note = none_to_count(metric, shown)
            value = math.nan if value_missing else float(figures.values[position])

            def companion(column: str) -> float:
                if not column or own is None or column not in recent.columns:
                    return math.nan
                return own[column]

            lower = companion(metric.lower_bound)
            upper = companion(metric.upper_bound)
            quality = companion(metric.quality_variable) if not value_missing else math.nan
            quality = (
                None
                if quality is None or (isinstance(quality, float) and pd.isna(quality))
                else quality
            )
            if applies:
                peer_values = figures.values[peer_positions]
                peer_values = peer_values[~np.isnan(peer_values)]
            else:
                peer_values = figures.values
            peer_median = _median(peer_values)
            iqr = figures.iqr
            tolerance = SIMILAR_SHARE_OF_IQR * iqr if not pd.isna(iqr) else 0.0
            bounds = (lower, upper) if metric.bounds_kind == "ci" else (None, None)
            direction = "none" if metric.format == "count" else metric.direction
            national_median = figures.national_median
            year = figures.year
            record.update(
                year=None if pd.isna(year) else int(year),
                value=raw if not value_missing else None,
                value_number=shown,
                note=note,
                quality=quality,
                lower=lower,
                upper=upper,
                bounds=metric.bounds_kind,
                national_percentile=_rank(figures.sorted_values, value),
                state_percentile=_rank(state_sorted, value),
                national_median=national_median,
                state_median=state_median,
                peer_median=peer_median,
                vs_peers=judge(value, peer_median, direction, quality, *bounds, tolerance),
                vs_state=judge(value, state_median, direction, quality, *bounds, tolerance),
                vs_nation=judge(value, national_median, direction, quality, *bounds, tolerance),
                n_nation=len(figures.sorted_values),
                n_state=n_state,
                n_peers=len(peer_values),
                missing_reason=_missing_reason(metric, place, year, own, value_missing, applies),
                synthetic=synthetic,
            )
            rows.append(record)
        table = pd.DataFrame(rows)
        table["year"] = table["year"].astype("Int64")
        return Comparison(place, peers, table, self.data)


def compare(data: Dataset, place: Jurisdiction, peers: PeerGroup | None = None) -> Comparison:
    """Compare every catalog metric of ``place`` with its peers, state and the nation."""
    peers = peers or suggest_peers(data, place)
    return ComparisonIndex(data, place.kind).compare(place, peers)


def _bound(rows: pd.DataFrame, column: str, metric: Metric) -> pd.Series | None:
    """A 95% confidence bound of ``rows`` as numbers (None where Urban publishes none)."""
    if metric.bounds_kind != "ci" or not column or column not in rows.columns:
        return None
    return pd.to_numeric(rows[column], errors="coerce")


def trends(data: Dataset, place: Jurisdiction, variable: str, peers: PeerGroup) -> pd.DataFrame:
    """Tidy yearly series: the jurisdiction, the peer median and the state median.

    The jurisdiction's rows carry ``lower`` and ``upper`` where Urban publishes a 95%
    confidence interval (empty for the medians).
    """
    metric = data.catalog[variable]
    kind = place.kind
    frame = data.rows(f"{kind}_longitudinal", keys=[place.key, *peers.keys], states=(place.state,))
    if variable not in frame.columns:
        return pd.DataFrame(columns=["year", "series", "value", "quality", "lower", "upper"])
    keys = _frame_key(frame, kind)
    numbers = numeric_values(metric, frame[variable])
    parts = []
    own = frame[keys == place.key]
    quality = own[metric.quality_variable] if metric.quality_variable in own else None
    parts.append(
        pd.DataFrame(
            {
                "year": own["year"],
                "series": place.name,
                "value": numbers[own.index],
                "quality": quality if quality is not None else None,
                "lower": _bound(own, metric.lower_bound, metric),
                "upper": _bound(own, metric.upper_bound, metric),
            }
        )
    )
    for label, mask in (
        ("Peer median", keys.isin(peers.keys)),
        (f"{place.state_name} median", frame["state"] == place.state),
    ):
        grouped = numbers[mask].groupby(frame.loc[mask, "year"]).median()
        parts.append(
            pd.DataFrame(
                {"year": grouped.index, "series": label, "value": grouped.values, "quality": None}
            )
        )
    result = pd.concat(parts, ignore_index=True)
    return result.dropna(subset=["value"]).reset_index(drop=True)


def saved_peers(data: Dataset, place: Jurisdiction, saved: dict | None) -> PeerGroup:
    """The peers a plan saved for ``place`` (Step 2's ``step2.peers`` value), as chosen then.

    Falls back to the suggestion when ``saved`` holds no peers for this place; keys the
    data no longer has are left out.
    """
    saved = saved or {}
    if saved.get("jurisdiction") != place.key or not saved.get("keys"):
        return suggest_peers(data, place)
    reasons = saved.get("reasons") or {}
    members = []
    for key in saved["keys"]:
        if key in data.index.index:
            label = data.find(key).label
            members.append(PeerSuggestion(key, label, str(reasons.get(key, ""))))
    return PeerGroup(members, str(saved.get("method") or "chosen"), str(saved.get("note") or ""))
