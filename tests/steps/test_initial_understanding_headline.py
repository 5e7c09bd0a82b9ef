"""Step 5's page opens with the answer: the priorities chosen, by what vote, why, and the
local data brought in; the facilitator's workshop cards and how-to come after."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.steps.headlines import opening_cells
from workbook.display.pages import editing_only
from workbook.plan.store import import_plan
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import initial_understanding as step5
from workbook.steps.initial_understanding import workshop
from workbook.steps.initial_understanding.headline import Standing, standing_words
from workbook.steps.initial_understanding.local import SOURCE_PRIVATE
from workbook.steps.registry import NOTEBOOKS_DIR

EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
NOTEBOOK = NOTEBOOKS_DIR / "05_initial_understanding.ipynb"
HOSTILE = "<!--<script> & </script><script>window.__wbInjected = 1</script>"
SECRET = "quinn.secret@example.org"


@pytest.fixture
def example(tmp_path, monkeypatch):
    """A viewer's Step 5 on the example plan (the sample county)."""
    plan = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    return lambda key="98031", data_dir=None: step5.InitialUnderstanding(
        start(5, key, data_dir, str(plan), str(tmp_path / "out"), show=False)
    )


def test_an_empty_plan_says_nothing_is_decided_yet(edit_session):
    shown = step5.InitialUnderstanding(edit_session(5)).headline_html()
    assert shown.startswith('<div class="wb-headline">')
    assert "the coalition has not chosen its first priorities yet" in shown
    assert "no vote and no decision are recorded" in shown
    assert "Local data:</b> none brought in yet" in shown
    assert " 0 " not in shown and "0 records" not in shown


def test_the_example_plan_names_the_priorities_the_vote_and_the_local_data(example):
    shown = example().headline_html()
    assert "the coalition chose 3 predictors to look at first" in shown
    assert "<b>Housing affordability</b> (14 points)" in shown
    assert "<b>Social capital</b> (11 points) and <b>Safety from crime</b> (9 points)" in shown
    assert "Decided on 1 December 2026 (Coalition meeting at the Linden Public Library" in shown
    assert "on 30 November 2026 (18 people voted, 3 dots each)" in shown
    assert "Why these:</b> These had the most dots" in shown
    assert "3 local sources listed (2 in hand, 1 requested)" in shown
    assert "1 data set brought in: Evictions and school moves by tract" in shown
    assert "Eviction filings and mid-year school moves are both highest" in shown  # a finding


def test_the_headline_shows_no_contact_of_a_local_source(example):
    shown = example().headline_html()
    assert "Dana Whitfield" not in shown and "d.whitfield@linden-courts.example" not in shown
    assert "555-0147" not in shown


def test_typed_text_in_the_headline_is_escaped_and_private_contacts_left_out(edit_session):
    session = edit_session(5)
    store = session.plan
    step5.receive_vote(store, step5.paper_vote({"Housing affordability": 5}, 6, 2,
                                               recorded_on="2026-12-01"))  # fmt: skip
    step5.record_decision(store, session.framework, {
        "predictors": ["Housing affordability"], "rationale": f"Rent {HOSTILE}",
        "decided_by": f"Board {HOSTILE}", "decided_on": "2026-12-02",
    })  # fmt: skip
    sources = [{"id": "src1", "name": f"Waiting list {HOSTILE}", "access": "have",
                "contact": {"name": "Quinn", "email": SECRET, "phone": ""}}]  # fmt: skip
    store.save("step5.sources", sources, 0, private=list(SOURCE_PRIVATE))
    shown = step5.InitialUnderstanding(session).headline_html()
    assert "1 predictor to look at first: <b>Housing affordability</b> (5 points)" in shown
    assert "6 people voted, 2 dots each" in shown and "1 local source listed (1 in hand)" in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert SECRET not in shown and "Quinn" not in shown


def test_a_vote_without_a_decision_says_so(edit_session):
    session = edit_session(5)
    step5.receive_vote(
        session.plan,
        step5.paper_vote(
            {"Housing affordability": 5, "Social capital": 3}, 6, 2, recorded_on="2026-12-01"
        ),
    )
    shown = step5.InitialUnderstanding(session).headline_html()
    assert "has voted but not yet recorded which predictors it will look at first" in shown
    assert "Most points: Housing affordability (5 points) and Social capital (3 points)" in shown


def test_loving_county_reads_as_plain_sentences(example, real_dir):
    shown = example("48301", str(real_dir)).headline_html()
    assert "<b>Loving County, Texas</b>: the coalition chose 3 predictors" in shown
    assert "None of their metrics can be compared with the national median here" in shown
    assert "0 better" not in shown and "of the 0" not in shown
    # The workshop card's pillar summary says the same in words, not zeros.
    assert workshop.pillar_summary(17, 0, 0, 0) == (
        "17 metrics; none can be compared with the national median here (values missing, "
        "rated Weak, or with no better direction)."
    )
    assert workshop.pillar_summary(8, 0, 0, 1) == (
        "8 metrics; against the national median: 1 similar; the other 7 cannot be compared."
    )


def test_a_predictors_standing_reads_as_words():
    assert standing_words(Standing(6, 0, 6, 0)) == "worse than the national median on all 6 " \
        "of its metrics"  # fmt: skip
    assert standing_words(Standing(2, 0, 0, 2)) == "similar to the national median on both " \
        "its metrics"  # fmt: skip
    assert standing_words(Standing(6, 3, 1, 2)) == (
        "against the national median, of its 6 metrics: 1 worse, 3 better, 2 similar"
    )
    assert standing_words(Standing(1)) == (
        "its one metric cannot be compared with the national median here (values missing or "
        "rated Weak)"
    )


def test_the_notebook_opens_with_the_headline_and_keeps_the_how_to_for_editing():
    cells, headline, first_heading = opening_cells(NOTEBOOK, "step5.headline()")
    sources = [c.source for c in cells]
    assert headline < first_heading
    assert "session = start(5" in sources[headline - 1]  # right after the setup cell
    # The workshop cards come after the decision; their how-to is for editing only.
    assert sources.index("step5.decision()") < sources.index("step5.workshop()")
    for chore in ("Put this on the projector", "Type the counts", "import them from a CSV"):
        holders = [c for c in cells if chore in c.source]
        assert holders and all(editing_only(c) for c in holders), chore


def test_readers_see_no_vote_form_or_ballot_sentence(example):
    viewer = example()
    assert viewer.vote_entry().data == "" and viewer.live_ballot().data == ""
