"""The document as a Word file the coalition can edit, with Word's own structure.

Headings use Word's built-in styles (Title, Heading 1-6), so the navigation pane and
the table of contents work; the contents is a TOC field Word fills when the file opens.
Tables have a header row that repeats on every page, charts are PNG pictures whose
description is the chart's alt text, and wide tables get a landscape section. Text is
set through python-docx, which escapes it: nothing typed is read as markup.
"""

from __future__ import annotations

import struct
from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Citation,
    Diagram,
    Document,
    Figure,
    Gap,
    Heading,
    Paragraph,
    Table,
)
from workbook.map.render import common
from workbook.map.render.common import Numbers, RenderError

# Box colours (fill, border) by kind; the same palette as the HTML's call-outs and gaps.
BOXES = {
    "key": ("E8F3FB", "0060A0", "single"),
    "note": ("F4F6F8", "505050", "single"),
    "caution": ("FFF8D6", "8A6D00", "single"),
    "gap": ("FFF4E5", "B34700", "dashed"),
}
MUTED = RGBColor(0x50, 0x50, 0x50)
TOC_FIELD = r'TOC \o "1-3" \h \z \u'
# Paragraph properties that must follow <w:pBdr> (then <w:shd>): Word checks the order.
_AFTER_BORDERS = tuple(
    f"w:{tag}"
    for tag in (
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct "
        "autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split()
)
# Elements that must come after <w:updateFields> in settings.xml (Word checks the order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator"
).split()


def render_docx(doc: Document, path: Path) -> Path:
    """Write ``doc`` to ``path`` as a .docx file; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = _Writer(doc)
    writer.write()
    writer.word.save(str(path))
    return path


class _Writer:
    """Appends the document to a new Word file, block by block, in reading order."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.word = new_docx()
        self.numbers = Numbers()
        self.landscape = False

    def write(self) -> None:
        self.properties()
        self.page_furniture()
        self.cover()
        entries = common.outline(self.doc)
        short = common.is_short(self.doc)
        if not short:
            self.contents(entries)
        for entry in entries:
            self.orientation(landscape=False)
            if entry.title:
                heading = self.word.add_heading(entry.title, level=entry.level)
                heading.paragraph_format.page_break_before = entry.level == 1 and not short
            if entry.part is not None:
                for block in entry.part.blocks:
                    self.block(block)

    # -- the file around the text ------------------------------------------------------

    def properties(self) -> None:
        """Title, subject, language and dates in the file's properties; the text's language."""
        doc, props = self.doc, self.word.core_properties
        props.title = common.full_title(doc)
        props.subject = common.plain(doc.subtitle)
        props.language = common.plain(doc.language or "en")
        props.author = common.plain(doc.metadata.get("author", ""))
        props.last_modified_by = props.author
        props.keywords = common.plain(doc.metadata.get("keywords", ""))
        comments = [common.status_line(doc)]
        if doc.synthetic:
            comments.append(common.SYNTHETIC_WARNING)
        props.comments = " ".join(comments)
        props.version = str(doc.version)
        props.revision = max(1, int(doc.version))
        try:
            built = datetime.fromisoformat(doc.date) if doc.date else None
        except ValueError:
            built = None
        if built is not None:
            props.created = props.modified = built
        defaults = self.word.styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        rpr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
        if rpr is not None:  # the language Word spell-checks and reads the text in
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:val"), props.language)

    def page_furniture(self) -> None:
        """ "Draft" / "Synthetic sample" atop every page, the page number at the foot."""
        section = self.word.sections[0]
        marker = common.page_marker(self.doc)
        if marker:
            head = section.header.paragraphs[0]
            head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = head.add_run(marker)
            run.bold = True
            run.font.color.rgb = RGBColor(0xB3, 0x47, 0x00)
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        foot.add_run("Page ")
        page = OxmlElement("w:fldSimple")
        page.set(qn("w:instr"), "PAGE")
        number = OxmlElement("w:r")
        cached = OxmlElement("w:t")
        cached.text = "1"
        number.append(cached)
        page.append(number)
        foot._p.append(page)

    def cover(self) -> None:
        doc = self.doc
        self.word.add_heading(common.plain(doc.title), level=0)  # Word's Title style
        if doc.subtitle:
            self.word.add_paragraph(common.plain(doc.subtitle), style="Subtitle")
        status = self.word.add_paragraph(common.status_line(doc))
        status.runs[0].font.color.rgb = MUTED
        if doc.synthetic:
            self.box([(common.SYNTHETIC_WARNING, True)], "gap")

    def contents(self, entries: list[common.Entry]) -> None:
        """A TOC field: Word rebuilds it, with page numbers, when the file opens.

        Until then (and in programs that do not update fields) it shows the headings.
        """
        self.word.add_paragraph(common.TOC_TITLE, style="TOC Heading")
        shown = [e for e in entries if e.title and e.level <= 2] or [None]
        for i, entry in enumerate(shown):
            paragraph = self.word.add_paragraph()
            if i == 0:
                self.field_char(paragraph, "begin", dirty=True)
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = f" {TOC_FIELD} "
                paragraph.add_run()._r.append(instruction)
                self.field_char(paragraph, "separate")
            if entry is not None:
                paragraph.paragraph_format.left_indent = Inches(0.3 * (entry.level - 1))
                paragraph.paragraph_format.space_after = Pt(2)
                paragraph.add_run(entry.title)
            if i == len(shown) - 1:
                self.field_char(paragraph, "end")
        settings = self.word.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        later = [child for child in settings if child.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS]
        if later:
            later[0].addprevious(update)
        else:
            settings.append(update)

    @staticmethod
    def field_char(paragraph, kind: str, dirty: bool = False) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if dirty:
            char.set(qn("w:dirty"), "true")
        paragraph.add_run()._r.append(char)

    def orientation(self, landscape: bool) -> None:
        """Start a new section if the page orientation must change (wide tables)."""
        if landscape == self.landscape:
            return
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        width, height = section.page_width, section.page_height
        if (width > height) != landscape:
            section.page_width, section.page_height = height, width
        self.landscape = landscape

    def text_width(self) -> int:
        section = self.word.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    # -- blocks --------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        self.orientation(landscape=isinstance(block, Table) and block.wide)
        if isinstance(block, Heading):
            self.word.add_heading(common.plain(block.text), common.heading_level(block.level))
        elif isinstance(block, Paragraph):
            paragraph = self.word.add_paragraph(common.plain(block.text))
            if block.lead:
                paragraph.runs[0].font.size = Pt(13)
        elif isinstance(block, BulletList):
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                self.word.add_paragraph(common.plain(item), style=style)
        elif isinstance(block, Table):
            self.table(block, self.numbers.next_table())
        elif isinstance(block, Figure):
            self.figure(block, self.numbers.next_figure())
        elif isinstance(block, Diagram):
            self.diagram(block, self.numbers.next_figure())
        elif isinstance(block, Callout):
            kind = block.kind if block.kind in common.CALLOUT_LABELS else "note"
            self.box([(common.callout_label(block), True), (block.text, False)], kind)
        elif isinstance(block, Gap):
            self.box([(common.gap_label(block), True), (block.what, False)], "gap")
        elif isinstance(block, Citation):
            self.citation(block)
        else:
            raise RenderError(
                f"block {type(block).__name__!r} has no Word form: use one of the blocks of "
                "workbook.display.document"
            )

    def box(self, lines: list[tuple[str, bool]], kind: str) -> None:
        """Paragraphs sharing one border and fill: Word draws them as a single box."""
        fill, colour, line = BOXES[kind]
        for text, bold in lines:
            paragraph = self.word.add_paragraph()
            run = paragraph.add_run(common.plain(text))
            run.bold = bold
            paragraph.paragraph_format.keep_with_next = bold
            borders = OxmlElement("w:pBdr")
            for side in ("top", "left", "bottom", "right"):
                edge = OxmlElement(f"w:{side}")
                edge.set(qn("w:val"), line)
                edge.set(qn("w:sz"), "24" if side == "left" else "8")
                edge.set(qn("w:space"), "4")
                edge.set(qn("w:color"), colour)
                borders.append(edge)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), fill)
            ppr = paragraph._p.get_or_add_pPr()
            ppr.insert_element_before(borders, *_AFTER_BORDERS)
            ppr.insert_element_before(shading, *_AFTER_BORDERS[1:])

    def caption(self, label: str, text: str, keep_with_next: bool) -> None:
        paragraph = self.word.add_paragraph(style="Caption")
        paragraph.add_run(f"{label}. ").bold = True
        paragraph.add_run(common.plain(text))
        paragraph.paragraph_format.keep_with_next = keep_with_next

    def table(self, table: Table, number: int) -> None:
        caption = common.plain(table.caption)
        self.caption(common.table_label(number), caption, keep_with_next=True)
        numeric = common.numeric_columns(table)
        columns = max([len(table.header), *(len(row) for row in table.rows)])
        grid = self.word.add_table(rows=1 + len(table.rows), cols=columns)
        grid.style = "Table Grid"
        properties = grid._tbl.tblPr
        for tag, value in (("w:tblCaption", caption), ("w:tblDescription", caption)):
            element = OxmlElement(tag)  # the table's name for screen readers
            element.set(qn("w:val"), value)
            properties.append(element)
        self.column_widths(grid, table, columns)
        header = grid.rows[0]
        repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        for row, values, bold in [(header, table.header, True)] + [
            (grid.rows[i + 1], values, False) for i, values in enumerate(table.rows)
        ]:
            for i, cell in enumerate(row.cells):
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(common.plain(values[i]) if i < len(values) else "")
                run.bold = bold
                run.font.size = Pt(9)
                if i in numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                paragraph.paragraph_format.space_after = Pt(0)
        if table.note:
            note = self.word.add_paragraph()
            run = note.add_run(common.plain(table.note))
            run.font.size = Pt(9)
            run.font.color.rgb = MUTED

    def column_widths(self, grid, table: Table, columns: int) -> None:
        """Share the width by each column's longest cell (within limits), as a browser would."""
        longest = [8] * columns  # room for "$32,319" or "2013" on one line
        for row in (table.header, *table.rows):
            for i, cell in enumerate(row[:columns]):
                longest[i] = max(longest[i], min(len(cell) + 1, 30))
        total = self.text_width()
        widths = [int(total * n / sum(longest)) for n in longest]
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width

    def figure(self, figure: Figure, number: int) -> None:
        png = common.chart_png(figure.spec, figure.caption)
        width_px, height_px = struct.unpack(">II", png[16:24])  # the PNG's IHDR size
        width = Inches(width_px / common.PNG_SCALE / 96)
        width = min(width, self.text_width())
        paragraph = self.word.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        picture = paragraph.add_run().add_picture(BytesIO(png), width=width)
        properties = picture._inline.docPr
        properties.set("descr", common.plain(figure.alt))
        properties.set("name", common.figure_label(number))
        self.caption(common.figure_label(number), figure.caption, keep_with_next=False)

    def diagram(self, diagram: Diagram, number: int) -> None:
        """A Graphviz drawing: its PNG (drawn at 192 dots per inch), as wide as the text."""
        png = diagram.png
        width_px, _ = struct.unpack(">II", png[16:24])
        width = min(Inches(width_px / 192), self.text_width())
        paragraph = self.word.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        picture = paragraph.add_run().add_picture(BytesIO(png), width=width)
        properties = picture._inline.docPr
        properties.set("descr", common.plain(diagram.alt))
        properties.set("name", common.figure_label(number))
        self.caption(common.figure_label(number), diagram.caption, keep_with_next=False)

    def citation(self, citation: Citation) -> None:
        paragraph = self.word.add_paragraph(common.plain(citation.text))
        if not citation.url:
            return
        target = common.link_target(citation.url)
        paragraph.add_run(" ")
        if not target:
            paragraph.add_run(common.plain(citation.url))
            return
        relation = self.word.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), relation)
        run = OxmlElement("w:r")
        style = OxmlElement("w:rPr")
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), "0060A0")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        style.extend([colour, underline])
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = target
        run.extend([style, text])
        link.append(run)
        paragraph._p.append(link)
