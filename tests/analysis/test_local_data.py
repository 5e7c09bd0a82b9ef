"""What local data show: trend, gaps and spread are small aggregated tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.analysis import local_data as analysis


def values() -> pd.DataFrame:
    rows = []
    for year in (2020, 2021):
        for n in range(10):
            for group, shift in (("All", 0.0), ("Black", 0.1), ("White", -0.05)):
                rows.append(
                    {"place": f"98031{n:06d}", "year": year, "measure": "evictions",
                     "subgroup": group, "value": 0.1 + n / 100 + shift + (year - 2020) / 50,
                     "moe": 0.01, "suppressed": False}
                )  # fmt: skip
    frame = pd.DataFrame(rows)
    # Two suppressed cells: not zero, just not there.
    frame.loc[0, ["value", "suppressed"]] = [np.nan, True]
    frame.loc[3, ["value", "moe", "suppressed"]] = [np.nan, np.nan, True]
    return frame


def test_the_trend_is_the_median_of_sub_areas_with_the_middle_half():
    trend = analysis.trend(values())
    everyone = trend[trend["subgroup"] == "All"].set_index("year")
    assert list(everyone.index) == [2020, 2021]
    assert everyone.loc[2020, "places"] == 8 and everyone.loc[2020, "suppressed"] == 2
    known = [0.1 + n / 100 for n in range(2, 10)]
    assert everyone.loc[2020, "value"] == pytest.approx(np.median(known))
    assert everyone.loc[2020, "low"] == pytest.approx(np.quantile(known, 0.25))
    assert everyone.loc[2020, "interval"] == "middle half of sub-areas"
    assert len(trend) == 6  # measure x subgroup x year: aggregated, not 60 rows


def test_one_place_gets_its_margin_of_error_as_the_interval():
    one = values().query("place == '98031000005' and subgroup == 'All'")
    row = analysis.trend(one).iloc[0]
    assert row["places"] == 1 and row["interval"] == "margin of error"
    assert (row["low"], row["high"]) == pytest.approx((row["value"] - 0.01, row["value"] + 0.01))


def test_gaps_are_measured_against_everyone_in_the_latest_year():
    gaps = analysis.subgroup_gaps(values()).set_index("subgroup")
    assert set(gaps["year"]) == {2021}
    assert gaps.loc["All", "gap"] == 0
    assert gaps.loc["Black", "gap"] == pytest.approx(0.1)
    assert gaps.loc["White", "gap"] == pytest.approx(-0.05)


def test_spread_counts_places_suppressed_and_uncertain_values():
    frame = values()
    frame.loc[frame.index[-3], "moe"] = 5.0  # a margin larger than its value
    spread = analysis.spread(frame).iloc[0]
    assert spread["year"] == 2021 and spread["places"] == 10 and spread["uncertain"] == 1
    assert spread["p25"] <= spread["median"] <= spread["p75"]
    bands = analysis.histogram(frame, "evictions", bins=5)
    assert int(bands["count"].sum()) == 10 and len(bands) == 5


def test_place_values_give_one_row_per_place_for_a_map():
    places = analysis.place_values(values(), "evictions")
    assert len(places) == 10 and places["place"].is_unique


def test_the_reference_is_the_places_own_latest_metric(sample):
    place = sample.find("98031")
    variable = next(
        m.variable
        for m in sample.catalog
        if m.is_metric
        and m.numeric
        and analysis.reference_value(sample, place, m.variable) is not None
    )
    year, value = analysis.reference_value(sample, place, variable)
    assert year in sample.years(variable, "county") and np.isfinite(value)
    assert analysis.reference_value(sample, place, "no_such_metric") is None


def test_nothing_in_nothing_out():
    empty = pd.DataFrame(columns=["place", "year", "measure", "subgroup", "value", "moe",
                                  "suppressed"])  # fmt: skip
    assert analysis.trend(empty).empty and analysis.spread(empty).empty
    assert analysis.subgroup_gaps(empty).empty
