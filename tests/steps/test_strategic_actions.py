"""Step 7: findings, vision, theory of change, logic model, approval, the MAP, the notebook."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import docx
import nbformat
import openpyxl
import pytest
from pypdf import PdfReader

from tests.steps.test_local_government_readiness import run_step
from workbook.analysis import theory_of_change as toc_model
from workbook.display.diagrams import DiagramView, toc_png, toc_svg
from workbook.display.document import Diagram, Table
from workbook.errors import WorkbookError
from workbook.forms import RecordError
from workbook.map.build import build_document
from workbook.map.render.docx import render_docx
from workbook.map.render.html import render_html
from workbook.map.render.pdf import render_pdf
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.steps import registry
from workbook.steps import strategic_actions as step7
from workbook.steps.strategic_actions import records as rec

HOSTILE = "<!--<script>"
BREAKOUT = "</script><script>alert(1)</script>"
NAME = "Rent help & <b>stable</b> homes " + BREAKOUT


# --- upstream sections, written as the contracts say -------------------------------------


def upstream(store: PlanStore) -> None:
    """Steps 4, 5 and 6 as their contracts describe them (those steps are built elsewhere)."""
    store.save("step4.stakeholders", [
        {"id": "s1", "organisation": "Linden Housing Trust", "status": "accepted",
         "contact": {"name": "Private Person", "email": "p@example.org"}},
        {"id": "s2", "organisation": "Eastside Library", "status": "asked"},
    ], 0)  # fmt: skip
    store.save("step5.local_data", [
        {"id": "d1", "name": "Eviction filings", "source_id": "src1", "geography": "tract",
         "file_name": "evictions.csv", "imported_on": "2026-05-01", "rows": 10,
         "measures": [{"id": "m1", "name": "Filings per 100 renters", "unit": "per 100",
                       "direction": "lower", "quality": "Strong", "notes": "",
                       "predictor": "Housing stability", "metric": None}]},
    ], 0)  # fmt: skip
    store.save("step6.findings", [
        {"id": "f1", "statement": "Rents rose faster than wages.", "evidence": [],
         "strength": "several", "groups": [], "predictors": ["Housing affordability"]},
        {"id": "f2", "statement": "Buses miss the early shifts.", "evidence": [],
         "strength": "one", "groups": [], "predictors": ["Transportation access"]},
    ], 0)  # fmt: skip


@pytest.fixture
def actions(edit_session):
    session = edit_session(7)
    upstream(session.plan)
    view = step7.StrategicActions(session)
    yield view
    session.plan.close()


def fill_toc(view: step7.StrategicActions) -> dict[str, str]:
    """Three outcomes, two links and an intervention through the tables; ids by role."""
    out = view.outcomes()
    ids = {
        "long": out.add({"name": "Families stay in their homes", "level": "long",
                         "metrics": ["share_affordable_50_ami"], "local_measures": ["d1/m1"]}),
        "short": out.add({"name": "Tenants know their rights", "level": "short"}),
        "pre": out.add({"name": "Legal aid has funding", "level": "precondition"}),
    }  # fmt: skip
    links = view.links()
    ids["l1"] = links.add({"from": ids["pre"], "to": ids["short"], "rationale": "aid reaches "
                           "tenants", "assumptions": "Courts accept counsel."})  # fmt: skip
    ids["l2"] = links.add({"from": ids["short"], "to": ids["long"]})
    ids["i1"] = view.interventions().add({"name": "Right-to-counsel", "links": [ids["l1"]]})
    return ids


# --- the graph and its checks ------------------------------------------------------------


def test_a_cycle_is_named_by_its_outcomes():
    toc = {
        "outcomes": [{"id": a, "name": n, "level": "medium"}
                     for a, n in (("a", "Jobs"), ("b", "Income"), ("c", "Savings"))],
        "links": [{"id": "1", "from": "a", "to": "b"}, {"id": "2", "from": "b", "to": "c"},
                  {"id": "3", "from": "c", "to": "a"}],
    }  # fmt: skip
    found = [p for p in toc_model.check(toc) if p.kind == "cycle"]
    assert len(found) == 1 and set(found[0].ids) == {"a", "b", "c"}
    assert "Jobs \u2192 Income \u2192 Savings \u2192 Jobs" in found[0].message
    self_loop = {"outcomes": toc["outcomes"][:1], "links": [{"id": "x", "from": "a", "to": "a"}]}
    assert [p.kind for p in toc_model.check(self_loop)].count("cycle") == 1
    assert toc_svg(toc).startswith("<svg")  # a cycle still draws


def test_orphans_idle_interventions_and_unmeasured_outcomes_are_found():
    toc = {
        "outcomes": [
            {"id": "l", "name": "Long", "level": "long", "metrics": [], "local_measures": []},
            {"id": "m", "name": "Alone", "level": "medium"},
            {"id": "p", "name": "Start", "level": "precondition"},
        ],
        "links": [{"id": "k", "from": "p", "to": "l"}],
        "interventions": [{"id": "i", "name": "Idle", "links": []},
                          {"id": "j", "name": "Gone", "links": ["no-such-link"]}],
    }  # fmt: skip
    kinds = {(p.kind, p.ids) for p in toc_model.check(toc)}
    assert ("orphan", ("m",)) in kinds and ("orphan", ("p",)) not in kinds
    assert ("idle", ("i",)) in kinds and ("idle", ("j",)) in kinds
    assert ("unmeasured", ("l",)) in kinds
    toc["outcomes"][0]["metrics"] = ["share_affordable_50_ami"]
    assert "unmeasured" not in {p.kind for p in toc_model.check(toc, ["share_affordable_50_ami"])}
    # A measure that no longer exists counts as none.
    assert "unmeasured" in {p.kind for p in toc_model.check(toc, ["another"], [])}


def test_two_outcomes_with_the_same_name_are_refused_and_flagged(actions):
    out = actions.outcomes()
    first = out.add({"name": "Stable homes", "level": "long"})
    with pytest.raises(RecordError) as refused:
        out.add({"name": "  stable   HOMES ", "level": "short"})
    assert "already called 'Stable homes'" in refused.value.errors["name"]
    out.update(first, {"name": "Stable homes", "level": "medium"})  # its own name is fine
    # Saved another way (an import, an old file), the checks still say so.
    toc = {"outcomes": [{"id": "a", "name": "Same", "level": "long"},
                        {"id": "b", "name": "same", "level": "short"}]}  # fmt: skip
    duplicate = [p for p in toc_model.check(toc) if p.kind == "duplicate"]
    assert duplicate and set(duplicate[0].ids) == {"a", "b"}


def test_two_hundred_outcomes_check_and_draw():
    toc = {
        "outcomes": [{"id": f"o{n}", "name": f"Outcome {n}", "level": toc_model.LEVELS[n % 4],
                      "metrics": ["share_affordable_50_ami"]} for n in range(200)],
        "links": [{"id": f"k{n}", "from": f"o{n + 1}", "to": f"o{n}"} for n in range(199)],
        "interventions": [{"id": "i", "name": "Everything", "links": ["k5", "k50"]}],
    }  # fmt: skip
    assert not [p for p in toc_model.check(toc) if p.kind in ("cycle", "duplicate", "idle")]
    svg = toc_svg(toc)
    ElementTree.fromstring(svg)
    assert svg.count('class="node"') == 200 + 1 + 2  # outcomes, the intervention, 2 link dots


# --- hostile text -----------------------------------------------------------------------


def test_hostile_labels_stay_text_in_the_svg():
    quoted = {"id": "i", "name": 'He said "go" \\ <now>', "links": ["k"]}
    toc = {"outcomes": [{"id": "a", "name": HOSTILE, "level": "long"},
                        {"id": "b", "name": BREAKOUT, "level": "short"}],
           "links": [{"id": "k", "from": "b", "to": "a"}], "interventions": [quoted]}  # fmt: skip
    svg = toc_svg(toc, name=BREAKOUT)
    assert "<script" not in svg and "<!--" not in svg and "<?xml" not in svg
    assert "DOCTYPE" not in svg
    texts = [
        t.text or "" for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert HOSTILE in texts and "</script><script>alert(1)</script>" in "".join(texts)
    assert any('"go"' in t for t in texts)
    shown = DiagramView(svg, caption=BREAKOUT)._repr_html_()
    assert "<script" not in shown
    assert toc_png(toc)[:8] == b"\x89PNG\r\n\x1a\n"


def test_hostile_names_are_escaped_in_the_table(actions):
    actions.outcomes().add({"name": NAME, "level": "long"})
    html = actions.outcomes().table_html()
    assert "<script" not in html and "&lt;/script&gt;" in html


# --- deleting what others use ----------------------------------------------------------------


def test_deleting_an_outcome_a_link_uses_asks_and_keeps_nothing_dangling(actions):
    ids = fill_toc(actions)
    out = actions.outcomes()
    with pytest.raises(RecordError) as asked:
        out.delete(ids["short"])
    assert "used by 2 links" in str(asked.value)
    assert len(actions.toc()["outcomes"]) == 3  # nothing deleted yet
    # In the notebook: the first click warns, the second deletes with the links.
    out.reload()  # the table as the notebook shows it after those saves
    out._select(ids["short"])
    assert not out.delete_selected()
    assert "Tenants know their rights" in out.message_text and "2 links" in out.message_text
    assert out.delete_selected()
    toc = actions.toc()
    assert [o["name"] for o in toc["outcomes"]] == ["Families stay in their homes",
                                                   "Legal aid has funding"]  # fmt: skip
    assert toc["links"] == []
    assert toc["interventions"][0]["links"] == []  # detached, still listed
    assert not [p for p in toc_model.check(toc) if p.kind == "dangling"]
    assert "idle" in {p.kind for p in toc_model.check(toc)}
    # The other tables read the section again: no deleted link is offered.
    assert actions.links().records() == []
    assert actions.interventions().controls["links"].inputs["value"].options == ()


def test_cancelling_a_delete_keeps_the_outcome(actions):
    ids = fill_toc(actions)
    out = actions.outcomes()
    out.reload()
    out._select(ids["short"])
    out.delete_selected()  # warned
    out._select(ids["pre"])  # chose another record: cancelled
    out._select(ids["short"])
    assert not out.delete_selected()
    assert len(actions.toc()["outcomes"]) == 3


def test_an_outcome_a_step8_measure_uses_cannot_be_deleted(actions):
    ids = fill_toc(actions)
    actions.session.plan.save("step8.measures", [
        {"id": "ms1", "element": {"kind": "outcome", "id": ids["long"]}, "name": "Eviction rate"},
    ], 0)  # fmt: skip
    out = actions.outcomes()
    with pytest.raises(RecordError) as refused:
        out.delete(ids["long"], with_uses=True)
    assert "Step 8 measures it ('Eviction rate')" in str(refused.value)
    out.reload()
    out._select(ids["long"])
    assert not out.delete_selected() and "Step 8" in out.message_text
    assert len(actions.toc()["outcomes"]) == 3
    lm = actions.inputs()
    kept = lm.add({"name": "Staff time"})
    actions.session.plan.save(
        "step8.measures",
        [{"id": "ms2", "element": {"kind": "input", "id": kept}, "name": "Hours"}],
        1,
    )
    with pytest.raises(RecordError):
        lm.delete(kept)


def test_tables_over_one_section_do_not_lose_each_others_saves(edit_session):
    session = edit_session(7)
    first = step7.StrategicActions(session)
    second = step7.StrategicActions(session)  # another laptop, loaded at the same version
    a = first.outcomes().add({"name": "A", "level": "long"})
    b = second.outcomes().add({"name": "B", "level": "precondition"})
    kept = len(session.plan.list_conflicts(include_resolved=True))  # B: settled, kept
    second.links().add({"from": b, "to": a})  # only the outcomes changed since it loaded
    assert len(session.plan.list_conflicts(include_resolved=True)) == kept
    assert session.plan.list_conflicts() == []
    toc = session.plan.get(step7.TOC_SECTION).value
    assert {o["name"] for o in toc["outcomes"]} == {"A", "B"} and len(toc["links"]) == 1


def test_two_changes_to_the_same_outcome_become_a_conflict_to_settle(edit_session):
    from workbook.plan.store import ConflictError

    session = edit_session(7)
    first = step7.StrategicActions(session)
    a = first.outcomes().add({"name": "A", "level": "long"})
    second = step7.StrategicActions(session)
    first.outcomes().update(a, {"name": "A, said better"})
    with pytest.raises(ConflictError) as caught:
        second.outcomes().update(a, {"name": "A, said otherwise"})
    assert isinstance(caught.value.current.value, list)  # the table's own shape
    assert second.outcomes().force_pending()  # keep mine, as the panel's button does
    names = [o["name"] for o in session.plan.get(step7.TOC_SECTION).value["outcomes"]]
    assert names == ["A, said otherwise"]


# --- findings, vision --------------------------------------------------------------------


def test_the_findings_that_go_forward_are_saved_with_reasons(actions):
    store = actions.session.plan
    step7.save_selection(store, {"f2": "Shift workers asked for it", "f1": ""})
    value = store.get(step7.SELECTION_SECTION).value
    assert value == {
        "findings": ["f1", "f2"],
        "reasons": {"f1": "", "f2": "Shift workers asked for it"},
    }
    with pytest.raises(WorkbookError, match="'zz' is not one of Step 6's findings|zz is not"):
        step7.save_selection(store, {"zz": "?"})
    assert store.get(step7.SELECTION_SECTION).value == value  # nothing lost


def test_a_vote_adopts_the_draft_it_chose(actions):
    drafts = actions.drafts()
    one = drafts.add({"text": "Every family can stay and thrive here.", "comments": "Warm\nVague"})
    two = drafts.add({"text": "A county where work pays and homes last."})
    assert drafts.get(one)["comments"] == ["Warm", "Vague"]
    vote = {"id": "v1", "question": "Which vision?", "kind": "single", "options": [one, two],
            "dots_per_person": None, "stacking": False, "source": "ballot", "ballot_id": "b1",
            "voters": 30, "counts": {one: 11, two: 19}, "recorded_on": "2026-09-02"}  # fmt: skip
    value = actions.receive_vote(vote)
    assert value["adopted"] == {"text": "A county where work pays and homes last.",
                                "date": "2026-09-02", "draft_id": two}  # fmt: skip
    assert value["vote_id"] == "v1" and value["vote"]["counts"] == {one: 11, two: 19}
    by_text = {**vote, "id": "v2", "counts": {"Every family can stay and thrive here.": 3}}
    assert actions.receive_vote(by_text)["adopted"]["draft_id"] == one
    with pytest.raises(WorkbookError, match="tie"):
        actions.receive_vote({**vote, "counts": {one: 5, two: 5}})
    with pytest.raises(WorkbookError, match="not one of the vision drafts"):
        actions.receive_vote({**vote, "counts": {"Something else": 5}})
    assert actions.session.plan.get(step7.VISION_SECTION).value["adopted"]["draft_id"] == one


# --- logic model, export --------------------------------------------------------------------


def test_the_logic_model_exports_as_csv_and_excel(actions, tmp_path):
    actions.inputs().add({"name": "Housing trust fund", "stakeholders": ["s1"]})
    actions.activities().add({"name": "=HYPERLINK(\"x\")", "population": "Renters under 50% AMI",
                              "stakeholders": ["s1", "s2"],
                              "conditions": ["policies", "power_dynamics"]})  # fmt: skip
    actions.outputs().add({"name": "Households counselled"})
    actions.logic_outcomes()
    actions.logic["outcomes"].add({"name": "Fewer evictions", "term": "long",
                                   "pillars": ["neighborhoods"],
                                   "predictors": ["Housing stability"],
                                   "metrics": ["share_affordable_50_ami"],
                                   "local_measures": ["d1/m1"]})  # fmt: skip
    csv_path, xlsx_path = rec.export_logic_model(actions.rows(), tmp_path / "x")
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == list(rec.LOGIC_HEADER)
    activity = rows[2]
    assert activity[1] == '\'=HYPERLINK("x")'  # not a formula
    assert activity[4] == "Linden Housing Trust; Eastside Library (not a partner yet)"
    assert activity[5] == "Policies; Power dynamics"
    outcome = rows[4]
    assert outcome[2] == "Long-term" and outcome[7] == "Housing stability"
    assert outcome[9] == "Eviction filings: Filings per 100 renters"
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert [c.value for c in sheet[1]] == list(rec.LOGIC_HEADER)
    assert sheet.cell(3, 2).value == '\'=HYPERLINK("x")' and sheet.max_row == 5


def test_outcomes_come_over_from_the_theory_of_change_with_their_ids(actions):
    ids = fill_toc(actions)
    assert rec.outcomes_from_toc(actions.session.plan) == 3
    assert rec.outcomes_from_toc(actions.session.plan) == 0
    model = actions.session.plan.get(step7.LOGIC_SECTION).value
    assert {o["id"] for o in model["outcomes"]} == {ids["long"], ids["short"], ids["pre"]}
    assert {o["term"] for o in model["outcomes"]} == {"long", "short"}


# --- review and approval --------------------------------------------------------------------


def approved_plan(actions) -> dict[str, str]:
    ids = fill_toc(actions)
    ids["hostile"] = actions.outcomes().add({"name": NAME, "level": "precondition"})
    store = actions.session.plan
    draft = actions.drafts().add({"text": "Homes that last, " + BREAKOUT})
    step7.adopt(store, draft, "2026-09-01")
    actions.inputs().add({"name": "Housing trust fund", "stakeholders": ["s1"]})
    rec.outcomes_from_toc(store)
    step7.save_selection(store, {"f1": "Most residents named it"})
    version = step7.submit(store, "2026-09-10")
    step7.comment(store, version["number"], "Add a precondition on staffing.", by="Reviewer Roe")
    step7.approve(store, version["number"], "Coalition steering committee", "2026-09-20")
    return ids


def test_approval_locks_a_version_with_its_hash(actions):
    store = actions.session.plan
    approved_plan(actions)
    version = step7.latest_approved(store)
    expected = hashlib.sha256(
        json.dumps(
            version["snapshot"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()  # fmt: skip
    ).hexdigest()
    assert version["hash"] == expected and version["number"] == 1
    assert version["approved_by"] == "Coalition steering committee"
    assert not rec.draft_changed(store)
    with pytest.raises(WorkbookError, match="already version 1"):
        step7.submit(store)
    # Later edits start a new draft; the approved version stays as it was.
    actions.outcomes().add({"name": "Landlords join a registry", "level": "short"})
    assert rec.draft_changed(store)
    assert len(step7.latest_approved(store)["snapshot"]["toc"]["outcomes"]) == 4
    second = step7.submit(store, "2026-10-01")
    assert second["number"] == 2 and second["status"] == rec.IN_REVIEW
    with pytest.raises(WorkbookError, match="not in review"):
        step7.approve(store, 1, "Someone")
    assert step7.latest_approved(store)["number"] == 1  # until version 2 is approved
    step7.approve(store, 2, "Coalition steering committee", "2026-10-05")
    statuses = {v["number"]: v["status"] for v in rec.versions(store)}
    assert statuses == {1: "superseded", 2: "approved"}
    history = actions.history().static_html()
    assert "Superseded" in history and "Add a precondition" in history
    assert "Reviewer Roe" not in history


def test_step8_measures_of_elements_gone_from_the_draft_are_pointed_out(actions):
    actions.session.plan.save(
        "step8.measures",
        [{"id": "ms", "element": {"kind": "output", "id": "gone"}, "name": "Cases closed"}],
        0,
    )
    assert "&#x27;Cases closed&#x27; refer to parts" in actions.history().static_html()


def test_a_version_changed_after_submission_cannot_be_approved(actions):
    fill_toc(actions)
    store = actions.session.plan
    step7.submit(store)
    value = store.get(step7.APPROVAL_SECTION)
    tampered = json.loads(json.dumps(value.value))
    tampered["versions"][0]["snapshot"]["toc"]["outcomes"][0]["name"] = "Changed"
    store.save(step7.APPROVAL_SECTION, tampered, value.version)
    with pytest.raises(WorkbookError, match="no longer matches its hash"):
        step7.approve(store, 1, "Committee")


def test_dashboards_show_the_diagram_and_history_without_private_names(actions, monkeypatch):
    from workbook.display.live import static_html
    from workbook.session import READ_ONLY_ENV, start

    approved_plan(actions)
    actions.session.plan.close()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    session = start(7, "98031", plan_path=str(actions.session.plan.path),
                    output_dir=str(actions.session.output_dir), show=False)  # fmt: skip
    view = step7.StrategicActions(session)
    assert view.outcomes().read_only and view.adopt_panel is None
    diagram = static_html(view.diagram().current)
    assert "<svg" in diagram and "<script" not in diagram
    history = view.history().static_html()
    assert "Approved" in history and "Reviewer Roe" not in history
    assert "Rent help &amp; &lt;b&gt;" in view.outcomes()._repr_mimebundle_()["text/html"]
    session.plan.close()


def test_reviewer_names_are_private(actions):
    approved_plan(actions)
    public = PublicPlan(actions.session.plan, registry.private_paths)
    version = public.value(step7.APPROVAL_SECTION)["versions"][0]
    assert version["comments"][0]["text"].startswith("Add a precondition")
    assert "by" not in version["comments"][0]


# --- the MAP ----------------------------------------------------------------------------


def test_the_map_shows_the_approved_version_in_every_format(actions, tmp_path):
    approved_plan(actions)
    store = actions.session.plan
    actions.outcomes().add({"name": "Draft only, not approved", "level": "short"})
    plan_path = store.path
    store.close()
    doc = build_document(plan_path, today="2026-11-01")
    section = next(s for s in doc.sections if s.id == "theory_of_change")
    part = next(p for p in section.parts if p.step == 7)
    text = json.dumps([b for b in part.blocks if not isinstance(b, Diagram)], default=str)
    assert "version 1 of the theory of change" in text and "Draft only" not in text
    assert "Coalition steering committee" in text and "Reviewer Roe" not in text
    diagram = next(b for b in part.blocks if isinstance(b, Diagram))
    assert "<script" not in diagram.svg
    table = next(b for b in part.blocks if isinstance(b, Table))
    assert table.header == rec.LOGIC_HEADER
    assert "Courts accept counsel" in text  # the narrative carries the assumptions
    html = render_html(doc)
    assert html.count("<svg") >= 1 and "alert(1)</script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert "Families stay in their homes" in html
    pdf = render_pdf(doc, tmp_path / "map.pdf")
    pdf_text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Homes that last, </script><script>alert(1)</script>" in re.sub(r"\s+", " ", pdf_text)
    assert "Rent help &amp; &lt;b&gt;stable&lt;/b&gt; homes" in html  # in the SVG and table
    assert "<b>stable</b>" not in html
    word = docx.Document(render_docx(doc, tmp_path / "map.docx"))
    paragraphs = [p.text for p in word.paragraphs]
    assert "Homes that last, " + BREAKOUT in paragraphs
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert NAME in cells
    pictures = word.inline_shapes
    assert any("outcomes" in s._inline.docPr.get("descr") for s in pictures)


def test_without_an_approved_version_the_map_part_is_empty(actions):
    fill_toc(actions)
    step7.submit(actions.session.plan)
    plan = PublicPlan(actions.session.plan, registry.private_paths)
    assert step7.map_theory_of_change(plan, actions.session) == []


# --- the notebook ---------------------------------------------------------------------------


def outputs_text(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


INJECT = "<img src=x onerror=\"document.body.setAttribute('data-injected','1')\">"


def test_the_notebook_runs_on_a_filled_plan_and_draws_the_diagram(actions, tmp_path):
    """papermill runs the step on a filled plan; Chromium (network refused) draws its HTML
    copy with the diagram, and no label runs as code. The screenshot is kept under
    $WORKBOOK_ARTIFACTS (or the test's folder)."""
    import os
    import shutil
    import subprocess

    approved_plan(actions)
    actions.outcomes().add({"name": "Trust " + INJECT, "level": "precondition"})
    path = actions.session.plan.path
    actions.session.plan.close()
    out = run_step(tmp_path, path, steps="7")
    text = outputs_text(out / "07_strategic_actions.ipynb")
    assert "<svg" in text and "Families stay in their homes" in text
    assert "Approved" in text and "1 of 2 findings go forward" in text
    page = out / "07_strategic_actions.html"
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "alert(1)</script>" not in html and "<img src=x" not in html
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed: the page was checked as text only")
    folder = Path(os.environ.get("WORKBOOK_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "step07-theory-of-change.png"
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
              f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000"]  # fmt: skip
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=180).stdout  # fmt: skip
    assert 'aria-label="Theory of change"' in dom and 'class="node"' in dom
    assert "data-injected" not in dom.split("<body", 1)[1].split(">", 1)[0]
    subprocess.run([*common, "--window-size=1280,4000", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=180)  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 10_000


def test_the_notebook_runs_on_a_real_county(tmp_path, real_dir):
    import subprocess
    import sys

    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "7", "--jurisdiction", "06037",
         "--data-dir", str(real_dir), "--plan-path", str(tmp_path / "plan.sqlite"),
         "--output-dir", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Los Angeles" in result.stdout
    assert (out / "07_strategic_actions.html").exists()


def test_the_example_plan_fills_step7_approved_and_consistent(tmp_path, monkeypatch):
    import sys

    from workbook.plan.store import import_plan

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "scripts"))
    sys.modules.pop("make_example_plan", None)
    import make_example_plan

    written = make_example_plan.main(tmp_path / "plan.json")
    with PlanStore.open(import_plan(written, tmp_path / "plan.sqlite"), read_only=True) as store:
        version = step7.latest_approved(store)
        assert version is not None and version["status"] == "approved"
        assert version["hash"] == toc_model.fingerprint(version["snapshot"])
        assert not rec.draft_changed(store)
        toc = store.get(step7.TOC_SECTION).value
        assert len(toc["outcomes"]) == 8 and len(toc["interventions"]) == 3
        assert not [p for p in toc_model.check(toc) if p.kind in ("cycle", "dangling", "idle")]
        adopted = store.get(step7.VISION_SECTION).value["adopted"]
        assert adopted["draft_id"] in {d["id"] for d in rec.drafts(store)}
        partners = {value for _, value in rec.partners(store)}
        inputs = store.get(step7.LOGIC_SECTION).value["inputs"]
        assert inputs[0]["stakeholders"] and set(inputs[0]["stakeholders"]) <= partners


def test_in_the_notebook_a_saved_outcome_is_offered_to_links_at_once(actions):
    out = actions.outcomes()
    out.controls["name"].inputs["value"].value = "Jobs pay a living wage"
    out.controls["level"].inputs["value"].value = "long"
    assert out.save_editor(), out.message_text
    saved = out.records()[0]["id"]
    offered = actions.links().controls["from"].inputs["value"].options
    assert ("Jobs pay a living wage", saved) in offered
    out.picker.value = ""  # a new record with the same name
    out.controls["name"].inputs["value"].value = "jobs pay a living WAGE"
    out.controls["level"].inputs["value"].value = "short"
    assert not out.save_editor()
    assert "already called" in out.message_text and len(out.records()) == 1
    assert "No problems found" not in actions.checks().static_html()  # long, unmeasured
