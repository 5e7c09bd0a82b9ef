"""How Altair charts go out of a kernel so that they draw with no internet access.

Charts go out as a Vega-Lite 5 mimetype bundle: JupyterLab 4 and Voila carry their own
copy of Vega for it, so nothing is fetched from a CDN. (Altair's HTML renderers load
Vega from a CDN; Vega-Lite 6 output is not drawn by JupyterLab 4.6 or Voila 0.5.) The
exported HTML copy gets Vega inlined by :mod:`workbook.display.export`.

Live views (widgets with a static copy) are in :mod:`workbook.display.live`; static HTML
and its escaping in :mod:`workbook.display.html`.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from workbook.display import theme
from workbook.display.html import EMBED_OPTIONS

VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
RENDERER_NAME = "workbook"


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
