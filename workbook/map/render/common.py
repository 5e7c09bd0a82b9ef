"""What every format says and draws alike: the outline, the wording, numbers and charts.

The HTML, PDF and DOCX renderers all read the document through this module, so a
sentence such as the gap notice, a section's numbered title or a chart's picture is
made once and comes out the same in the three files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from workbook.display.document import Callout, Document, Gap, Part, Table
from workbook.display.html import VEGALITE_VERSION
from workbook.errors import WorkbookError

TOC_TITLE = "Contents"
DRAFT_LABEL = "Draft"
SYNTHETIC_LABEL = "Synthetic sample"
SYNTHETIC_WARNING = (
    "Synthetic sample: every name and number in this document is invented, to practise "
    "with. It describes no real place; do not use it to decide anything."
)
GAP_LABEL = "Not written yet"
CALLOUT_LABELS = {"note": "Note", "caution": "Caution", "key": "Key message"}
CHART_SANS = "Liberation Sans, Arial, Helvetica, sans-serif"
PNG_SCALE = 2  # DOCX pictures: twice the pixels, sharp when printed or zoomed

# Characters XML 1.0 forbids (DOCX and the SVG inside HTML are XML): a pasted control
# character would make Word refuse the file, so every format drops them alike.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER = re.compile(r"^[-+−(]?[$€£]?\s?[\d.,]+\s?(%|[kKMB])?\)?$")


# A document whose ``metadata["layout"]`` is this (a brief, a fact sheet) runs on from
# page to page: no contents, no page break after the cover or before each section.
SHORT_LAYOUT = "short"


def is_short(doc: Document) -> bool:
    """True for a short document (see :data:`SHORT_LAYOUT`)."""
    return doc.metadata.get("layout") == SHORT_LAYOUT


class RenderError(WorkbookError):
    """A block could not be turned into its picture or file."""


def plain(text: str) -> str:
    """``text`` as typed, without the control characters no document format can hold."""
    return _NOT_XML.sub("", str(text))


def full_title(doc: Document) -> str:
    """The document's title as windows, tabs, bookmarks and file properties show it."""
    return f"{plain(doc.title)}: {plain(doc.subtitle)}" if doc.subtitle else plain(doc.title)


def status_line(doc: Document) -> str:
    """Version, date and status, under the title of every format."""
    bits = [f"Version {doc.version}"] if doc.version else []
    if doc.date:
        bits.append(f"built {plain(doc.date)}")
    if doc.status == "draft":
        bits.insert(0, DRAFT_LABEL)
        bits.append("the coalition has not adopted this text yet")
    else:
        bits.append("final")
    return ", ".join(bits) + "."


def page_marker(doc: Document) -> str:
    """The words repeated at the top of every printed page ("" for a final, real plan)."""
    marks = [DRAFT_LABEL] if doc.status == "draft" else []
    if doc.synthetic:
        marks.append(SYNTHETIC_LABEL)
    return " · ".join(marks)


def gap_label(gap: Gap) -> str:
    """The notice in a part no step has filled yet: which step fills it."""
    return f"{GAP_LABEL}: Step {gap.step}, {plain(gap.step_title)}, fills this."


def callout_label(callout: Callout) -> str:
    kind = CALLOUT_LABELS.get(callout.kind, CALLOUT_LABELS["note"])
    title = plain(callout.title)
    return f"{kind}: {title}" if title else kind


def figure_label(number: int) -> str:
    return f"Figure {number}"


def table_label(number: int) -> str:
    return f"Table {number}"


def is_number(cell: str) -> bool:
    """A cell that reads as an amount, share or count: right-aligned so digits line up."""
    return bool(_NUMBER.match(cell.strip())) and any(c.isdigit() for c in cell)


def numeric_columns(table: Table) -> set[int]:
    """Columns whose every filled cell is a number: right-aligned, header included."""
    columns = set()
    for i in range(len(table.header)):
        cells = [row[i] for row in table.rows if i < len(row) and row[i].strip()]
        if cells and all(is_number(cell) for cell in cells):
            columns.add(i)
    return columns


def link_target(url: str) -> str:
    """``url`` if it is safe to make a link of (web or mail), else "" (shown as text only)."""
    url = plain(url).strip()
    if not re.match(r"(?i)^(https?://|mailto:)[^\s]+$", url):
        return ""
    # Characters a URL may not hold (<, >, quotes, spaces) are percent-encoded.
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


# -- the outline ----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One heading of the outline: a front or back part, a section, or a part in a section.

    ``level`` is 1 for sections and front or back matter (h2 in HTML, Heading 1 in
    Word) and 2 for a section's parts; headings inside parts are level 3 and below.
    """

    level: int
    title: str
    anchor: str
    part: Part | None = None  # the blocks under this heading (None: a section's own heading)
    gaps: int = 0  # parts of a section not written yet


def outline(doc: Document) -> list[Entry]:
    """Every heading above the blocks, in reading order, with a stable link anchor."""
    entries: list[Entry] = []
    for i, part in enumerate(doc.front, start=1):
        entries.append(Entry(1, plain(part.title), f"front-{i}", part))
    for section in doc.sections:
        anchor = f"section-{section.number}"
        title = f"{section.number}. {plain(section.title)}"
        entries.append(Entry(1, title, anchor, None, len(section.gaps)))
        for i, part in enumerate(section.parts, start=1):
            entries.append(Entry(2, plain(part.title), f"{anchor}-part-{i}", part))
    for i, part in enumerate(doc.back, start=1):
        entries.append(Entry(1, plain(part.title), f"back-{i}", part))
    return entries


def gaps_note(count: int) -> str:
    """The table of contents' note beside a section with parts still to write."""
    return "" if not count else f"{count} part{'s' if count > 1 else ''} not written yet"


def heading_level(level: int) -> int:
    """A Heading block's level, kept within 3-6 (1 and 2 belong to sections and parts)."""
    return min(max(int(level), 3), 6)


@dataclass
class Numbers:
    """Figure and table numbers, counted in reading order as a renderer meets them."""

    figures: int = 0
    tables: int = 0

    def next_figure(self) -> int:
        self.figures += 1
        return self.figures

    def next_table(self) -> int:
        self.tables += 1
        return self.tables


# -- charts ---------------------------------------------------------------------------


def _convert(kind: str, spec: dict[str, Any], caption: str, **options: Any) -> Any:
    import vl_convert

    convert = vl_convert.vegalite_to_svg if kind == "svg" else vl_convert.vegalite_to_png
    try:
        # No base URL is allowed: a chart draws only the data inside its spec, offline.
        return convert(spec, vl_version=VEGALITE_VERSION, allowed_base_urls=[], **options)
    except ValueError as error:
        raise RenderError(
            f"figure {plain(caption)!r}: Vega-Lite {VEGALITE_VERSION} could not draw its "
            f"spec ({str(error).strip().splitlines()[-1]}). Fix: give the chart its data "
            "inline (data.values) and check the spec in the Vega editor"
        ) from error


def chart_svg(spec: dict[str, Any], alt: str, caption: str, id_prefix: str) -> str:
    """The chart as an inline ``<svg>`` whose accessible name is ``alt``.

    ``role="img"`` with ``aria-label`` names it for screen readers in browsers, and a
    ``<title>`` first child does the same for WeasyPrint's tagged PDF (its /Alt text).
    Ids inside are prefixed, since several charts share one HTML page.
    """
    from html import escape

    svg = _convert("svg", spec, caption)
    _check_well_formed(svg, caption)
    for old in set(re.findall(r'\sid="([^"]+)"', svg)):
        new = f"{id_prefix}-{old}"
        for before, after in ((f'id="{old}"', f'id="{new}"'), (f"url(#{old})", f"url(#{new})")):
            svg = svg.replace(before, after)
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    # Vega measured its labels with the font its "sans-serif" stands for (Liberation
    # Sans, metric twin of Arial); a viewer's own sans-serif (DejaVu in WeasyPrint) is
    # wider and would push long titles out of the picture.
    svg = svg.replace('font-family="sans-serif"', f'font-family="{CHART_SANS}"')
    name = escape(plain(alt), quote=True)
    opening = re.match(r"<svg\b[^>]*>", svg)
    if opening is None:
        raise RenderError(f"figure {plain(caption)!r}: the chart's SVG has no <svg> element")
    head = opening.group(0)[:-1] + f' role="img" aria-label="{name}">'
    return f"{head}<title>{name}</title>{svg[opening.end() :]}"


def chart_png(spec: dict[str, Any], caption: str) -> bytes:
    """The chart as a PNG at :data:`PNG_SCALE` times its size (for Word)."""
    return _convert("png", spec, caption, scale=PNG_SCALE)


def _check_well_formed(svg: str, caption: str) -> None:
    """Refuse an SVG that is not well-formed XML: its text could break out of the page."""
    from xml.etree import ElementTree

    try:
        ElementTree.fromstring(svg)
    except ElementTree.ParseError as error:
        raise RenderError(
            f"figure {plain(caption)!r}: the chart's SVG is not well-formed ({error}); "
            "report it with the chart's spec"
        ) from error


def diagram_svg(svg: str, caption: str) -> str:
    """A Diagram block's SVG, refused unless it is well-formed and holds no script,
    foreign HTML or event handler (its labels are text, escaped where it was drawn)."""
    _check_well_formed(svg, caption)
    if re.search(r"<script|<foreignObject|\son[a-z]+\s*=|javascript:", svg, re.IGNORECASE):
        raise RenderError(
            f"figure {plain(caption)!r}: the diagram's SVG holds a script or an event "
            "handler; draw it with workbook.display.diagrams, which escapes every label"
        )
    return svg
