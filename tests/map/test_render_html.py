"""The HTML document: structure a screen reader relies on, text shown literally, offline.

Parsed with the standard library's HTML parser (which reports any script element or
comment a hostile text could open), then opened in Debian's Chromium with every
outside connection sent to a dead proxy.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.map.conftest import FIGURE_ALTS, HOSTILE, STEP_TITLE, WIDE_HEADER, h
from workbook.display.document import Document, Figure, Paragraph, Part, Section
from workbook.map.render.common import RenderError, chart_svg
from workbook.map.render.html import render_html

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    text: list[str] = dataclasses.field(default_factory=list)

    @property
    def content(self) -> str:
        return "".join(self.text)

    def inside(self, tag: str, css: str = "") -> bool:
        node = self.parent
        while node is not None:
            if node.tag == tag and css in node.attrs.get("class", "").split() + [""]:
                return True
            node = node.parent
        return False


class Page(HTMLParser):
    """Every element with its attributes, parent and text, plus any comment."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.comments: list[str] = []
        self.stack: list[Element] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(
            tag, {k: v or "" for k, v in attrs}, self.stack[-1] if self.stack else None
        )
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        parent = self.stack[-1] if self.stack else None
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, parent))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


@pytest.fixture(scope="module")
def source(document: Document) -> str:
    return render_html(document)


@pytest.fixture(scope="module")
def page(source: str) -> Page:
    return Page(source)


def test_title_and_language_name_the_document(page: Page):
    (html,) = page.find("html")
    assert html.attrs["lang"] == "en-US"
    (title,) = [t for t in page.find("title") if t.inside("head")]
    assert title.content == f"{h('Mobility Action Plan')}: {h('Linden County, Calderra (98031)')}"


def test_headings_follow_the_document_in_order(page: Page):
    headings = [
        (e.tag, e.content)
        for e in page.elements
        if re.fullmatch(r"h[1-6]", e.tag) and not e.inside("nav")
    ]
    assert headings == [
        ("h1", h("Mobility Action Plan")),
        ("h2", h("About this plan")),
        ("h2", f"1. {h('Where the county stands')}"),
        ("h3", h("Housing and neighbourhoods")),
        ("h4", h("Rent burden")),
        ("h3", h("The coalition")),
        ("h2", f"2. {h('What the coalition will do')}"),
        ("h3", h("Measures")),
        ("h5", h("Sub-measure")),
        ("h2", h("Sources")),
    ]


def test_table_of_contents_links_jump_to_headings(page: Page):
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    links = [e for e in page.find("a") if e.inside("nav")]
    assert [a.content for a in links][:3] == [
        h("About this plan"),
        f"1. {h('Where the county stands')}",
        h("Housing and neighbourhoods"),
    ]
    assert len(links) == 7
    for link in links:
        assert link.attrs["href"].startswith("#") and link.attrs["href"][1:] in ids
    gaps_note = [e.content for e in page.elements if "toc-gaps" in e.attrs.get("class", "")]
    assert gaps_note == ["1 part not written yet"]


def test_ids_are_unique_even_inside_the_charts(page: Page):
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    assert any(i.startswith("figure-2-gradient") for i in ids)  # its legend, prefixed


def test_tables_have_captions_and_column_headers(page: Page):
    tables = page.find("table")
    assert len(tables) == 2
    captions = [e.content for e in page.find("caption")]
    assert captions == [
        f"Table 1. {h('Rent burden by tract')}",
        f"Table 2. {h('Measures by year')}",
    ]
    headers = [e for e in page.find("th")]
    assert all(th.attrs.get("scope") == "col" for th in headers)
    assert [th.content for th in headers[:3]] == [h("Tract"), "Share", "Median rent"]
    assert [th.content for th in headers[3:]] == list(WIDE_HEADER)
    cells = [td.content for td in page.find("td")]
    assert h("Tract A") in cells and "$1,250" in cells
    wide = [e for e in page.elements if "wide" in e.attrs.get("class", "").split()]
    assert len(wide) == 1 and wide[0].attrs["role"] == "region"


def test_each_figure_is_an_inline_svg_named_by_its_alt_text(page: Page):
    figures = page.find("figure")
    assert len(figures) == 2
    for figure, alt in zip(figures, FIGURE_ALTS, strict=True):
        svgs = [e for e in page.find("svg") if e.parent and e.parent.parent is figure]
        assert len(svgs) == 1
        svg = svgs[0]
        assert svg.attrs["role"] == "img" and svg.attrs["aria-label"] == alt
        titles = [e for e in page.find("title") if e.parent is svg]
        assert [t.content for t in titles] == [alt]
    captions = [e.content for e in page.find("figcaption")]
    assert captions == [
        f"Figure 1. {h('Rent burden by tract')}",
        f"Figure 2. {h('Jobs reached by transit')}",
    ]


def test_chart_text_is_escaped_inside_the_svg(source: str):
    svgs = re.findall(r"<svg\b.*?</svg>", source, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert HOSTILE not in svg  # never raw
        ElementTree.fromstring(svg)  # well-formed: no text broke out of its element
    texts = [
        t.text for t in ElementTree.fromstring(svgs[0]).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert h("Rent burden") in texts  # the chart title, literal after parsing
    assert "Tract & <B>" in texts and 'Tract "C"' in texts


def test_no_script_no_comment_no_event_handler(page: Page, source: str):
    assert page.find("script") == []
    assert page.comments == []
    assert not [e for e in page.elements for name in e.attrs if name.startswith("on")]
    assert source.count(HOSTILE) == 0  # every copy is escaped in the source


def test_hostile_text_appears_only_as_text(page: Page):
    (body,) = page.find("body")
    shown = body.content
    assert shown.count(HOSTILE) >= 20  # paragraphs, lists, cells, captions, call-outs...
    for text in (h("The opening sentence."), h("Second item"), h("Method note.")):
        assert text in shown


def test_nothing_is_loaded_from_outside(page: Page, source: str):
    outside = re.compile(r"^\s*(https?:)?//", re.I)
    for element in page.elements:
        for name, value in element.attrs.items():
            if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster"):
                if outside.match(value):
                    # Only a citation's link may point out, and it loads nothing.
                    assert element.tag == "a" and element.inside("p", "citation"), element
    assert not page.find("link") and not page.find("iframe") and not page.find("img")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", source)
    assert "@import" not in source


def test_citation_links_only_to_the_web(page: Page):
    links = [a for a in page.find("a") if a.inside("p", "citation")]
    assert [a.attrs["href"] for a in links] == ["https://example.org/a?x=1&y=%3C2%3E"]
    assert not [a for a in page.find("a") if a.attrs.get("href", "").startswith("javascript")]
    citations = [p.content for p in page.find("p") if "citation" in p.attrs.get("class", "")]
    assert citations[1] == f"{h('A link that must not run')} javascript:alert(1)"


def test_gap_box_names_the_step_that_fills_it(page: Page):
    gaps = [e for e in page.elements if e.attrs.get("class") == "gap"]
    assert len(gaps) == 1
    assert gaps[0].attrs["role"] == "note"
    assert f"Not written yet: Step 4, {STEP_TITLE}, fills this." in gaps[0].content
    assert h("Who sits on the coalition") in gaps[0].content


def test_draft_and_synthetic_are_marked_and_disappear_when_final(document: Document):
    draft = Page(render_html(document))
    markers = [e.content for e in draft.elements if e.attrs.get("class") == "marker"]
    assert markers == ["Draft", "Synthetic sample"]
    banner = [e.content for e in draft.elements if e.attrs.get("class") == "banner"]
    assert banner and banner[0].startswith("Synthetic sample: every name and number")
    final_source = render_html(dataclasses.replace(document, status="final", synthetic=False))
    final = Page(final_source)
    assert not [e for e in final.elements if e.attrs.get("class") in ("marker", "banner")]
    assert "@top-right" not in final_source  # no "Draft" atop printed pages either


def test_print_stylesheet_puts_wide_tables_on_landscape_pages(source: str):
    assert "@page wide { size: landscape; }" in source
    assert "main > section > .wide { page: wide; }" in source


def test_a_chart_may_not_load_data_from_outside():
    spec = {"data": {"url": "https://example.org/data.csv"}, "mark": "bar"}
    with pytest.raises(RenderError, match="'Remote chart'.*data inline"):
        chart_svg(spec, "alt", "Remote chart", "figure-1")


def test_empty_document_still_renders():
    doc = Document(title="Plan", subtitle="", sections=(Section("a", 1, "Only", ()),))
    page = Page(render_html(doc))
    assert [e.content for e in page.find("h2") if not e.inside("nav")] == ["1. Only"]
    doc = Document(title="Plan", subtitle="X", front=(Part("Intro", (Paragraph("a\x0bb"),)),))
    assert "ab" in render_html(doc)  # a control character Word would refuse is dropped


# -- in a real browser ---------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_chromium_draws_every_chart_offline_without_errors(source: str, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is needed: apt-get install chromium"
    file = tmp_path / "map.html"
    file.write_text(source, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(file.as_uri())
            sizes = page.eval_on_selector_all(
                "figure svg",
                "els => els.map(e => [e.getBoundingClientRect().width, "
                "e.getBoundingClientRect().height])",
            )
            names = page.eval_on_selector_all(
                "figure svg", "els => els.map(e => e.getAttribute('aria-label'))"
            )
            overflow = page.evaluate("document.documentElement.scrollWidth")
            title = page.title()
            artifacts = os.environ.get("WORKBOOK_ARTIFACTS")
            if artifacts:
                Path(artifacts).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(artifacts) / "map-html.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert requests == [file.as_uri()]
    assert len(sizes) == 2 and all(w > 100 and h > 100 for w, h in sizes), sizes
    assert names == list(FIGURE_ALTS)
    assert overflow <= 1280  # readable at 1280 px: nothing sticks out sideways
    assert title.startswith(h("Mobility Action Plan"))


def test_figure_without_spec_data_is_refused_by_name():
    doc = Document(
        title="Plan",
        subtitle="X",
        front=(Part("P", (Figure({"mark": "nonsense"}, "Broken chart", "alt"),)),),
    )
    with pytest.raises(RenderError, match="Broken chart"):
        render_html(doc)
