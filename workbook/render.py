"""How charts and widgets are displayed so that they draw with no internet access.

Charts go out as a Vega-Lite 5 mimetype bundle: JupyterLab 4 and Voila carry their own
copy of Vega for it, so nothing is fetched from a CDN. (Altair's HTML renderers load
Vega from a CDN; Vega-Lite 6 output is not drawn by JupyterLab 4.6 or Voila 0.5.) The
exported HTML copy gets Vega inlined by :mod:`workbook.export`.

Widgets are displayed together with a static HTML copy of what they show: live
front ends draw the widget, the exported HTML shows the static copy.
"""

from __future__ import annotations

import html
import os
from typing import Any

import altair as alt

from . import theme

VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
RENDERER_NAME = "workbook"
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def _describe(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(title)
    description = spec.get("description", "")
    return f"Chart: {title}. {description}".strip()


def renderer(spec: dict, **metadata: Any) -> tuple[dict, dict]:
    """Altair renderer: the Vega-Lite 5 spec plus a text description for screen readers."""
    bundle = {VEGALITE_MIMETYPE: spec, "text/plain": _describe(spec)}
    return bundle, {VEGALITE_MIMETYPE: {"embed_options": EMBED_OPTIONS}}


def setup() -> None:
    """Enable the theme and the offline renderer; called once by every notebook."""
    theme.register()
    alt.renderers.register(RENDERER_NAME, renderer)
    alt.renderers.enable(RENDERER_NAME)


class WithFallback:
    """A widget that also carries a static HTML copy for places that cannot run widgets."""

    def __init__(self, widget: Any, static_html: str) -> None:
        self.widget = widget
        self.static_html = static_html

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.static_html
        return bundle


BATCH_ENV = "WORKBOOK_BATCH"


def batch_mode() -> bool:
    """True in unattended runs (``workbook run``, batch jobs), where nobody clicks.

    Unattended runs never create Output widgets: nbclient imitates a front end for them
    and can block on its own messages (nbclient issue #312), which left papermill runs
    waiting forever under load.
    """
    return os.environ.get(BATCH_ENV, "").strip().lower() in ("1", "true", "yes")


class Live:
    """Output that re-renders when its source changes, with a static copy for export.

    ``build`` returns something displayable (a chart, HTML, a widget). ``refresh`` draws
    it again, e.g. after the coalition changes its peer list. In unattended runs the
    content is displayed once, directly.
    """

    def __init__(self, build: Any) -> None:
        import ipywidgets

        self.build = build
        self.batch = batch_mode()
        self.output = ipywidgets.HTML() if self.batch else ipywidgets.Output()
        self.refresh()

    def refresh(self) -> None:
        from IPython.display import display

        first = not hasattr(self, "current")
        self.current = self.build()  # built once, shown live and copied for export
        if self.batch:
            return
        if not first:
            self.output.clear_output(wait=True)
        with self.output:
            display(self.current)

    def static_html(self) -> str:
        return static_html(self.current)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.batch:
            display(self.current)
        else:
            display(WithFallback(self.output, self.static_html()))


def static_html(item: Any) -> str:
    """A static HTML copy of a chart, an HTML object or anything with an HTML form."""
    import uuid

    if item is None:
        return ""
    if isinstance(item, alt.TopLevelMixin):
        from .export import chart_html

        return chart_html(item.to_dict(), f"live-{uuid.uuid4().hex[:10]}")
    if hasattr(item, "_repr_html_"):
        return item._repr_html_() or ""
    if hasattr(item, "data") and isinstance(item.data, str):
        return item.data
    return f"<pre>{escape(item)}</pre>"


def escape(text: object) -> str:
    """HTML-escape anything a user or a data file supplied."""
    return html.escape("" if text is None else str(text), quote=True)
