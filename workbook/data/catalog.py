"""The metric catalog and the planning framework: one source of truth for every notebook.

Both live as data in ``workbook/data/framework/``: ``metrics.csv`` (one row per metric
variable of the official files) and ``framework.json`` (dimensions, pillars and their
predictors, principles, actor types, MAP sections, the ten steps and their review
checklists, readiness conditions). Notebooks never spell these out themselves.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

FRAMEWORK_DIR = Path(__file__).parent / "framework"

Direction = Literal["higher", "lower", "none"]
# How each direction reads to a person.
DIRECTION_WORDS = {
    "higher": "Higher is better",
    "lower": "Lower is better",
    "none": "No better or worse: read in context",
}
ROLES = ("value", "lower", "upper", "quality", "year")


@dataclass(frozen=True)
class Metric:
    """One metric variable of the Mobility Metrics files and how to read it."""

    variable: str
    kind: str  # "metric" or "context" (population)
    pillar: str  # pillar id, empty for context
    predictor: str
    name: str
    unit: str
    format: str  # share, dollars, rate, ratio, count, index, number, text_ratio
    direction: Direction
    quality_variable: str
    lower_bound: str
    upper_bound: str
    bounds_kind: str  # "ci" (95% confidence interval), "range" (not statistical) or ""
    geography: str  # county, place or both
    race_ethnicity: str  # county, place, both or none
    description: str
    source: str

    @property
    def is_metric(self) -> bool:
        return self.kind == "metric"

    @property
    def numeric(self) -> bool:
        """False for the housing-wealth ratios, published as text 'a:b'."""
        return self.format != "text_ratio"

    @property
    def has_bounds(self) -> bool:
        return bool(self.lower_bound and self.upper_bound)

    def applies_to(self, kind: str) -> bool:
        """Whether Urban publishes this variable for counties or places (``kind``)."""
        return self.geography in (kind, "both")

    def has_race_ethnicity(self, kind: str) -> bool:
        return self.race_ethnicity in (kind, "both")

    def companions(self) -> dict[str, str]:
        """Column name of each companion present: lower, upper, quality."""
        found = {
            "lower": self.lower_bound,
            "upper": self.upper_bound,
            "quality": self.quality_variable,
        }
        return {role: column for role, column in found.items() if column}


class Catalog:
    """All metric variables, with look-ups by pillar, geography and column."""

    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics: dict[str, Metric] = {m.variable: m for m in metrics}
        roles: dict[str, tuple[str, str]] = {}
        for metric in metrics:
            roles[metric.variable] = (metric.variable, "value")
            for role, column in metric.companions().items():
                roles[column] = (metric.variable, role)
            if metric.is_metric:
                roles[f"{metric.variable}_year"] = (metric.variable, "year")
        self._roles = roles

    def __getitem__(self, variable: str) -> Metric:
        return self.metrics[variable]

    def __contains__(self, variable: object) -> bool:
        return variable in self.metrics

    def __iter__(self):
        return iter(self.metrics.values())

    def __len__(self) -> int:
        return len(self.metrics)

    def for_geography(self, kind: str, metrics_only: bool = True) -> list[Metric]:
        """Variables published for ``kind`` ('county' or 'place'), in catalog order."""
        return [m for m in self if m.applies_to(kind) and (m.is_metric or not metrics_only)]

    def in_pillar(self, pillar_id: str) -> list[Metric]:
        return [m for m in self if m.pillar == pillar_id]

    def role_of(self, column: str) -> tuple[str, str] | None:
        """(variable, role) for a data column, or None if it is not a catalog column.

        Roles: value, lower, upper, quality, year (the recent files' ``<metric>_year``).
        """
        return self._roles.get(column)

    def columns(self, kind: str, subgroups: bool = False) -> set[str]:
        """Every value and companion column expected for a geography's files."""
        wanted = set()
        for m in self.for_geography(kind):
            if subgroups and not m.has_race_ethnicity(kind):
                continue
            wanted.add(m.variable)
            wanted.update(m.companions().values())
        return wanted


@cache
def load_catalog() -> Catalog:
    """The package's metric catalog (``framework/metrics.csv``)."""
    with open(FRAMEWORK_DIR / "metrics.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Catalog([Metric(**row) for row in rows])


class Framework:
    """The planning framework from ``framework.json``, with look-ups by id."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def pillars(self) -> list[dict[str, Any]]:
        return self.data["pillars"]

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.data["steps"]

    def pillar(self, pillar_id: str) -> dict[str, Any]:
        for pillar in self.pillars:
            if pillar["id"] == pillar_id:
                return pillar
        known = ", ".join(p["id"] for p in self.pillars)
        raise KeyError(f"unknown pillar '{pillar_id}': use one of {known}")

    def pillar_name(self, pillar_id: str) -> str:
        return self.pillar(pillar_id)["name"] if pillar_id else "Context"

    def step(self, number: int) -> dict[str, Any]:
        for step in self.steps:
            if step["number"] == number:
                return step
        raise KeyError(f"unknown step {number}: steps are numbered 1 to {len(self.steps)}")

    def sections_fed_by(self, number: int) -> list[dict[str, Any]]:
        """MAP sections to which step ``number`` contributes."""
        return [s for s in self.data["map_sections"] if number in s["steps"]]


@cache
def load_framework() -> Framework:
    """The package's planning framework (``framework/framework.json``)."""
    with open(FRAMEWORK_DIR / "framework.json", encoding="utf-8") as handle:
        return Framework(json.load(handle))
