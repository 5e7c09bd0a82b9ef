"""Step 2 as a stakeholder reads it, in Chromium at projector width (1280 px).

The HTML copies of Los Angeles County (06037), Loving County, Texas (48301) and
Philadelphia city (4260000) are opened, screenshotted whole (kept under
$WORKBOOK_ARTIFACTS, or the test's temporary folder) and checked: the headline is on the
first screen, no chart is wider than the page gives it, the console has no error. Dollar
amounts are checked in the live front ends, where MathJax typesets ``$...$``: a Voila
dashboard and JupyterLab both show "$32,319" as written, never as maths.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import test_browser
from tests.e2e.test_dashboards import start_server
from workbook.serve.server import serve_command

KEYS = ("06037", "48301", "4260000")
FIRST_SCREEN = 720
DOLLARS = "95% CI $32,"  # Los Angeles County's household income, 20th percentile
NOTEBOOK = "02_use_the_metrics.ipynb"
PAGE = "02_use_the_metrics.html"

browser = test_browser.browser
free_port = test_browser.free_port

# Each drawn chart's right edge against the page's: a chart wider than its room is cut.
CLIPPED_JS = """() => Array.from(document.querySelectorAll('svg.marks')).filter(svg => {
  const room = document.documentElement.clientWidth;
  const box = svg.getBoundingClientRect();
  const holder = svg.parentElement.getBoundingClientRect();
  return box.right > room + 1 || box.width > holder.width + 1;
}).map(svg => svg.getAttribute('aria-label') || svg.parentElement.className)"""
# Text MathJax typeset (a dollar amount read as maths would be one of these).
MATHS_JS = """() => Array.from(document.querySelectorAll('mjx-container, .MathJax'))
  .map(e => e.textContent)"""


@pytest.fixture(scope="module")
def copies(tmp_path_factory, real_dir) -> dict[str, Path]:
    """``workbook run --steps 2`` for each place: its output folder."""
    folders = {}
    for key in KEYS:
        folder = tmp_path_factory.mktemp(f"step2-{key}")
        result = subprocess.run(
            [sys.executable, "-m", "workbook", "run", "--steps", "2", "-j", key,
             "--data-dir", str(real_dir), "--output-dir", str(folder)],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        folders[key] = folder
    return folders


def open_copy(browser, path: Path, screenshot: Path) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": FIRST_SCREEN})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => document.querySelectorAll('svg.marks').length >= "
        "document.querySelectorAll('.vega-embed').length && "
        "document.querySelectorAll('svg.marks').length > 0",
        timeout=60_000,
    )
    page.screenshot(path=str(screenshot), full_page=True)
    headline = page.locator(".wb-headline").first.bounding_box()
    seen = {
        "headline_top": headline["y"] if headline else None,
        "headline": page.locator(".wb-headline").first.inner_text(),
        "clipped": page.evaluate(CLIPPED_JS),
        "charts": page.locator("svg.marks").count(),
        "text": page.inner_text("body"),
        "errors": errors,
    }
    page.close()
    return seen


@pytest.mark.parametrize("key", KEYS)
def test_step2_copy_opens_with_the_answer(browser, copies, artifacts, key):
    shot = artifacts / f"step2-{key}-1280.png"
    seen = open_copy(browser, copies[key] / PAGE, shot)
    print(f"screenshot of Step 2 for {key}: {shot}")
    assert shot.stat().st_size > 50_000
    assert seen["headline_top"] is not None and seen["headline_top"] < FIRST_SCREEN
    assert "residents" in seen["headline"] and "metrics have a value" in seen["headline"]
    assert seen["clipped"] == [], f"charts wider than their room: {seen['clipped']}"
    assert seen["errors"] == []
    text = seen["text"]
    # Method tables come after the answer, not before it.
    assert text.index("Every metric at a glance") < text.rindex("How the metrics are made")
    for leftover in ("Run All", "Choose a metric", str(copies[key])):
        assert leftover not in text
    if key == "48301":
        assert "43 residents" in seen["headline"] and "Few metrics" in seen["headline"]
        assert "no physician to count" in seen["headline"]
        assert "Gaps between racial and ethnic groups" not in text  # no chart the text denies
        assert "no gap between groups can be measured" in text
    if key == "06037":
        assert DOLLARS in text


def test_dollar_amounts_stay_text_in_voila(browser, tmp_path, real_dir):
    port = free_port()
    command, env = serve_command(
        data_dir=real_dir, jurisdiction="06037", port=port, ip="127.0.0.1",
        site_dir=tmp_path / "site",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    context = start_server(command, env, tmp_path / "voila.log", base + "/")
    try:
        page = browser.new_page(viewport={"width": 1280, "height": FIRST_SCREEN})
        page.goto(f"{base}/voila/render/{NOTEBOOK}", timeout=120_000)
        page.wait_for_function(
            f"() => document.body.innerText.includes({DOLLARS!r})", timeout=300_000
        )
        page.wait_for_function("() => window.MathJax !== undefined", timeout=30_000)
        page.wait_for_timeout(2000)  # MathJax typesets after the outputs are attached
        maths = page.evaluate(MATHS_JS)
        text = page.inner_text("body")
        page.close()
    finally:
        context.__exit__(None, None, None)
    assert DOLLARS in text and "$34,358" in text
    assert not [m for m in maths if "32,319" in m or "34,358" in m]


def test_dollar_amounts_stay_text_in_jupyterlab(browser, tmp_path, copies):
    folder = copies["06037"]
    port = free_port()
    command = [
        str(test_browser.BIN / "jupyter-lab"), "--allow-root", "--no-browser",
        f"--port={port}", "--ServerApp.token=", "--ServerApp.password=",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={folder}",
        "--LabApp.news_url=None",
    ]  # fmt: skip
    with test_browser.server(command, f"http://127.0.0.1:{port}/lab", tmp_path / "lab.log"):
        page = browser.new_page(viewport={"width": 1280, "height": FIRST_SCREEN})
        page.goto(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}", timeout=120_000)
        page.wait_for_selector(".jp-OutputArea-output", timeout=120_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.wb-headline').length > 0", timeout=120_000
        )
        # JupyterLab renders cells lazily: bring the metrics table's cell into view.
        page.get_by_text("Household income, 20th percentile").first.scroll_into_view_if_needed()
        page.wait_for_timeout(3000)
        maths = page.evaluate(MATHS_JS)
        table = page.evaluate(
            "() => Array.from(document.querySelectorAll('td'))"
            ".map(td => td.textContent).find(t => t.includes('32,319')) || ''"
        )
        page.close()
    assert table.startswith(DOLLARS), table
    assert not [m for m in maths if "32,319" in m or "34,358" in m]
