"""The Word document: Word's own heading styles, a TOC field, real tables and described pictures."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.map.conftest import FIGURE_ALTS, HOSTILE, STEP_TITLE, WIDE_HEADER, h
from workbook.display.document import Document
from workbook.map.render.docx import render_docx


@pytest.fixture(scope="module")
def path(document: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_docx(document, tmp_path_factory.mktemp("docx") / "map.docx")


@pytest.fixture(scope="module")
def word(path: Path):
    return docx.Document(str(path))


def test_headings_use_words_built_in_styles_in_order(word):
    headings = [
        (p.style.name, p.text)
        for p in word.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Title", h("Mobility Action Plan")),
        ("Heading 1", h("About this plan")),
        ("Heading 1", f"1. {h('Where the county stands')}"),
        ("Heading 2", h("Housing and neighbourhoods")),
        ("Heading 3", h("Rent burden")),
        ("Heading 2", h("The coalition")),
        ("Heading 1", f"2. {h('What the coalition will do')}"),
        ("Heading 2", h("Measures")),
        ("Heading 4", h("Sub-measure")),
        ("Heading 1", h("Sources")),
    ]


def test_table_of_contents_is_a_field_word_updates_on_open(word):
    body = word.element.body
    instructions = [e.text for e in body.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == [r'TOC \o "1-3" \h \z \u']
    kinds = [e.get(qn("w:fldCharType")) for e in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    update = word.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    # Until Word updates it, the field shows the headings.
    shown = [p.text for p in word.paragraphs]
    start = shown.index("Contents")
    assert shown[start + 1 : start + 3] == [
        h("About this plan"),
        f"1. {h('Where the county stands')}",
    ]


def test_tables_have_a_repeating_header_row(word):
    assert len(word.tables) == 2
    first, wide = word.tables
    assert [c.text for c in first.rows[0].cells] == [h("Tract"), "Share", "Median rent"]
    assert [c.text for c in wide.rows[0].cells] == list(WIDE_HEADER)
    assert [c.text for c in first.rows[1].cells] == [h("Tract A"), "42%", "$1,250"]
    for table in word.tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert (
            table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
        )
    caption = first._tbl.tblPr.find(qn("w:tblCaption"))
    assert caption.get(qn("w:val")) == h("Rent burden by tract")


def test_wide_table_sits_in_a_landscape_section(word):
    orientations = [s.orientation for s in word.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = word.sections[1]
    assert landscape.page_width > landscape.page_height
    # The landscape section ends right after the wide table (its sectPr follows it).
    body = list(word.element.body)
    wide_at = body.index(word.tables[1]._tbl)
    ends = [i for i, e in enumerate(body) if e.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    assert ends[0] < wide_at < ends[1]


def test_pictures_carry_the_alt_text_as_description(word):
    shapes = list(word.inline_shapes)
    assert [s._inline.docPr.get("descr") for s in shapes] == list(FIGURE_ALTS)
    for shape in shapes:
        assert shape.width > 0 and shape.width <= word.sections[0].page_width
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert captions == [
        f"Figure 1. {h('Rent burden by tract')}",
        f"Table 1. {h('Rent burden by tract')}",
        f"Figure 2. {h('Jobs reached by transit')}",
        f"Table 2. {h('Measures by year')}",
    ]
    images = [p for p in word.part.package.parts if p.content_type == "image/png"]
    assert len(images) == 2 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)


def test_hostile_text_stays_literal(word):
    texts = [p.text for p in word.paragraphs]
    assert h("The opening sentence.") in texts
    assert h("A paragraph\nwith a line break.") in texts  # the break kept as a break
    assert h("First item") in texts and h("Step one") in texts
    styles = {p.text: p.style.name for p in word.paragraphs}
    assert styles[h("First item")] == "List Bullet" and styles[h("Step one")] == "List Number"
    assert sum(HOSTILE in t for t in texts) >= 20


def test_gap_and_callouts_are_boxed_and_worded(word):
    texts = [p.text for p in word.paragraphs]
    gap_at = texts.index(f"Not written yet: Step 4, {STEP_TITLE}, fills this.")
    assert texts[gap_at + 1] == h("Who sits on the coalition")
    gap = word.paragraphs[gap_at]
    assert gap._p.pPr.find(qn("w:pBdr")) is not None
    assert gap._p.pPr.find(qn("w:shd")).get(qn("w:fill")) == "FFF4E5"
    for label in (
        f"Key message: {h('Read this first')}",
        f"Caution: {h('Mind the margins')}",
        f"Note: {h('A note')}",
    ):
        paragraph = word.paragraphs[texts.index(label)]
        assert paragraph.runs[0].bold and paragraph._p.pPr.find(qn("w:pBdr")) is not None


def test_document_properties_title_language_and_draft(word, document: Document):
    props = word.core_properties
    assert props.title == f"{h('Mobility Action Plan')}: {h('Linden County, Calderra (98031)')}"
    assert props.language == "en-US"
    assert props.author == h("Linden Coalition")
    assert props.created.year == 2026
    lang = word.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert lang.find(qn("w:lang")).get(qn("w:val")) == "en-US"
    header = word.sections[0].header.paragraphs[0].text
    assert header == "Draft · Synthetic sample"
    assert any(p.text.startswith("Synthetic sample: every name") for p in word.paragraphs)


def test_final_real_plan_has_no_draft_marks(document: Document, tmp_path: Path):
    final = dataclasses.replace(document, status="final", synthetic=False)
    word = docx.Document(str(render_docx(final, tmp_path / "final.docx")))
    assert word.sections[0].header.paragraphs[0].text == ""
    assert not any("Synthetic sample" in p.text for p in word.paragraphs)


def test_citation_links_only_to_the_web(word):
    targets = [
        rel.target_ref for rel in word.part.rels.values() if rel.reltype.endswith("/hyperlink")
    ]
    assert targets == ["https://example.org/a?x=1&y=%3C2%3E"]
    texts = [p.text for p in word.paragraphs]
    assert f"{h('A link that must not run')} javascript:alert(1)" in texts
