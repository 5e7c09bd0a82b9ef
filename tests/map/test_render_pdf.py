"""The PDF: tagged for PDF/UA-1, titled, in its language, with bookmarks and embedded fonts.

Read back with pikepdf (structure) and poppler's pdftotext (the text a reader copies).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.map.conftest import FIGURE_ALTS, SECTION_TITLES, WIDE_HEADER, h
from workbook.display.document import Document
from workbook.map.render.pdf import render_pdf

FULL_TITLE = f"{h('Mobility Action Plan')}: {h('Linden County, Calderra (98031)')}"


@pytest.fixture(scope="module")
def path(document: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_pdf(document, tmp_path_factory.mktemp("pdf") / "map.pdf")


@pytest.fixture(scope="module")
def pdf(path: Path):
    with pikepdf.open(path) as opened:
        yield opened


@pytest.fixture(scope="module")
def pages_text(path: Path) -> list[str]:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is needed: apt-get install poppler-utils"
    out = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")


def struct_elements(pdf) -> list[pikepdf.Dictionary]:
    found, todo = [], [pdf.Root.StructTreeRoot]
    while todo:
        node = todo.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                found.append(kid)
                todo.append(kid)
    return found


def test_title_and_language_are_in_the_metadata(pdf):
    assert str(pdf.docinfo["/Title"]) == FULL_TITLE
    assert str(pdf.Root.Lang) == "en-US"
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True  # title, not file name
    with pdf.open_metadata() as xmp:
        assert xmp["dc:title"] == FULL_TITLE
        assert xmp["pdfuaid:part"] == "1"  # declares PDF/UA-1


def test_document_is_tagged(pdf):
    assert "/StructTreeRoot" in pdf.Root
    assert bool(pdf.Root.MarkInfo.Marked) is True
    roles = [str(e.S) for e in struct_elements(pdf)]
    for role in ("/H1", "/H2", "/H3", "/H4", "/P", "/L", "/LI", "/Table", "/TH", "/TD", "/Figure"):
        assert role in roles, role


def test_figures_carry_their_alt_text(pdf):
    alts = [str(e.Alt) for e in struct_elements(pdf) if e.S == "/Figure" and "/Alt" in e]
    assert sorted(alts) == sorted(FIGURE_ALTS)


def test_table_headers_are_real_headers(pdf):
    elements = struct_elements(pdf)
    headers = [e for e in elements if e.S == "/TH"]
    assert len(headers) >= 3 + len(WIDE_HEADER)
    assert all(h.A.Scope == "/Column" and "/ID" in h for h in headers)
    cells = [e for e in elements if e.S == "/TD"]
    assert cells and all(len(c.A.Headers) == 1 for c in cells)


def test_bookmarks_follow_the_headings(pdf):
    with pdf.open_outline() as outline:
        (top,) = outline.root
        assert top.title == h("Mobility Action Plan")
        titles = [item.title for item in top.children]
        children = {item.title: [c.title for c in item.children] for item in top.children}
    assert titles == [
        "Contents",
        h("About this plan"),
        f"1. {h(SECTION_TITLES[0])}",
        f"2. {h(SECTION_TITLES[1])}",
        h("Sources"),
    ]
    assert children[f"1. {h(SECTION_TITLES[0])}"] == [
        h("Housing and neighbourhoods"),
        h("The coalition"),
    ]


def test_every_font_is_embedded(pdf):
    fonts = [
        o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"
    ]
    assert fonts
    for font in fonts:
        assert font.Subtype != "/Type3", "a Type 3 font cannot be read out loud"
        descendant = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
        descriptor = descendant.FontDescriptor
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_section_titles_come_in_order_and_literally(pages_text: list[str]):
    text = "\f".join(pages_text)
    flat = " ".join(text.split())
    # Each title appears in the contents and as its heading: the headings come in order.
    positions = [flat.rindex(f"{n}. {title}") for n, title in enumerate(SECTION_TITLES, 1)]
    assert positions == sorted(positions)
    assert '</script><script>alert(1)</script> ]]> & "quotes" $32,319' in flat
    assert "Not written yet: Step 4, Build the coalition" in flat
    assert "Draft · Synthetic sample" in flat


def test_wide_table_prints_on_a_landscape_page(pdf, pages_text: list[str]):
    (index,) = [i for i, page in enumerate(pages_text) if "Table 2." in page]
    box = pdf.pages[index].mediabox
    assert float(box[2]) > float(box[3])
    for other in (0, index - 1, index + 1):  # the rest stays portrait, after it too
        box = pdf.pages[other].mediabox
        assert float(box[2]) < float(box[3])
    assert h("Sub-measure") in pages_text[index + 1]


def test_contents_page_shows_page_numbers(pages_text: list[str]):
    contents = next(p for p in pages_text if "Contents" in p)
    lines = [" ".join(line.split()) for line in contents.splitlines() if "About this plan" in line]
    assert lines and lines[0].split()[-1].isdigit()
