"""The document as a tagged, accessible PDF (PDF/UA-1), printed from the HTML.

WeasyPrint lays out :func:`workbook.map.render.html.render_html`'s page with its print
stylesheet, so the PDF and the HTML are one text: headings become bookmarks, ``<th>``
cells table headers, each chart's ``<title>`` its alternate text, ``<html lang>`` and
``<title>`` the PDF's language and title. Wide tables sit on landscape pages (the
``wide`` named page). WeasyPrint needs Pango from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0) and at least one font (fonts-dejavu-core); it embeds the fonts used.
"""

from __future__ import annotations

from pathlib import Path

from workbook.display.document import Document
from workbook.map.render.common import RenderError
from workbook.map.render.html import render_html

PDF_VARIANT = "pdf/ua-1"


def render_pdf(doc: Document, path: Path) -> Path:
    """Write ``doc`` to ``path`` as a PDF/UA-1 file; returns ``path``."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:  # Pango or its fonts are missing: name the system packages
        raise RenderError(
            f"PDF: WeasyPrint cannot start ({error}). Fix: install Pango and a font, e.g. "
            "'apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core'"
        ) from error
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # No protocol is allowed: the page is self-contained, and a URL that slipped in
    # must not make the PDF fetch anything.
    offline = URLFetcher(allowed_protocols=())
    page = HTML(string=render_html(doc), url_fetcher=offline, media_type="print")
    page.write_pdf(path, pdf_variant=PDF_VARIANT, finisher=_scope_column_headers)
    return path


def _scope_column_headers(document: object, pdf: object) -> None:
    """Give every table header cell ``/Scope /Column``, as its ``<th scope="col">`` says.

    WeasyPrint links data cells to their headers with /Headers and /ID; checkers and
    some screen readers look for /Scope on the header itself, so both are written.
    (The HTML renderer writes column headers only.)
    """
    for obj in getattr(pdf, "objects", ()):
        if isinstance(obj, dict) and obj.get("S") == "/TH" and isinstance(obj.get("A"), dict):
            obj["A"]["Scope"] = "/Column"
