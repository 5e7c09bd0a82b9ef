"""The brief and the fact sheet: condensed from the MAP, rendered three ways, shorter."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import docx
import pikepdf
import pytest

from tests.map.conftest import EXAMPLE, HOSTILE
from tests.map.helpers import strings
from workbook.data.catalog import load_framework
from workbook.display.document import Figure, Gap, Paragraph, Table
from workbook.map.briefs import (
    BRIEF_TITLE,
    FACT_SHEET_TITLE,
    STEMS,
    build_brief,
    build_fact_sheet,
    condensed,
)
from workbook.map.build import build_document
from workbook.map.render import FORMATS, render
from workbook.map.render.common import is_short
from workbook.plan.store import import_plan
from workbook.steps import registry


def registry_title(number: int) -> str:
    return load_framework().step(number)["title"]


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    plan = import_plan(EXAMPLE, tmp_path_factory.mktemp("briefs") / "plan.sqlite")
    return build_document(plan, today="2027-01-28")


@pytest.fixture(scope="module")
def rendered(full, tmp_path_factory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("rendered")
    return {
        kind: render(condensed(full, kind), folder, FORMATS, stem=STEMS[kind]) for kind in STEMS
    }


def pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def test_all_three_build_in_every_format(rendered):
    for kind, files in rendered.items():
        assert set(files) == set(FORMATS), kind
        for path in files.values():
            assert path.stat().st_size > 1000, path
    assert rendered["brief"]["pdf"].name == "map-brief.pdf"
    assert rendered["fact_sheet"]["docx"].name == "map-fact-sheet.docx"


def test_brief_and_fact_sheet_are_shorter_than_the_map(rendered):
    full, brief, sheet = (pages(rendered[k]["pdf"]) for k in ("map", "brief", "fact_sheet"))
    assert 2 <= brief <= 4, brief
    assert 1 <= sheet <= 2, sheet
    assert sheet < brief < full
    words = {k: len(rendered[k]["html"].read_text(encoding="utf-8").split()) for k in STEMS}
    assert words["fact_sheet"] < words["brief"] < words["map"]
    paragraphs = {k: len(docx.Document(str(rendered[k]["docx"])).paragraphs) for k in STEMS}
    assert paragraphs["fact_sheet"] < paragraphs["brief"] < paragraphs["map"]


def test_short_documents_have_no_contents_page(rendered):
    brief = rendered["brief"]["html"].read_text(encoding="utf-8")
    assert 'class="toc"' not in brief and '<body class="short">' in brief
    whole = rendered["map"]["html"].read_text(encoding="utf-8")
    assert 'class="toc"' in whole and '<body class="short">' not in whole


def test_they_carry_the_maps_version_status_and_marks(full):
    for doc, title in (
        (build_brief(full), BRIEF_TITLE),
        (build_fact_sheet(full), FACT_SHEET_TITLE),
    ):
        assert doc.title == title and doc.subtitle == full.subtitle
        assert (doc.version, doc.date, doc.status, doc.synthetic) == (
            full.version, full.date, full.status, full.synthetic
        )  # fmt: skip
        assert is_short(doc) and doc.metadata["jurisdiction"] == full.metadata["jurisdiction"]
    assert not is_short(full) and condensed(full, "map") is full


def test_the_brief_keeps_each_parts_lead_in_the_maps_own_words(full):
    brief = build_brief(full)
    assert [s.title for s in brief.sections] == [s.title for s in full.sections]
    full_texts = {b.text for b in full.blocks() if isinstance(b, Paragraph)}
    openings = [b for s in brief.sections for p in s.parts if p.title != "Still to write"
                for b in p.blocks if isinstance(b, Paragraph)]  # fmt: skip
    assert len([b for b in openings if b.lead]) >= 5  # Steps 1-4 and 9, and the findings
    assert all(any(t.startswith(b.text) for t in full_texts) for b in openings)
    # No table, chart or gap box: the parts still to write are named in one line.
    assert not [b for b in brief.blocks() if isinstance(b, Table | Figure | Gap)]
    still = " ".join(b.text for s in brief.sections for p in s.parts
                     if p.title == "Still to write" for b in p.blocks)  # fmt: skip
    missing = sorted({n for s in load_framework()["map_sections"] for n in s["steps"]}
                     - set(registry.numbers()))  # fmt: skip
    for number in missing:
        assert f"Step {number}, {registry_title(number)}" in still
    if not missing:  # every step that writes the MAP exists: nothing is named as missing
        assert still == ""


def test_the_fact_sheet_says_one_thing_per_section(full):
    sheet = build_fact_sheet(full)
    assert sheet.sections == ()
    facts = dict(next(b for b in sheet.blocks() if isinstance(b, Table)).rows)
    assert facts["Place"] == full.subtitle and facts["Version"] == "1 (draft)"
    items = next(b for p in sheet.front for b in p.blocks if type(b).__name__ == "BulletList")
    assert [i.split(":")[0] for i in items.items] == [s.title for s in full.sections]
    # One line per section: its first sentence, or "Not written yet." when no step of the
    # plan wrote anything in it.
    written = {
        s.title
        for s in full.sections
        if any(not isinstance(b, Gap) for p in s.parts for b in p.blocks)
    }
    for item in items.items:
        title = item.split(":")[0]
        assert item.endswith("Not written yet.") == (title not in written), item


def test_private_release_details_never_reach_a_condensed_document(full):
    for doc in (full, build_brief(full), build_fact_sheet(full)):
        assert not any("Dolores Whitfield" in s for s in strings(doc))


def test_hostile_text_is_shown_as_typed_in_short_documents(full, tmp_path):
    spiked = dataclasses.replace(full, subtitle=f"Linden {HOSTILE}")
    files = render(build_fact_sheet(spiked), tmp_path, ("html",), stem="sheet")
    page = files["html"].read_text(encoding="utf-8")
    assert "<!--<script>" not in page and "<script>alert(1)" not in page
    assert "&lt;!--&lt;script&gt;" in page
