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

One test per place, which opens its 20 pages and lists every problem it finds: each place
is run and served once, by whichever worker takes its test.
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
# Steps whose page opens with the answer in words (Step 1 opens with the framework).
HEADLINED = (2, 3, 4, 5, 6, 7, 8, 9, 10)
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


def problems(page: Page, place: dict, where: str, number: int) -> list[str]:
    """What a reader would notice on one page; empty when it reads as a report."""
    label = PLACES[place["key"]]
    found = []
    if page.title != f"Step {number}: {registry.step(number).title}: {label}":
        found.append(f"title {page.title!r}")
    if label not in page.text:
        found.append("the place is not named")
    if number in HEADLINED:  # the answer on the first screen, naming the place
        if page.measured["headline"] is None:
            found.append("no opening answer")
        else:
            top, words = page.measured["headline"]
            if top >= FIRST_SCREEN - 100:
                found.append(f"the answer starts at {top:.0f} px")
            if label.split(",")[0] not in words:
                found.append("the answer does not name the place")
    found += [f"leftover {p!r}" for p in LEFTOVERS if re.search(p, page.text)]
    if str(place["out"]) in page.text:
        found.append("a server folder")
    found += [f"error notice {w!r}" for w in ERROR_WORDS if w in page.text]
    found += [f"private {s!r}" for s in place["private"] if s in page.text]
    for chart in page.charts:
        if chart["svg"] > chart["box"] + 0.5 or chart["right"] > chart["window"]:
            found.append(f"chart too wide: {chart}")
    if page.measured["sideways"] > 0:
        found.append("the page scrolls sideways at 1280 px")
    found += [m[:160] for m in page.console if m.startswith(("warning", "error"))][:5]
    found += [f"outside request {u}" for u in page.failed
              if not u.startswith(("http://127.0.0.1", "file:"))]  # fmt: skip
    return [f"{where} of step {number}: {problem}" for problem in found]


def test_every_page_reads_as_a_report(place, browser, artifacts):
    """All steps, copy and dashboard: every problem on every page is listed at once."""
    found = []
    for number in registry.numbers():
        for where in ("copy", "dashboard"):
            page = open_page(place, browser, artifacts, where, number)
            found += problems(page, place, where, number)
    assert found == [], f"{PLACES[place['key']]}:\n" + "\n".join(found)
