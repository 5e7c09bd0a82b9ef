"""Step 7's headline: what the coalition decided, first on its page, for readers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import private_values
from tests.steps.headlines import both_modes, opening_cells, words
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.plan.transfer import import_plan
from workbook.steps import registry, review
from workbook.steps import strategic_actions as step7
from workbook.steps.strategic_actions import records as rec
from workbook.steps.strategic_actions.views import headline_html

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
NOTEBOOK = ROOT / "notebooks" / "07_strategic_actions.ipynb"
HOSTILE = "<script>window.__wbInjected = 1</script>"


@pytest.fixture
def example(tmp_path):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(path, read_only=True) as store:
        yield path, PublicPlan(store, registry.private_paths)


def test_an_empty_plan_says_in_one_sentence_that_nothing_is_decided(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as store:
        html = headline_html(PublicPlan(store, registry.private_paths))
    assert html.startswith('<div class="wb-headline">')
    text = words(html)
    assert text.startswith("Nothing has been decided in this step yet")
    assert not re.search(r"\b0 ", text) and "None" not in text


def test_the_example_plan_answers_vision_findings_actions_and_approval(example):
    _, plan = example
    text = words(headline_html(plan))
    adopted = plan.value(rec.VISION_SECTION)["adopted"]
    assert f"Our vision, adopted on {review.long_date(adopted['date'])}" in text
    assert f"\u201c{' '.join(adopted['text'].split())}\u201d" in text
    chosen, found = rec.selected(plan), rec.findings(plan)
    assert f"{len(chosen)} of {len(found)} findings go forward" in text
    for finding, _ in chosen:
        assert " ".join(str(finding["statement"]).split()) in text
    version = rec.latest_approved(plan)
    shot = version["snapshot"]
    strategies = [a["name"] for a in shot["logic_model"]["activities"]]
    interventions = [i["name"] for i in shot["toc"]["interventions"]]
    assert f"{len(strategies)} strategies: " + "; ".join(strategies) in text
    assert f"{len(interventions)} interventions in the theory of change" in text
    assert (
        f"version {version['number']} approved on {review.long_date(version['approved_on'])}"
        in text
    )
    assert "not approved yet" not in text


def test_drafts_not_yet_approved_are_said_to_be_drafts(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as store:
        store.save(rec.LOGIC_SECTION, {"activities": [{"id": "a1", "name": "Legal aid"}]}, 0)
        text = words(headline_html(PublicPlan(store, registry.private_paths)))
    assert "No vision has been adopted yet" in text
    assert "1 strategy: Legal aid (in the drafts, not approved yet)" in text
    assert "Theory of change and logic model: not approved yet" in text


def test_user_text_is_escaped(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as store:
        store.save("step6.findings", [{"id": "f1", "statement": HOSTILE}], 0)
        store.save(rec.SELECTION_SECTION, {"findings": ["f1"], "reasons": {}}, 0)
        store.save(rec.VISION_SECTION, {"drafts": [], "adopted": {
            "text": HOSTILE, "date": "2027-01-04", "draft_id": "d1"}}, 0)  # fmt: skip
        store.save(rec.TOC_SECTION, {"interventions": [{"id": "i1", "name": HOSTILE}]}, 0)
        html = headline_html(PublicPlan(store, registry.private_paths))
    assert "<script" not in html and html.count("&lt;script&gt;") == 3


def test_no_private_value_reaches_the_headline(example):
    path, plan = example
    private = private_values(path)
    assert private  # the example plan has some (reviewers' names among them)
    html = headline_html(plan)
    assert not [p for p in private if p in html]


def test_the_view_gives_the_same_headline_in_edit_and_view_mode(tmp_path, monkeypatch):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    shown = []
    for session in both_modes(7, path, tmp_path, monkeypatch):
        view = step7.StrategicActions(session)
        shown.append(view.headline().static_html())
    assert shown[0] == shown[1] and "Our vision" in shown[0]


def test_the_notebook_opens_with_the_headline_before_any_section():
    cells, headline, first_heading = opening_cells(NOTEBOOK, "actions.headline()")
    assert "session = start(" in cells[headline - 1].source and headline < first_heading


def test_sections_of_an_unstarted_plan_say_so_without_zero_counts(tmp_path):
    from workbook.steps.strategic_actions.views import findings_html, vision_html

    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as store:
        plan = PublicPlan(store, registry.private_paths)
        assert words(vision_html(plan)) == "No draft yet; no vision adopted yet."
        store.save("step6.findings", [{"id": "f1", "statement": "Rents rose."}], 0)
        said = words(findings_html(plan))
    assert said.startswith("The finding has not been chosen to go forward yet.")
    assert not re.search(r"\b0 ", said)
