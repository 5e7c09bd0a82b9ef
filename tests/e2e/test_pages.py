"""Steps 1, 3 and 4 as a council member meets them: dashboards and HTML copies at 1280x720.

The example plan is run with ``workbook run`` (the HTML copies) and served with
``workbook serve`` (the dashboards); each page is opened in Chromium with every outside
connection refused (tests/e2e/test_browser.py) and read as a report: its browser title
names the step and the place, no notebook instruction or doubled title is left, the
console stays quiet, every chart fits the width it is given, and what only the coalition
may see (a partner's name without consent) is not there. Screenshots of every page are
kept under $WORKBOOK_ARTIFACTS (or the test's temporary folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import test_browser
from tests.e2e.test_dashboards import EXAMPLE_PLAN, start_server
from workbook.data.sources import PROJECT_ROOT
from workbook.serve.server import serve_command
from workbook.steps import registry

PLACE = "Linden County, Calderra"
STEPS = (1, 3, 4)
VIEWPORT = {"width": 1280, "height": 720}
# Notebook chores and server talk (how the data folder was chosen, which commit built it).
NOTEBOOK_WORDS = ("Run All", "Run it from the top", "Nothing below needs editing", "--data-dir",
                  "from commit")  # fmt: skip

browser = test_browser.browser

# Each chart's drawing against the output it sits in (and the window): right edges.
FIT_JS = """() => Array.from(document.querySelectorAll('svg.marks')).map(svg => {
  const box = svg.closest('.jp-OutputArea-output, figure.wb-chart') || svg.parentElement;
  return {title: (svg.getAttribute('aria-label') || svg.textContent).slice(0, 60),
          svg: svg.getBoundingClientRect().width, box: box.getBoundingClientRect().width,
          right: svg.getBoundingClientRect().right, window: window.innerWidth};
})"""
HEADINGS_JS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4'))
  .filter(h => h.offsetParent !== null).map(h => h.textContent.replace(/¶$/, '').trim())"""
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href^="#"]'))
  .filter(a => a.getAttribute('href').length > 1)
  .map(a => [a.textContent, !!document.getElementById(
      decodeURIComponent(a.getAttribute('href').slice(1)))])"""


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict:
    """The example plan imported, and Steps 1, 3 and 4 run on it (the HTML copies)."""
    from workbook.plan.store import import_plan

    folder = tmp_path_factory.mktemp("example")
    plan = import_plan(EXAMPLE_PLAN, folder / "plan.sqlite")
    out = folder / "out"
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "1,3,4", "--plan-path", str(plan),
         "--output-dir", str(out)],
        capture_output=True, text=True, timeout=600, cwd=folder,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return {"plan": plan, "out": out}


@pytest.fixture(scope="module")
def dashboards(example, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    port = test_browser.free_port()
    command, env = serve_command(
        plan_path=example["plan"], port=port, ip="127.0.0.1", site_dir=folder / "site"
    )
    base = f"http://127.0.0.1:{port}"
    context = start_server(command, env, folder / "voila.log", base + "/")
    try:
        yield base
    finally:
        context.__exit__(None, None, None)


class Page:
    """One page opened at 1280x720: what a reader sees, and what the console said."""

    def __init__(
        self, browser, url: str, charts: int, screenshot: Path, measure: dict | None = None
    ) -> None:
        page = browser.new_page(viewport=VIEWPORT)
        self.console: list[str] = []
        self.failed: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function(
            "() => { const c = document.getElementById('rendered_cells');"
            " return c === null || c.style.display !== 'none'; }",
            timeout=180_000,
        )
        if charts:
            page.wait_for_function(
                f"() => document.querySelectorAll('svg.marks').length >= {charts}",
                timeout=120_000,
            )
        page.wait_for_timeout(1500)  # let the last chart settle its size
        self.title = page.title()
        self.text = page.inner_text("body")
        self.charts = page.evaluate(FIT_JS)
        self.headings = page.evaluate(HEADINGS_JS)
        self.links = page.evaluate(LINKS_JS)
        # Anything else a caller asks of the page at 1280x720: name -> JavaScript function.
        self.measured = {name: page.evaluate(js) for name, js in (measure or {}).items()}
        self.chart_text = " ".join(
            page.evaluate(
                "() => Array.from(document.querySelectorAll('svg.marks')).map(s => s.textContent)"
            )  # fmt: skip
        )
        # The whole page: a dashboard scrolls inside its cells, so the window is made as
        # tall as they are (as tests/e2e/test_dashboards.py does).
        height = page.evaluate(
            "() => Math.max(document.body.scrollHeight, ...Array.from(document"
            ".querySelectorAll('#rendered_cells, #rendered_cells *')).map(e => e.scrollHeight))"
        )
        tall = min(int(height) + 40, 30_000)
        page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshot), full_page=True)
        page.close()
        print(f"screenshot: {screenshot}")


@pytest.fixture(scope="module")
def pages(example, dashboards, browser, artifacts) -> dict:
    """Every page, opened once: ("copy" | "dashboard", step) -> Page."""
    opened = {}

    def page(where: str, number: int) -> Page:
        if (where, number) not in opened:
            name = registry.step(number).notebook
            copy = example["out"] / name.replace(".ipynb", ".html")
            charts = copy.read_text(encoding="utf-8").count('class="wb-chart"')
            url = copy.as_uri() if where == "copy" else f"{dashboards}/voila/render/{name}"
            shot = artifacts / f"{where}-step{number:02d}-1280.png"
            opened[where, number] = Page(browser, url, charts, shot)
        return opened[where, number]

    return page


@pytest.mark.parametrize("where", ["copy", "dashboard"])
@pytest.mark.parametrize("number", STEPS)
def test_a_page_reads_as_a_report(pages, where, number):
    page = pages(where, number)
    title = registry.step(number).title
    assert page.title == f"Step {number}: {title}: {PLACE}"
    for words in NOTEBOOK_WORDS:
        assert words not in page.text, f"{words!r} on the {where} of step {number}"
    assert page.headings.count(title) == 1, page.headings[:6]  # the title once
    assert f"Step {number} review" in page.headings
    assert page.headings.count(f"Step {number} review") == 1
    assert "0 records" not in page.text and "Not saved yet" not in page.text
    # Dashboards included: Voila's page loads the widgets build made for its JupyterLab
    # (workbook/serve/widgets.py), so no "Unsatisfied version" warning either.
    warnings = [m for m in page.console if m.startswith(("warning", "error"))]
    assert warnings == [], warnings
    assert [u for u in page.failed if not u.startswith(("http://127.0.0.1", "file:"))] == []


@pytest.mark.parametrize("where", ["copy", "dashboard"])
@pytest.mark.parametrize("number", STEPS)
def test_every_chart_fits_the_width_it_is_given(pages, where, number):
    page = pages(where, number)
    assert page.charts, f"no chart drawn on step {number}"
    for chart in page.charts:
        assert chart["svg"] <= chart["box"] + 0.5, chart
        assert chart["right"] <= chart["window"], chart


@pytest.mark.parametrize("where", ["copy", "dashboard"])
def test_step1_has_working_jump_links(pages, where):
    page = pages(where, 1)
    contents = [text for text, _ in page.links]
    assert "The framework at a glance" in contents and "Step 1 review" in contents
    assert [text for text, found in page.links if not found] == []
    # The matrix: every step's name whole, and no axis title over the labels.
    for step in load_steps():
        assert f"{step['number']}. {step['title']}" in page.chart_text


def load_steps() -> list[dict]:
    from workbook.data.catalog import load_framework

    return load_framework().steps


@pytest.mark.parametrize("where", ["copy", "dashboard"])
def test_step3_says_what_the_judgement_means_for_racial_equity(pages, where):
    from workbook.steps.local_government_readiness import EQUITY_WEAK

    page = pages(where, 3)
    assert "Overall: Ready with gaps" in page.text
    assert EQUITY_WEAK in page.text
    assert "<em>" not in page.text and "&lt;" not in page.text
    assert "Synthetic sample: invented places and values" not in page.chart_text


@pytest.mark.parametrize("where", ["copy", "dashboard"])
def test_step4_names_partners_only_with_their_consent(pages, where):
    page = pages(where, 4)
    assert "Lena Ortiz" in page.text  # agreed to be named
    for unnamed in ("Carl Hughes", "Deputy superintendent", "Greg Walsh", "Amir Haddad"):
        assert unnamed not in page.text, unnamed
    assert "Linden County Public Schools" in page.text  # the organisation still is
    assert "Synthetic sample: invented places and values" not in page.chart_text
    assert "Lakeshore UniversityData Lab" in page.chart_text  # on two lines, not cut
