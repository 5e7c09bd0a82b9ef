"""Generate the bundled synthetic sample: fictional places in the official file layout.

The sample lets every notebook run on first use, before anyone has downloaded Urban's
files. It copies the *shape* of Urban's combined Mobility Metrics files (file names,
column order, ``NA`` for missing values, quality words, recent-year rule, race/ethnicity
rows) but every place and every number is invented: two fictional states (FIPS 98 and
97, codes no real state uses), 40 counties and 6 cities, years 2016-2023.

The variable list comes from ``framework/metrics.csv``; how each variable behaves (its
years, typical range, trend) is described in :data:`SPECS` below. A catalog variable
without a spec still gets plausible values from its ``format``.

Output is byte-identical on every run: all randomness comes from
``numpy.random.default_rng`` with fixed seeds, and numbers are rounded before they are
written. Run ``python -m workbook.data.sample [DEST]`` (default ``data/sample``).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CATALOG_PATH = Path(__file__).parent / "framework" / "metrics.csv"
DEFAULT_DEST = Path(__file__).resolve().parents[2] / "data" / "sample"
SEED = 20_160_923

YEARS: tuple[int, ...] = tuple(range(2016, 2024))
LAST_YEAR = YEARS[-1]
# Year patterns of the real files, cut to 2016-2023.
ACS1 = (2016, 2017, 2018, 2019, 2021, 2022, 2023)  # no standard 2020 ACS 1-year data
ACS5 = (2016, 2018, 2021, 2023)  # the 5-year metrics Urban updates every few years
CRIME = (2021, 2022, 2023)

STATES = {"97": "Northmere", "98": "Calderra"}

# (state, county code, name, population in 2016). Names are trees, rivers and landscape
# words; "Cedar County" exists in both states on purpose, so a bare name is ambiguous.
COUNTIES: tuple[tuple[str, str, str, int], ...] = (
    ("98", "001", "Alder County", 1_190_000),
    ("98", "003", "Aspen County", 96_500),
    ("98", "005", "Basswood County", 16_200),
    ("98", "007", "Birch County", 84_300),
    ("98", "009", "Bluestem County", 13_700),
    ("98", "011", "Cedar County", 141_000),
    ("98", "013", "Chestnut County", 18_900),
    ("98", "015", "Cottonwood County", 51_200),
    ("98", "017", "Elk River County", 35_400),
    ("98", "019", "Fernwood County", 12_100),
    ("98", "021", "Hawthorn County", 27_600),
    ("98", "023", "Hemlock County", 8_800),
    ("98", "025", "Hickory County", 60_100),
    ("98", "027", "Juniper County", 72_800),
    ("98", "029", "Larch County", 10_200),
    ("98", "031", "Linden County", 258_000),
    ("98", "033", "Maple County", 409_000),
    ("98", "035", "Mesa County", 20_800),
    ("98", "037", "Prairie County", 23_900),
    ("98", "039", "Redwood County", 117_000),
    ("98", "041", "Rowan County", 30_700),
    ("98", "043", "Sagebrush County", 6_100),
    ("98", "045", "Silver Lake County", 7_400),
    ("98", "047", "Spruce County", 40_300),
    ("98", "049", "Sycamore County", 176_000),
    ("98", "051", "Tamarack County", 1_870),
    ("98", "053", "Walnut County", 46_500),
    ("98", "055", "Willow County", 301_000),
    ("98", "057", "Whitewater County", 4_800),
    ("98", "059", "Yarrow County", 3_500),
    ("97", "001", "Basin County", 33_800),
    ("97", "003", "Cedar County", 70_600),
    ("97", "005", "Driftwood County", 21_500),
    ("97", "007", "Granite County", 113_000),
    ("97", "009", "Harbor County", 628_000),
    ("97", "011", "Heron Bay County", 14_300),
    ("97", "013", "Lakeshore County", 207_000),
    ("97", "015", "Marsh County", 6_300),
    ("97", "017", "Pinnacle County", 9_100),
    ("97", "019", "Tidewater County", 47_900),
)
# Cities (census places): the official place files cover places above 75,000 people.
PLACES: tuple[tuple[str, str, str, int], ...] = (
    ("98", "01250", "Alderport city", 598_000),
    ("98", "08800", "Brightwater city", 181_000),
    ("98", "43010", "Lindenhurst city", 129_000),
    ("98", "46520", "Maple Falls city", 90_500),
    ("97", "29750", "Granite Springs city", 84_000),
    ("97", "33250", "Harborview city", 291_000),
)
SMALL_PLACE_FLOOR = 76_000  # keeps every city above the 75,000 threshold in every year

DEFAULT_JURISDICTION = "98031"  # Linden County: mid-sized, complete data, unambiguous name
SPARSE_COUNTY = "98051"  # Tamarack County: so small that most metrics are suppressed
# Metrics Urban still publishes for a county of under 2,000 people.
SPARSE_KEEPS = {
    "count_homeless", "share_homeless", "count_membership_associations_per_10k",
    "rate_injury_death", "index_air_hazard", "share_election_turnout",
    "share_desc_rep_other", "share_desc_rep_black_nonhispanic", "share_desc_rep_hispanic",
    "share_desc_rep_white_nonhispanic", "share_meps20_white", "ratio_population_pc_physician",
}  # fmt: skip
# Suppressions in the style of the official files: a value withheld for a few years.
SUPPRESSED = {
    ("98033", "rate_crime_violent"): (2021, 2022),
    ("98033", "rate_crime_property"): (2021, 2022),
    ("98033", "rate_juv_arrest"): (2021, 2022),
    ("9808800", "rate_crime_violent"): (2021,),
    ("9808800", "rate_crime_property"): (2021,),
}
# Quirks inherited from Urban's inputs, kept so the workbook is tested against them:
# a flag without a value (share_debt_coll 2022 in the real county file) and a value
# without a flag (share_economic_connectedness of one city in the real place file).
FLAG_WITHOUT_VALUE = {("98045", "share_debt_coll", 2022), ("98043", "share_debt_coll", 2022)}
VALUE_WITHOUT_FLAG = {("9729750", "share_economic_connectedness", 2022)}

SUBGROUPS: tuple[tuple[str, str], ...] = (
    ("All", "all"),
    ("Black", "race-ethnicity"),
    ("Black, Non-Hispanic", "race-ethnicity"),
    ("White", "race-ethnicity"),
    ("White, Non-Hispanic", "race-ethnicity"),
    ("Other Races and Ethnicities", "race-ethnicity"),
    ("Hispanic", "race-ethnicity"),
)
# Urban's subgroup inputs split people in one of three ways; the other groups stay NA.
NON_HISPANIC = {
    "Black, Non-Hispanic": "black", "White, Non-Hispanic": "white",
    "Hispanic": "hispanic", "Other Races and Ethnicities": "other",
}  # fmt: skip
BY_RACE = {
    "Black": "black", "White": "white", "Hispanic": "hispanic",
    "Other Races and Ethnicities": "other",
}  # fmt: skip
MIXED = {
    "Black": "black", "White, Non-Hispanic": "white", "Hispanic": "hispanic",
    "Other Races and Ethnicities": "other",
}  # fmt: skip

TABLE_FILES = {
    "county_longitudinal": "county_longitudinal.csv",
    "county_recent": "county_recent.csv",
    "county_race_ethnicity": "county_race-ethnicity_longitudinal.csv",
    "place_longitudinal": "place_longitudinal.csv",
    "place_recent": "place_recent.csv",
    "place_race_ethnicity": "place_race-ethnicity_longitudinal.csv",
}
QUALITY_WORDS = ("Strong", "Marginal", "Weak")
STUDENT_SHARE = 0.165  # public-school students per resident, for homeless counts


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class Variable:
    """The structural columns of one catalog row (the text columns are not needed)."""

    variable: str
    kind: str
    format: str
    quality: str
    lower: str
    upper: str
    geography: str
    race_ethnicity: str

    @property
    def is_metric(self) -> bool:
        return self.kind == "metric"

    def applies_to(self, kind: str) -> bool:
        return self.geography in (kind, "both")

    def has_race_ethnicity(self, kind: str) -> bool:
        return self.race_ethnicity in (kind, "both")

    @property
    def has_bounds(self) -> bool:
        return bool(self.lower and self.upper)

    def columns(self) -> list[str]:
        """Value, then bounds, then quality: the order the sample files use."""
        return [c for c in (self.variable, self.lower, self.upper, self.quality) if c]


def read_catalog(path: Path = CATALOG_PATH) -> list[Variable]:
    """The catalog's variables in catalog order (csv module: no pandas needed)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Variable(
            variable=row["variable"].strip(),
            kind=row["kind"].strip(),
            format=row["format"].strip(),
            quality=(row.get("quality_variable") or "").strip(),
            lower=(row.get("lower_bound") or "").strip(),
            upper=(row.get("upper_bound") or "").strip(),
            geography=row["geography"].strip(),
            race_ethnicity=(row.get("race_ethnicity") or "none").strip(),
        )
        for row in rows
        if row.get("variable", "").strip()
    ]


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Spec:
    """How one metric behaves: years, typical range, what drives it, how it is written.

    The value for a geography is ``low + (high - low) * p`` where ``p`` (0-1) rises with
    affluence (``aff``) and urbanness (``urb``) and has a geography-specific random part;
    ``trend`` then moves it each year (in units, or as a growth rate if ``relative``).
    """

    years: tuple[int, ...]
    low: float
    high: float
    aff: float = 0.0
    urb: float = 0.0
    trend: float = 0.0
    relative: bool = False
    decimals: int = 6  # 0 writes whole numbers
    clip: tuple[float, float] = (0.0, math.inf)
    ci: float = 0.05  # half-width of a Strong estimate's interval, relative to the value
    min_pop: int = 0  # smaller geographies are suppressed (NA)
    missing: float = 0.02  # share of remaining cells left NA at random
    quality_bias: float = 0.0  # > 0: flags lean towards Weak, < 0: towards Strong
    family: str = ""  # metrics of one family share their geography effect (30/50/80 AMI)
    year_factor: dict[int, float] = field(default_factory=dict)
    place_years: tuple[int, ...] | None = None
    jitter: float = 0.025  # year-to-year noise (relative) for a large geography


SHARE = (0.0, 1.0)
SPECS: dict[str, Spec] = {
    "share_homeless": Spec(
        tuple(range(2016, 2023)), 0.006, 0.055, aff=-1.0, urb=0.3, trend=0.0004, clip=SHARE,
        year_factor={2020: 0.86, 2021: 0.9}, quality_bias=-0.15, missing=0.04,
    ),
    "share_affordable_30_ami": Spec(
        ACS1, 0.45, 2.0, aff=-0.4, urb=-1.0, trend=-0.015, family="affordable", min_pop=20_000,
        quality_bias=0.3,
    ),
    "share_affordable_50_ami": Spec(
        ACS1, 0.8, 2.3, aff=-0.4, urb=-1.0, trend=-0.015, family="affordable", min_pop=20_000,
        quality_bias=0.3,
    ),
    "share_affordable_80_ami": Spec(
        ACS1, 1.1, 2.6, aff=-0.4, urb=-1.0, trend=-0.012, family="affordable", min_pop=20_000,
        quality_bias=0.3,
    ),
    "share_affordable_available_30_ami": Spec(
        ACS1, 0.18, 1.1, aff=-0.4, urb=-1.0, trend=-0.01, family="available", min_pop=20_000,
        quality_bias=0.3,
    ),
    "share_affordable_available_50_ami": Spec(
        ACS1, 0.4, 1.45, aff=-0.4, urb=-1.0, trend=-0.01, family="available", min_pop=20_000,
        quality_bias=0.3,
    ),
    "share_affordable_available_80_ami": Spec(
        ACS1, 0.7, 1.8, aff=-0.4, urb=-1.0, trend=-0.008, family="available", min_pop=20_000,
        quality_bias=0.3,
    ),
    "share_poverty_exposure": Spec(
        ACS5, 0.02, 0.45, aff=-1.2, urb=1.2, trend=-0.003, clip=SHARE, min_pop=3_000,
        quality_bias=-0.5,
    ),
    "count_membership_associations_per_10k": Spec(
        tuple(range(2016, 2023)), 5.0, 28.0, aff=0.4, urb=-0.8, trend=-0.1, decimals=1,
        quality_bias=-0.7,
    ),
    "share_economic_connectedness": Spec(
        (2022,), 0.26, 0.62, aff=1.2, urb=-0.2, clip=SHARE, ci=0.03, min_pop=5_000,
    ),
    "share_transit_commuter": Spec(
        (2019, 2022), 0.001, 0.11, aff=0.2, urb=1.8, clip=SHARE, min_pop=5_000,
        year_factor={2022: 0.7}, quality_bias=-0.5,
    ),
    "share_transportation_cost": Spec(
        (2019, 2022), 0.16, 0.44, aff=-1.0, urb=-1.0, clip=SHARE, min_pop=5_000,
        quality_bias=-0.5,
    ),
    "share_in_preschool": Spec(
        ACS5, 0.26, 0.64, aff=1.0, urb=0.3, trend=0.002, clip=SHARE, ci=0.13, min_pop=10_000,
        quality_bias=0.3,
    ),
    "rate_learning": Spec(
        (2016, 2017, 2018), 0.72, 1.28, aff=0.8, decimals=4, ci=0.08, min_pop=4_000,
    ),
    "share_meps20_black": Spec(
        tuple(range(2016, 2022)), 0.08, 0.85, aff=-1.2, urb=0.6, clip=SHARE, family="meps",
        quality_bias=0.2, missing=0.05, min_pop=4_000,
    ),
    "share_meps20_hispanic": Spec(
        tuple(range(2016, 2022)), 0.06, 0.8, aff=-1.2, urb=0.6, clip=SHARE, family="meps",
        missing=0.05, min_pop=4_000,
    ),
    "share_meps20_white": Spec(
        tuple(range(2016, 2022)), 0.0, 0.45, aff=-1.2, urb=0.4, clip=SHARE, family="meps",
        quality_bias=-0.5,
    ),
    "share_hs_degree": Spec(
        ACS5, 0.8, 0.965, aff=1.0, trend=0.002, clip=SHARE, ci=0.03, min_pop=10_000,
        quality_bias=0.3,
    ),
    "share_digital_access": Spec(
        (2018, 2021, 2023), 0.45, 0.8, aff=1.0, urb=0.6, trend=0.022, clip=SHARE,
        min_pop=5_000, quality_bias=0.4,
    ),
    "pctl_income_20": Spec(
        ACS1, 15_000, 38_000, aff=1.4, urb=0.3, trend=0.035, relative=True, decimals=2,
        ci=0.09, family="income", min_pop=3_000, quality_bias=0.3,
    ),
    "pctl_income_50": Spec(
        ACS1, 40_000, 92_000, aff=1.4, urb=0.3, trend=0.035, relative=True, decimals=2,
        ci=0.06, family="income", min_pop=3_000, quality_bias=0.3,
    ),
    "pctl_income_80": Spec(
        ACS1, 80_000, 180_000, aff=1.4, urb=0.4, trend=0.035, relative=True, decimals=2,
        ci=0.05, family="income", min_pop=3_000, quality_bias=0.3,
    ),
    "share_debt_coll": Spec(
        (2018, 2022, 2023), 0.12, 0.46, aff=-1.5, clip=SHARE, ci=0.07, min_pop=3_000,
        place_years=(2021,), quality_bias=-0.3,
    ),
    "share_medical_debt_coll": Spec(
        (2023,), 0.02, 0.16, aff=-1.2, urb=-0.5, clip=SHARE, min_pop=3_000, quality_bias=-0.6,
    ),
    "share_employed": Spec(
        ACS1, 0.67, 0.86, aff=1.0, trend=0.002, clip=SHARE, ci=0.03, min_pop=3_000,
        year_factor={2021: 0.975}, quality_bias=0.3,
    ),
    "ratio_living_wage": Spec(
        (2018, 2021, 2022, 2023), 0.5, 0.95, aff=1.0, urb=0.6, trend=0.008, decimals=4,
        quality_bias=-0.8,
    ),
    "ratio_population_pc_physician": Spec(
        tuple(range(2016, 2022)), 900, 6_000, aff=-0.8, urb=-1.2, trend=10, decimals=0,
    ),
    "share_low_birth_weight": Spec(
        YEARS, 0.062, 0.115, aff=-1.0, clip=SHARE, ci=0.08, min_pop=4_000, quality_bias=0.6,
    ),
    "rate_injury_death": Spec(
        YEARS, 52.0, 145.0, aff=-0.9, urb=-0.5, trend=2.0, decimals=1, ci=0.12,
    ),
    "index_air_hazard": Spec(
        (2018, 2019), 18, 97, aff=0.2, urb=-1.6, decimals=0, clip=(0.0, 100.0),
        quality_bias=-0.8,
    ),
    "share_election_turnout": Spec(
        (2016, 2020), 0.46, 0.76, aff=1.1, clip=SHARE, year_factor={2020: 1.08},
        quality_bias=-0.7,
    ),
    "rate_crime_violent": Spec(
        CRIME, 60.0, 1_100.0, aff=-0.8, urb=1.2, decimals=4, family="crime", missing=0.12,
        year_factor={2022: 1.04, 2023: 0.97}, quality_bias=0.4,
    ),
    "rate_crime_property": Spec(
        CRIME, 450.0, 4_200.0, aff=-0.8, urb=1.2, decimals=4, family="crime", missing=0.12,
        year_factor={2022: 1.03, 2023: 0.98}, quality_bias=0.4,
    ),
    "rate_juv_arrest": Spec(
        CRIME, 60.0, 2_600.0, aff=-0.6, urb=0.6, decimals=4, missing=0.15, quality_bias=0.4,
    ),
}  # fmt: skip
# Variables computed from the population mix rather than from a Spec.
DESC_REP = {
    "share_desc_rep_black_nonhispanic": "black",
    "share_desc_rep_hispanic": "hispanic",
    "share_desc_rep_other": "other",
    "share_desc_rep_white_nonhispanic": "white",
}
EXPOSURE = {
    "share_black_nh_exposure": "black",
    "share_hispanic_exposure": "hispanic",
    "share_other_nh_exposure": "other",
    "share_white_nh_exposure": "white",
}
HOUSE_VALUE = {
    "ratio_black_nh_house_value_households": "black",
    "ratio_hispanic_house_value_households": "hispanic",
    "ratio_other_nh_house_value_households": "other",
    "ratio_white_nh_house_value_households": "white",
}
# Housing value held per household, relative to the average household (gives the gaps).
WEALTH = {"black": 0.62, "hispanic": 0.78, "other": 0.95, "white": 1.08}

# Fallbacks for catalog variables added after this generator was written.
FORMAT_DEFAULTS = {
    "share": Spec(YEARS, 0.1, 0.8, aff=0.5, clip=SHARE),
    "dollars": Spec(ACS1, 25_000, 90_000, aff=1.2, trend=0.03, relative=True, decimals=2),
    "rate": Spec(YEARS, 10.0, 900.0, aff=-0.5, decimals=2),
    "ratio": Spec(YEARS, 0.5, 1.5, aff=0.5, decimals=4),
    "index": Spec(YEARS, 10, 90, aff=0.5, decimals=0, clip=(0.0, 100.0)),
    "count": Spec(YEARS, 10, 2_000, urb=1.5, decimals=0),
    "number": Spec(YEARS, 0.5, 1.5, aff=0.5, decimals=4),
}


@dataclass(frozen=True)
class RaceSpec:
    """Which groups a subgroup metric reports, in which years, and each group's gap.

    ``gaps`` multiply the All value; ``min_group`` is the smallest group population
    (people of that group in the geography) for which a value is published.
    """

    groups: dict[str, str]
    gaps: dict[str, float]
    county_years: tuple[int, ...] | None = None  # None: the metric's own years
    place_years: tuple[int, ...] | None = None
    min_group: int = 2_500


HOMELESS_YEARS = (2019, 2020, 2021, 2022)
RACE_SPECS: dict[str, RaceSpec] = {
    "share_homeless": RaceSpec(
        NON_HISPANIC, {"black": 2.1, "hispanic": 1.3, "other": 1.15, "white": 0.65},
        HOMELESS_YEARS, HOMELESS_YEARS, min_group=1_500,
    ),
    "share_poverty_exposure": RaceSpec(
        MIXED, {"black": 1.9, "hispanic": 1.5, "other": 1.2, "white": 0.55},
    ),
    "rate_injury_death": RaceSpec(
        NON_HISPANIC, {"black": 1.2, "hispanic": 0.55, "other": 0.5, "white": 1.08},
        min_group=5_000,
    ),
    "rate_juv_arrest": RaceSpec(
        BY_RACE, {"black": 3.2, "hispanic": 0.55, "other": 0.12, "white": 0.8}, min_group=1_500,
    ),
    "share_digital_access": RaceSpec(
        NON_HISPANIC, {"black": 0.84, "hispanic": 0.9, "other": 1.01, "white": 1.04},
        min_group=2_000,
    ),
    "pctl_income_20": RaceSpec(
        NON_HISPANIC, {"black": 0.58, "hispanic": 0.8, "other": 1.03, "white": 1.17},
        place_years=ACS5, min_group=3_000,
    ),
    "pctl_income_50": RaceSpec(
        NON_HISPANIC, {"black": 0.62, "hispanic": 0.82, "other": 1.03, "white": 1.15},
        place_years=ACS5, min_group=3_000,
    ),
    "pctl_income_80": RaceSpec(
        NON_HISPANIC, {"black": 0.68, "hispanic": 0.84, "other": 1.04, "white": 1.12},
        place_years=ACS5, min_group=3_000,
    ),
    "share_in_preschool": RaceSpec(
        NON_HISPANIC, {"black": 0.97, "hispanic": 0.8, "other": 1.06, "white": 1.1},
        min_group=4_000,
    ),
    "rate_learning": RaceSpec(
        {"Black, Non-Hispanic": "black", "White, Non-Hispanic": "white", "Hispanic": "hispanic"},
        {"black": 0.93, "hispanic": 1.02, "white": 0.99},
    ),
    "share_hs_degree": RaceSpec(
        NON_HISPANIC, {"black": 0.92, "hispanic": 0.93, "other": 1.02, "white": 1.04},
        min_group=4_000,
    ),
    "share_employed": RaceSpec(
        NON_HISPANIC, {"black": 0.91, "hispanic": 0.97, "other": 0.96, "white": 1.03},
        place_years=ACS5, min_group=3_000,
    ),
}  # fmt: skip


# --------------------------------------------------------------------------- geographies


def rng_for(*parts: str) -> np.random.Generator:
    """A generator seeded by SEED and names (crc32, stable across runs and machines).

    Each variable draws from its own stream, so adding a catalog variable or changing
    one spec leaves every other column exactly as it was.
    """
    return np.random.default_rng([SEED, *(zlib.crc32(p.encode("utf-8")) for p in parts)])


@dataclass
class Geo:
    """One county or city with its population and latent traits."""

    kind: str  # "county" or "place"
    state: str
    code: str
    name: str
    population: dict[int, int]
    affluence: float  # roughly standard normal; drives incomes, debt, health
    urban: float  # from log population; drives transit, crime, air quality
    mix: dict[int, dict[str, float]]  # population shares of black/hispanic/other/white (NH)
    segregation: dict[str, float]  # per group: how much less it meets others than chance

    @property
    def key(self) -> str:
        return self.state + self.code

    @property
    def state_name(self) -> str:
        return STATES[self.state]

    def pop(self, year: int) -> int:
        return self.population[year]


def _build_geos(kind: str, rows: Sequence[tuple[str, str, str, int]]) -> list[Geo]:
    rng = rng_for("geographies", kind)
    # State 97 is poorer and more Hispanic, so state and national comparisons differ.
    state_affluence = {"98": 0.2, "97": -0.45}
    geos = []
    for state, code, name, base in rows:
        growth = rng.normal(0.006, 0.006) - (0.006 if base < 10_000 else 0.0)
        population = {}
        for year in YEARS:
            noise = rng.normal(0.0, 0.002)
            value = base * (1.0 + growth) ** (year - YEARS[0]) * (1.0 + noise)
            if kind == "place":
                value = max(value, SMALL_PLACE_FLOOR)
            population[year] = int(round(value))
        urban = (math.log10(base) - 4.7) / 0.8
        affluence = float(rng.normal(0.0, 0.8)) + state_affluence[state]
        if kind == "place":
            affluence -= 0.2
        # Population mix: bigger places are more diverse.
        white = float(np.clip(0.86 - 0.12 * urban + rng.normal(0.0, 0.07), 0.3, 0.95))
        hispanic_weight = 1.6 if state == "97" else 0.9
        weights = rng.gamma(2.0, 1.0, 3) * np.array([1.0, hispanic_weight, 0.5])
        black, hispanic, other = (1.0 - white) * weights / weights.sum()
        mix = {}
        for year in YEARS:
            shift = 0.003 * (year - YEARS[0])  # slowly growing minority shares
            w = white - shift
            mix[year] = {
                "black": float(black + shift * 0.25),
                "hispanic": float(hispanic + shift * 0.5),
                "other": float(other + shift * 0.25),
                "white": float(w),
            }
        segregation = {g: float(rng.uniform(0.02, 0.25)) for g in ("black", "hispanic", "other")}
        segregation["white"] = float(rng.uniform(0.05, 0.3))
        geos.append(Geo(kind, state, code, name, population, affluence, urban, mix, segregation))
    return geos


# --------------------------------------------------------------------------- values


@dataclass
class Cell:
    """A metric value with its interval and quality flag (None = NA)."""

    value: float | int | str | None = None
    lower: float | int | None = None
    upper: float | int | None = None
    quality: str | None = None


def _round(x: float, decimals: int) -> float | int:
    """Round for writing; ``+ 0.0`` turns a rounded -0.0 into 0.0."""
    if decimals == 0:
        return int(round(x))
    return round(float(x), decimals) + 0.0


def _quality(score: float) -> str:
    if score < 0.35:
        return "Strong"
    if score < 0.85:
        return "Marginal"
    return "Weak"


def _size_penalty(people: float) -> float:
    """0 for 100,000 people or more, growing as the population shrinks."""
    return 0.6 * max(0.0, 5.0 - math.log10(max(people, 10.0)))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _years_for(spec: Spec, kind: str) -> tuple[int, ...]:
    if kind == "place" and spec.place_years is not None:
        return spec.place_years
    return spec.years


def _interval(
    value: float, spec: Spec, score: float, people: float, u: float
) -> tuple[float, float]:
    """A plausible 95% interval: wider for weak flags and small populations."""
    width = spec.ci * (1.0 + 0.8 * max(score, 0.0)) * (0.8 + 0.4 * u)
    width *= min(3.0, max(1.0, math.sqrt(50_000 / max(people, 1.0))))
    half = abs(value) * width
    return max(spec.clip[0], value - half), min(spec.clip[1], value + half)


def _spec_cells(var: Variable, spec: Spec, geos: list[Geo], kind: str) -> dict:
    """Values of one Spec-driven metric for every geography and year."""
    rng = rng_for("metric", kind, var.variable)
    family = rng_for("family", kind, spec.family or var.variable)
    years = _years_for(spec, kind)
    out: dict[tuple[str, int], Cell] = {}
    for geo in geos:
        shared = family.normal()
        own = rng.normal()
        effect = 0.85 * shared + 0.35 * own if spec.family else own
        p = _sigmoid(0.9 * (spec.aff * geo.affluence + spec.urb * geo.urban) + 0.6 * effect)
        base = spec.low + (spec.high - spec.low) * p
        for year in YEARS:
            # Draw every number for every year so the stream does not depend on the years.
            jitter, q_noise, ci_u, miss_u = rng.normal(), rng.normal(), rng.random(), rng.random()
            if year not in years:
                continue
            people = geo.pop(year)
            step = year - YEARS[0]
            if spec.relative:
                value = base * (1.0 + spec.trend) ** step
            else:
                value = base + spec.trend * step
            value *= spec.year_factor.get(year, 1.0)
            # Year-to-year noise grows as the population shrinks (smaller samples).
            scale = min(4.0, max(0.5, math.sqrt(100_000 / people)))
            if spec.clip == SHARE:
                # Additive for shares, so values near 0 or 1 do not jump out of range.
                value += spec.jitter * scale * jitter * (spec.high - spec.low)
            else:
                value *= math.exp(spec.jitter * scale * jitter)
            value = float(np.clip(value, spec.clip[0], spec.clip[1]))
            if people < spec.min_pop:
                continue
            if geo.key != DEFAULT_JURISDICTION and miss_u < spec.missing:
                continue
            score = spec.quality_bias + _size_penalty(people) + 0.5 * q_noise
            cell = Cell(_round(value, spec.decimals), quality=_quality(score))
            if var.has_bounds:
                low, high = _interval(value, spec, score, people, ci_u)
                cell.lower = _round(low, spec.decimals)
                cell.upper = _round(high, spec.decimals)
            out[(geo.key, year)] = cell
    return out


def _poverty_exposure(var: Variable, spec: Spec, geos: list[Geo], kind: str) -> dict:
    """Like a Spec metric, but small rural counties have no high-poverty tracts (0)."""
    cells = _spec_cells(var, spec, geos, kind)
    for geo in geos:
        if geo.pop(LAST_YEAR) < 25_000 and geo.affluence > -0.6:
            for year in YEARS:
                if (geo.key, year) in cells:
                    cells[(geo.key, year)].value = 0.0
    return cells


def _homeless_count(share: dict, geos: list[Geo], var: Variable, kind: str) -> dict:
    """count_homeless from share_homeless and the number of students."""
    rng = rng_for("metric", kind, var.variable)
    out = {}
    for geo in geos:
        for year in YEARS:
            extra_low, extra_high, widen = rng.integers(0, 12), rng.integers(0, 25), rng.random()
            cell = share.get((geo.key, year))
            if cell is None or cell.value is None:
                continue
            count = int(round(float(cell.value) * geo.pop(year) * STUDENT_SHARE))
            new = Cell(count, quality=cell.quality)
            if var.has_bounds:
                # A range, not a confidence interval: districts with suppressed small
                # counts make the total uncertain upwards and downwards.
                if widen < 0.55:
                    new.lower, new.upper = count, count
                else:
                    new.lower = max(0, count - int(extra_low))
                    new.upper = count + int(extra_high)
            out[(geo.key, year)] = new
    return out


def _mix_cells(var: Variable, group: str, geos: list[Geo], kind: str, how: str) -> dict:
    """Descriptive-representation shares and exposure indices from the population mix."""
    rng = rng_for("metric", kind, var.variable)
    out = {}
    for geo in geos:
        for year in YEARS:
            q_noise, miss_u = rng.normal(), rng.random()
            if year not in ACS5:
                continue
            share = geo.mix[year][group]
            if how == "desc_rep":
                value, bias, min_pop = share, -1.2, 0
            else:
                value = (1.0 - share) * (1.0 - geo.segregation[group])
                bias, min_pop = (-0.7 if group != "white" else -0.9), 10_000
            people = geo.pop(year)
            if people < min_pop or (geo.key != DEFAULT_JURISDICTION and miss_u < 0.02):
                continue
            score = bias + _size_penalty(people * (share if how == "exposure" else 1.0))
            out[(geo.key, year)] = Cell(_round(value, 6), quality=_quality(score + 0.5 * q_noise))
    return out


def _house_value_cells(var: Variable, group: str, geos: list[Geo], kind: str) -> dict:
    """Text 'a:b': share of housing value held by the group : share of households."""
    rng = rng_for("metric", kind, var.variable)
    out = {}
    for geo in geos:
        for year in YEARS:
            noise, q_noise = rng.normal(), rng.normal()
            if year not in ACS1 or geo.pop(year) < 20_000:
                continue
            mix = geo.mix[year]
            households = mix[group]
            # Shares of value sum to one over the four groups, like the real ratios.
            total = sum(mix[g] * WEALTH[g] for g in mix)
            value = households * WEALTH[group] / total * math.exp(0.08 * noise)
            score = 0.3 + _size_penalty(geo.pop(year) * households) + 0.5 * q_noise
            out[(geo.key, year)] = Cell(f"{value:.3f}:{households:.3f}", quality=_quality(score))
    return out


def _metric_cells(var: Variable, geos: list[Geo], kind: str, done: dict) -> dict:
    """All (geography, year) cells of one catalog variable."""
    name = var.variable
    if name in DESC_REP:
        return _mix_cells(var, DESC_REP[name], geos, kind, "desc_rep")
    if name in EXPOSURE:
        return _mix_cells(var, EXPOSURE[name], geos, kind, "exposure")
    if name in HOUSE_VALUE:
        return _house_value_cells(var, HOUSE_VALUE[name], geos, kind)
    if name == "count_homeless":
        share = done.get("share_homeless")
        if share is None:
            share = _spec_cells(var, SPECS["share_homeless"], geos, kind)
        return _homeless_count(share, geos, var, kind)
    if name == "share_poverty_exposure":
        return _poverty_exposure(var, SPECS[name], geos, kind)
    if var.format == "text_ratio":
        return _house_value_cells(var, "white", geos, kind)
    spec = SPECS.get(name) or FORMAT_DEFAULTS.get(var.format, FORMAT_DEFAULTS["number"])
    return _spec_cells(var, spec, geos, kind)


def _apply_gaps(cells: dict, var: Variable, geos: list[Geo]) -> None:
    """Suppressions, the tiny county's gaps and the inherited quirks, in place."""
    for geo in geos:
        if geo.key == SPARSE_COUNTY and var.variable not in SPARSE_KEEPS:
            for year in YEARS:
                cells.pop((geo.key, year), None)
        for year in SUPPRESSED.get((geo.key, var.variable), ()):
            cells.pop((geo.key, year), None)
    for key, variable, year in FLAG_WITHOUT_VALUE:
        if variable == var.variable and any(g.key == key for g in geos):
            cells[(key, year)] = Cell(quality="Weak")
    for key, variable, year in VALUE_WITHOUT_FLAG:
        if variable == var.variable and (key, year) in cells:
            cells[(key, year)].quality = None


def build_values(catalog: list[Variable], geos: list[Geo], kind: str) -> dict[str, dict]:
    """{variable: {(key, year): Cell}} for every metric of the catalog for ``kind``."""
    values: dict[str, dict] = {}
    # share_homeless first: count_homeless is derived from it.
    ordered = sorted(
        (v for v in catalog if v.is_metric and v.applies_to(kind)),
        key=lambda v: v.variable != "share_homeless",
    )
    for var in ordered:
        cells = _metric_cells(var, geos, kind, values)
        values[var.variable] = cells
    for var in ordered:
        _apply_gaps(values[var.variable], var, geos)
    # The homeless count follows its share after the gaps too.
    if "count_homeless" in values and "share_homeless" in values:
        for key in list(values["count_homeless"]):
            if key not in values["share_homeless"]:
                del values["count_homeless"][key]
    return values


# --------------------------------------------------------------------------- subgroups


def _group_people(geo: Geo, year: int, label: str) -> float:
    """People of a subgroup; 'Black' and 'White' include Hispanic members of the race."""
    mix = geo.mix[year]
    share = {
        "Black": mix["black"] * 1.04,
        "Black, Non-Hispanic": mix["black"],
        "White": mix["white"] + 0.55 * mix["hispanic"],
        "White, Non-Hispanic": mix["white"],
        "Hispanic": mix["hispanic"],
        "Other Races and Ethnicities": mix["other"],
    }[label]
    return geo.pop(year) * share


def build_subgroups(
    catalog: list[Variable], geos: list[Geo], kind: str, values: dict[str, dict]
) -> tuple[list[Variable], dict[str, dict], list[int]]:
    """Subgroup cells {variable: {(key, year, subgroup): Cell}} and the years with data."""
    variables = [
        v for v in catalog if v.is_metric and v.applies_to(kind) and v.has_race_ethnicity(kind)
    ]
    out: dict[str, dict] = {}
    for var in variables:
        if var.variable == "count_homeless":
            continue  # derived from the group shares below
        race = RACE_SPECS.get(var.variable) or RaceSpec(
            NON_HISPANIC, {"black": 0.9, "hispanic": 0.95, "other": 1.0, "white": 1.05}
        )
        spec = SPECS.get(var.variable) or FORMAT_DEFAULTS.get(var.format, FORMAT_DEFAULTS["number"])
        own = values.get(var.variable, {})
        metric_years = {year for (_, year) in own}
        chosen = race.place_years if kind == "place" else race.county_years
        years = sorted(metric_years & set(chosen)) if chosen else sorted(metric_years)
        rng = rng_for("subgroup", kind, var.variable)
        cells: dict[tuple[str, int, str], Cell] = {}
        # A group share never reaches exactly 1 (no group is the whole population).
        ceiling = 0.999 if spec.clip[1] == 1.0 else spec.clip[1]
        for geo in geos:
            for year in YEARS:
                total = own.get((geo.key, year)) if year in years else None
                if total is not None:  # the All row repeats the overall value
                    cells[(geo.key, year, "All")] = total
                for label, _ in SUBGROUPS[1:]:
                    # Draw for every row so the stream does not depend on the gaps.
                    noise, q_noise, ci_u, miss_u = (
                        rng.normal(),
                        rng.normal(),
                        rng.random(),
                        rng.random(),
                    )
                    if total is None or total.value is None or label not in race.groups:
                        continue
                    group = race.groups[label]
                    people = _group_people(geo, year, label)
                    if people < race.min_group or miss_u < 0.03:
                        continue
                    value = float(total.value) * race.gaps[group] * math.exp(0.06 * noise)
                    value = float(np.clip(value, spec.clip[0], ceiling))
                    score = spec.quality_bias + _size_penalty(people) + 0.5 * q_noise
                    cell = Cell(_round(value, spec.decimals), quality=_quality(score))
                    if var.has_bounds:
                        low, high = _interval(value, spec, score, people, ci_u)
                        cell.lower = _round(low, spec.decimals)
                        cell.upper = _round(high, spec.decimals)
                    cells[(geo.key, year, label)] = cell
        out[var.variable] = cells
    count = next((v for v in variables if v.variable == "count_homeless"), None)
    if count is not None:
        out["count_homeless"] = _group_counts(count, geos, values, out.get("share_homeless", {}))
    years = sorted(
        {key[1] for cells in out.values() for key, c in cells.items() if c.value is not None}
    )
    return variables, out, years


def _group_counts(var: Variable, geos: list[Geo], values: dict, shares: dict) -> dict:
    """Homeless students per group: the group's share times its students."""
    geo_by_key = {g.key: g for g in geos}
    out = {}
    for (key, year, label), cell in shares.items():
        if label == "All":
            total = values.get("count_homeless", {}).get((key, year))
            if total is not None:
                out[(key, year, label)] = total
            continue
        people = _group_people(geo_by_key[key], year, label)
        count = int(round(float(cell.value) * people * STUDENT_SHARE))
        new = Cell(count, quality=cell.quality)
        if var.has_bounds:
            new.lower, new.upper = count, count
        out[(key, year, label)] = new
    return out


# --------------------------------------------------------------------------- writing


def _text(value: object) -> str:
    """How one cell is written: NA, whole numbers bare, floats as shortest repr."""
    if value is None:
        return "NA"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "NA" if math.isnan(value) else repr(value)
    return str(value)


def _cell_columns(var: Variable, cell: Cell | None) -> dict[str, object]:
    cell = cell or Cell()
    columns: dict[str, object] = {var.variable: cell.value}
    if var.lower:
        columns[var.lower] = cell.lower
    if var.upper:
        columns[var.upper] = cell.upper
    if var.quality:
        columns[var.quality] = cell.quality
    return columns


def _write(path: Path, header: list[str], rows: Iterable[dict[str, object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(row.get(column)) for column in header])


def _metric_header(variables: list[Variable], recent: bool = False) -> list[str]:
    header = []
    for var in variables:
        header.extend(var.columns())
        if recent:
            header.append(f"{var.variable}_year")
    return header


def _longitudinal(
    path: Path, geos: list[Geo], kind: str, variables: list[Variable], values: dict
) -> None:
    ids = ["year", "state", kind, "state_name", f"{kind}_name", "population"]
    metric_columns = _metric_header(variables)
    # The official place file keeps the housing input's subgroup_type/subgroup columns in
    # the middle, just before the affordable-housing block.
    housing = [v.variable for v in variables if v.variable.startswith("share_affordable")]
    if kind == "place":
        at = metric_columns.index(housing[0]) if housing else len(metric_columns)
        metric_columns[at:at] = ["subgroup_type", "subgroup"]
    rows = []
    for year in YEARS:
        for geo in sorted(geos, key=lambda g: g.key):
            row: dict[str, object] = {
                "year": year, "state": geo.state, kind: geo.code, "state_name": geo.state_name,
                f"{kind}_name": geo.name, "population": geo.pop(year),
            }  # fmt: skip
            for var in variables:
                row.update(_cell_columns(var, values[var.variable].get((geo.key, year))))
            if kind == "place" and any(row.get(h) is not None for h in housing):
                row["subgroup_type"], row["subgroup"] = "tenure", "All"
            rows.append(row)
    _write(path, ids + metric_columns, rows)


def recent_years(variables: list[Variable], values: dict) -> dict[str, int | None]:
    """Per metric, the latest year in which any geography has a value (Urban's rule)."""
    latest = {}
    for var in variables:
        years = [year for (_, year), cell in values[var.variable].items() if cell.value is not None]
        latest[var.variable] = max(years) if years else None
    return latest


def _recent(
    path: Path, geos: list[Geo], kind: str, variables: list[Variable], values: dict
) -> None:
    ids = ["state", kind, "state_name", f"{kind}_name", "population"]
    latest = recent_years(variables, values)
    rows = []
    for geo in sorted(geos, key=lambda g: g.key):
        row: dict[str, object] = {
            "state": geo.state, kind: geo.code, "state_name": geo.state_name,
            f"{kind}_name": geo.name, "population": geo.pop(LAST_YEAR),
        }  # fmt: skip
        for var in variables:
            year = latest[var.variable]
            cell = values[var.variable].get((geo.key, year)) if year else None
            row.update(_cell_columns(var, cell))
            has_value = cell is not None and cell.value is not None
            row[f"{var.variable}_year"] = year if has_value else None
        rows.append(row)
    _write(path, ids + _metric_header(variables, recent=True), rows)


def _race_ethnicity(
    path: Path, geos: list[Geo], kind: str, variables: list[Variable], cells: dict,
    years: list[int],
) -> None:  # fmt: skip
    ids = ["year", "state", kind, "state_name", f"{kind}_name", "subgroup", "subgroup_type"]
    rows = []
    for year in years:
        for geo in sorted(geos, key=lambda g: g.key):
            for label, group_type in SUBGROUPS:
                row: dict[str, object] = {
                    "year": year, "state": geo.state, kind: geo.code,
                    "state_name": geo.state_name, f"{kind}_name": geo.name,
                    "subgroup": label, "subgroup_type": group_type,
                }  # fmt: skip
                for var in variables:
                    row.update(_cell_columns(var, cells[var.variable].get((geo.key, year, label))))
                rows.append(row)
    _write(path, ids + _metric_header(variables), rows)


def _readme(geos: dict[str, list[Geo]]) -> str:
    counties, places = geos["county"], geos["place"]
    per_state = {s: sum(1 for g in counties if g.state == s) for s in sorted(STATES, reverse=True)}
    state_lines = "\n".join(
        f"- `{s}` {STATES[s]}: {n} counties, {sum(1 for g in places if g.state == s)} cities"
        for s, n in per_state.items()
    )
    default = next(g for g in counties if g.key == DEFAULT_JURISDICTION)
    sparse = next(g for g in counties if g.key == SPARSE_COUNTY)
    return f"""# Synthetic sample data (fictional states)

**Everything in this folder is made up.** The states, counties, cities and every number
are invented by a random-number generator. Use the sample to learn the workbook and to
test it; never use it to describe or decide anything about a real place.

## What is in it

The six files have the names, columns and value conventions of the Urban Institute's
combined Mobility Metrics files, so every notebook runs on them exactly as it would on
the real download:

| file | one row per |
|---|---|
| `county_longitudinal.csv` | county and year |
| `county_recent.csv` | county, with the latest year of each metric and `<metric>_year` |
| `county_race-ethnicity_longitudinal.csv` | county, year and race/ethnicity group |
| `place_longitudinal.csv` | city and year |
| `place_recent.csv` | city, latest year of each metric |
| `place_race-ethnicity_longitudinal.csv` | city, year and race/ethnicity group |

Two fictional states, with FIPS codes no real state uses:

{state_lines}

Years run from {YEARS[0]} to {YEARS[-1]}. As in the real files, each metric appears only
in the years the real files have it (for example voter turnout in 2016 and 2020 only, no
ACS 1-year metrics in 2020, crime from 2021), and the recent files take, for each
metric, the latest year in which any county (or city) has a value.

Features that the workbook has to handle are there on purpose:

- `NA` for missing or suppressed values, including {sparse.name} ({sparse.key}), a
  county of about {sparse.pop(LAST_YEAR):,} people where most metrics are suppressed;
- quality flags `Strong`, `Marginal` and `Weak`, a few flags without a value and one
  value without a flag (both happen in the real files);
- lower and upper bound columns (`_lb`, `_ub`) that bracket their value (a 95%
  interval, except the range of the homeless-student count);
- a county name, Cedar County, that exists in both states, so a search by name alone
  is ambiguous;
- race/ethnicity rows with gaps between groups, and `NA` for groups too small to report.

`SAMPLE.json` marks the folder as synthetic, so the workbook can say so wherever it
shows these numbers, and names the suggested jurisdiction, {default.name} ({default.key}).

## Regenerating

The files are written by `workbook/data/sample.py` from the metric catalog
(`workbook/data/framework/metrics.csv`) with fixed random seeds, so the output is the same
byte for byte on every run:

    python -m workbook.data.sample            # rewrites data/sample
    python -m workbook.data.sample some/dir   # writes the sample elsewhere

Rerun it after a variable is added to the catalog; do not edit the CSV files by hand.
"""


def generate(dest: Path) -> dict[str, Path]:
    """Write the six sample tables, SAMPLE.json and README.md to ``dest``.

    Returns the path of each table by table name (the names of ``workbook.schema``).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    catalog = read_catalog()
    geos = {"county": _build_geos("county", COUNTIES), "place": _build_geos("place", PLACES)}
    paths: dict[str, Path] = {}
    for kind in ("county", "place"):
        variables = [v for v in catalog if v.is_metric and v.applies_to(kind)]
        values = build_values(catalog, geos[kind], kind)
        path = dest / TABLE_FILES[f"{kind}_longitudinal"]
        _longitudinal(path, geos[kind], kind, variables, values)
        paths[f"{kind}_longitudinal"] = path
        path = dest / TABLE_FILES[f"{kind}_recent"]
        _recent(path, geos[kind], kind, variables, values)
        paths[f"{kind}_recent"] = path
        race_vars, race_cells, race_years = build_subgroups(catalog, geos[kind], kind, values)
        path = dest / TABLE_FILES[f"{kind}_race_ethnicity"]
        _race_ethnicity(path, geos[kind], kind, race_vars, race_cells, race_years)
        paths[f"{kind}_race_ethnicity"] = path
    marker = {
        "dataset": "Synthetic sample (fictional states)",
        "synthetic": True,
        "release": "synthetic",
        "years": [YEARS[0], YEARS[-1]],
        "generator": "workbook.data.sample",
        "note": "Fictional places with made-up values, for learning and testing the "
        "workbook only, never for decisions about real places.",
        "default_jurisdiction": DEFAULT_JURISDICTION,
    }
    (dest / "SAMPLE.json").write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    (dest / "README.md").write_text(_readme(geos), encoding="utf-8")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m workbook.data.sample [DEST]``."""
    parser = argparse.ArgumentParser(
        prog="python -m workbook.data.sample",
        description="Write the synthetic Mobility Metrics sample (fictional places).",
    )
    parser.add_argument(
        "dest", nargs="?", default=str(DEFAULT_DEST), help=f"folder (default {DEFAULT_DEST})"
    )
    args = parser.parse_args(argv)
    paths = generate(Path(args.dest))
    for name, path in paths.items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
