"""Views that redraw in a live notebook or dashboard and keep a static copy for export.

Widgets are displayed together with a static HTML copy of what they show: live front
ends draw the widget, the exported HTML (:mod:`workbook.display.export`) shows the copy.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import altair as alt

from workbook.display.html import escape, figure_html, for_bundle

BATCH_ENV = "WORKBOOK_BATCH"


class WithFallback:
    """A widget that also carries a static HTML copy for places that cannot run widgets."""

    def __init__(self, widget: Any, static_html: str) -> None:
        self.widget = widget
        self.static_html = static_html

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.static_html
        return bundle


def batch_mode() -> bool:
    """True in unattended runs (``workbook run``, batch jobs), where nobody clicks.

    Unattended runs display a live view's content directly, with no widget around it:
    the executed notebook and its HTML copy then hold the content itself.
    """
    return os.environ.get(BATCH_ENV, "").strip().lower() in ("1", "true", "yes")


def output_records(item: Any) -> list[dict]:
    """``item`` as the display outputs a notebook would store for ``display(item)``.

    Objects that display several things (a tuple, or anything with ``items`` and its own
    ``_ipython_display_``, such as a chart with its notes) give one output per part.
    """
    from IPython.core.interactiveshell import InteractiveShell

    if item is None:
        return []
    if isinstance(item, (tuple, list)):
        return [record for part in item for record in output_records(part)]
    parts = getattr(item, "items", None)
    if hasattr(item, "_ipython_display_") and isinstance(parts, (tuple, list)):
        return output_records(list(parts))
    data, metadata = InteractiveShell.instance().display_formatter.format(item)
    return [{"output_type": "display_data", "data": data, "metadata": metadata}]


class Live:
    """Output that re-renders when its source changes, with a static copy for export.

    ``build`` returns something displayable (a chart, HTML, a widget). ``refresh`` draws
    it again, e.g. after the coalition changes its peer list. Content that cannot change
    (``changes=False``, e.g. a view-only page without choosers) and unattended runs
    display it once, directly, without a widget around it.

    The content goes into an ``ipywidgets.Output`` by setting its outputs, never by
    capturing (``with output: display(...)``). Capturing makes a notebook executor
    (nbclient, used by papermill and by Voila) route the kernel's messages into the
    widget itself, and it could wait forever on them under load (nbclient issue 312):
    Voila's Step 2 page stopped at its first captured table.
    """

    def __init__(self, build: Any, changes: bool = True) -> None:
        import ipywidgets

        self.build = build
        self.batch = batch_mode() or not changes
        self.output = ipywidgets.HTML() if self.batch else ipywidgets.Output()
        self.refresh()

    def refresh(self) -> None:
        self.current = self.build()  # built once, shown live and copied for export
        if not self.batch:
            self.output.outputs = tuple(output_records(self.current))

    def static_html(self) -> str:
        return static_html(self.current)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.batch:
            display(self.current)
        else:
            display(WithFallback(self.output, self.static_html()))


class LiveViews:
    """A step's views that redraw together (after a save, or when the peers change).

    In view mode nothing can change them, so they are shown bare; a view with its own
    chooser (``chooser=True``) stays live there too.
    """

    def __init__(self, read_only: bool, tables: tuple = ()) -> None:
        self.read_only = read_only
        self.live: list[Live] = []
        for table in tables:
            if not table.read_only:
                table.table_widget.observe(lambda _: self.refresh(), names="value")

    def refresh(self) -> None:
        for view in self.live:
            view.refresh()

    def _live(self, build: Any, chooser: bool = False) -> Live:
        view = Live(build, changes=chooser or not self.read_only)
        self.live.append(view)
        return view


def static_html(item: Any) -> str:
    """A static HTML copy of a chart, an HTML object or anything with an HTML form."""
    if item is None:
        return ""
    if isinstance(item, alt.TopLevelMixin):
        return figure_html(for_bundle(item.to_dict()), f"live-{uuid.uuid4().hex[:10]}")
    if hasattr(item, "_repr_html_"):
        return item._repr_html_() or ""
    if hasattr(item, "data") and isinstance(item.data, str):
        return item.data
    return f"<pre>{escape(item)}</pre>"


class Stack:
    """Several displayable items shown one after the other (a chart and its notes)."""

    def __init__(self, *items) -> None:
        self.items = items

    def _repr_html_(self) -> str:
        return "".join(static_html(item) for item in self.items)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self.items:
            display(item)
