"""The MAP document built from the example plan: sections, the steps' parts, gaps, privacy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.map.helpers import expected_gaps, gaps, part, strings, table, texts, without_steps
from workbook.data.catalog import load_framework
from workbook.display.document import BulletList, Callout, Figure, Gap, Paragraph
from workbook.map.build import build_document
from workbook.map.errors import IncompleteMapError
from workbook.plan.store import PlanStore
from workbook.steps import build_the_coalition as coalition
from workbook.steps import local_government_readiness as readiness
from workbook.steps import registry
from workbook.steps import use_the_metrics as metrics

FRAMEWORK = load_framework()
SECTIONS = FRAMEWORK["map_sections"]
HOSTILE = 'Rents rose <!--<script>alert("x")</script> & "fast" {{ plan }} $5'


@pytest.fixture
def doc(example_plan: Path):
    return build_document(example_plan, today="2027-01-20")


def saved(path: Path, section: str):
    with PlanStore.open(path, read_only=True) as store:
        return store.get(section).value


def test_the_five_sections_in_the_guide_order_with_their_titles(doc):
    assert [(s.number, s.id, s.title) for s in doc.sections] == [
        (s["number"], s["id"], s["title"]) for s in SECTIONS
    ]
    for section, spec in zip(doc.sections, SECTIONS, strict=True):
        steps = [p.step for p in section.parts if p.step is not None]
        assert steps == spec["steps"]  # every step the guide names, in its order
    assert doc.title == "Mobility Action Plan"
    assert doc.subtitle == "Linden County, Calderra (98031)"
    assert (doc.status, doc.version, doc.date, doc.synthetic) == ("draft", 1, "2027-01-20", True)


def test_steps_not_in_the_workbook_leave_gaps_naming_the_step(doc):
    titles = {s["number"]: s["title"] for s in FRAMEWORK.steps}
    for section, spec in zip(doc.sections, SECTIONS, strict=True):
        for number in spec["steps"]:
            found = gaps(part(doc, section.id, number).blocks)
            if number in registry.numbers():  # the example fills every step there is
                assert found == [], (section.id, number)
            else:
                assert [(g.step, g.step_title) for g in found] == [(number, titles[number])]
    named = {g.step for _, g in doc.gaps}
    assert named == {n for s in SECTIONS for n in s["steps"]} - set(registry.numbers())


def test_steps_1_to_4_parts_hold_their_facts(doc, example_plan):
    step1 = part(doc, "how_we_got_here", 1).blocks
    assert "Review checklist: 6 of 7 items done." in texts(step1)
    assert "The team saved its work on this step on 5 October 2026." in texts(step1)

    step3 = part(doc, "how_we_got_here", 3).blocks
    responses = saved(example_plan, readiness.RESPONSES_SECTION)
    stats = readiness.condition_stats(responses, readiness.conditions_of(FRAMEWORK))
    expected = readiness.judge(stats)
    judgement = next(b for b in step3 if isinstance(b, Callout))
    assert (
        judgement.title
        == f"Overall judgement: {expected.title}"
        == ("Overall judgement: Ready with gaps")
    )
    actions = table(step3, "Actions that close")
    assert len(actions.rows) == len(saved(example_plan, readiness.ACTIONS_SECTION))
    assert ("Budget office", "15 February 2027") == actions.rows[0][2:4]  # role, due date

    step4 = part(doc, "how_we_got_here", 4).blocks
    register = saved(example_plan, coalition.STAKEHOLDERS_SECTION)
    assert len(table(step4, "What was asked").rows) == len(register) == 8
    assert any(
        t.startswith(f"The register holds {len(register)} organisations") for t in texts(step4)
    )
    accepted = [r["organisation"] for r in register if r["status"] == "accepted"]
    members = next(p for p in doc.back if p.title == "Coalition members").blocks
    assert [row[0] for row in table(members, "The 4 organisations").rows] == accepted
    by_type = dict(table(step4, "Organisations that joined").rows)
    assert by_type["Philanthropies"] == "Linden Community Foundation"
    assert by_type["Government"] == "(nobody yet)"  # the school district has not answered


def test_step2_findings_give_the_headline_a_chart_the_peers_gaps_and_insights(doc, example_plan):
    findings = part(doc, "findings", 2).blocks
    lead = findings[0]
    assert isinstance(lead, Paragraph) and lead.lead
    assert "Linden County, Calderra (98031)" in lead.text and "277,193 people in 2023" in lead.text
    assert "from the years 2018 to 2023" in lead.text
    assert any(
        "better on 13 of the 29 metrics" in t and "worse on 11" in t for t in texts(findings)
    )
    concerns = next(b for b in findings if isinstance(b, BulletList))
    assert all("quality" in item and "percentile" in item for item in concerns.items)
    assert any("95% confidence interval" in item for b in findings if isinstance(b, BulletList)
               for item in b.items)  # fmt: skip
    figure = next(b for b in findings if isinstance(b, Figure))
    assert figure.alt and figure.spec["vconcat"]  # the overview chart, described in words
    columns = {k for row in figure.spec["datasets"].values() for k in row[0]}
    assert columns == {"panel", "metric", "standing", "judgement", "quality", "year",
                       "direction"}  # fmt: skip
    peers = saved(example_plan, metrics.PEERS_SECTION)
    assert [row[1] for row in table(findings, "The 8 peers").rows] == peers["keys"]
    assert [row[2] for row in table(findings, "The 8 peers").rows] == [
        peers["reasons"][k] for k in peers["keys"]
    ]
    assert table(findings, "Largest gap between groups").rows
    statements = [r["statement"] for r in saved(example_plan, metrics.INSIGHTS_SECTION)]
    assert set(statements) <= set(texts(findings))


def test_private_details_never_reach_the_document(example_plan):
    with PlanStore.open(example_plan, author="Quinn Private") as store:
        coalition.stakeholder_table(store, FRAMEWORK).add({
            "organisation": "Privacy Test Org", "actor_types": ["government"],
            "contact": {"name": "Ana Hidden", "organisation": "Front desk",
                        "email": "ana@example.org", "phone": "+1 555 0199"},
            "status": "accepted",
        })  # fmt: skip
        readiness.ResponsesTable(store, FRAMEWORK).add(
            {"respondent": "Rae Respondent", "role": "Library", "data_skills": 3}
        )
        secret = {"ana@example.org", "+1 555 0199", "Ana Hidden", "Rae Respondent", "Quinn"}
        for record in store.get(coalition.TEAM_SECTION).value:
            secret |= {record["person"].get(k) for k in ("name", "email", "phone")}
        for record in store.get(coalition.STAKEHOLDERS_SECTION).value:
            secret |= {record["contact"].get(k) for k in ("name", "email", "phone")}
        for record in store.get(readiness.RESPONSES_SECTION).value:
            secret.add(record.get("respondent"))
        for record in store.get(readiness.ACTIONS_SECTION).value:
            secret.add(record["owner"].get("name"))
        secret |= {change.saved_by for change in store.history()}
    secret = {s for s in secret if s and len(s) > 3}  # respondent codes such as R4 aside
    assert len(secret) > 25
    doc = build_document(example_plan, author="")
    everything = list(strings(doc))
    assert any("Privacy Test Org" in s for s in everything)  # the organisation is public
    leaks = sorted({s for s in secret for text in everything if s in text})
    assert leaks == []
    assert not any("@" in text for text in everything)


def test_hostile_text_in_an_insight_arrives_unchanged_as_plain_text(example_plan):
    with PlanStore.open(example_plan, author="test") as store:
        current = store.get(metrics.INSIGHTS_SECTION)
        added = {"id": "hostile", "statement": HOSTILE, "tag": "concern", "pillars": ["work"],
                 "notes": "<b>bold</b>"}  # fmt: skip
        store.save(metrics.INSIGHTS_SECTION, [*current.value, added], current.version)
    findings = part(build_document(example_plan), "findings", 2).blocks
    assert Paragraph(HOSTILE) in findings
    assert Paragraph("<b>bold</b>") in findings


def test_building_writes_nothing(example_plan):
    folder = example_plan.parent
    before = example_plan.read_bytes()
    build_document(example_plan)
    assert example_plan.read_bytes() == before
    # Only SQLite's own side files, which a read-only connection to a WAL file creates.
    others = {p.name for p in folder.iterdir()} - {"plan.sqlite-wal", "plan.sqlite-shm"}
    assert others == {"plan.sqlite"}
    with PlanStore.open(example_plan, read_only=True) as store:
        assert "map.versions" not in store.sections()


def test_final_is_refused_while_parts_are_empty(example_plan):
    without_steps(example_plan, (7, 8))  # a coalition that has not reached Steps 7 and 8
    with pytest.raises(IncompleteMapError) as caught:
        build_document(example_plan, final=True)
    missing = caught.value.missing
    assert [(m.section, m.step) for m in missing] == expected_gaps(
        SECTIONS, (7, 8), registry.numbers()
    )
    message = str(caught.value)
    titles = {s["number"]: s["title"] for s in FRAMEWORK.steps}
    first = missing[0]
    assert f"Step {first.step}, {titles[first.step]}" in message and "Measurement plan" in message


def test_an_empty_plan_is_all_gaps_and_still_a_document(tmp_path):
    path = tmp_path / "plan.sqlite"
    PlanStore.open(path).close()
    doc = build_document(path, jurisdiction="98031")
    assert len(doc.gaps) == sum(len(s["steps"]) for s in SECTIONS)
    assert all(
        isinstance(b, Gap) for s in doc.sections for p in s.parts[:-1] if p.step for b in p.blocks
    )
    members = next(p for p in doc.back if p.title == "Coalition members").blocks
    assert texts(members) == ["No organisation has joined yet."]


def test_front_and_back_matter(doc):
    about = doc.front[0].blocks
    rows = dict(table(about, "About this document").rows)
    assert rows["Place"] == "Linden County, Calderra (98031)"
    assert rows["Version"] == "1 (draft)" and rows["Date"] == "20 January 2027"
    assert rows["Coalition"].startswith("4 partner organisations")
    assert any(isinstance(b, Callout) and b.title == "Synthetic data" for b in about)
    back = {p.title: p for p in doc.back}
    assert list(back) == [
        "Data sources", "How comparisons and peers were made", "Notes on data quality",
        "Coalition members", "Glossary",
    ]  # fmt: skip
    credit = [b for b in back["Data sources"].blocks if hasattr(b, "url") and b.url]
    assert "Urban Institute, Mobility Metrics" in credit[0].text
    glossary = table(back["Glossary"].blocks, "Terms").rows
    assert len(glossary) == 3 + 5 + len(FRAMEWORK["equity_terms"])
    assert ("Structural racism", "Equity term") == glossary[-1][:2]


def test_a_real_county_los_angeles(real_dir, tmp_path, monkeypatch):
    path = tmp_path / "plan.sqlite"
    keys = ["06059", "06073", "04013", "17031"]
    with PlanStore.open(path, author="test") as store:
        store.save(metrics.PEERS_SECTION, {"jurisdiction": "06037", "method": "chosen",
                   "note": "Chosen by the coalition.", "keys": keys,
                   "reasons": dict.fromkeys(keys, "chosen by the coalition")}, 0)  # fmt: skip
    doc = build_document(path, data_dir=str(real_dir))
    assert doc.subtitle == "Los Angeles County, California (06037)" and not doc.synthetic
    findings = part(doc, "findings", 2).blocks
    assert "Los Angeles County, California (06037), a county of" in findings[0].text
    assert " people in 2023" in findings[0].text
    assert [row[1] for row in table(findings, "The 4 peers").rows] == keys
    assert "Orange County, California" == table(findings, "The 4 peers").rows[0][0]
    assert len(table(findings, "Largest gap between groups").rows) >= 3
    sources = next(p for p in doc.back if p.title == "Data sources").blocks
    assert "Urban's Mobility Metrics" in texts(sources)[0]
    assert not any(
        b.title == "Synthetic data" for b in doc.front[0].blocks if isinstance(b, Callout)
    )
