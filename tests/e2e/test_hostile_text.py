"""Text a coalition typed is shown as text everywhere, whatever it contains.

Every free-text answer of the example plan gets one of three strings that break pages
which escape only part of what they put in a ``<script>`` block (``<!--<script>`` starts
an HTML comment state inside a script and swallowed the rest of Step 4's page). Then the
executed notebooks' HTML copies and the dashboards are opened in Chromium: every chart
the page carries is drawn, no script of the text runs, and the text reads as typed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import test_dashboards as tdash
from workbook.data.sources import PROJECT_ROOT, SAMPLE_DIR
from workbook.plan.store import import_plan
from workbook.serve.server import serve_command

browser = tdash.browser
EXAMPLE = PROJECT_ROOT / "data" / "examples" / "sample_plan.json"
HOSTILE = (
    "<!--<script>",
    "</script><script>window.__wbInjected = 1</script>",
    "]]> & <b>bold</b>",
)
STEPS = ("03_local_government_readiness", "04_build_the_coalition", "02_use_the_metrics")
NOT_TEXT = {"id", "status", "tag", "condition", "role", "cadence", "decision", "email", "phone"}


def _spike(value, counter: list[int]):
    """Append a hostile string to every answer someone typed (not ids, dates or choices)."""
    if isinstance(value, dict):
        return {k: v if k in NOT_TEXT else _spike(v, counter) for k, v in value.items()}
    if isinstance(value, list):
        return [_spike(v, counter) for v in value]
    if isinstance(value, str) and " " in value.strip() and not value[:4].isdigit():
        counter[0] += 1
        return f"{value} {HOSTILE[counter[0] % len(HOSTILE)]}"
    return value


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory) -> Path:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    counter = [0]
    for name, section in data["sections"].items():
        section["value"] = _spike(section["value"], counter)
        # The export's history ends with the section's current value: keep them equal.
        last = max((h for h in data["history"] if h["section"] == name), key=lambda h: h["version"])
        last["value"] = section["value"]
    assert counter[0] > 20, "the example plan should have many typed answers"
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.json").write_text(json.dumps(data), encoding="utf-8")
    plan = folder / "plan.sqlite"
    import_plan(folder / "hostile.json", plan)
    return plan


def _watched_page(browser):
    """A page at projector width that records script errors and any dialog a script opens."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
    return page, errors


def _check_page(page, where: str) -> None:
    """Every chart drawn, nothing injected, the hostile strings readable as text."""
    # Offline copies wrap each chart in figure.wb-chart; live pages give each a .vega-embed.
    figures = page.evaluate(
        "document.querySelectorAll('figure.wb-chart').length + "
        "Array.from(document.querySelectorAll('.vega-embed'))"
        ".filter(e => !e.closest('figure.wb-chart')).length"
    )
    page.wait_for_function(
        f"document.querySelectorAll('svg.marks').length >= {max(figures, 1)}", timeout=120_000
    )
    assert page.evaluate("window.__wbInjected") is None, where
    shown = page.evaluate(
        "document.body.innerText + ' ' + Array.from(document.querySelectorAll('svg text'))"
        ".map(t => t.textContent).join(' ')"
    )
    for text in HOSTILE:
        assert text in shown, (where, text)


def test_html_copies_show_hostile_text_as_text(browser, hostile_plan, tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--data-dir", str(SAMPLE_DIR),
         "--plan-path", str(hostile_plan), "--output-dir", str(out), "--steps", "2-4"],
        capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    for name in STEPS:
        page, errors = _watched_page(browser)
        page.goto((out / f"{name}.html").as_uri())
        _check_page(page, name)
        assert errors == [], (name, errors)
        page.close()


def test_dashboards_show_hostile_text_as_text(browser, hostile_plan, tmp_path):
    port = tdash.free_port()
    command, env = serve_command(
        plan_path=hostile_plan, port=port, data_dir=SAMPLE_DIR, site_dir=tmp_path / "site"
    )
    base = f"http://127.0.0.1:{port}"
    context = tdash.start_server(command, env, tmp_path / "voila.log", base + "/")
    try:
        for name in STEPS[:2]:
            page, errors = _watched_page(browser)
            page.goto(f"{base}/voila/render/{name}.ipynb", wait_until="commit")
            page.wait_for_selector("svg.marks", timeout=120_000)
            _check_page(page, name)
            assert errors == [], (name, errors)
            page.close()
    finally:
        context.__exit__(None, None, None)
