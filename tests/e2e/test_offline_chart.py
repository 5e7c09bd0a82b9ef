"""A chart whose text looks like markup is drawn, as text, in the offline HTML copy.

The copy is made the way ``workbook run`` makes it (OfflineHTMLExporter) and opened from
disk in Debian's Chromium, every outside connection sent to a dead proxy.
"""

from __future__ import annotations

import altair as alt
import nbformat
import pandas as pd

from tests.e2e.test_browser import browser  # noqa: F401 - the project's Chromium fixture
from workbook.display import render
from workbook.display.export import OfflineHTMLExporter

TITLE = "<!--<script>"
LABEL = "</script><script>alert(1)</script>"


def hostile_notebook() -> nbformat.NotebookNode:
    render.setup()
    frame = pd.DataFrame({"group": [LABEL, "B & C"], "value": [1, 2]})
    chart = alt.Chart(frame).mark_bar().encode(x="group:N", y="value:Q")
    bundle = chart.properties(title=TITLE, description="Two bars")._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "chart", outputs=[nbformat.v4.new_output("display_data", data=data)]
        ),
        nbformat.v4.new_markdown_cell("After the chart."),
    ]
    return nb


def test_offline_copy_draws_a_chart_titled_like_markup(browser, tmp_path):  # noqa: F811
    page_file = tmp_path / "hostile.html"
    body, _ = OfflineHTMLExporter().from_notebook_node(hostile_notebook())
    page_file.write_text(body, encoding="utf-8")

    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    failed: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_selector("figure.wb-chart svg.marks", timeout=60_000)
    drawn = page.locator("figure.wb-chart svg.marks text").all_text_contents()
    label = page.locator("figure.wb-chart").get_attribute("aria-label")
    after = page.inner_text("body")
    page.close()

    assert TITLE in drawn  # the title is drawn as the chart's text
    assert any("alert(1)" in text for text in drawn)  # and so is the axis label
    assert label == TITLE
    assert "After the chart." in after  # nothing after the chart was swallowed
    assert dialogs == [] and errors == [] and failed == []
