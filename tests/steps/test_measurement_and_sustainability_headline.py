"""Step 8's headline: what will be measured, reported and sustained, first on its page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import private_values
from tests.steps.headlines import both_modes, opening_cells, words
from workbook.analysis import measures as ms
from workbook.data.catalog import load_catalog
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.plan.transfer import import_plan
from workbook.steps import measurement_and_sustainability as step8
from workbook.steps import registry, review
from workbook.steps.measurement_and_sustainability.views import headline_html

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
NOTEBOOK = ROOT / "notebooks" / "08_measurement_and_sustainability.ipynb"
HOSTILE = "<script>window.__wbInjected = 1</script>"
CATALOG = load_catalog()


@pytest.fixture
def example(tmp_path):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(path, read_only=True) as store:
        yield path, PublicPlan(store, registry.private_paths)


def test_an_empty_plan_says_in_one_sentence_that_nothing_is_planned(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as store:
        html = headline_html(PublicPlan(store, registry.private_paths), CATALOG)
    assert html.startswith('<div class="wb-headline">')
    text = words(html)
    assert text.startswith("Nothing has been planned in this step yet")
    assert "Step 7 has not approved a logic model yet" in text
    assert not re.search(r"\b0 ", text)


def test_the_example_plan_counts_measures_by_kind_with_baselines_targets_and_owners(example):
    _, plan = example
    text = words(headline_html(plan, CATALOG))
    measures = plan.value(step8.MEASURES_SECTION)
    kinds = {k: sum(1 for m in measures if m.get("rba") == k) for k in ms.RBA}
    assert text.startswith(f"{len(measures)} measures track the approved logic model")
    assert f"{kinds['how_much']} measure how much was done" in text
    assert f"{kinds['better_off']} whether anyone is better off" in text
    assert "how well" not in text  # no measure of that kind: no "0 how well"
    known = sum(1 for m in measures if ms.has_value(m.get("baseline")))
    later = {m["baseline"]["collect_by"] for m in measures if not ms.has_value(m["baseline"])}
    assert f"{known} measures start from a known baseline" in text
    assert f"to be collected by {review.long_date(min(later))}" in text
    with_target = [m for m in measures if ms.has_value(m.get("target"))]
    assert f"{len(with_target)} targets set for {with_target[0]['target']['year']}" in text
    for m in with_target:  # the headline measures, with where they start and aim
        if m.get("headline"):
            start = ms.number_text(m["baseline"]["value"])
            assert f"{m['name']}: from {start} in {m['baseline']['year']} to " in text
    reporting = plan.value(step8.REPORTING_SECTION)
    assert f"the first on {review.long_date(reporting['first_report'])}" in text
    owners = {o for m in measures for o in ms.owner_ids(m)}
    assert f"{len(owners)} owners collect and report the measures" in text
    assert "Sustaining the work: Of the four building blocks: collaborative governance" in text
    assert "still to find" in text
    assert not re.search(r"\b0 (measures|targets|owners|events)", text)


def test_user_text_is_escaped(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as store:
        store.save(step8.MEASURES_SECTION, [{
            "id": "m1", "name": HOSTILE, "rba": "better_off", "unit": HOSTILE,
            "baseline": {"value": 1.0, "year": 2023}, "target": {"value": 2.0, "year": 2030},
        }], 0)  # fmt: skip
        store.save(step8.REPORTING_SECTION, {"cadence": "quarterly", "scorecard_where": HOSTILE}, 0)
        html = headline_html(PublicPlan(store, registry.private_paths), CATALOG)
    assert "<script" not in html and html.count("&lt;script&gt;") == 3


def test_no_private_value_reaches_the_headline(example):
    path, plan = example
    private = private_values(path)
    assert private  # the example plan has contact details, among others
    html = headline_html(plan, CATALOG)
    assert not [p for p in private if p in html]


def test_nothing_left_to_propose_is_left_out_not_counted(tmp_path, monkeypatch):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    shown = []
    for session in both_modes(8, path, tmp_path, monkeypatch):
        step = step8.MeasurementAndSustainability(session)
        assert step.propose().data == ""  # the example plan has every proposed measure
        assert "Each of the" in step.coverage().static_html()
        shown.append(step.headline().static_html())
    assert shown[0] == shown[1] and "measures</b> track the approved logic model" in shown[0]


def test_the_notebook_opens_with_the_headline_before_any_section():
    cells, headline, first_heading = opening_cells(NOTEBOOK, "step.headline()")
    assert "session = start(" in cells[headline - 1].source and headline < first_heading


def test_the_reporting_calendar_says_all_or_all_but_instead_of_listing_every_measure(example):
    from workbook.steps.measurement_and_sustainability.views import calendar_html

    _, plan = example
    measures = plan.value(step8.MEASURES_SECTION)
    html = calendar_html(measures, plan.value(step8.REPORTING_SECTION))
    yearly = [m["name"] for m in measures if m.get("frequency") == "annual"]
    assert f"All {len(measures)} measures" in html
    assert f"{len(measures) - len(yearly)} measures: all but " + "; ".join(yearly) in html


def test_a_saved_baseline_is_not_called_missing_where_the_data_have_none():
    from workbook.steps.measurement_and_sustainability.views import _data_note

    note = "No baseline yet; the data have no value for this place."
    assert _data_note(note, saved=True) == "The data have no value for this place."
    assert _data_note(note, saved=False) == note


def test_a_place_without_published_values_gets_a_sentence_not_empty_charts(
    tmp_path, monkeypatch, real_dir
):
    from workbook.display.live import static_html
    from workbook.session import READ_ONLY_ENV, start

    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    session = start(8, "48301", data_dir=str(real_dir), plan_path=str(path),
                    output_dir=str(tmp_path), show=False)  # fmt: skip
    shown = static_html(step8.MeasurementAndSustainability(session).curves().current)
    session.plan.close()
    assert shown.startswith("<p>The data have no published values of the headline measures")
    assert "<svg" not in shown and "vega" not in shown
