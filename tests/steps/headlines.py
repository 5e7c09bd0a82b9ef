"""What the tests of the steps' openings (``headline()``) share."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from workbook.display.pages import editing_only


def words(html: str) -> str:
    """What a reader sees: the text without markup, entities read back, spaces collapsed."""
    text = re.sub(r"</?b>", "", html)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return " ".join(text.split())


def opening_cells(notebook: Path, call: str) -> tuple[list, int, int]:
    """The notebook's cells, the index of the cell ``call`` and of the first heading a
    reader sees (editing-only cells do not count)."""
    cells = nbformat.read(notebook, as_version=4).cells
    headline = [c.source for c in cells].index(call)
    first_heading = next(i for i, c in enumerate(cells)
                         if c.cell_type == "markdown" and c.source.startswith("#")
                         and not editing_only(c))  # fmt: skip
    return cells, headline, first_heading


def both_modes(number: int, plan: Path, folder: Path, monkeypatch):
    """Step ``number``'s session on ``plan`` (the sample county), in edit mode and then in
    view mode; each is closed after use."""
    from workbook.session import READ_ONLY_ENV, start

    for read_only in (False, True):
        if read_only:
            monkeypatch.setenv(READ_ONLY_ENV, "1")
        else:
            monkeypatch.delenv(READ_ONLY_ENV, raising=False)
        session = start(number, "98031", plan_path=str(plan), output_dir=str(folder), show=False)
        try:
            yield session
        finally:
            session.plan.close()
