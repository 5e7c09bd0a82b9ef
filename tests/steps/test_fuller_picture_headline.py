"""Step 6's page opens with the answer: who the coalition heard from, its working groups
and the findings it checked with the community; the how-to stays in the editing notebook."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.steps.headlines import opening_cells
from workbook.display.live import BATCH_ENV, static_html
from workbook.display.pages import editing_only
from workbook.plan.store import PlanStore, import_plan
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import fuller_picture as step6
from workbook.steps.fuller_picture import FullerPicture
from workbook.steps.registry import NOTEBOOKS_DIR

EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
NOTEBOOK = NOTEBOOKS_DIR / "06_fuller_picture.ipynb"
HOSTILE = "<!--<script> & </script><script>window.__wbInjected = 1</script>"
# In the example plan's focus-group notes (private): a name and a phone number.
PRIVATE = ("Carla Brennan", "555-013-2288", "landlord@example.org", "We moved three times")


@pytest.fixture
def plan(tmp_path):
    return import_plan(EXAMPLE, tmp_path / "plan.sqlite")


def viewer(plan, tmp_path, monkeypatch) -> FullerPicture:
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    return FullerPicture(start(6, "98031", None, str(plan), str(tmp_path / "out"), show=False))


def test_an_empty_plan_says_nobody_has_been_heard_yet(edit_session):
    shown = FullerPicture(edit_session(6)).headline_html()
    assert shown.startswith('<div class="wb-headline">')
    assert "no working groups or engagement activities are recorded yet" in shown
    assert "Findings:</b> none drafted yet" in shown
    assert " 0 " not in shown and "records" not in shown


def test_the_example_plan_says_who_was_heard_and_what_was_checked(plan, tmp_path, monkeypatch):
    shown = viewer(plan, tmp_path, monkeypatch).headline_html()
    assert "3 engagement activities reached 35 people (1 focus group, 1 listening session " \
        "and 1 interview); 2 working groups at work." in shown  # fmt: skip
    assert "Focus group on 3 December 2026: 7 renters, 4 homeowners; 6 under 35" in shown
    assert "3 findings drafted; all 3 were checked with community members (55 people in all)" \
        in shown  # fmt: skip
    assert "<b>Rising rents push families to move, and each move costs children a school.</b>" \
        in shown  # fmt: skip
    assert "31 community members agreed: \u201cAdd the cost of moving itself.\u201d" in shown
    assert "6 community members disagreed" in shown and "Revised once." in shown
    assert "Housing and neighbourhoods (focus: Housing affordability, Social capital; " \
        "2 member organisations; meets every second Tuesday)" in shown  # fmt: skip


def test_the_headline_never_shows_the_notes_of_an_activity(plan, tmp_path, monkeypatch):
    shown = viewer(plan, tmp_path, monkeypatch).headline_html()
    for private in PRIVATE:
        assert private not in shown


def test_typed_text_in_the_headline_is_escaped(edit_session):
    session = edit_session(6)
    picture = FullerPicture(session)
    picture.groups().add({"name": f"Group {HOSTILE}"})
    picture.reload()
    picture.activities().add({"type": "survey", "consent": "no_quotes", "reached": 40,
                              "demographics": f"40 riders {HOSTILE}",
                              "material": {"text": "Private survey notes."}})  # fmt: skip
    picture.findings().add({"statement": f"Buses {HOSTILE}", "strength": "one"})
    picture.reload()
    shown = picture.headline_html()
    assert "1 engagement activity reached 40 people (1 survey); 1 working group at work." in shown
    assert "none has been taken back to the community yet" in shown
    assert "<script>" not in shown and shown.count("window.__wbInjected = 1&lt;") == 3
    assert "Private survey notes." not in shown


def test_the_notebook_opens_with_the_headline_and_keeps_the_how_to_for_editing():
    cells, headline, first_heading = opening_cells(NOTEBOOK, "picture.headline()")
    sources = [c.source for c in cells]
    assert headline < first_heading and "session = start(6" in sources[headline - 1]
    for chore in ("Type the notes in", "import a transcript", "Take the draft back",
                  "Names the team wants redacted"):  # fmt: skip
        holders = [c for c in cells if chore in c.source]
        assert holders and all(editing_only(c) for c in holders), chore


def test_a_copy_written_by_a_run_shows_no_identifier_nor_unquotable_passage(
    plan, tmp_path, monkeypatch
):
    """`workbook run` executes the editing notebook unattended: its HTML copy is for readers."""
    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    monkeypatch.setenv(BATCH_ENV, "1")
    picture = FullerPicture(start(6, "98031", None, str(plan), str(tmp_path / "o"), show=False))
    found = picture.identifiers_found().data
    assert "1 e-mail address, 1 name, 1 phone number" in found
    for private in PRIVATE:
        assert private not in found
    assert picture.identifiers().data == "" and picture.files().data == ""
    excerpts = picture.excerpts().data
    assert "I would take vouchers" not in excerpts  # the interview allowed no quotes
    assert "did not agree to be quoted" in excerpts and "[phone]" in excerpts
    findings = picture.findings().data  # in words, not record ids
    assert "2 metrics (Affordable homes per household up to 80% of AMI;" in findings
    assert "3 excerpts (2 from focus groups, 1 from a listening session)" in findings
    assert "31 people agreed: Add the cost of moving itself." in findings
    assert "ex046" not in findings and "share_affordable_80_ami" not in findings
    with PlanStore.open(plan, read_only=True) as store:  # nothing was written
        assert len(store.get(step6.ACTIVITIES_SECTION).value) == 3


def test_an_empty_plan_shows_no_empty_chart_or_table(edit_session):
    picture = FullerPicture(edit_session(6))
    assert picture.reach().data == "" and picture.memos().data == ""
    for view in (picture.frequency("type"), picture.frequency("group_id"),
                 picture.cooccurrence(), picture.timeline_chart(), picture.network()):  # fmt: skip
        assert static_html(view.current) == ""
