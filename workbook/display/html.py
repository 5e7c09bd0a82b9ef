"""Charts and text as static HTML: the one place that decides how anything is escaped.

Two kinds of page draw charts without a kernel: a notebook's offline HTML copy
(:mod:`workbook.display.export`, and the static copy of a live view) and the batch
reports (:mod:`workbook.run.report`). Both get their figures from :func:`figure_html`,
their text from :func:`escape` and every JSON inside a ``<script>`` element from
:func:`script_json`, so a title typed by a user is escaped the same way wherever it
ends up.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache

# Pages without a kernel draw charts with the bundle vl-convert-python ships (and the MAP
# renders its figures with the same version). That bundle's Vega is 6.x, which is what
# Vega-Lite 6 compiles to; Vega-Lite 5 compiles to Vega 5, and vega-embed then warns on
# every chart ("The compiled spec uses Vega v5, but current version is v6.2.0"). The
# specs Altair writes (Vega-Lite 5.20) draw the same with Vega-Lite 6: each one is stamped
# with the version that draws it (:func:`for_bundle`) before it becomes a figure.
VEGALITE_VERSION = "6.4"
VEGALITE_SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGALITE_VERSION}.json"
EMBED_OPTIONS = {"renderer": "svg", "actions": False}

# A script element ends at "</script" and HTML comments inside it ("<!--") change where
# it ends; "&" and ">" matter in XHTML and in attributes. JSON puts these characters only
# inside strings, where the \u escape reads back as the same character. U+2028 and
# U+2029 end a line in older JavaScript parsers, which JSON.parse never sees but a
# script that embeds the JSON as a literal would.
_SCRIPT_UNSAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")


def escape(text: object) -> str:
    """HTML-escape anything a user or a data file supplied (quotes too, for attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def script_json(value: object) -> str:
    """Compact JSON that reads back as ``value`` and cannot end or open anything in a
    ``<script>`` element: for chart specs, shared report data and any other script block.

    NaN and infinity are refused: ``JSON.parse`` cannot read them, so the chart would
    silently not draw.
    """
    try:
        text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise ValueError(
            "a chart spec or script value holds NaN or infinity, which a browser's "
            "JSON.parse cannot read: replace them with None (null) before display"
        ) from None
    return text.translate(_SCRIPT_UNSAFE)


def _text_of(value: object) -> str:
    """A Vega-Lite title or description as plain text (it may be a dict or a list)."""
    if isinstance(value, dict):
        value = value.get("text", "")
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return str(value or "")


def for_bundle(spec: dict) -> dict:
    """``spec`` declaring the Vega-Lite version of :func:`vega_bundle`, which draws it.

    Only a spec that declares a version is stamped; one without ``$schema`` is read by
    the bundle's own Vega-Lite anyway.
    """
    if "$schema" not in spec:
        return spec
    return {**spec, "$schema": VEGALITE_SCHEMA}


def figure_html(spec: dict, number: int | str, *, inline: bool = True, shared: str = "") -> str:
    """One chart as an HTML figure: an accessible caption and its spec as script JSON.

    ``inline=True`` (offline notebook copies, static copies of live views): the figure
    draws itself with ``vegaEmbed``, which the page must define before it. ``inline=False``
    (batch reports): the page's shared script draws every ``script.wb-spec``; ``shared``
    names datasets it completes from ``assets/``: ``"dataset=asset-key"``, space separated.
    """
    number = str(number)
    if not _SAFE_ID.fullmatch(number):
        raise ValueError(
            f"figure number {number!r}: use letters, digits, '-' or '_' (it becomes an id)"
        )
    if inline and shared:
        raise ValueError(
            f"figure {number}: shared={shared!r} needs the report's script to join the data; "
            "pass inline=False"
        )
    chart, spec_id = f"wb-chart-{number}", f"wb-spec-{number}"
    if inline:
        area, spec_attrs = "", ""
        drawn_by = (
            f"<script>vegaEmbed('#{chart}', JSON.parse(document.getElementById('{spec_id}')"
            f".textContent), {script_json(EMBED_OPTIONS)});</script>"
        )
    else:  # the report's script finds the spec by its class and draws into its target
        area = ' class="wb-chart-area"'
        spec_attrs = f' class="wb-spec" data-target="{chart}" data-shared="{escape(shared)}"'
        drawn_by = ""
    title, description = _text_of(spec.get("title")), _text_of(spec.get("description"))
    return (
        f'<figure class="wb-chart" role="figure" aria-label="{escape(title)}">'
        f'<div id="{chart}"{area}></div>'
        f'<figcaption class="wb-sr-only">{escape(description)}</figcaption>'
        f'<script type="application/json" id="{spec_id}"{spec_attrs}>{script_json(spec)}</script>'
        f"{drawn_by}</figure>"
    )


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (from ``vl-convert-python``), safe to
    inline in a ``<script>`` element: nothing in it can end the element or open a comment.
    """
    import vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)
    # Both replacements mean the same to JavaScript in a string, template or regex.
    bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    return bundle.replace("<!--", "\\x3C!--")
