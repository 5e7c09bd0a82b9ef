"""The content of a document, independent of its format.

Steps describe their part of the Mobility Action Plan (and of briefs and reports) with
these blocks; :mod:`workbook.map` orders them into a document and renders the same
blocks as HTML, DOCX and PDF, so no section is written three times. Text fields hold
plain text exactly as typed: every renderer escapes it for its own format, and none
interprets markup in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Heading:
    """A heading inside a section part (level 3 and below: the section is level 1)."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: bool = False  # the opening sentence of a part, set larger in HTML and PDF


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    """A real table: ``header`` cells are column headers in every format."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    wide: bool = False  # many columns: a landscape page in PDF and DOCX


@dataclass(frozen=True)
class Figure:
    """A chart: a Vega-Lite 5 spec, drawn as SVG (HTML, PDF) or PNG (DOCX)."""

    spec: dict[str, Any]
    caption: str
    alt: str  # what the chart shows, in words, for readers who cannot see it


@dataclass(frozen=True)
class Diagram:
    """A drawing laid out elsewhere (a theory of change by Graphviz): the inline SVG for
    HTML and PDF, the same drawing as PNG for DOCX. The SVG holds escaped text only."""

    svg: str  # an <svg> element, without XML prolog or DOCTYPE
    png: bytes
    caption: str
    alt: str  # what the drawing shows, in words


@dataclass(frozen=True)
class Callout:
    """A boxed note: a method note, a caution about the data, a key message."""

    title: str
    text: str
    kind: Literal["note", "caution", "key"] = "note"


@dataclass(frozen=True)
class Gap:
    """A part of the plan no step has filled yet; ``--final`` refuses to build with one."""

    what: str
    step: int  # the step that fills it
    step_title: str


@dataclass(frozen=True)
class Citation:
    text: str
    url: str = ""


Block = Heading | Paragraph | BulletList | Table | Figure | Diagram | Callout | Gap | Citation


@dataclass(frozen=True)
class Part:
    """One step's contribution to a section, or a piece of front or back matter."""

    title: str
    blocks: tuple[Block, ...]
    step: int | None = None  # the step that wrote it


@dataclass(frozen=True)
class Section:
    id: str
    number: int
    title: str
    parts: tuple[Part, ...]

    @property
    def gaps(self) -> list[Gap]:
        return [b for part in self.parts for b in part.blocks if isinstance(b, Gap)]


@dataclass(frozen=True)
class Document:
    """A whole document: front matter, the numbered sections, back matter."""

    title: str
    subtitle: str  # the place, e.g. "Linden County, Calderra (98031)"
    language: str = "en"
    status: Literal["draft", "final"] = "draft"
    version: int = 0
    date: str = ""  # ISO date of the build
    front: tuple[Part, ...] = ()
    sections: tuple[Section, ...] = ()
    back: tuple[Part, ...] = ()
    synthetic: bool = False  # made from the invented sample: every format says so
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def gaps(self) -> list[tuple[Section, Gap]]:
        return [(s, g) for s in self.sections for g in s.gaps]

    def blocks(self):
        """Every block, in reading order (front, sections, back)."""
        for part in (*self.front, *(p for s in self.sections for p in s.parts), *self.back):
            yield from part.blocks
