"""The official file layout: tables, file names, and the columns that identify a row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbook.data.fips import Kind

# Width of each identifier column: state + county = 5-digit county key, state + place = 7.
CODE_WIDTHS = {"state": 2, "county": 3, "place": 5}
QUALITY_LEVELS = ("Strong", "Marginal", "Weak")
# Urban's per-metric files write the flag as a score; the combined files as a word.
QUALITY_SCORES = {"1": "Strong", "2": "Marginal", "3": "Weak"}
RACE_ETHNICITY_GROUPS = (
    "All",
    "Black",
    "Black, Non-Hispanic",
    "White",
    "White, Non-Hispanic",
    "Hispanic",
    "Other Races and Ethnicities",
)
# Every column that names a row rather than measures something (read as text).
IDENTIFIER_COLUMNS = (
    "year", "state", "county", "place", "state_name", "county_name", "place_name",
    "subgroup", "subgroup_type",
)  # fmt: skip
# Columns the official files carry that are neither identifiers nor catalog variables.
KNOWN_EXTRA_COLUMNS = {"subgroup_type", "subgroup"}


@dataclass(frozen=True)
class TableSpec:
    """One of the six official tables: a geography and a shape."""

    name: str
    kind: Kind
    shape: str  # "longitudinal", "recent" or "subgroup"
    file_stem: str  # what the official file name ends with, before ".csv"

    @property
    def code_column(self) -> str:
        return self.kind  # "county" or "place"

    @property
    def name_column(self) -> str:
        return f"{self.kind}_name"

    @property
    def key_columns(self) -> tuple[str, ...]:
        base = ("state", self.code_column)
        if self.shape == "recent":
            return base
        if self.shape == "subgroup":
            return ("year", *base, "subgroup_type", "subgroup")
        return ("year", *base)

    @property
    def required_columns(self) -> tuple[str, ...]:
        names = ("state_name", self.name_column)
        population = () if self.shape == "subgroup" else ("population",)
        return (*self.key_columns, *names, *population)

    @property
    def file_pattern(self) -> re.Pattern[str]:
        # Urban numbers its files (11_mobility-metrics_county_longitudinal.csv); the
        # rebuilt copies drop the prefix. Both end the same way.
        return re.compile(rf"(?:^|[_\-.]){re.escape(self.file_stem)}\.csv$", re.IGNORECASE)

    @property
    def default_file_name(self) -> str:
        return f"{self.file_stem}.csv"


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("county_longitudinal", "county", "longitudinal", "county_longitudinal"),
        TableSpec("county_recent", "county", "recent", "county_recent"),
        TableSpec(
            "county_race_ethnicity", "county", "subgroup", "county_race-ethnicity_longitudinal"
        ),
        TableSpec("place_longitudinal", "place", "longitudinal", "place_longitudinal"),
        TableSpec("place_recent", "place", "recent", "place_recent"),
        TableSpec("place_race_ethnicity", "place", "subgroup", "place_race-ethnicity_longitudinal"),
    )
}


def table_for_file(file_name: str) -> TableSpec | None:
    """The table an official file name belongs to, or None."""
    for spec in TABLES.values():
        if spec.file_pattern.search(file_name):
            return spec
    return None
