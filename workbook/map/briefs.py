"""The summary brief and the fact sheet: the full MAP condensed, by the same engine.

Both are made from a built :class:`~workbook.display.document.Document` of the full
plan (:func:`workbook.map.build.build_document`), never from the plan file itself, so
they say nothing the MAP does not say and carry its version, date, draft or final
status and synthetic-data marks. They keep the MAP's own words: the opening paragraph
(the "lead") of each part and its key messages, and the data credit. They are rendered
by :func:`workbook.map.render.render` like the MAP, as short documents (no contents
page, no page break before each section).

- **Brief** (2 to 4 printed pages): every section, each part's lead and key messages,
  one line naming the parts still to write.
- **Fact sheet** (one page): the place, version and coalition, then one sentence per
  section.
"""

from __future__ import annotations

from dataclasses import replace

from workbook.analysis.plain_language import sentences
from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Citation,
    Document,
    Gap,
    Paragraph,
    Part,
    Section,
    Table,
)
from workbook.map.render.common import SHORT_LAYOUT

BRIEF_TITLE = "Mobility Action Plan: summary brief"
FACT_SHEET_TITLE = "Mobility Action Plan: fact sheet"
STEMS = {"map": "map", "brief": "map-brief", "fact_sheet": "map-fact-sheet"}
MAX_LEAD_WORDS = 90  # a lead longer than this is cut at a sentence end in the brief


def _short(full: Document, title: str, kind: str) -> dict:
    """What a condensed document keeps of the full one: place, version, status, marks."""
    return {
        "title": title,
        "subtitle": full.subtitle,
        "language": full.language,
        "status": full.status,
        "version": full.version,
        "date": full.date,
        "synthetic": full.synthetic,
        "metadata": {**full.metadata, "layout": SHORT_LAYOUT, "kind": kind},
    }


def _leads(part: Part) -> list[Paragraph]:
    return [b for b in part.blocks if isinstance(b, Paragraph) and b.lead]


def _first_words(text: str, limit: int) -> str:
    """Whole sentences from the start of ``text``, up to about ``limit`` words."""
    kept, count = [], 0
    for sentence in sentences(text):
        size = len(sentence.split())
        if kept and count + size > limit:
            break
        kept.append(sentence)
        count += size
    return " ".join(kept) or text


def _condensed_part(part: Part) -> Part | None:
    """A part's lead (or first paragraph) and its key messages; None for a gap."""
    if any(isinstance(b, Gap) for b in part.blocks):
        return None
    opening = _leads(part) or [b for b in part.blocks if isinstance(b, Paragraph)][:1]
    blocks: list[Block] = [
        Paragraph(_first_words(p.text, MAX_LEAD_WORDS), lead=p.lead) for p in opening
    ]
    blocks += [b for b in part.blocks if isinstance(b, Callout) and b.kind == "key"]
    return Part(part.title, tuple(blocks), step=part.step) if blocks else None


def _still_to_write(section: Section) -> Part | None:
    if not section.gaps:
        return None
    steps = "; ".join(f"Step {g.step}, {g.step_title}" for g in section.gaps)
    return Part("Still to write", (Paragraph(f"Not written yet in this section: {steps}."),))


def _credits(full: Document) -> tuple[Part, ...]:
    citations = tuple(b for part in full.back for b in part.blocks if isinstance(b, Citation))
    if not citations:
        return ()
    return (Part("Sources", citations),)


def _about(full: Document, what: str, draft_note: bool = True) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(
            f"{what} of the Mobility Action Plan of {full.subtitle}, version {full.version}, "
            "in the plan's own words. The full plan has the details, the tables and the "
            "sources.",
            lead=True,
        )
    ]
    if draft_note and full.status == "draft":
        blocks.append(Callout("Draft", "This summarises a working draft, not the released plan."))
    return blocks


def build_brief(full: Document) -> Document:
    """The summary brief of ``full``: every section, each part's lead and key messages."""
    sections = []
    for section in full.sections:
        parts = [p for p in map(_condensed_part, section.parts) if p is not None]
        gaps = _still_to_write(section)
        if gaps is not None:
            parts.append(gaps)
        sections.append(replace(section, parts=tuple(parts)))
    front = (Part("About this brief", tuple(_about(full, "A short version"))),)
    return Document(
        **_short(full, BRIEF_TITLE, "brief"),
        front=front,
        sections=tuple(sections),
        back=_credits(full),
    )


def _fact(full: Document, item: str) -> str:
    """A row of the full plan's 'About this document' table ('' when absent)."""
    for part in full.front:
        for block in part.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    if row and row[0] == item and len(row) > 1:
                        return row[1]
    return ""


def _section_sentence(section: Section) -> str:
    for part in section.parts:
        condensed = _condensed_part(part)
        if condensed is not None and part.step is not None:
            return _first_words(condensed.blocks[0].text, 35)
    return "Not written yet."


def build_fact_sheet(full: Document) -> Document:
    """The one-page fact sheet of ``full``: key facts, then one sentence per section."""
    rows = [("Place", full.subtitle), ("Version", _fact(full, "Version") or str(full.version))]
    for item in ("Date", "Coalition", "Data"):
        if value := _fact(full, item):
            rows.append((item, value))
    parts = [p for s in full.sections for p in s.parts if p.step is not None]
    written = sum(1 for p in parts if not any(isinstance(b, Gap) for b in p.blocks))
    total = len(parts)
    summary = BulletList(tuple(f"{s.title}: {_section_sentence(s)}" for s in full.sections))
    front = (
        Part("At a glance", (*_about(full, "A one-page summary", draft_note=False),
                             Table("Key facts", ("Item", "Detail"), tuple(rows)))),
        Part("What the plan says", (
            summary,
            Paragraph(f"{written} of the plan's {total} parts are written."),
        )),
    )  # fmt: skip
    return Document(
        **_short(full, FACT_SHEET_TITLE, "fact_sheet"),
        front=front,
        back=_credits(full),
    )


BUILDERS = {"brief": build_brief, "fact_sheet": build_fact_sheet}


def condensed(full: Document, kind: str) -> Document:
    """``full`` itself for ``"map"``, else its brief or fact sheet."""
    if kind == "map":
        return full
    return BUILDERS[kind](full)
