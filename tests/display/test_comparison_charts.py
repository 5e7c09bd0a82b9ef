"""Step 2's charts read as the tables do: right is better, one colour per group, full titles."""

from __future__ import annotations

import json

import pytest

from workbook.analysis.compare import compare
from workbook.analysis.disparities import group_values
from workbook.data.catalog import load_framework
from workbook.display import comparison_charts, theme


def contrast(colour: str) -> float:
    """WCAG contrast ratio of ``colour`` on white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour.lstrip("#")[i : i + 2], 16)) for i in (0, 2, 4))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@pytest.fixture(scope="module")
def los_angeles(real):
    return compare(real, real.find("06037"))


def rows(spec: dict) -> list[dict]:
    return [row for data in spec.get("datasets", {}).values() for row in data]


def test_colours_a_reader_must_see_are_at_least_3_to_1():
    assert contrast(theme.NOT_JUDGED) >= 3
    assert all(contrast(c) >= 3 for c in theme.JUDGEMENT_COLOURS.values())
    assert all(contrast(c) >= 3 for c in theme.GROUP_COLOURS.values())
    assert all(contrast(c) >= 3 for c in theme.LINE_COLOURS)
    assert len(set(theme.QUALITY_SHAPES.values())) == len(theme.QUALITY_SHAPES)


def test_glance_chart_puts_better_to_the_right(los_angeles):
    spec = comparison_charts.overview(los_angeles, load_framework()).to_dict()
    table = los_angeles.table.set_index("name")
    drawn = {r["metric"]: r for r in rows(spec) if "metric" in r}
    injury = drawn["Deaths from injury per 100,000 residents"]  # lower is better
    assert table.loc["Deaths from injury per 100,000 residents", "national_percentile"] < 10
    assert injury["standing"] > 90 and injury["judgement"] == "better"
    income = drawn["Household income, 80th percentile"]  # higher is better
    assert income["standing"] == pytest.approx(
        table.loc["Household income, 80th percentile", "national_percentile"], abs=0.1
    )
    # Metrics without a direction (and counts) sit apart, never coloured as judged.
    apart = [r for r in drawn.values() if r["panel"] == comparison_charts.DIRECTIONLESS]
    assert "Students experiencing homelessness (count)" in {r["metric"] for r in apart}
    assert {r["judgement"] for r in apart} == {"not judged"}
    # An axis under every panel, and a quality legend told apart by shape.
    panels = spec["vconcat"]
    assert len(panels) == 6
    for panel in panels:
        x = panel["layer"][0]["encoding"]["x"]
        assert x["title"] and x["scale"]["domain"] == [0, 100]
    shape = panels[0]["layer"][0]["encoding"]["shape"]
    assert len(set(shape["scale"]["range"])) == 4


def test_distribution_panels_follow_the_pillars_with_full_titles(real, los_angeles):
    spec = comparison_charts.distribution_grid(real, los_angeles).to_dict()
    order = spec["facet"]["sort"]
    assert len(order) == len(set(order))  # no two panels with the same title
    names = [name.replace("\n", " ") for name in order]
    assert names[0].startswith("Students experiencing homelessness (count)")
    assert names.index("Employment rate, adults ages 25-54 (%)") < names.index(
        "Residents per primary care physician"
    )  # work before health, as the pillars go
    assert "split" in spec["facet"]["header"]["labelExpr"]  # wrapped, not cut
    marks = [r for r in rows(spec) if r["layer"] == "mark" and r["role"] == "you"]
    employed = next(r for r in marks if r["metric"].startswith("Employment rate"))
    assert 70 < employed["value"] < 90  # shares in percent, as the tables show them


def test_trend_panels_each_have_years_and_bands(real, los_angeles):
    from workbook.analysis.compare import trends

    place = los_angeles.place
    series = trends(real, place, "share_employed", los_angeles.peers)
    series = series.assign(metric="Employment rate")
    spec = comparison_charts.trend_grid(real, series, place.name).to_dict()
    assert spec["resolve"]["axis"]["x"] == "independent"
    bands = [r for r in rows(spec) if r.get("layer") == "band"]
    assert bands and all(r["lower"] <= r["upper"] for r in bands)
    text = json.dumps(spec)
    assert "~s" in text  # 50k, not 50,000 colliding with its neighbour


def test_one_colour_per_group_whatever_the_definition(real):
    place = real.find("06037")
    spec = comparison_charts.disparities(real, group_values(real, place), place.label).to_dict()
    families = {}
    for panel in spec["vconcat"]:
        scale = panel["encoding"]["color"]["scale"]
        families.update(zip(scale["domain"], scale["range"], strict=True))
        assert "percentage points" in panel["title"]["subtitle"][0] or panel["title"]["subtitle"]
    drawn = {r["group"]: r["family"] for r in rows(spec)}
    assert drawn["Black, Non-Hispanic"] == drawn["Black"] == "Black"
    assert families["Black"] == theme.GROUP_COLOURS["Black"] and "All" not in families
    titles = [" ".join(p["title"]["text"]) for p in spec["vconcat"]]
    assert any(t.startswith("Households with a computer and broadband at home") for t in titles)


def test_no_disparity_chart_without_a_gap(real):
    place = real.find("48301")  # Loving County: only Weak group values
    values = group_values(real, place)
    assert not values.empty
    assert comparison_charts.disparities(real, values, place.label) is None


def test_gap_lines_are_readable_on_white(real):
    from workbook.analysis.disparities import gaps

    place = real.find("4260000")
    chart = comparison_charts.gap_trend(real, gaps(group_values(real, place)), place.label)
    colours = chart.to_dict()["encoding"]["color"]["scale"]["range"]
    assert all(contrast(c) >= 3 for c in colours)
