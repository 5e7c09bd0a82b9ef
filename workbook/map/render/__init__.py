"""Render a :class:`~workbook.display.document.Document` as HTML, DOCX and PDF.

One content model, three renderers: :mod:`.html` (one self-contained page, also the
source of the PDF), :mod:`.pdf` (tagged PDF/UA-1 through WeasyPrint) and :mod:`.docx`
(an editable Word file). What they say alike lives in :mod:`.common`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from workbook.display.document import Document
from workbook.errors import ParameterError

FORMATS = ("html", "docx", "pdf")


def render(
    doc: Document,
    folder: Path,
    formats: Iterable[str] = FORMATS,
    stem: str = "map",
) -> dict[str, Path]:
    """Write ``folder/<stem>.html``, ``.docx`` and ``.pdf`` (those asked for); their paths."""
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ParameterError(
            "formats", unknown, "not a document format", f"use some of {', '.join(FORMATS)}"
        )
    if not stem or Path(stem).name != stem or stem.startswith("."):
        raise ParameterError("stem", stem, "must be a plain file name", "e.g. 'map'")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in formats:
        path = folder / f"{stem}.{name}"
        if name == "html":
            from workbook.map.render.html import render_html

            path.write_text(render_html(doc), encoding="utf-8")
        elif name == "docx":
            from workbook.map.render.docx import render_docx

            render_docx(doc, path)
        else:
            from workbook.map.render.pdf import render_pdf

            render_pdf(doc, path)
        written[name] = path
    return written
