"""One escaping rule for every chart that becomes static HTML (workbook.display.html)."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser

import altair as alt
import nbformat
import pandas as pd
import pytest

from workbook.display import html, render
from workbook.display.export import make_static
from workbook.run import report

HOSTILE = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "]]>",
    "line\u2028break\u2029paragraph",
    'Tom & Jerry\'s <b>"quoted"</b> -->',
]
# Characters that must never stand raw inside a script element's JSON.
RAW_FORBIDDEN = ("<", ">", "&", "\u2028", "\u2029")


def hostile_spec(text: str) -> dict:
    return {
        "title": {"text": text, "subtitle": [text]},
        "description": text,
        "data": {"values": [{"label": text, "value": 1}]},
        "mark": "bar",
        "encoding": {"x": {"field": "label", "type": "nominal"}},
    }


class Scripts(HTMLParser):
    """The elements of a page as a browser's tokenizer sees them: each script's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.labels: list[str] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._open = attrs
            self.scripts.append((attrs, ""))
        if tag == "figure":
            self.labels.append(attrs.get("aria-label", ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def parse(page: str) -> Scripts:
    parser = Scripts()
    parser.feed(page)
    parser.close()
    return parser


def spec_scripts(page: str) -> list[str]:
    return [text for attrs, text in parse(page).scripts if attrs.get("type") == "application/json"]


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_reads_back_the_same_value_with_nothing_raw(text):
    spec = hostile_spec(text)
    encoded = html.script_json(spec)
    assert json.loads(encoded) == spec
    assert not [c for c in RAW_FORBIDDEN if c in encoded], encoded


@pytest.mark.parametrize("inline", [True, False])
@pytest.mark.parametrize("text", HOSTILE)
def test_each_figure_mode_keeps_its_spec_inside_one_script_element(text, inline):
    spec = hostile_spec(text)
    page = html.figure_html(spec, 7, inline=inline)
    scripts = parse(page)
    (payload,) = spec_scripts(page)  # the title opened or closed no other element
    assert json.loads(payload) == spec
    assert not [c for c in RAW_FORBIDDEN if c in payload]
    assert scripts.labels == [text]  # the attribute holds the title as text
    assert len(scripts.scripts) == (2 if inline else 1)
    if inline:
        assert "vegaEmbed('#wb-chart-7'" in scripts.scripts[1][1]
    else:
        attrs = scripts.scripts[0][0]
        assert attrs["class"] == "wb-spec" and attrs["data-target"] == "wb-chart-7"


@pytest.mark.parametrize("text", HOSTILE)
def test_notebook_copies_and_reports_escape_a_chart_identically(text):
    """The offline notebook copy (export) and the batch report carry the same bytes."""
    spec = hostile_spec(text)
    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("display_data", data={render.VEGALITE_MIMETYPE: spec})
    nb.cells = [nbformat.v4.new_code_cell("chart", outputs=[output])]
    static, charts = make_static(nb)
    exported = static.cells[0].outputs[0]["data"]["text/html"]
    reported = report.figure_html(spec, 1, inline=False)
    assert charts == 1
    assert spec_scripts(exported) == spec_scripts(reported) == [html.script_json(spec)]
    assert parse(exported).labels == parse(reported).labels == [text]


def test_an_altair_chart_with_user_text_survives_the_round_trip():
    render.setup()
    frame = pd.DataFrame({"group": HOSTILE, "value": range(len(HOSTILE))})
    chart = alt.Chart(frame).mark_bar().encode(x="group:N", y="value:Q")
    spec = chart.properties(title=HOSTILE[0], description=HOSTILE[1]).to_dict()
    (payload,) = spec_scripts(html.figure_html(spec, "live-1"))
    assert json.loads(payload) == spec


def test_report_data_and_options_use_the_same_rule():
    rows = [{"label": text} for text in HOSTILE]
    assert html.script_json(rows).count("\\u003c") == sum(t.count("<") for t in HOSTILE)
    assert "<" not in html.script_json(html.EMBED_OPTIONS)


def test_values_a_browser_cannot_parse_are_refused():
    with pytest.raises(ValueError, match="NaN or infinity"):
        html.script_json({"value": math.nan})


def test_figure_numbers_become_ids_and_shared_data_needs_the_report_script():
    with pytest.raises(ValueError, match="figure number"):
        html.figure_html({}, "1'); alert(1); ('")
    with pytest.raises(ValueError, match="inline=False"):
        html.figure_html({}, 1, shared="wb-distribution=distribution-county")


def test_escape_makes_text_of_anything():
    assert html.escape('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert html.escape(None) == "" and html.escape(3) == "3"


def test_vega_bundle_can_be_inlined():
    bundle = html.vega_bundle()
    assert "vegaEmbed" in bundle
    assert not re.search(r"</script|<!--", bundle, re.IGNORECASE)
