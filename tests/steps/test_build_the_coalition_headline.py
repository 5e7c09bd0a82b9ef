"""Step 4's opening: who is at the table, who is missing, and when the coalition starts."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import private_values
from tests.steps.headlines import both_modes, opening_cells, words
from workbook.data.catalog import load_framework
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.plan.transfer import import_plan
from workbook.steps import build_the_coalition as step4
from workbook.steps import registry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
NOTEBOOK = ROOT / "notebooks" / "04_build_the_coalition.ipynb"
HOSTILE = "<script>window.__wbInjected = 1</script>"
FRAMEWORK = load_framework()


def test_an_empty_plan_says_nobody_is_at_the_table_yet():
    text = words(step4.headline_html([], [], None, FRAMEWORK, "Linden County"))
    assert text.startswith("Linden County: who is at the table? Nobody yet")
    assert " 0 " not in text


def test_partners_requests_gaps_team_and_launch_in_words():
    actors = [a["id"] for a in FRAMEWORK["actor_types"]]
    pillars = [p["id"] for p in FRAMEWORK.pillars]
    stakeholders = [
        {"organisation": HOSTILE, "status": "accepted", "actor_types": [actors[0]],
         "pillars": [pillars[0]]},
        {"organisation": "Food Bank", "status": "asked", "actor_types": [actors[1]]},
        {"organisation": "Chamber", "status": "declined", "actor_types": [actors[2]]},
    ]  # fmt: skip
    team = [{"role": "lead", "hours": 10}, {"role": "data", "hours": 4.5}]
    launch = {"first_meeting": "2027-01-14", "cadence": "monthly"}
    html = step4.headline_html(team, stakeholders, launch, FRAMEWORK, None)
    text = words(html)
    assert text.startswith("who is at the table? 1 partner organisation has joined the "
                           "coalition, of 3 asked or to be asked.")  # fmt: skip
    assert "Requests: 1 waiting for an answer, 1 declined." in text
    # Declined partners do not count: the third actor type and the other pillars are gaps.
    names = {a["id"]: a["name"] for a in FRAMEWORK["actor_types"]}
    assert f"Nobody yet from: {', '.join(names[a] for a in actors[2:])}." in text
    assert "Nobody yet for: " in text and FRAMEWORK.pillars[0]["name"] not in text
    assert "Management team: 2 people, 14.5 hours a week in all; still open: " in text
    assert "First meeting on 14 January 2027; then every month." in text
    # Counts, not names: no organisation is listed on the opening.
    assert "Food Bank" not in text and "script" not in html


def test_the_example_plan_opens_with_its_coalition_in_both_modes_and_nothing_private(
    tmp_path, monkeypatch
):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(path, read_only=True) as store:
        plan = PublicPlan(store, registry.private_paths)
        joined = sum(1 for r in plan.value(step4.STAKEHOLDERS_SECTION) if r["status"] == "accepted")
    shown = []
    for session in both_modes(4, path, tmp_path, monkeypatch):
        shown.append(step4.Coalition(session).headline().static_html())
    assert shown[0] == shown[1]
    text = words(shown[0])
    assert text.startswith(f"Linden County, Calderra: who is at the table? {joined} partner")
    assert "First meeting on 14 January 2027" in text
    assert not [p for p in private_values(path) if p in shown[0]]


def test_the_notebook_opens_with_the_headline_before_any_section():
    cells, headline, first_heading = opening_cells(NOTEBOOK, "coalition.headline()")
    assert "session = start(" in cells[headline - 1].source and headline < first_heading
