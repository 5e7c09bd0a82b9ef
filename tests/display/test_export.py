"""Charts go out as Vega-Lite 5 and the exported HTML works with no network."""

from __future__ import annotations

import re

import altair as alt
import ipywidgets as widgets
import nbformat
import pandas as pd

from workbook.display import render
from workbook.display.export import OfflineHTMLExporter, make_static
from workbook.display.html import vega_bundle
from workbook.display.live import WithFallback

EXTERNAL = re.compile(
    r"<script[^>]+src\s*=|<link[^>]+href\s*=\s*[\"']?https?:|@import\s+url\(\s*[\"']?https?:|"
    r"<iframe[^>]+src\s*=\s*[\"']?https?:",
    re.IGNORECASE,
)


def external_references(page: str) -> list[str]:
    """Every tag in ``page`` that would load something from elsewhere."""
    return EXTERNAL.findall(page)


def chart_with_user_text():
    render.setup()
    frame = pd.DataFrame({"group": ["<b>A</b>", "B"], "value": [1, 2]})
    chart = alt.Chart(frame).mark_bar().encode(x="group:N", y="value:Q")
    return chart.properties(
        title="Title </script><script>alert(1)</script>", description="Two bars"
    )


def test_renderer_emits_vegalite_v5_with_a_text_description():
    bundle = chart_with_user_text()._repr_mimebundle_()
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    assert render.VEGALITE_MIMETYPE == "application/vnd.vegalite.v5+json"
    spec = bundle[render.VEGALITE_MIMETYPE]
    assert spec["$schema"].endswith("/v5.20.1.json")
    assert "Two bars" in bundle["text/plain"]
    assert not any(k.startswith("application/vnd.vegalite.v6") for k in bundle)


def notebook_with_outputs() -> nbformat.NotebookNode:
    bundle = chart_with_user_text()._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    widget = WithFallback(widgets.Dropdown(options=["a"]), "<p>static copy</p>")
    widget_data = widget._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "chart", outputs=[nbformat.v4.new_output("display_data", data=data)]
        ),
        nbformat.v4.new_code_cell(
            "widget", outputs=[nbformat.v4.new_output("display_data", data=widget_data)]
        ),
        nbformat.v4.new_code_cell(
            "bare widget",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={render.WIDGET_MIMETYPE: {"model_id": "x"}, "text/plain": "Dropdown()"},
                )
            ],
        ),
        nbformat.v4.new_markdown_cell("Some $x^2$ maths"),
    ]
    return nb


def test_static_copy_turns_charts_into_embeds_and_widgets_into_their_copies():
    static, charts = make_static(notebook_with_outputs())
    assert charts == 1
    assert "widgets" not in static.metadata
    html_outputs = [o["data"]["text/html"] for c in static.cells for o in c.get("outputs", [])]
    assert len(html_outputs) == 2  # the bare widget had nothing to show and is dropped
    assert "vegaEmbed('#wb-chart-1'" in html_outputs[0]
    assert html_outputs[1] == "<p>static copy</p>"


def test_exported_html_references_nothing_external_and_escapes_text():
    page, _ = OfflineHTMLExporter().from_notebook_node(notebook_with_outputs())
    assert external_references(page) == []
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
    assert page.count("function vegaEmbed") + page.count("vegaEmbed=") >= 1
    assert "</script><script>alert(1)" not in page  # the title cannot close the script
    assert vega_bundle()[:50] in page
    assert page.count('<div class="jp-InputArea') == 1  # the markdown only: code is hidden
    shown, _ = OfflineHTMLExporter(show_code=True).from_notebook_node(notebook_with_outputs())
    assert shown.count('<div class="jp-InputArea') == 4


def test_page_without_charts_carries_no_vega():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("text only")]
    page, _ = OfflineHTMLExporter().from_notebook_node(nb)
    assert len(page) < 400_000 and external_references(page) == []
