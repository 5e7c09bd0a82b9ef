"""Find a county or city by FIPS key or by name, with helpful errors."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from workbook.data.fips import kind_of_key, looks_like_key, normalize_key
from workbook.errors import JurisdictionError

# Postal abbreviations (US Census Bureau state FIPS list), so "Cook County, IL" works too.
STATE_ABBREVIATIONS = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip
KIND_WORDS = {"county": "county", "place": "city"}
MAX_LISTED = 12


@dataclass(frozen=True)
class Jurisdiction:
    """A county or a city (census place) of the dataset."""

    key: str
    kind: str  # "county" or "place"
    name: str
    state: str
    state_name: str
    population: float | None
    first_year: int
    last_year: int

    @property
    def label(self) -> str:
        return f"{self.name}, {self.state_name}"

    @property
    def kind_word(self) -> str:
        return KIND_WORDS[self.kind]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


def _fold(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: for comparing names."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[.'’]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def build_index(longitudinal: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per geography: key, kind, name, state, population, years present.

    Built from the longitudinal tables so that geographies that have since changed
    (Connecticut's old counties) can still be found; names come from their latest year.
    """
    parts = []
    for kind, frame in longitudinal.items():
        code = kind
        latest = (
            frame.sort_values("year")
            .groupby(["state", code], sort=False)
            .agg(
                name=(f"{kind}_name", "last"),
                state_name=("state_name", "last"),
                population=("population", "last"),
                first_year=("year", "min"),
                last_year=("year", "max"),
            )
        )
        latest = latest.reset_index()
        latest["key"] = latest["state"] + latest[code]
        latest["kind"] = kind
        parts.append(latest.drop(columns=[code]))
    index = pd.concat(parts, ignore_index=True)
    index["folded_name"] = index["name"].map(_fold)
    index["folded_state"] = index["state_name"].map(_fold)
    return index.set_index("key", drop=False).sort_index()


def _as_jurisdiction(row: pd.Series) -> Jurisdiction:
    population = row["population"]
    return Jurisdiction(
        key=row["key"],
        kind=row["kind"],
        name=row["name"],
        state=row["state"],
        state_name=row["state_name"],
        population=None if pd.isna(population) else float(population),
        first_year=int(row["first_year"]),
        last_year=int(row["last_year"]),
    )


def _listing(rows: pd.DataFrame) -> list[str]:
    return [f"{r.name}, {r.state_name} ({r.key})" for r in rows.itertuples()]


def _state_names(index: pd.DataFrame, text: str) -> set[str]:
    folded = _fold(text)
    full = STATE_ABBREVIATIONS.get(text.strip().upper())
    names = set(index.loc[index["folded_state"] == folded, "folded_state"])
    if full:
        names.add(_fold(full))
    return names


def _ambiguity_fix(matches, state_given: str) -> str:
    """What to add to a name that matched several places, given what it already has."""
    kinds = set(matches["kind"])
    one_state = matches["folded_state"].nunique() == 1
    if len(kinds) > 1 and (state_given or one_state):
        return (
            "Say which you mean: add 'County' for the county or 'city' for the city "
            f"(e.g. '{matches.iloc[0]['name']}{', ' + state_given if state_given else ''}'), "
            "or use the FIPS key"
        )
    if state_given:
        return "Use the full name as listed, or the FIPS key"
    return "Add the state after a comma (e.g. 'Washington County, Oregon') or use the FIPS key"


def find(index: pd.DataFrame, query: object, kind: str | None = None) -> Jurisdiction:
    """The one jurisdiction ``query`` (FIPS key, int or name) names; ``kind`` restricts it.

    Raises :class:`JurisdictionError` for unknown, ambiguous or wrong-kind queries, with
    candidates or close matches in the message.
    """
    expected = f"a {KIND_WORDS[kind]}" if kind else "a county or city"
    if query is None or (isinstance(query, str) and not query.strip()):
        raise JurisdictionError(
            query, "is empty", f"Give {expected} by FIPS key or by name, e.g. 'Cook County, IL'"
        )
    if looks_like_key(query):
        key = normalize_key(query)
        found_kind = kind_of_key(key)
        if kind and found_kind != kind:
            raise JurisdictionError(
                query,
                f"is a {KIND_WORDS[found_kind]} key ({len(key)} digits) but {expected} is "
                "expected here",
                "Counties have 5-digit keys, cities 7-digit keys",
            )
        if key in index.index:
            return _as_jurisdiction(index.loc[key])
        same_state = index[(index["state"] == key[:2]) & (index["kind"] == found_kind)]
        close = (
            same_state.iloc[(same_state["key"].astype(int) - int(key)).abs().argsort()[:3]]
            if len(same_state)
            else same_state
        )
        hint = (
            f"Close keys: {'; '.join(_listing(close))}"
            if len(close)
            else (f"No {KIND_WORDS[found_kind]} in this dataset has a key starting '{key[:2]}'")
        )
        raise JurisdictionError(
            query,
            f"no {KIND_WORDS[found_kind]} has the FIPS key '{key}' in this dataset",
            hint,
            _listing(close),
        )

    text = str(query).strip()
    name_part, _, state_part = text.rpartition(",") if "," in text else (text, "", "")
    name_part = name_part.strip()
    pool = index if kind is None else index[index["kind"] == kind]
    if state_part.strip():
        states = _state_names(index, state_part)
        if not states:
            known = sorted(index["state_name"].unique())
            close = difflib.get_close_matches(state_part.strip(), known, n=3)
            raise JurisdictionError(
                query,
                f"no state called '{state_part.strip()}' in this dataset",
                f"Did you mean: {', '.join(close)}?" if close else "Check the state's name",
                close,
            )
        pool = pool[pool["folded_state"].isin(states)]
    wanted = _fold(name_part)
    matches = pool[pool["folded_name"] == wanted]
    if matches.empty:
        # "Los Angeles, California" means the county or the city: try both endings.
        variants = {f"{wanted} county", f"{wanted} city"}
        matches = pool[pool["folded_name"].isin(variants)]
    if len(matches) == 1:
        return _as_jurisdiction(matches.iloc[0])
    if len(matches) > 1:
        listed = _listing(matches.head(MAX_LISTED))
        more = f" and {len(matches) - MAX_LISTED} more" if len(matches) > MAX_LISTED else ""
        raise JurisdictionError(
            query,
            f"matches {len(matches)} jurisdictions: {'; '.join(listed)}{more}",
            _ambiguity_fix(matches, state_given=state_part.strip()),
            _listing(matches),
        )
    if kind is not None:
        other = index[(index["kind"] != kind) & (index["folded_name"] == wanted)]
        if len(other):
            raise JurisdictionError(
                query,
                f"is a {KIND_WORDS[other.iloc[0]['kind']]}, but {expected} is expected here",
                "Choose a jurisdiction of the right kind",
                _listing(other),
            )
    labels = (pool["name"] + ", " + pool["state_name"]).tolist()
    close = difflib.get_close_matches(text, labels, n=5, cutoff=0.6)
    if not close:
        names = pool["name"].tolist()
        near = set(difflib.get_close_matches(name_part, names, n=5, cutoff=0.6))
        close = [label for label, name in zip(labels, names, strict=True) if name in near][:5]
    raise JurisdictionError(
        query,
        f"no {expected[2:] if kind else 'county or city'} of that name in this dataset",
        f"Did you mean: {'; '.join(close)}?"
        if close
        else "Check the spelling, or use the FIPS key",
        close,
    )
