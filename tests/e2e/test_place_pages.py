"""Every step's page, as a stakeholder meets it, for a large county, a tiny one and a city.

The example plan (all ten steps filled) is run for Los Angeles County (06037), Loving
County, Texas (48301, 64 residents) and Philadelphia city (4260000): each step's HTML copy
is opened in Chromium at projector width (1280x720), and so is each step's dashboard
through ``workbook serve`` (Voila). Each page is screenshotted whole (kept under
$WORKBOOK_ARTIFACTS as ``{copy|dashboard}-{key}-stepNN.png``) and checked for what a
reader would notice: the browser title names the step and the place; no notebook
leftovers or server paths; no error notice; nothing private; every chart fits the width
it is given and the page does not scroll sideways; the browser console has no warning or
error (Voila's page included: workbook/serve/widgets.py); and the steps that decide
something open with the answer in words (``.wb-headline``) on the first screen.

The places run one after the other on one worker (``xdist_group``): one plan, one set of
copies and one server alive at a time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import private_values
from tests.e2e import test_browser
from tests.e2e.test_dashboards import ERROR_WORDS, EXAMPLE_PLAN, start_server
from tests.e2e.test_pages import NOTEBOOK_WORDS, Page
from workbook.data.sources import PROJECT_ROOT
from workbook.serve.server import serve_command
from workbook.steps import registry

pytestmark = pytest.mark.xdist_group("place_pages")

PLACES = {
    "06037": "Los Angeles County, California",
    "48301": "Loving County, Texas",
    "4260000": "Philadelphia city, Pennsylvania",
}
# What an unfinished page or a notebook shows and a report must not: notebook hints,
# empty counters, a chooser's prompt with no chooser, Python's and JavaScript's blanks
# ("None" as a value, not the English word: "None of the metrics ...").
LEFTOVERS = [re.escape(words) for words in NOTEBOOK_WORDS] + [
    r"(?<![\d,])0 records", "Not saved yet", "Choose a metric", "/tmp/",
    r"\bNone\b(?! \w)", r"\bnan\b", r"\bNaN\b", r"\bundefined\b",
]  # fmt: skip
SIDEWAYS_JS = "() => document.documentElement.scrollWidth - window.innerWidth"
# Where the page's opening answer starts (px from the top), and its words.
HEADLINE_JS = """() => { const h = document.querySelector('.wb-headline');
  return h ? [h.getBoundingClientRect().top + window.scrollY, h.innerText] : null; }"""
# Steps whose page opens with the answer in words (Steps 1, 3 and 4 open with the
# framework, the readiness judgement and the coalition's register).
HEADLINED = (2, 5, 6, 7, 8, 9, 10)
FIRST_SCREEN = 720

browser = test_browser.browser


@pytest.fixture(scope="module", params=list(PLACES))
def place(request, tmp_path_factory, real_dir) -> dict:
    """The example plan run for one place: its copies' folder, its plan, its server."""
    from workbook.plan.store import import_plan

    key = request.param
    folder = tmp_path_factory.mktemp(f"place-{key}")
    plan = import_plan(EXAMPLE_PLAN, folder / "plan.sqlite")
    out = folder / "out"
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "-j", key, "--data-dir", str(real_dir),
         "--plan-path", str(plan), "--output-dir", str(out)],
        capture_output=True, text=True, timeout=900, cwd=folder,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    port = test_browser.free_port()
    command, env = serve_command(
        plan_path=plan, data_dir=real_dir, jurisdiction=key, port=port, ip="127.0.0.1",
        site_dir=folder / "site",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    context = start_server(command, env, folder / "voila.log", base + "/")
    try:
        yield {"key": key, "out": out, "plan": plan, "base": base,
               "private": private_values(plan), "opened": {}}  # fmt: skip
    finally:
        context.__exit__(None, None, None)


def open_page(place: dict, browser, artifacts: Path, where: str, number: int) -> Page:
    name = registry.step(number).notebook
    copy = place["out"] / name.replace(".ipynb", ".html")
    charts = copy.read_text(encoding="utf-8").count('class="wb-chart"')
    url = copy.as_uri() if where == "copy" else f"{place['base']}/voila/render/{name}"
    shot = artifacts / f"{where}-{place['key']}-step{number:02d}.png"
    page = Page(browser, url, charts, shot,
                measure={"sideways": SIDEWAYS_JS, "headline": HEADLINE_JS})  # fmt: skip
    assert shot.stat().st_size > 20_000
    return page


@pytest.mark.parametrize("where", ["copy", "dashboard"])
@pytest.mark.parametrize("number", registry.numbers())
def test_every_page_reads_as_a_report(place, browser, artifacts, where, number):
    page = open_page(place, browser, artifacts, where, number)
    label = PLACES[place["key"]]
    assert page.title == f"Step {number}: {registry.step(number).title}: {label}"
    assert label in page.text
    if number in HEADLINED:  # the answer on the first screen, naming the place
        assert page.measured["headline"] is not None, f"no opening answer on step {number}"
        top, words = page.measured["headline"]
        assert top < FIRST_SCREEN - 100, f"step {number}'s answer starts at {top:.0f} px"
        assert label.split(",")[0] in words
    found = [pattern for pattern in LEFTOVERS if re.search(pattern, page.text)]
    assert found == [], f"{found} on the {where} of step {number} for {label}"
    assert str(place["out"]) not in page.text
    assert [w for w in ERROR_WORDS if w in page.text] == []
    assert [s for s in place["private"] if s in page.text] == []
    for chart in page.charts:
        assert chart["svg"] <= chart["box"] + 0.5, chart
        assert chart["right"] <= chart["window"], chart
    assert page.measured["sideways"] <= 0, "the page scrolls sideways at 1280 px"
    warnings = [m for m in page.console if m.startswith(("warning", "error"))]
    assert warnings == [], warnings[:5]
    assert [u for u in page.failed if not u.startswith(("http://127.0.0.1", "file:"))] == []
