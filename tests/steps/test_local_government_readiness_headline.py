"""Step 3's opening: is the local government ready to lead, first on its page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import private_values
from tests.steps.headlines import both_modes, opening_cells, words
from workbook.plan.transfer import import_plan
from workbook.steps import local_government_readiness as step3

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
NOTEBOOK = ROOT / "notebooks" / "03_local_government_readiness.ipynb"
HOSTILE = "<script>window.__wbInjected = 1</script>"
LEADERSHIP, EQUITY = step3.KEY_CONDITION, step3.EQUITY_CONDITION
CONDITIONS = [
    {"id": LEADERSHIP, "name": "Leadership commitment"},
    {"id": EQUITY, "name": "Racial equity"},
    {"id": "capacity", "name": HOSTILE},
]


def stats(*ratings: dict) -> pd.DataFrame:
    return step3.condition_stats(ratings, CONDITIONS)


def test_nothing_rated_yet_says_not_assessed_not_that_all_is_well():
    text = words(step3.headline_html(stats({LEADERSHIP: 3}), 1, [], "Linden County"))
    assert text.startswith("Linden County: is the local government ready to lead the work?")
    assert "Not assessed yet" in text and "1 person has rated" in text
    assert "weak" not in text.lower() and "in place" not in text.lower()


def test_the_judgement_comes_with_what_is_in_place_the_gaps_and_their_actions():
    rated = stats(
        {LEADERSHIP: 4, EQUITY: 1, "capacity": 3},
        {LEADERSHIP: 3, EQUITY: 2, "capacity": 4},
    )
    actions = [
        {"condition": EQUITY, "action": "Training", "status": "done"},
        {"condition": EQUITY, "action": "Listening sessions", "status": "under_way"},
    ]
    html = step3.headline_html(rated, 2, actions, "Linden County")
    assert html.startswith('<div class="wb-headline">')
    text = words(html)
    result = step3.judge(rated)
    assert f"ready to lead the work? {result.title}, on the ratings 2 people have given" in text
    assert "In place (2 of 3): Leadership commitment" in text
    # The guide puts racial equity at the centre: its weakness is said on the first screen.
    assert words(step3.EQUITY_WEAK) in text and "Weak (1): Racial equity." in text
    assert "Closing the gaps: 2 actions, 1 done." in text
    assert f"Next: {result.next_step}" in text
    # Typed text (a condition's name here) is escaped.
    assert "<script" not in html and "&lt;script&gt;" in html


def test_a_weak_condition_without_an_action_is_named():
    rated = stats({LEADERSHIP: 1, EQUITY: 4}, {LEADERSHIP: 2, EQUITY: 4})
    text = words(step3.headline_html(rated, 2, [], None))
    assert text.startswith("is the local government ready to lead the work? Not yet ready")
    assert "Leadership commitment is weak" in text
    assert "Closing the gaps: no action yet for Leadership commitment." in text


def test_the_example_plan_opens_with_its_judgement_in_both_modes_and_nothing_private(
    tmp_path, monkeypatch
):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    private = private_values(path)
    shown = []
    for session in both_modes(3, path, tmp_path, monkeypatch):
        shown.append(step3.ReadinessReview(session).headline().static_html())
    assert shown[0] == shown[1]
    text = words(shown[0])
    assert text.startswith("Linden County, Calderra: is the local government ready")
    assert "Next:" in text and "Not assessed yet" not in text
    assert not [p for p in private if p in shown[0]]


def test_the_notebook_opens_with_the_headline_before_any_section():
    cells, headline, first_heading = opening_cells(NOTEBOOK, "readiness.headline()")
    assert "session = start(" in cells[headline - 1].source and headline < first_heading
