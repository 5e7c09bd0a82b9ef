"""The parts Steps 1-5 and 9 write in the MAP, called as the builder calls them."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from workbook.data.catalog import load_catalog
from workbook.display.document import Block, BulletList, Paragraph
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore, import_plan
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import local_government_readiness as readiness
from workbook.steps import registry, review
from workbook.steps import use_the_metrics as metrics

EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
CATALOG = load_catalog()
CONTRIBUTIONS = [
    (entry.number, section) for entry in registry.STEPS for section in entry.contributions
]


@pytest.fixture
def view(tmp_path, monkeypatch):
    """(plan path) -> (PublicPlan, session) as the builder makes them, read-only."""
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    opened = []

    def make(path, step=1):
        store = PlanStore.open(path, read_only=True)
        opened.append(store)
        session = start(step, "98031", output_dir=str(tmp_path / "out"), show=False)
        return PublicPlan(store, registry.private_paths), session

    yield make
    for store in opened:
        store.close()


def test_steps_contribute_where_the_guide_says():
    assert CONTRIBUTIONS == [
        (1, "how_we_got_here"), (2, "how_we_got_here"), (2, "findings"),
        (3, "how_we_got_here"), (4, "how_we_got_here"),
        (5, "how_we_got_here"), (5, "findings"),
        (6, "how_we_got_here"), (6, "findings"), (6, "sustainability"),
        (7, "theory_of_change"), (8, "measurement_plan"), (8, "sustainability"),
        (9, "how_we_got_here"), (10, "sustainability"),
    ]  # fmt: skip


@pytest.mark.parametrize(("number", "section"), CONTRIBUTIONS)
def test_a_step_with_nothing_saved_contributes_nothing(view, tmp_path, number, section):
    plan, session = view(tmp_path / "empty.sqlite", number)
    assert registry.step(number).contribution(section)(plan, session) == []


@pytest.mark.parametrize(("number", "section"), CONTRIBUTIONS)
def test_contributions_of_the_example_are_blocks(view, tmp_path, number, section):
    plan, session = view(import_plan(EXAMPLE, tmp_path / "p.sqlite"), number)
    blocks = registry.step(number).contribution(section)(plan, session)
    assert blocks and all(isinstance(b, Block) for b in blocks)
    assert isinstance(blocks[0], Paragraph) and blocks[0].lead  # every part opens with a lead


def test_when_and_checklist_uses_dates_and_answers_never_names(view, tmp_path):
    plan, _ = view(import_plan(EXAMPLE, tmp_path / "p.sqlite"))
    blocks = review.when_and_checklist(plan, 4)
    assert blocks[0] == Paragraph("The team saved its work on this step on 16 November 2026.")
    assert blocks[1] == Paragraph("Review checklist: 3 of 6 items done.")
    assert isinstance(blocks[-1], BulletList) and len(blocks[-1].items) == 3
    assert "Ana Ruiz" not in str(blocks)
    assert review.long_date("2027-01-05T10:00:00+00:00") == "5 January 2027"


def test_action_owners_are_shown_as_roles():
    assert readiness.owner_role({"name": "Dana Okafor", "organisation": "Budget office"}) == (
        "Budget office"
    )
    assert readiness.owner_role({"name": "Dana Okafor"}) == "(role not recorded)"
    assert readiness.owner_role(None) == "(role not recorded)"


@pytest.mark.parametrize(
    ("variable", "value", "text"),
    [
        ("share_employed", 0.7912, "79.1% (share of adults ages 25-54)"),
        ("pctl_income_20", 36491.17, "$36,491 (nominal)"),
        ("rate_injury_death", 82.2, "82.2 per 100,000 residents"),
        ("ratio_population_pc_physician", 2358, "2,358 residents per physician"),
        ("index_air_hazard", 44, "44 (index, 0-100)"),
        ("ratio_living_wage", 0.7782, "0.778 (ratio, wage / living wage)"),
    ],
)
def test_every_value_in_the_findings_carries_its_unit(variable, value, text):
    assert metrics.value_text(CATALOG[variable], value) == text


def test_a_gap_in_shares_is_in_percentage_points():
    assert metrics.gap_text(CATALOG["share_homeless"], 0.0467) == "4.7 percentage points"
