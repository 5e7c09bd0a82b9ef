"""Step 2's opening views on real places: the answer first, small places told plainly."""

from __future__ import annotations

import math

import pytest

from workbook.analysis.compare import compare, people_text


@pytest.fixture
def review(tmp_path, real_dir):
    from workbook.session import start
    from workbook.steps import use_the_metrics as step2

    def make(key: str):
        session = start(2, key, str(real_dir), output_dir=str(tmp_path), show=False)
        return step2.MetricsReview(session)

    return make


def test_the_headline_gives_place_people_years_and_standing(review):
    los_angeles = review("06037")
    text = los_angeles.headline_html()
    assert "Los Angeles County, California" in text and "9,663,345 residents (2023)" in text
    assert "Better than the national median on" in text and "Largest concerns" in text
    # Counts of Weak values read as words, "0 values" never.
    philadelphia = review("4260000").headline_html()
    assert "No value is rated Weak." in philadelphia and "0 values" not in philadelphia
    assert "values are rated Weak: shown, never judged" in text
    # Dollar amounts are kept away from MathJax in every live table.
    assert "mathjax_ignore" in los_angeles.metrics_table().static_html()


def test_a_small_place_says_what_it_lacks(review, real):
    loving = review("48301")
    text = loving.headline_html()
    assert "43 residents" in text and "0 k" not in text
    assert "Few metrics for this place: only 17 of the 47 metrics have a value" in text
    assert "30 not covered by the source data" in text
    assert "no physician to count" in text
    peers = loving.peers_html()
    assert "(yours 43)" in peers and " k " not in peers
    # "No physician" is not the best value: it is neither ranked nor judged.
    row = compare(real, real.find("48301")).table.set_index("variable")
    physician = row.loc["ratio_population_pc_physician"]
    assert physician["value_number"] == 0 and math.isnan(physician["national_percentile"])
    assert physician["vs_nation"] == "" and physician["note"]


def test_people_are_counted_as_people():
    assert people_text(43) == "43" and people_text(9_663_345) == "9.7 million"
    assert people_text(277_193) == "277,000"
