"""Step 4: coverage, funnel and grid on small data, the forms, privacy end to end."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from tests.display.test_export import external_references
from tests.steps.test_local_government_readiness import EXAMPLE, run_step
from workbook.data.catalog import load_framework
from workbook.display.export import export_html
from workbook.display.render import VEGALITE_MIMETYPE, WIDGET_MIMETYPE
from workbook.forms import RecordError
from workbook.plan.store import PlanStore, import_plan
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import build_the_coalition as coalition
from workbook.steps.build_the_coalition import (
    ANY_ACTOR,
    ANY_PILLAR,
    NO_PILLAR,
    STAKEHOLDERS_SECTION,
    TEAM_SECTION,
    Coalition,
    coverage,
    funnel,
    gaps,
    grid_points,
)
from workbook.steps.local_government_readiness import ResponsesTable

FRAMEWORK = load_framework()
ACTORS = {a["id"]: a["name"] for a in FRAMEWORK["actor_types"]}
PILLARS = {p["id"]: p["name"] for p in FRAMEWORK.pillars}


def cell(cover, actor, pillar):
    chosen = cover[(cover["actor_type"] == actor) & (cover["pillar"] == pillar)]
    assert len(chosen) == 1, (actor, pillar)
    return int(chosen["count"].iloc[0])


# --- coverage, funnel, grid -----------------------------------------------------------

REGISTER = [
    {"organisation": "A", "actor_types": ["government"], "pillars": ["education"],
     "status": "accepted"},
    {"organisation": "B", "actor_types": ["government", "philanthropies"],
     "pillars": ["education", "work"], "status": "asked"},
    {"organisation": "C", "actor_types": ["private_sector"], "pillars": ["work"],
     "status": "declined"},
    {"organisation": "D", "actor_types": ["community_members"], "status": "not_asked"},
]  # fmt: skip


def test_coverage_counts_each_stakeholder_in_its_cells_and_the_margins():
    cover = coverage(REGISTER, FRAMEWORK)
    government, education = ACTORS["government"], PILLARS["education"]
    assert cell(cover, government, education) == 2
    assert cell(cover, government, PILLARS["work"]) == 1
    assert cell(cover, ACTORS["philanthropies"], PILLARS["work"]) == 1
    assert cell(cover, government, ANY_PILLAR) == 2  # distinct stakeholders
    assert cell(cover, ANY_ACTOR, education) == 2
    assert cell(cover, ANY_ACTOR, ANY_PILLAR) == 3  # C declined: not counted
    assert cell(cover, ACTORS["private_sector"], PILLARS["work"]) == 0
    assert cell(cover, ACTORS["community_members"], NO_PILLAR) == 1
    # Every actor type x every pillar is present, empty ones as 0.
    assert len(cover) == (len(ACTORS) + 1) * (len(PILLARS) + 2)
    assert (cover["count"] == 0).sum() > 30


def test_gaps_name_the_actor_types_and_pillars_with_nobody():
    missing = gaps(coverage(REGISTER, FRAMEWORK))
    assert ACTORS["private_sector"] in missing["actor_types"]
    assert ACTORS["government"] not in missing["actor_types"]
    assert set(missing["pillars"]) == {
        PILLARS["neighborhoods"],
        PILLARS["health"],
        PILLARS["governance"],
    }
    everything = coverage([], FRAMEWORK)
    assert NO_PILLAR not in set(everything["pillar"])
    assert len(gaps(everything)["actor_types"]) == len(ACTORS)


def test_the_funnel_counts_by_status():
    stages = funnel(REGISTER + [{"organisation": "E", "status": "asked"}, {"organisation": "F"}])
    counts = dict(zip(stages["stage"], stages["count"], strict=True))
    assert counts == {"Identified": 6, "Asked": 4, "Accepted": 1, "Declined": 1}
    notes = dict(zip(stages["stage"], stages["note"], strict=True))
    assert notes["Asked"] == "2 waiting for an answer"
    assert notes["Identified"] == "2 not yet asked"  # D, and F with no status
    assert list(funnel([])["count"]) == [0, 0, 0, 0]


def test_grid_points_spread_stakeholders_that_share_a_square():
    records = [
        {"organisation": "A", "influence": 4, "interest": 4, "champion": True},
        {"organisation": "B", "influence": 4, "interest": 4, "status": "asked"},
        {"organisation": "C", "influence": 2, "interest": 5},
        {"organisation": "D", "influence": 3},  # not rated on both: left out
    ]
    points = grid_points(records)
    assert list(points["organisation"]) == ["A", "B", "C"]
    a, b, c = points.to_dict("records")
    assert (a["x"], a["y"]) != (b["x"], b["y"]) and abs(a["x"] - 4) < 0.3
    assert (c["x"], c["y"]) == (5, 2)
    assert (a["champion"], b["champion"]) == ("Champion", "Not (yet)")
    assert (a["status"], b["status"]) == ("Not yet asked", "Asked")


def test_charts_draw_the_register_and_say_when_there_is_nothing():
    points = grid_points([{"organisation": "<b>A</b>", "influence": 4, "interest": 2}])
    grid = coalition.influence_grid(points, unrated=2).to_dict()
    assert "1 stakeholder placed" in grid["description"] and "2 more" in grid["description"]
    cover = coalition.coverage_chart(coverage(REGISTER, FRAMEWORK)).to_dict()
    assert "no one yet from:" in cover["description"]
    rows = [r for values in cover["datasets"].values() for r in values]
    assert {r["label"] for r in rows if r["count"] == 0} == {"none"}
    stages = coalition.funnel_chart(funnel(REGISTER)).to_dict()
    assert "4 stakeholders identified, 3 asked, 1 accepted and 1 declined" in stages["description"]
    assert "No stakeholder is rated" in json.dumps(
        coalition.influence_grid(grid_points([])).to_dict()
    )
    assert "No stakeholders" in json.dumps(coalition.funnel_chart(funnel([])).to_dict())


def test_team_summary_names_open_roles():
    records = [
        {"role": "lead", "person": {"name": "Ana", "email": "ana@example.org"}, "hours": 10},
        {"role": "data", "person": {"name": "Ben"}, "hours": 4.5},
    ]
    html = coalition.team_summary_html(records)
    assert "14.5 hours per week" in html and "Roles still open: Community engagement" in html
    assert "ana@example.org" not in html


# --- forms ----------------------------------------------------------------------------


@pytest.fixture
def session(edit_session):
    return edit_session(4)


def test_a_team_member_typed_into_the_form_is_saved_with_private_contact(session):
    team = Coalition(session).team()
    person = team.controls["person"].inputs
    team.controls["role"].inputs["value"].value = "lead"
    person["name"].value = "Ana Ruiz"
    person["organisation"].value = "County"
    person["email"].value = "ana@example.org"
    person["phone"].value = "+1 555 0101"
    team.controls["hours"].inputs["value"].value = "16"
    assert team.save_editor(), team.message_text
    saved = session.plan.get(TEAM_SECTION)
    assert saved.value[0]["person"]["email"] == "ana@example.org"
    assert saved.value[0]["hours"] == 16
    public = session.plan.get(TEAM_SECTION, public=True).value[0]["person"]
    assert public == {"name": "Ana Ruiz", "organisation": "County"}
    assert "ana@example.org" not in team.table_html() + team.static_html()


def test_team_form_refuses_bad_input_with_messages(session):
    team = Coalition(session).team()
    team.controls["role"].inputs["value"].value = "other"
    team.controls["person"].inputs["email"].value = "not an email"
    team.controls["hours"].inputs["value"].value = "100"
    assert not team.save_editor()
    errors = {n: c.error_text for n, c in team.controls.items() if c.error_text}
    assert "Add a name or an organisation" in errors["person"]
    assert "does not look like an address" in errors["person"]
    assert errors["hours"] == "Must be at most 60."
    assert errors["responsibilities"].startswith("'Other' is chosen")
    assert session.plan.get(TEAM_SECTION).value is None
    assert team.controls["person"].inputs["email"].value == "not an email"  # kept to fix


def stakeholder(**changes):
    values = {
        "organisation": "Northside Tenants Union",
        "contact": {"name": "Ana Souza", "email": "ana@example.org", "phone": "+1 555 0111"},
        "actor_types": ["advocacy_groups"],
        "pillars": ["neighborhoods"],
        "influence": 2,
        "interest": 5,
        "champion": True,
        "status": "accepted",
        "date_asked": "2026-10-12",
        "date_answered": "2026-10-19",
    }
    values.update(changes)
    return values


def test_stakeholder_rules_check_dates_and_status(session):
    register = Coalition(session).stakeholders()
    with pytest.raises(RecordError, match="date_answered: Date answered"):
        register.add(stakeholder(date_answered="2026-10-01"))  # before it was asked
    with pytest.raises(RecordError, match="Not yet asked"):
        register.add(stakeholder(status="not_asked", date_answered=""))
    with pytest.raises(RecordError, match="set it to Accepted or Declined"):
        register.add(stakeholder(status="asked"))
    with pytest.raises(RecordError, match="organisation: Please fill this in"):
        register.add(stakeholder(organisation=""))
    with pytest.raises(RecordError, match="actor_types"):
        register.add(stakeholder(actor_types=[]))
    register.add(stakeholder())
    assert len(register.records()) == 1


def test_stakeholder_widgets_and_escaping(session):
    work = Coalition(session)
    register = work.stakeholders()
    controls = register.controls
    controls["organisation"].inputs["value"].value = "<script>alert(1)</script> Union"
    controls["actor_types"].inputs["community_members"].value = True
    controls["status"].inputs["value"].value = "asked"
    controls["date_asked"].inputs["value"].value = None
    controls["influence"].inputs["value"].value = 3
    controls["interest"].inputs["value"].value = 4
    assert register.save_editor(), register.message_text
    for html in (register.static_html(), work.champions().static_html()):
        assert "<script>" not in html
    assert "&lt;script&gt;" in register.static_html()
    spec = work.influence_grid().current.to_dict()
    names = [r["organisation"] for v in spec["datasets"].values() for r in v if "organisation" in r]
    assert names == ["<script>alert(1)</script> Union"]  # drawn by Vega as text


def test_the_launch_form_saves_and_shows_its_answers(session):
    form = Coalition(session).launch()
    form.set_value("charter", "We meet to <b>plan</b>.")
    form.set_value("first_meeting", "2027-01-14")
    form.set_value("cadence", "monthly")
    form.set_value("decisions", "consent")
    assert form.save(), form.validate()
    again = Coalition(session).launch()
    assert again.values()["cadence"] == "monthly"
    assert "&lt;b&gt;plan&lt;/b&gt;" in again.static_html() and "Every month" in again.static_html()
    again.set_value("charter", "x" * 5001)
    assert not again.save() and "Too long" in again.validate()["charter"]


def test_public_csv_export_leaves_contact_details_out(session, tmp_path):
    register = Coalition(session).stakeholders()
    register.add(stakeholder(contact_named=True))  # Ana agreed to be named
    unnamed = {"name": "Carl Hughes", "organisation": "Deputy superintendent"}
    register.add(stakeholder(organisation="Linden Schools", contact=unnamed))
    text = register.export_csv(tmp_path / "public.csv")
    assert "Northside Tenants Union" in text and "Ana Souza" in text
    assert "Linden Schools" in text and "Carl Hughes" not in text
    assert "Deputy superintendent" not in text
    assert "ana@example.org" not in text and "555 0111" not in text
    assert "ana@example.org" in register.export_csv(public=False)


def test_view_mode_shows_no_inputs_and_no_contact_details(session, monkeypatch):
    work = Coalition(session)
    work.stakeholders().add(stakeholder())
    work.team().add({"role": "lead", "person": {"name": "Ana", "phone": "+1 555 0101"}})
    session.plan.close()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    viewer = Coalition(start(4, "98031", output_dir=str(session.output_dir), show=False))
    for item in (viewer.team(), viewer.stakeholders(), viewer.launch()):
        html = item._repr_mimebundle_()["text/html"]
        assert "<input" not in html and "<textarea" not in html
        assert "ana@example.org" not in html and "555 01" not in html
    assert "Northside Tenants Union" in viewer.stakeholders()._repr_mimebundle_()["text/html"]


# --- end to end: privacy in everything the notebooks produce ------------------------------

PRIVATE_EXTRA = {
    "respondent": "Zelda Hiddenname",
    "email": "ana@example.org",
    "phone": "+1 (555) 013-9999",
}


def private_strings(plan_path: Path) -> list[str]:
    """Every email, phone and respondent name kept private in the plan."""
    with PlanStore.open(plan_path, read_only=True) as plan:
        found = [r["respondent"] for r in plan.get("step3.responses").value if "respondent" in r]
        found = [n for n in found if n == PRIVATE_EXTRA["respondent"]]  # others own actions
        for section, field in ((TEAM_SECTION, "person"), (STAKEHOLDERS_SECTION, "contact")):
            for record in plan.get(section).value:
                found += [record[field].get(p) for p in ("email", "phone")]
    return sorted({s for s in found if s})


def seeded_plan(tmp_path: Path) -> Path:
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(path, author="Test") as plan:
        register = coalition.stakeholder_table(plan, FRAMEWORK)
        register.add(stakeholder(
            organisation="Privacy Test Org",
            contact={"name": "Ana Test", "email": PRIVATE_EXTRA["email"],
                     "phone": PRIVATE_EXTRA["phone"]},
        ))  # fmt: skip
        ResponsesTable(plan, FRAMEWORK).add(
            {"respondent": PRIVATE_EXTRA["respondent"], "role": "Library", "data_skills": 3}
        )
    return path


def chart_specs(notebook: Path) -> list[dict]:
    nb = nbformat.read(notebook, as_version=4)
    return [
        output["data"][VEGALITE_MIMETYPE]
        for c in nb.cells
        for output in c.get("outputs", [])
        if VEGALITE_MIMETYPE in output.get("data", {})
    ]


def test_private_details_never_reach_outputs_pages_or_charts(tmp_path):
    plan = seeded_plan(tmp_path)
    secrets = private_strings(plan)
    assert PRIVATE_EXTRA["email"] in secrets and PRIVATE_EXTRA["phone"] in secrets
    assert len(secrets) > 15  # the example's own emails and phones are checked too
    out = run_step(tmp_path, plan, steps="3-4")
    before = plan.read_bytes()
    env = {**os.environ, READ_ONLY_ENV: "1"}
    viewed = run_step(tmp_path / "view", plan, steps="3-4", env=env)
    assert plan.read_bytes() == before  # view mode wrote nothing
    for folder in (out, viewed):
        for name in ("03_local_government_readiness", "04_build_the_coalition"):
            notebook = folder / f"{name}.ipynb"
            whole = notebook.read_text(encoding="utf-8")  # outputs, widget state, metadata
            page = export_html(notebook, tmp_path / f"{folder.parent.name}-{name}.html")
            html = page.read_text(encoding="utf-8")
            specs = json.dumps(chart_specs(notebook))
            for secret in secrets:
                assert secret not in whole, (name, secret)
                assert secret not in html, (name, secret)
                assert secret not in specs, (name, secret)
            assert external_references(html) == []
    text = json.dumps(chart_specs(out / "04_build_the_coalition.ipynb"))
    assert "Privacy Test Org" in text  # the stakeholder is drawn, only without its contact
    # View mode: no widgets, no inputs, nothing to type into.
    for name in ("03_local_government_readiness", "04_build_the_coalition"):
        nb = nbformat.read(viewed / f"{name}.ipynb", as_version=4)
        outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert WIDGET_MIMETYPE not in outputs and "<input" not in outputs
        assert not re.search(r"<textarea|<select|<button", outputs)
        assert "Your name:" not in outputs


def test_step4_on_an_empty_plan(tmp_path):
    out = run_step(tmp_path, tmp_path / "new" / "plan.sqlite", steps="4")
    nb = nbformat.read(out / "04_build_the_coalition.ipynb", as_version=4)
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "No records yet." in text and "Roles still open: Lead, Data" in text
    assert "No stakeholder is rated" in text and "No stakeholders in the register yet" in text
    assert "No champion named yet." in text
    page = (out / "04_build_the_coalition.html").read_text(encoding="utf-8")
    assert page.count('class="wb-chart"') == 3 and external_references(page) == []
