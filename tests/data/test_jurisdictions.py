"""Finding counties and cities by key or name, on the real files."""

import pandas as pd
import pytest

from workbook.errors import JurisdictionError


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("06037", "06037"),
        (6037, "06037"),  # papermill -p 06037
        ("Los Angeles County, California", "06037"),
        ("los angeles county,   CALIFORNIA", "06037"),
        ("Cook County, IL", "17031"),
        ("Philadelphia city, Pennsylvania", "4260000"),
        ("Philadelphia, Pennsylvania", None),  # county and city share the name: ambiguous
        ("Dona Ana County, New Mexico", "35013"),  # accents are optional
        ("Capitol Planning Region, Connecticut", "09110"),
        ("Hartford County, Connecticut", "09003"),  # replaced in 2022, still findable
        (644000, "0644000"),
    ],
)
def test_lookup(real, query, key):
    if key is None:
        with pytest.raises(JurisdictionError, match="matches 2 jurisdictions"):
            real.find(query)
    else:
        assert real.find(query).key == key


def test_lookup_returns_what_a_header_needs(real):
    place = real.find("0644000")
    assert place.kind == "place" and place.kind_word == "city"
    assert place.label == "Los Angeles city, California"
    assert place.state == "06" and place.population > 3_000_000
    hartford = real.find("09003")
    assert hartford.last_year == 2021  # Connecticut's counties end before the planning regions


def test_ambiguous_name_lists_candidates_with_states(real):
    with pytest.raises(JurisdictionError) as info:
        real.find("Washington County")
    error = info.value
    assert len(error.candidates) == 30
    assert "Washington County, Oregon (41067)" in error.candidates
    assert "Add the state" in str(error)


def test_unknown_name_suggests_close_matches(real):
    with pytest.raises(JurisdictionError) as info:
        real.find("Los Angelos County, California")
    assert info.value.candidates[0] == "Los Angeles County, California"
    with pytest.raises(JurisdictionError, match="no state called"):
        real.find("Cook County, Ilinois")


def test_unknown_key_and_wrong_kind(real):
    with pytest.raises(JurisdictionError, match="no county has the FIPS key '06999'") as info:
        real.find("06999")
    assert all("California" in c for c in info.value.candidates)
    with pytest.raises(JurisdictionError, match="is a city key"):
        real.find("0644000", kind="county")
    with pytest.raises(JurisdictionError, match="is a city, but a county is expected"):
        real.find("Los Angeles city, California", kind="county")
    with pytest.raises(JurisdictionError, match="is empty"):
        real.find("  ")
    with pytest.raises(JurisdictionError, match="not a FIPS key|no county or city"):
        real.find("06O37")


def test_sample_has_an_ambiguous_county_across_its_two_states(sample):
    names = sample.index[sample.index["kind"] == "county"]
    repeated = names["name"].value_counts()
    shared = repeated[repeated > 1].index
    assert len(shared) >= 1
    with pytest.raises(JurisdictionError, match="matches 2 jurisdictions"):
        sample.find(shared[0])
    assert sample.find(sample.default_jurisdiction).kind == "county"


def test_finding_a_place_keeps_only_what_it_needs_in_memory(real):
    """A dashboard for Steps 1, 3 and 4 looks the place up and loads no whole table."""
    from workbook.data.dataset import Dataset

    fresh = Dataset(real.folder, real.source)
    place = fresh.find("Los Angeles County, California")
    assert fresh.loaded_tables == []
    assert place == real.find("06037")  # the same answer as from the loaded tables


def test_metric_years_come_without_keeping_the_table(real):
    """Step 1 lists each metric's years; the longitudinal table is not kept for that."""
    from workbook.data.dataset import Dataset

    fresh = Dataset(real.folder, real.source)
    frame = real.table("county_longitudinal")
    for variable in ("share_employed", "rate_injury_death"):
        expected = sorted(int(y) for y in frame.loc[frame[variable].notna(), "year"].unique())
        assert fresh.years(variable, "county") == expected and expected
    assert fresh.years("not_a_metric", "county") == []
    assert fresh.loaded_tables == []


def test_a_name_shared_by_a_county_and_its_city_asks_for_county_or_city(real):
    """'Philadelphia, PA' already names the state: adding the state again would not help."""
    with pytest.raises(JurisdictionError) as both:
        real.find("Philadelphia, PA")
    message = str(both.value)
    assert "42101" in message and "4260000" in message
    assert "'County'" in message and "'city'" in message
    assert "Philadelphia County, PA" in message
    assert "Add the state" not in message
    assert real.find("Philadelphia County, PA").key == "42101"
    assert real.find("Philadelphia city, PA").key == "4260000"


def test_one_place_rows_are_the_whole_tables_rows_without_loading_it(real):
    """Step 2 reads the place's, its peers' and its state's rows of the long tables only:
    the same rows the whole table holds, and the whole table never kept in memory."""
    from workbook.data.dataset import Dataset

    fresh = Dataset(real.folder, real.source)
    for table, keys, states in (
        ("county_longitudinal", ["06037", "48301", "17031"], ("06",)),
        ("county_race_ethnicity", ["06037"], ()),
        ("place_longitudinal", ["4260000"], ("42",)),
    ):
        kind = table.split("_")[0]
        whole = real.table(table)
        wanted = (whole["state"] + whole[kind]).isin(keys) | whole["state"].isin(states)
        expected = whole[wanted].reset_index(drop=True)
        got = fresh.rows(table, keys=keys, states=states)
        pd.testing.assert_frame_equal(got, expected)
        assert set(got["state"] + got[kind]) >= set(keys)
    assert fresh.loaded_tables == []
    # With the table already loaded, the answer is the same and no file is read again.
    assert real.rows("county_longitudinal", keys=["48301"]).equals(
        fresh.rows("county_longitudinal", keys=["48301"])
    )
