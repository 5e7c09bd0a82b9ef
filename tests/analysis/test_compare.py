"""Step 2's comparison rules, on small hand-made tables and on the real files."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from workbook.analysis.compare import (
    CSV_COLUMNS,
    choose_peers,
    compare,
    judge,
    percentile_rank,
    suggest_peers,
    trends,
)
from workbook.data.dataset import open_dataset
from workbook.errors import ParameterError

HEADER = ["year", "state", "county", "state_name", "county_name", "population",
          "share_employed", "share_employed_lb", "share_employed_ub", "share_employed_quality",
          "rate_crime_violent", "rate_crime_violent_quality",
          "share_black_nh_exposure", "share_black_nh_exposure_quality",
          "count_homeless", "count_homeless_quality"]  # fmt: skip
# Two states; county 01001 is the one compared. Values chosen so the answers are clear.
COUNTIES = [
    # state, county, name, population, employed (lb, ub, quality), crime (quality), exposure, count
    ("01", "001", "Oak", 100000, 0.80, 0.78, 0.82, "Strong", 300.0, "Strong", 0.5, 40),
    ("01", "003", "Elm", 110000, 0.70, 0.69, 0.71, "Strong", 200.0, "Strong", 0.6, 50),
    ("01", "005", "Ash", 90000, 0.79, 0.70, 0.90, "Marginal", 400.0, "Weak", 0.4, 30),
    ("02", "001", "Fir", 5000000, 0.60, 0.59, 0.61, "Strong", 500.0, "Strong", 0.7, 900),
    ("02", "003", "Yew", 105000, 0.90, 0.89, 0.91, "Strong", 100.0, "Strong", 0.3, 45),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    with open(folder / "county_longitudinal.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for year, shift in ((2022, -0.02), (2023, 0.0)):
            for s, c, name, pop, emp, lb, ub, q, crime, cq, exp, count in COUNTIES:
                state_name = "Alpha" if s == "01" else "Beta"
                writer.writerow(
                    [
                        year,
                        s,
                        c,
                        state_name,
                        f"{name} County",
                        pop,
                        emp + shift,
                        lb + shift,
                        ub + shift,
                        q,
                        crime,
                        cq,
                        exp,
                        "NA",
                        count,
                        "Strong",
                    ]
                )
    return open_dataset(folder)


def test_percentile_rank_counts_ties_half():
    values = pd.Series([1.0, 2.0, 2.0, 3.0, None])
    assert percentile_rank(values, 2.0) == pytest.approx(50.0)
    assert percentile_rank(values, 3.0) == pytest.approx(87.5)
    assert percentile_rank(values, 0.5) == 0.0
    assert math.isnan(percentile_rank(values, float("nan")))


@pytest.mark.parametrize(
    ("value", "reference", "direction", "quality", "bounds", "tolerance", "expected"),
    [
        (0.8, 0.7, "higher", "Strong", (None, None), 0.0, "better"),
        (0.8, 0.7, "lower", "Strong", (None, None), 0.0, "worse"),
        (0.8, 0.7, "none", "Strong", (None, None), 0.0, ""),
        (0.8, 0.7, "higher", "Weak", (None, None), 0.0, ""),  # Weak never judged
        (0.8, 0.79, "higher", "Strong", (0.78, 0.82), 0.0, "similar"),  # inside the CI
        (0.8, 0.77, "higher", "Strong", (0.78, 0.82), 0.0, "better"),  # outside the CI
        (300, 290, "lower", "Strong", (None, None), 15.0, "similar"),  # within tolerance
        (300, 250, "lower", "Marginal", (None, None), 15.0, "worse"),
        (float("nan"), 1.0, "higher", "Strong", (None, None), 0.0, ""),
    ],
)
def test_judgements(value, reference, direction, quality, bounds, tolerance, expected):
    assert judge(value, reference, direction, quality, *bounds, tolerance) == expected


def test_comparison_on_a_hand_made_table(small):
    place = small.find("01001")
    peers = choose_peers(small, place, "01003, 02003")
    table = compare(small, place, peers).table.set_index("variable")
    employed = table.loc["share_employed"]
    assert employed["value"] == 0.80 and employed["year"] == 2023
    # 3 of 5 lower (0.6, 0.7, 0.79) plus half for the tie with itself: 3.5 / 5.
    assert employed["national_percentile"] == pytest.approx(70.0)
    assert employed["state_percentile"] == pytest.approx(100 * 2.5 / 3)
    assert employed["state_median"] == pytest.approx(0.79)
    assert employed["peer_median"] == pytest.approx(0.80)  # median of 0.70 and 0.90
    assert employed["vs_state"] == "similar"  # 0.79 lies inside Oak's interval 0.78-0.82
    assert employed["vs_peers"] == "similar"
    assert employed["vs_nation"] == "similar"  # national median 0.79
    crime = table.loc["rate_crime_violent"]
    assert crime["state_median"] == 300.0 and crime["vs_state"] == "similar"
    assert crime["peer_median"] == 150.0 and crime["vs_peers"] == "worse"  # lower is better
    exposure = table.loc["share_black_nh_exposure"]
    assert exposure["vs_nation"] == "" and exposure["direction"] == "none"
    count = table.loc["count_homeless"]
    assert count["vs_nation"] == "" and count["national_percentile"] == pytest.approx(30.0)
    assert table.loc["share_homeless", "missing_reason"] == "unavailable"  # not in this file
    assert table.loc["share_employed", "peers"] == "01003;02003"


def test_weak_value_is_not_judged(small):
    place = small.find("01005")
    table = compare(small, place, choose_peers(small, place, ["01001"])).table
    crime = table.set_index("variable").loc["rate_crime_violent"]
    assert crime["quality"] == "Weak"
    assert crime[["vs_peers", "vs_state", "vs_nation"]].tolist() == ["", "", ""]
    assert not math.isnan(crime["national_percentile"])  # still placed, just not judged


def test_suggested_peers_are_alike_and_explained(small):
    place = small.find("01001")
    group = suggest_peers(small, place, count=2)
    assert group.method == "suggested" and len(group.members) == 2
    assert "01001" not in group.keys and "02001" not in group.keys  # 50x larger: not a peer
    assert all("population" in m.reason for m in group.members)


def test_bad_peer_lists_are_rejected_with_a_reason(small, real):
    place = small.find("01001")
    for peers, fragment in [
        ("01999", "no county has the key"),
        ("01001", "the jurisdiction itself"),
        ("0644000", "is a city key"),
        ("", "is empty"),
        ("1A", "not a FIPS"),
    ]:
        with pytest.raises(ParameterError, match=fragment) as info:
            choose_peers(small, place, peers)
        assert "parameter 'peers'" in str(info.value)
    city = real.find("0644000")
    with pytest.raises(ParameterError, match="is a county key"):
        choose_peers(real, city, "06037")
    assert choose_peers(small, place, [1003, "02003"]).keys == ["01003", "02003"]


def test_trends_give_own_peer_and_state_series(small):
    place = small.find("01001")
    series = trends(small, place, "share_employed", choose_peers(small, place, "01003"))
    own = series[series["series"] == "Oak County"].set_index("year")["value"]
    assert own.to_dict() == pytest.approx({2022: 0.78, 2023: 0.80})
    state = series[series["series"] == "Alpha median"].set_index("year")["value"]
    assert state[2023] == pytest.approx(0.79)


def real_recent(real_dir, kind):
    with open(real_dir / f"{kind}_recent.csv", newline="", encoding="utf-8") as handle:
        return {r["state"] + r[kind]: r for r in csv.DictReader(handle)}


@pytest.mark.parametrize("key", ["06037", "4260000", "09110"])
def test_real_values_match_the_source_files(real, real_dir, key):
    place = real.find(key)
    comparison = compare(real, place)
    frame = comparison.to_csv_frame()
    assert list(frame.columns[: len(CSV_COLUMNS)]) == CSV_COLUMNS
    source = real_recent(real_dir, place.kind)[key]
    checked = 0
    for _, row in frame.iterrows():
        variable = row["variable"]
        if variable not in source:
            assert row["missing_reason"] == "not_computed"
            continue
        text = source[variable]
        if text == "NA":
            assert row["missing_reason"] in ("no_data_year", "suppressed", "unavailable")
            continue
        expected = text if ":" in text else float(text)
        assert row["value"] == expected, variable
        assert row["year"] == int(float(source[f"{variable}_year"]))
        quality = source.get(f"{variable}_quality")
        if variable == "count_homeless":
            quality = source["count_homeless_quality"]
        assert (row["quality"] or "NA") == quality, variable
        checked += 1
    assert checked >= 25
    # The national percentile, recomputed here from the CSV file alone.
    values = [
        float(r["share_employed"])
        for r in real_recent(real_dir, place.kind).values()
        if r["share_employed"] != "NA"
    ]
    own = float(source["share_employed"])
    expected = 100 * (sum(v < own for v in values) + 0.5 * sum(v == own for v in values))
    employed = frame.set_index("variable").loc["share_employed"]
    assert employed["national_percentile"] == pytest.approx(expected / len(values))


def test_connecticut_region_missing_reasons(real):
    table = compare(real, real.find("09110")).table.set_index("variable")
    # Population per physician ends in 2021, before the planning regions existed.
    assert table.loc["ratio_population_pc_physician", "missing_reason"] == "no_data_year"
    assert table.loc["share_employed", "missing_reason"] == ""
