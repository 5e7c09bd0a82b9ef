"""A step notebook as a page for readers: its browser title, and no notebook chores.

Stakeholders meet the notebooks as dashboards (Voila) and offline HTML copies. Both
show the notebook without what only whoever runs it needs: markdown cells tagged
:data:`EDITING_TAG` (the notebook's own title, which the page header repeats, and "Run
it from the top") stay in JupyterLab and are left out of every page for readers, and so
are notes in outputs marked :data:`EDITORS_CLASS`. The
browser title names the step and the place, as the page header does
(:func:`page_title`): the header carries it in :data:`TITLE_ATTRIBUTE`, so an executed
notebook says which title its copy gets.
"""

from __future__ import annotations

import copy
import html
import re

import nbformat

EDITING_TAG = "workbook-editing"
# Output text for whoever runs the notebook only (where its data came from, how it was
# chosen): an element of this class holding plain text is left out of readers' pages.
EDITORS_CLASS = "wb-for-editors"
_EDITORS_NOTE = re.compile(r'\s*<span class="' + EDITORS_CLASS + r'"[^>]*>[^<]*</span>')
TITLE_ATTRIBUTE = "data-page-title"
_TITLE_IN_HTML = re.compile(TITLE_ATTRIBUTE + r'="([^"]*)"')


def page_title(number: int, title: str, place: str | None = None) -> str:
    """'Step 3: Ensure the local government is ready: Linden County, Calderra'."""
    head = f"Step {number}: {title}"
    return f"{head}: {place}" if place else head


def editing_only(cell: nbformat.NotebookNode) -> bool:
    """True for a cell meant for whoever runs the notebook, not for its readers."""
    return EDITING_TAG in (cell.get("metadata", {}).get("tags") or [])


def for_readers(nb: nbformat.NotebookNode, title: str | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` without its editing-only cells, titled ``title`` when given."""
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if not editing_only(cell)]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            markup = data.get("text/html")
            if isinstance(markup, list):
                markup = "".join(markup)
            if markup and EDITORS_CLASS in markup:
                data["text/html"] = _EDITORS_NOTE.sub("", markup)
    if title:
        nb.metadata["title"] = title
    return nb


def title_in_outputs(nb: nbformat.NotebookNode) -> str | None:
    """The page title the header of an executed notebook announces, if any."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            markup = (output.get("data") or {}).get("text/html")
            if isinstance(markup, list):
                markup = "".join(markup)
            found = _TITLE_IN_HTML.search(markup or "")
            if found:
                return html.unescape(found.group(1))
    return None
