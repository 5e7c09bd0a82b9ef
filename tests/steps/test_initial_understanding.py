"""Step 5: the workshop view, the predictors weighed, votes received and tallied, the
decision, and the step's parts of the MAP."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from tests.conftest import ROOT
from workbook.analysis import priorities as pr
from workbook.analysis.compare import compare
from workbook.analysis.disparities import gaps, group_values
from workbook.analysis.votes import read_counts_csv, tally, vote_problems
from workbook.data.catalog import load_framework
from workbook.display.document import Block, Heading, Paragraph, Table
from workbook.display.theme import ACCENT, PEER_COLOUR
from workbook.display.vote_charts import TIED, tally_chart
from workbook.forms import RecordError
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import initial_understanding as step5
from workbook.steps import registry
from workbook.steps.initial_understanding import workshop

FRAMEWORK = load_framework()
PREDICTORS = [q["name"] for p in FRAMEWORK.pillars for q in p["predictors"]]
HOSTILE = "<!--<script> & </script><script>window.__wbInjected = 1</script>"
SECRET = "partner-secret@example.org"
INSIGHTS = [
    {"id": "i1", "statement": "Homes are hard to afford here.", "tag": "concern",
     "metrics": ["share_affordable_80_ami"], "pillars": ["neighborhoods"], "notes": ""},
    {"id": "i2", "statement": f"Schools matter {HOSTILE}", "tag": "question",
     "metrics": [], "pillars": ["education"], "notes": ""},
]  # fmt: skip
STAKEHOLDERS = [
    {"id": "s1", "organisation": "Tenants union", "status": "accepted",
     "pillars": ["neighborhoods"], "contact": {"email": SECRET}},
    {"id": "s2", "organisation": "Foundation", "status": "accepted",
     "pillars": ["work", "neighborhoods"], "contact": {}},
    {"id": "s3", "organisation": "Chamber", "status": "declined", "pillars": ["work"]},
    {"id": "s4", "organisation": "Schools", "status": "asked", "pillars": ["education"]},
]  # fmt: skip


def upstream(store: PlanStore) -> None:
    """Step 2's insights and Step 4's register, written as their contracts say."""
    store.save("step2.insights", INSIGHTS, 0)
    store.save("step4.stakeholders", STAKEHOLDERS, 0, private=["contact.email"])


@pytest.fixture
def session(edit_session):
    s = edit_session(5)
    upstream(s.plan)
    return s


def a_vote(**changes) -> dict:
    vote = step5.paper_vote(
        {"Housing affordability": 10, "Social capital": 6, "Housing stability": 6},
        voters=12, dots_per_person=3, options=PREDICTORS, recorded_on="2026-12-01",
    )  # fmt: skip
    vote.update(changes)
    return vote


# --- what the coalition weighs ----------------------------------------------------------


def weigh(data, key: str, stakeholders=STAKEHOLDERS) -> tuple[pd.DataFrame, pd.DataFrame]:
    place = data.find(key)
    comparison = compare(data, place).table
    table = pr.priority_table(
        FRAMEWORK, data.catalog, comparison, gaps(group_values(data, place)),
        pr.place_trends(data, place), stakeholders,
    )  # fmt: skip
    return table, comparison


def test_every_predictor_is_weighed_on_the_sample(sample):
    table, comparison = weigh(sample, "98031")
    assert list(table["predictor"]) == PREDICTORS
    row = table.set_index("predictor").loc["Housing affordability"]
    mine = comparison[comparison["predictor"] == "Housing affordability"]
    assert row["metrics"] == len(mine) == 6
    for scope in ("peers", "state", "nation"):
        assert row[f"worse_{scope}"] == (mine[f"vs_{scope}"] == "worse").sum()
        assert row[f"better_{scope}"] == (mine[f"vs_{scope}"] == "better").sum()
    assert row["weak"] == (mine["quality"] == "Weak").sum()
    assert row["weak_share"] == pytest.approx(row["weak"] / row["with_value"])
    # Accepted partners only: two in neighbourhoods, one in work, none declined or asked.
    partners = table.set_index("pillar")["partners"].groupby(level=0).first()
    assert partners.to_dict() == {"neighborhoods": 2, "work": 1, "education": 0,
                                  "health": 0, "governance": 0}  # fmt: skip


def test_the_largest_gap_and_the_trend_come_from_the_data(sample):
    table, _ = weigh(sample, "98031")
    stability = table.set_index("predictor").loc["Housing stability"]
    assert stability["gap_variable"] == "share_homeless"
    assert stability["gap_worst_group"] and 0 < stability["gap_relative"] <= 1
    trends = pr.place_trends(sample, sample.find("98031"))
    assert set(trends["trend"]) <= {"improving", "worsening", "about the same",
                                    "no direction", "one year only"}  # fmt: skip
    for r in trends.itertuples():
        direction = sample.catalog[r.variable].direction
        if r.trend in ("improving", "worsening"):
            assert (r.trend == "improving") == ((r.change > 0) == (direction == "higher"))


def test_every_predictor_is_weighed_on_a_real_county(real):
    table, _ = weigh(real, "06037", stakeholders=[])
    assert len(table) == len(PREDICTORS) and (table["partners"] == 0).all()
    assert (table["with_value"] <= table["metrics"]).all()
    assert table["gap_variable"].astype(bool).sum() >= 3  # Los Angeles has group values
    assert (table["improving"] + table["worsening"] + table["steady"]).sum() > 10


def test_ties_follow_the_stated_rule():
    table = pd.DataFrame({
        "predictor": ["Alpha", "Beta", "Gamma", "Delta"], "partners": [1, 3, 1, 1],
        "worse_nation": [0, 0, 2, 0],
    })  # fmt: skip
    order = pr.tie_order(table)
    ranked = tally({"Alpha": 5, "Beta": 5, "Gamma": 5, "Delta": 7},
                   ["Alpha", "Beta", "Gamma", "Delta"], order.__getitem__)  # fmt: skip
    assert list(ranked["option"]) == ["Delta", "Beta", "Gamma", "Alpha"]
    assert list(ranked["tied"]) == [False, True, True, True]
    assert list(ranked["rank"]) == [1, 2, 3, 4]


# --- votes received ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"counts": {"Housing affordability": -2}}, "counts", "cannot be negative"),
        ({"counts": {"Housing affordability": 25}}, "counts", "more than the 24 possible"),
        ({"counts": {"Housing affordability": 9}}, "counts", "at most one point per voter"),
        ({"counts": {"Moon landings": 1}}, "counts", "not among the options"),
        ({"counts": {"Housing affordability": 2.5}}, "counts", "whole numbers"),
        ({"voters": 0}, "voters", "at least 1"),
        ({"voters": True}, "voters", "whole number"),
        ({"dots_per_person": None}, "dots_per_person", "dots each person had"),
        ({"question": "  "}, "question", "what was asked"),
        ({"kind": "raffle"}, "kind", "dots, ranking"),
        ({"recorded_on": "1/12/2026"}, "recorded_on", "YYYY-MM-DD"),
        ({"options": []}, "options", "at least one"),
        ({"source": "ballot"}, "ballot_id", "names the ballot"),
    ],
)
def test_a_bad_vote_is_refused_naming_the_field(changes, field, words):
    vote = a_vote(counts={"Housing affordability": 1}, **{"voters": 8})
    vote.update(changes)
    errors = vote_problems(vote)
    assert field in errors and words in errors[field], errors


def test_stacking_allows_many_dots_on_one_option():
    assert vote_problems(a_vote(counts={"Housing affordability": 20}, stacking=True)) == {}
    assert "counts" in vote_problems(a_vote(counts={"Housing affordability": 20}))


def test_a_vote_is_received_and_a_bad_one_changes_nothing(session):
    store = session.plan
    saved = step5.receive_vote(store, a_vote())
    assert saved["counts"]["Racial diversity"] == 0  # every option has its points
    assert len(saved["counts"]) == len(PREDICTORS) and saved["source"] == "paper"
    before = store.get(step5.VOTES_SECTION)
    with pytest.raises(RecordError) as bad:
        step5.receive_vote(store, a_vote(counts={"Housing affordability": -1}))
    assert "counts" in bad.value.errors and "negative" in str(bad.value)
    with pytest.raises(RecordError) as again:
        step5.receive_vote(store, {**a_vote(), "id": saved["id"]})
    assert "already in the plan" in again.value.errors["id"]
    assert store.get(step5.VOTES_SECTION) == before


def test_a_live_ballot_record_is_received_as_it_is(session):
    views = step5.InitialUnderstanding(session)
    record = {**a_vote(), "id": "b-1", "source": "ballot", "ballot_id": "ballot-7",
              "kind": "approval", "dots_per_person": None}  # fmt: skip
    record["counts"] = {"Housing affordability": 8, "Social capital": 3}
    saved = views.receive_vote(record)
    assert saved["ballot_id"] == "ballot-7" and saved["id"] == "b-1"
    assert "(a live ballot)" in views.tally_view().items[1].data


def test_counts_from_a_csv_name_the_bad_rows():
    text = "\ufeffoption,points\nHousing affordability,7\nMoon landings,2\nSocial capital,-1\n"
    counts, problems = read_counts_csv(text, PREDICTORS)
    assert counts == {"Housing affordability": 7}
    assert problems[0].startswith("row 3: 'Moon landings' is not one of the options")
    assert problems[1].startswith("row 4:") and "negative" in problems[1]
    counts, problems = read_counts_csv("housing stability,4\nHousing stability,1\n", PREDICTORS)
    assert counts == {"Housing stability": 4} and problems == ["row 2: 'Housing stability' "
                                                               "appears twice"]  # fmt: skip
    assert read_counts_csv("", PREDICTORS)[1] == ["row 1: the file has no 'option,points' rows"]
    _, problems = read_counts_csv("Housing stability,lots\n", PREDICTORS)
    assert "must be a whole number" in problems[0]


def test_a_csv_vote_is_refused_whole_and_a_good_one_saved(session):
    store = session.plan
    with pytest.raises(RecordError) as bad:
        step5.csv_vote(b"option,points\nMoon landings,3\n", 5, 3, options=PREDICTORS)
    assert "row 2" in bad.value.errors["file"]
    assert not store.get(step5.VOTES_SECTION).exists
    cp1252 = "option,points\nHousing affordability,4\nSocial capital,2\n".encode("cp1252")
    vote = step5.csv_vote(cp1252, 5, 3, options=PREDICTORS, recorded_on="2026-12-02")
    saved = step5.receive_vote(store, vote)
    assert saved["source"] == "csv" and saved["options"] == ["Housing affordability",
                                                             "Social capital"]  # fmt: skip


def test_the_entry_widget_records_typed_counts_and_shows_errors(session):
    views = step5.InitialUnderstanding(session)
    entry = step5.VoteEntry(session.plan, PREDICTORS, on_saved=views.refresh)
    entry.voters.value, entry.dots.value = 4, 2
    entry.counts["Housing affordability"].value = 9  # more than 4 voters x 2 dots
    assert entry.record_typed() is None and "counts" in entry.message.value
    assert not session.plan.get(step5.VOTES_SECTION).exists
    entry.counts["Housing affordability"].value = 4
    entry.counts["Social capital"].value = 3
    assert entry.record_typed()["counts"]["Housing affordability"] == 4
    assert "Recorded: 7 points from 4 voters" in entry.message.value


def test_the_tally_chart_marks_ties_in_theme_colours():
    ranked = tally({"A": 3, "B": 3, "C": 5}, ["A", "B", "C"])
    spec = json.dumps(tally_chart(ranked, "Votes", chosen=["C"]).to_dict())
    assert PEER_COLOUR in spec and ACCENT in spec and TIED in spec  # ties: their own colour
    assert "C (chosen)" in spec and "share their points" in spec
    empty = tally_chart(tally({}, ["A"]), "Votes")
    assert "No points recorded yet" in json.dumps(empty.to_dict())


# --- the decision --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"predictors": []}, "predictors", "tick at least one"),
        ({"predictors": PREDICTORS[:6]}, "predictors", "at most 5"),
        ({"decided_by": ""}, "decided_by", "fill this in"),
        ({"rationale": ""}, "rationale", "fill this in"),
        ({"decided_on": None}, "decided_on", "pick a date"),
    ],
)
def test_a_decision_with_a_missing_part_is_refused_by_field(session, values, field, words):
    good = {"predictors": ["Housing affordability"], "rationale": "Most dots.",
            "decided_by": "Coalition meeting", "decided_on": "2026-12-03"}  # fmt: skip
    with pytest.raises(RecordError) as bad:
        step5.record_decision(session.plan, FRAMEWORK, {**good, **values})
    assert words in bad.value.errors[field].lower()
    assert not session.plan.get(step5.PRIORITIES_SECTION).exists


def test_the_decision_keeps_the_tie_rule_and_the_latest_vote(session):
    step5.receive_vote(session.plan, a_vote(recorded_on="2026-11-01"))
    latest = step5.receive_vote(session.plan, a_vote(recorded_on="2026-12-01"))
    saved = step5.record_decision(session.plan, FRAMEWORK, {
        "predictors": ["Housing affordability", "Social capital"], "rationale": "Most dots.",
        "decided_by": "Coalition meeting", "decided_on": "2026-12-03",
    })  # fmt: skip
    assert saved["predictors"] == ["Housing affordability", "Social capital"]
    assert saved["vote_id"] == latest["id"] and saved["tie_rule"] == step5.TIE_RULE


# --- reading the metrics together ----------------------------------------------------------


def test_notes_are_saved_pillar_by_pillar(session):
    store = session.plan
    workshop.save_pillar_notes(store, FRAMEWORK, "education", "Preschool is a strength.",
                               today="2026-11-30")  # fmt: skip
    workshop.save_pillar_notes(store, FRAMEWORK, "neighborhoods", f"Rent {HOSTILE}")
    value = store.get(step5.REVIEW_SECTION).value
    assert [e["pillar"] for e in value["pillars"]] == ["neighborhoods", "education"]
    assert step5.saved_notes(value)["education"] == "Preschool is a strength."
    with pytest.raises(RecordError) as bad:
        workshop.save_pillar_notes(store, FRAMEWORK, "transport", "x")
    assert "pillar" in bad.value.errors and "neighborhoods" in bad.value.errors["pillar"]
    with pytest.raises(RecordError) as long:
        workshop.save_pillar_notes(store, FRAMEWORK, "work", "x" * 6000)
    assert "notes" in long.value.errors
    assert store.get(step5.REVIEW_SECTION).value == value


def test_one_pillar_per_screen_with_insights_beside_and_text_escaped(session):
    workshop.save_pillar_notes(session.plan, FRAMEWORK, "neighborhoods", f"Rent {HOSTILE}")
    views = step5.InitialUnderstanding(session)
    screens = workshop.Workshop(session.plan, FRAMEWORK, session.catalog, views.comparison,
                                INSIGHTS, read_only=False)  # fmt: skip
    housing = screens.screen("neighborhoods")
    assert "Opportunity-rich and inclusive neighborhoods" in housing
    assert "Homes are hard to afford here." in housing  # beside its metric
    assert "Share of affordable" in housing or "affordable" in housing.lower()
    assert "font-size:2em" in housing and "Peers: " in housing and "Nation: " in housing
    assert "(median " in housing  # the reference each judgement was made against
    assert "<script>" not in housing and "&lt;script&gt;" in housing
    education = screens.screen("education")
    assert "Schools matter" in education and "<script>" not in education
    assert "Homes are hard" not in education
    static = screens.static_html()
    assert all(p["name"] in static for p in FRAMEWORK.pillars)


def test_the_notebook_views_in_view_mode(session, monkeypatch):
    step5.receive_vote(session.plan, a_vote())
    session.plan.close()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    viewer = step5.InitialUnderstanding(start(5, "98031", output_dir=str(session.output_dir),
                                              show=False))  # fmt: skip
    assert viewer.vote_entry().data == ""  # readers see the tally, not the typing form
    weighed = viewer.weigh().data
    assert "Housing affordability" in weighed and SECRET not in weighed
    tally_html = viewer.tally().static_html()
    assert "Housing affordability" in tally_html and "Tie rule" in tally_html


# --- the MAP ------------------------------------------------------------------------------


def public(session) -> tuple[PublicPlan, object]:
    return PublicPlan(session.plan, registry.private_paths), session


def test_nothing_saved_contributes_nothing(session):
    plan, s = public(session)
    assert step5.map_how_we_got_here(plan, s) == []
    assert step5.map_findings(plan, s) == []


def test_the_maps_parts_tell_how_and_why(session):
    store = session.plan
    workshop.save_pillar_notes(store, FRAMEWORK, "neighborhoods", "Rents rose fastest here.",
                               today="2026-11-30")  # fmt: skip
    step5.receive_vote(store, a_vote())
    step5.record_decision(store, FRAMEWORK, {
        "predictors": ["Housing affordability", "Social capital"],
        "rationale": "Most dots, and partners ready to act.",
        "decided_by": "Coalition meeting", "decided_on": "2026-12-03",
    })  # fmt: skip
    plan, s = public(session)
    story = step5.map_how_we_got_here(plan, s)
    assert all(isinstance(b, Block) for b in story)
    assert isinstance(story[0], Paragraph) and story[0].lead
    text = json.dumps(story, default=str)
    assert "Rents rose fastest here." in text and "30 November 2026" in text
    votes = next(b for b in story if isinstance(b, Table))
    assert votes.rows[0] == ("1", "Housing affordability", "10", "")
    # Social capital and Housing stability tie at 6: the rule orders them, both marked.
    assert {votes.rows[1][3], votes.rows[2][3]} == {"tied"}
    assert "Coalition meeting" in text and step5.TIE_RULE in text
    findings = step5.map_findings(plan, s)
    assert isinstance(findings[0], Paragraph) and findings[0].lead
    assert "2 predictors" in findings[0].text
    table = next(b for b in findings if isinstance(b, Table))
    assert [r[0] for r in table.rows] == ["Housing affordability", "Social capital"]
    assert table.rows[0][-1] == "2"  # two accepted partners in the neighbourhoods pillar
    assert any(isinstance(b, Heading) and "why" in b.text for b in findings)
    assert SECRET not in json.dumps(story + findings, default=str)


def test_registry_declares_step5_sections_and_private_contacts():
    entry = registry.step(5)
    assert [s.name for s in entry.sections] == [
        "step5.review", "step5.votes", "step5.priorities", "step5.sources",
        "step5.local_data", "step5.findings",
    ]  # fmt: skip
    assert set(registry.private_paths("step5.sources")) == {
        "contact.name", "contact.email", "contact.phone"}  # fmt: skip
    assert entry.contribution("findings") is step5.map_findings


def test_the_workshop_widget_saves_notes_for_the_chosen_pillar(session):
    panel = step5.InitialUnderstanding(session).workshop().widget
    chooser, screen = panel.children[0].children[0], panel.children[1]
    box, (save, status) = panel.children[3], panel.children[4].children
    chooser.value = "education"
    assert "High-quality education" in screen.value and box.value == ""
    box.value = "Preschool seats are short in the east."
    save.click()
    assert "Saved." in status.value and "Preschool seats" in screen.value
    assert step5.saved_notes(session.plan.get(step5.REVIEW_SECTION).value) == {
        "education": "Preschool seats are short in the east."}  # fmt: skip
    chooser.value = "work"
    assert box.value == "" and status.value == ""


def uploaded(content: bytes) -> dict:
    """A file as the upload widget holds it after a user chose it."""
    return {"name": "wall.csv", "type": "text/csv", "size": len(content),
            "content": memoryview(content), "last_modified": datetime.now(UTC)}  # fmt: skip


def test_the_entry_widget_imports_an_uploaded_csv(session):
    entry = step5.VoteEntry(session.plan, PREDICTORS)
    assert entry.record_upload() is None and "Choose a CSV file" in entry.message.value
    entry.voters.value, entry.dots.value = 5, 3
    entry.upload.value = (uploaded(b"Moon landings,2\n"),)
    assert entry.record_upload() is None and "row 1" in entry.message.value
    entry.upload.value = (uploaded(b"Digital access,4\n"),)
    assert entry.record_upload()["source"] == "csv"


def test_the_vote_template_lists_every_predictor_and_imports():
    template = ROOT / "data" / "templates" / step5.VOTE_TEMPLATE
    counts, problems = read_counts_csv(template.read_text(encoding="utf-8"), PREDICTORS)
    assert problems == [] and list(counts) == PREDICTORS and set(counts.values()) == {0}


def test_a_closed_live_ballot_is_taken_in_once(session):
    from workbook.ballots import open_ballot

    store = session.plan
    ballot = open_ballot(store, 5, "Where first?", PREDICTORS, "dots", dots_per_person=2)
    ballot.record_paper_counts({"Housing stability": 5, "Digital access": 3}, voters=6)
    with pytest.raises(RecordError) as still_open:
        step5.receive_ballot(store, ballot.id)
    assert "still open" in still_open.value.errors["ballot_id"]
    ballot.close()
    vote = step5.receive_ballot(store, ballot.id)
    assert vote["source"] == "ballot" and vote["ballot_id"] == ballot.id
    assert vote["counts"]["Housing stability"] == 5 and vote["voters"] == 6
    with pytest.raises(RecordError) as twice:
        step5.receive_ballot(store, ballot.id)
    assert "already in the plan" in twice.value.errors["id"]
    with pytest.raises(RecordError) as unknown:
        step5.receive_ballot(store, "ballot-nope")
    assert "ballot_id" in unknown.value.errors
    assert len(step5.saved_votes(store)) == 1


def test_the_live_ballot_widget_opens_and_takes_the_result_in(session):
    views = step5.InitialUnderstanding(session)
    live = step5.LiveBallot(session, PREDICTORS, on_saved=views.refresh)
    assert live.take() is None and "Open a ballot first" in live.message.value
    live.dots.value = 2
    ballot = live.open()
    assert ballot.is_open and live.panel.children  # the join panel is shown
    assert live.take() is None and "still open" in live.message.value
    ballot.record_paper_counts({"Social capital": 4}, voters=5)
    ballot.close()
    taken = live.take()
    assert taken, live.message.value
    assert taken["counts"]["Social capital"] == 4
    assert "Taken in: 5 voters, 4 points" in live.message.value
    assert "5 people voted (a live ballot, 2 dots each)" in views.tally_view().items[1].data
