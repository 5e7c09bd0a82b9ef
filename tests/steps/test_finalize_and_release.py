"""Step 9: release plan and spokespeople, the wording review, the sign-off, the notebook."""

from __future__ import annotations

import json
import os
import re
import subprocess
from html import unescape
from pathlib import Path

import docx
import nbformat
import pytest

from tests.display.test_export import external_references
from tests.map.helpers import expected_gaps, without_steps
from tests.steps.test_local_government_readiness import EXAMPLE, run_step
from workbook.analysis import plain_language as plain
from workbook.cli import main
from workbook.data.catalog import load_framework
from workbook.display.document import Document, Paragraph, Part, Section, Table
from workbook.display.render import WIDGET_MIMETYPE
from workbook.map import versions
from workbook.map.build import build_document
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore, import_plan
from workbook.session import READ_ONLY_ENV
from workbook.steps import finalize_and_release as step9
from workbook.steps import registry
from workbook.steps.finalize_and_release import (
    SIGNOFF_SECTION,
    FinalizeAndRelease,
    Spokesperson,
)

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "09_finalize_and_release.ipynb"
HIDDEN = "Dolores Whitfield"  # the example's spokesperson who did not agree to be named
NAMED = "Helen Okoro"  # one who did
HOSTILE = "<!--<script> & </script><script>window.__wbInjected = 1</script>"
PLAIN = (
    "We met in the library. People told us about rent and jobs. They want good schools. "
    "The bus takes too long. We will fix the bus lines first. Then we will look at rent. "
    "Every month we will say what we did. You can come and tell us what you think."
)
HARD = (
    "Notwithstanding considerable institutional heterogeneity, intergovernmental "
    "coordination mechanisms demonstrably necessitate comprehensive administrative "
    "reorganization, particularly regarding socioeconomic stratification and "
    "infrastructural underinvestment affecting historically marginalized constituencies "
    "throughout metropolitan jurisdictions, consequently precipitating multidimensional "
    "programmatic recalibration."
)


def document(*sections: tuple[str, str]) -> Document:
    return Document(
        title="Test",
        subtitle="Nowhere (00000)",
        sections=tuple(
            Section(f"s{n}", n, title, (Part("Part", (Paragraph(text, lead=True),), step=1),))
            for n, (title, text) in enumerate(sections, 1)
        ),
    )


# --- the wording review -------------------------------------------------------------------


def test_reading_grades_are_computed_section_by_section():
    doc = document(("Plain", PLAIN), ("Hard", HARD), ("Short", "Too short to grade."))
    result = step9.review_document(doc, [], target=8)
    grades = result.readability.set_index("section")
    assert list(grades.index) == ["1. Plain", "2. Hard", "3. Short"]
    assert grades.loc["1. Plain", "grade"] <= 8 < grades.loc["2. Hard", "grade"]
    assert grades.loc["1. Plain", "verdict"] == "plain enough"
    assert grades.loc["2. Hard", "verdict"].startswith("harder than the target")
    assert grades.loc["3. Short", "verdict"] == "too little text to grade"
    assert (grades["target"] == 8).all() and grades.loc["1. Plain", "sentences"] == 8
    assert not result.long_sentences.empty  # the hard section is one long sentence
    html = step9.review_html(result)
    assert "1 of 3 sections read harder" in html and "Target: grade 8" in html


def test_the_grade_needs_no_download(monkeypatch):
    """textstat would fetch a pronunciation dictionary; the workbook must stay offline."""
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "find", refuse)
    assert plain.reading_grade(PLAIN) < 8 < plain.reading_grade(HARD)


def test_a_listed_term_is_found_with_its_suggestion_and_nothing_is_changed():
    text = "Services for the homeless and at-risk youth. Disabled people shaped this plan."
    doc = document(("Findings", text))
    before = json.dumps(doc, default=str)
    additions = [
        {"term": "shaped", "suggestion": "led", "why": "Our own word.", "keep": False},
        {"term": "disabled people", "keep": True},  # the coalition chose this wording
    ]
    found = step9.review_document(doc, step9.terms_in_use(additions), 8).findings
    rows = {r.found.lower(): r for r in found.itertuples()}
    assert set(rows) == {"the homeless", "at-risk youth", "shaped"}
    homeless = rows["the homeless"]
    assert homeless.suggestion == "people experiencing homelessness"
    assert homeless.sentence == "Services for the homeless and at-risk youth."
    assert homeless.section == "1. Findings / Part" and homeless.source == "workbook"
    assert rows["shaped"].source == "coalition" and rows["shaped"].suggestion == "led"
    assert (
        json.dumps(doc, default=str) == before and text in doc.sections[0].parts[0].blocks[0].text
    )


def test_terms_match_whole_words_and_tables_too():
    terms = [plain.Term("slum", "the neighbourhood's own name")]
    doc = Document(
        title="T", subtitle="S",
        sections=(Section("a", 1, "A", (Part("P", (
            Paragraph("Nobody slumbers here."),
            Table("Slums and more", ("Place",), (("Old slum district",),)),
        )),)),),
    )  # fmt: skip
    found = step9.review_document(doc, terms, 8).findings
    assert sorted(found["found"]) == ["Slums", "slum"]


def test_the_default_word_list_is_complete_and_in_our_words():
    terms = plain.default_terms()
    assert len(terms) >= 30
    for term in terms:
        assert term.suggestion and term.why and term.kind in plain.KINDS, term.term
    assert {t.term for t in terms} >= {"the homeless", "at-risk youth", "illegal immigrant"}


# --- the spokesperson: private name unless they agreed ---------------------------------------


def test_a_spokesperson_is_named_in_public_only_with_agreement():
    field = Spokesperson("spokesperson")
    hidden = field.clean({"name": HIDDEN, "organisation": "Tenants Union, member"})
    named = field.clean({"name": NAMED, "organisation": "County", "named": True})
    assert field.private_paths() == ["spokesperson.name"]
    assert field.display(hidden) == "Tenants Union, member"
    assert field.display(named) == f"{NAMED}, County"
    assert HIDDEN in field.display(hidden, include_private=True)
    assert field.to_cells(hidden, include_private=False) == {
        "spokesperson_organisation": "Tenants Union, member", "spokesperson_named": "no"
    }  # fmt: skip
    assert field.to_cells(named, include_private=False)["spokesperson"] == NAMED
    back = field.from_cells(field.to_cells(named))
    assert back == named and field.clean({**named, "named": False}).get("public_name") is None
    assert field.clean({"name": "", "organisation": "", "named": True}) is None
    public_copy = {k: v for k, v in named.items() if k != "name"}  # as PublicPlan gives it
    assert field.display(public_copy) == f"{NAMED}, County"
    assert field.display({k: v for k, v in hidden.items() if k != "name"}) == hidden["organisation"]


def test_step9_private_fields_match_the_registry(edit_session):
    step = FinalizeAndRelease(edit_session(9))
    editors = [step.format_form, step.release_table, step.terms_table, step.signoff()]
    assert {e.section for e in editors} == {s.name for s in registry.step(9).sections}
    for editor in editors:
        kept_private = {path for field in editor.fields for path in field.private_paths()}
        assert kept_private == set(registry.private_paths(editor.section)), editor.section


def test_release_plan_view_mode_hides_names_and_escapes_text(edit_session, monkeypatch):
    session = edit_session(9)
    step = FinalizeAndRelease(session)
    step.release_plan().add({
        "audience": f"Residents {HOSTILE}", "channel": "launch_event", "status": "planned",
        "event": HOSTILE, "date": "2027-02-20",
        "spokesperson": {"name": HIDDEN, "organisation": f"Union {HOSTILE}"},
    })  # fmt: skip
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    session.plan.close()
    viewer = FinalizeAndRelease(edit_session(9))
    shown = viewer.release_plan().static_html() + viewer.release_summary().static_html()
    assert HIDDEN not in shown and "<!--<script>" not in shown and "<script>" not in shown
    assert "&lt;!--&lt;script&gt;" in shown and "Union" in shown
    chart = json.dumps(viewer.timeline().current.to_dict())
    assert HIDDEN not in chart and "Residents" in chart


# --- the MAP part and the sign-off -------------------------------------------------------------


def test_the_maps_part_names_only_who_agreed(tmp_path):
    plan = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    doc = build_document(plan, today="2027-01-28")
    part = next(p for p in doc.sections[0].parts if p.step == 9)
    release = next(b for b in part.blocks if isinstance(b, Table))
    assert release.header == step9.RELEASE_HEADER
    spokespeople = [row[4] for row in release.rows]
    assert f"{NAMED}, Office of the County Executive, county executive" in spokespeople
    assert "Northside Tenants Union, member" in spokespeople
    text = json.dumps(doc, default=str)
    assert HIDDEN not in text
    assert "approved the final version" in text and "Spanish and Vietnamese" in text


def _remove_signoff(tmp_path: Path) -> Path:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del data["sections"][SIGNOFF_SECTION]
    data["history"] = [h for h in data["history"] if h["section"] != SIGNOFF_SECTION]
    (tmp_path / "unsigned.json").write_text(json.dumps(data), encoding="utf-8")
    return import_plan(tmp_path / "unsigned.json", tmp_path / "unsigned.sqlite")


class _OnlyBuiltSteps:
    """The framework with MAP sections fed only by steps the workbook has: no gaps."""

    def __init__(self, framework) -> None:
        self.framework = framework

    def __getitem__(self, key: str):
        if key == "map_sections":
            return [
                {**s, "steps": [n for n in s["steps"] if n in registry.numbers()]}
                for s in self.framework["map_sections"]
            ]
        return self.framework[key]

    def __getattr__(self, name: str):
        return getattr(self.framework, name)


@pytest.fixture
def no_gaps(monkeypatch):
    real = load_framework()
    monkeypatch.setattr("workbook.map.build.load_framework", lambda: _OnlyBuiltSteps(real))


def run_map(capsys, *args) -> tuple[int, str, str]:
    code = main(["map", "--format", "html", *map(str, args)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_final_is_refused_without_a_sign_off(tmp_path, capsys, no_gaps):
    plan = _remove_signoff(tmp_path)
    before = plan.read_bytes()
    code, _, err = run_map(capsys, "--plan-path", plan, "--final")
    assert code == 2
    assert "a final MAP needs the coalition's sign-off, and no sign-off is saved" in err
    assert "Step 9 (Finalize and release the MAP)" in err and "empty parts" not in err
    assert plan.read_bytes() == before


def test_final_is_refused_when_the_sign_off_asks_for_changes(tmp_path, capsys, no_gaps):
    plan = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(plan, author="Test") as store:
        form = step9.signoff_form(store)
        form.set_value("decision", step9.CHANGES)
        assert form.save()
    code, _, err = run_map(capsys, "--plan-path", plan, "--final")
    assert code == 2 and "asked for changes" in err
    assert "Steering group, by consent, 21 January 2027" in err


def test_final_is_accepted_with_an_approving_sign_off_and_no_gap(tmp_path, capsys, no_gaps):
    plan = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    code, out, err = run_map(capsys, "--plan-path", plan, "--final", "--output-dir", tmp_path / "d")
    assert code == 0, err
    assert "version 1 (final)" in out
    with PlanStore.open(plan, read_only=True) as store:
        assert [(v.number, v.status) for v in versions.recorded(store)] == [(1, "final")]
        public = PublicPlan(store, registry.private_paths)
        assert step9.signoff_problem(public) == ""
    page = (tmp_path / "d" / "map.html").read_text(encoding="utf-8")
    assert "approved the final version" in page and HIDDEN not in page


def test_gaps_and_a_missing_sign_off_are_named_together(tmp_path, capsys):
    plan = _remove_signoff(tmp_path)
    without_steps(plan, (7,))
    code, _, err = run_map(capsys, "--plan-path", plan, "--final")
    assert code == 2
    count = len(expected_gaps(load_framework()["map_sections"], (7,), registry.numbers()))
    assert f"a final MAP cannot have empty parts, and {count} " in err
    assert "Theory of change and logic model: not written yet" in err
    assert "it also needs the coalition's sign-off, and no sign-off is saved" in err


# --- the notebook, end to end ---------------------------------------------------------------


def outputs(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


def html_outputs(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )


def document_texts(folder: Path) -> str:
    """The text of every built document: HTML source, Word paragraphs and tables, PDF text."""
    parts = []
    for path in sorted(folder.glob("map*.html")):
        parts.append(path.read_text(encoding="utf-8"))
    for path in sorted(folder.glob("map*.docx")):
        word = docx.Document(str(path))
        parts += [p.text for p in word.paragraphs]
        parts += [c.text for t in word.tables for row in t.rows for c in row.cells]
    for path in sorted(folder.glob("map*.pdf")):
        parts.append(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                    text=True, check=True).stdout)  # fmt: skip
    return "\n".join(parts)


def seeded(tmp_path: Path) -> Path:
    plan = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(plan, author="Test") as store:
        step9.release_table(store).add({
            "audience": f"Faith groups {HOSTILE}", "channel": "community_meeting",
            "event": f"Breakfast {HOSTILE}", "status": "ready", "date": "2027-03-01",
            "spokesperson": {"name": "Quentin Hiddenname", "organisation": "Interfaith council"},
        })  # fmt: skip
    return plan


def test_step9_on_the_example_plan_in_edit_and_view_mode(tmp_path):
    plan = seeded(tmp_path)
    builder = {**os.environ, "WORKBOOK_AUTHOR": "Bea Buildername"}
    out = run_step(tmp_path, plan, steps="9", env=builder)
    notebook = out / "09_finalize_and_release.ipynb"
    shown = html_outputs(notebook)
    assert "5 occasions: 3 planned, 2 ready, 0 done" in shown
    assert "Reading grade by section" in shown and "at-risk youth" in shown
    assert "young people the systems around them have not served well" in shown
    assert "nothing in the plan has been changed" in shown
    assert "Version 1 (draft)" in shown and "map-fact-sheet.pdf" in shown
    # The opening tells of the draft this run built, as the page's end does.
    opening = shown[shown.index('class="wb-headline"') :].split("</div>")[0]
    assert "1 draft has been built" in opening
    assert "no version of it has been built" not in shown
    files = {p.name for p in out.glob("map*")}
    assert {f"{stem}.{f}" for stem in ("map", "map-brief", "map-fact-sheet")
            for f in ("html", "docx", "pdf")} <= files  # fmt: skip
    with PlanStore.open(plan, read_only=True) as store:
        recorded = versions.recorded(store)
        assert [(v.number, v.status, v.who) for v in recorded] == [(1, "draft", "Bea Buildername")]
        assert "map-brief.pdf" not in recorded[0].formats and "brief.pdf" in recorded[0].formats
    # Private: the names of spokespeople who did not agree, in the notebook and documents.
    built = document_texts(out)
    page = (out / "09_finalize_and_release.html").read_text(encoding="utf-8")
    for secret in (HIDDEN, "Quentin Hiddenname"):
        assert secret not in notebook.read_text(encoding="utf-8"), secret
        assert secret not in built and secret not in page, secret
    assert NAMED in built and "Interfaith council" in built
    # Typed text is text: escaped in the pages, literal in Word and PDF.
    for source in [page, *(p.read_text(encoding="utf-8") for p in out.glob("map*.html"))]:
        assert "<!--<script>" not in source and "window.__wbInjected = 1</script>" not in source
    assert "Breakfast <!--<script>" in built  # Word and PDF show it as typed
    assert external_references(page) == []

    # View mode: nothing written, no inputs, the versions built so far.
    before = plan.read_bytes()
    env = {**os.environ, READ_ONLY_ENV: "1"}
    viewed = run_step(tmp_path / "view", plan, steps="9", env=env)
    assert plan.read_bytes() == before
    assert not list(viewed.glob("map*"))
    view_text = outputs(viewed / "09_finalize_and_release.ipynb")
    assert "Versions built so far" in view_text and "draft" in view_text
    assert WIDGET_MIMETYPE not in view_text and not re.search(
        r"<input|<button|<textarea", view_text
    )
    for secret in (HIDDEN, "Quentin Hiddenname", "Bea Buildername"):  # who built: private
        assert secret not in view_text, secret


def test_step9_on_an_empty_plan(tmp_path):
    out = run_step(tmp_path, tmp_path / "new" / "plan.sqlite", steps="9")
    shown = html_outputs(out / "09_finalize_and_release.ipynb")
    assert "No release plan yet" in shown and "No dated occasion" in outputs(
        out / "09_finalize_and_release.ipynb"
    )
    assert "Reading grade by section" in shown and "Version 1 (draft)" in shown
    assert (out / "map-brief.pdf").exists() and (out / "map-fact-sheet.pdf").exists()
    page = (out / "09_finalize_and_release.html").read_text(encoding="utf-8")
    assert external_references(page) == [] and "Synthetic sample" in page


def test_one_term_is_found_once_however_it_is_spelled():
    texts = [("Findings", "Help for at-risk youth and for at risk youth.")]
    found = plain.find_terms(texts, plain.default_terms())
    assert list(found["found"]) == ["at-risk youth", "at risk youth"]
    assert set(found["suggestion"]) == {"young people the systems around them have not served well"}


# --- the page's headline -----------------------------------------------------------------------


def words(html: str) -> str:
    """What a reader sees of some HTML: its text, with spaces tidied."""
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([.,;:)])", r"\1", text).strip()


def test_the_headline_of_an_empty_plan_says_nothing_is_decided(edit_session):
    html = FinalizeAndRelease(edit_session(9)).headline_html()
    assert html.startswith('<div class="wb-headline">')
    text = words(html)
    assert text == (
        "Linden County, Calderra: nothing decided yet about releasing the plan: no documents "
        "chosen, no release plan, no sign-off, no version built."
    )


def test_the_headline_says_released_or_not_where_and_who_signed_off(tmp_path):
    path = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(path) as store:
        text = words(step9.headline_html(PublicPlan(store, registry.private_paths), "Linden"))
        assert text.startswith("Linden: the plan is not released yet: no version of it has been")
        assert (
            "To be published as the full plan, the summary brief and the fact sheet, in web "
            "pages (HTML), Word (DOCX) and PDF; also in Spanish and Vietnamese."
        ) in text
        assert "Where it is presented: 4 occasions (3 planned, 1 ready):" in text
        assert "9 February 2027: Board work session on the plan, for county board" in text
        assert ("Sign-off: on 21 January 2027, Linden Mobility Coalition steering group "
                "(Steering group, by consent) approved the final version.") in text  # fmt: skip
        assert "Community members saw the final draft before release." in text
        assert HIDDEN not in text
        store.save(versions.SECTION, [
            {"number": 1, "date": "2027-01-25T10:00:00+00:00", "status": "draft", "who": "Ana"},
            {"number": 1, "date": "2027-02-01T09:00:00+00:00", "status": "final", "who": "Ana"},
        ], 0)  # fmt: skip
        text = words(step9.headline_html(PublicPlan(store, registry.private_paths), "Linden"))
    assert text.startswith("Linden: the plan is released: version 1, final, built on 1 February")
    assert "Published as the full plan" in text and "Ana" not in text


def test_the_headline_escapes_typed_text_and_hides_private_names(edit_session):
    step = FinalizeAndRelease(edit_session(9))
    step.release_plan().add({
        "audience": f"Residents {HOSTILE}", "channel": "launch_event", "status": "planned",
        "event": HOSTILE, "date": "2027-02-20",
        "spokesperson": {"name": HIDDEN, "organisation": "Union"},
    })  # fmt: skip
    html = step.headline_html()
    assert "<script>" not in html and "<!--" not in html and "&lt;script&gt;" in html
    assert HIDDEN not in html
    assert "Where it is presented: 1 occasion (1 planned):" in words(html)


def test_the_notebook_opens_with_the_headline():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    sources = [c.source.strip() for c in notebook.cells]
    setup = next(i for i, s in enumerate(sources) if "start(9," in s)
    heading = next(i for i, s in enumerate(sources) if s.startswith("## "))
    assert sources[setup + 1] == "release.headline(documents)" and setup + 1 < heading
    for cell in notebook.cells:  # how-to text is for editing only
        if cell.cell_type == "markdown" and "Choose the documents" in cell.source:
            assert "workbook-editing" in cell.metadata.get("tags", [])
