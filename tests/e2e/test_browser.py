"""The pinned stack draws the charts with no network: in JupyterLab and in Voila.

Real Chromium (Debian's package) driven by Playwright, every outside connection sent
to a dead proxy; only the local server is reachable.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from workbook.run.runner import NOTEBOOKS_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BIN = Path(sys.executable).parent
VOILA_TEMPLATES = (
    Path(__file__).resolve().parents[2] / "workbook" / "display" / "templates" / "jupyter"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(command: list[str], url: str, log: Path, timeout: float = 60):
    """Start a local server, wait until ``url`` answers, stop it afterwards."""
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    message = f"server did not start: {log.read_text()[-2000:]}"
                    raise AssertionError(message) from None
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--proxy-server=127.0.0.1:9",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield launched
        launched.close()


def open_and_count_charts(browser, url: str, screenshot: Path) -> tuple[int, list[str], str]:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(url)
    page.wait_for_selector("svg.marks", timeout=90_000)
    page.wait_for_function("document.querySelectorAll('svg.marks').length >= 2", timeout=30_000)
    page.screenshot(path=str(screenshot), full_page=False)
    count = page.locator("svg.marks").count()
    text = page.inner_text("body")
    page.close()
    outside = [u for u in failed if not u.startswith("http://127.0.0.1")]
    return count, outside, text


def test_jupyterlab_draws_saved_charts_offline(browser, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbook",
            "run",
            "--steps",
            "1",
            "--no-html",
            "--output-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    port = free_port()
    command = [
        str(BIN / "jupyter-lab"),
        "--allow-root",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={tmp_path}",
        "--LabApp.news_url=None",
    ]
    with server(command, f"http://127.0.0.1:{port}/lab", tmp_path / "lab.log"):
        count, outside, text = open_and_count_charts(
            browser,
            f"http://127.0.0.1:{port}/lab/tree/01_learn_the_approach.ipynb",
            tmp_path / "jupyterlab-step1.png",
        )
    assert count == 2
    assert outside == []  # nothing was even attempted outside this machine
    assert "Learn the approach" in text


def test_jupyterlab_draws_the_theory_of_change_offline(browser, tmp_path):
    """Step 7's diagram (Graphviz's SVG inside the notebook's output) shows in JupyterLab."""
    from workbook.plan.store import import_plan

    example = Path(__file__).resolve().parents[2] / "data" / "examples" / "sample_plan.json"
    plan = import_plan(example, tmp_path / "plan.sqlite")
    run = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "7", "--no-html",
         "--plan-path", str(plan), "--output-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    # As when the facilitator ran it: JupyterLab trusts outputs its user produced (an
    # untrusted file's HTML outputs lose their SVG to the sanitizer).
    subprocess.run([str(BIN / "jupyter"), "trust", str(tmp_path / "07_strategic_actions.ipynb")],
                   check=True, capture_output=True)  # fmt: skip
    port = free_port()
    command = [
        str(BIN / "jupyter-lab"), "--allow-root", "--no-browser", f"--port={port}",
        "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=None",
    ]  # fmt: skip
    with server(command, f"http://127.0.0.1:{port}/lab", tmp_path / "lab.log"):
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"http://127.0.0.1:{port}/lab/tree/07_strategic_actions.ipynb")
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        diagram = page.locator("svg[role=img] g.graph").first
        for _ in range(60):  # cells are drawn as they scroll into view
            if diagram.count():
                break
            page.locator(".jp-WindowedPanel-outer").first.evaluate("e => e.scrollBy(0, 900)")
            page.wait_for_timeout(500)
        diagram.wait_for(timeout=60_000)
        diagram.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "jupyterlab-step7.png"), full_page=False)
        box = diagram.bounding_box()
        labels = page.locator("svg[role=img] g.node").count()
        page.close()
    assert box and box["width"] > 200 and box["height"] > 100  # drawn, not an empty box
    assert labels >= 8  # the example's eight outcomes (and its interventions)
    assert [u for u in failed if not u.startswith("http://127.0.0.1")] == []


def test_voila_draws_step1_offline(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(VOILA_TEMPLATES))
    monkeypatch.setenv("WORKBOOK_PLAN_PATH", str(tmp_path / "plan.sqlite"))  # not in the checkout
    port = free_port()
    command = [
        str(BIN / "voila"),
        str(NOTEBOOKS_DIR / "01_learn_the_approach.ipynb"),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--template=workbook",
    ]
    with server(command, f"http://127.0.0.1:{port}/", tmp_path / "voila.log"):
        count, outside, text = open_and_count_charts(
            browser, f"http://127.0.0.1:{port}/", tmp_path / "voila-step1.png"
        )
    assert count == 2 and outside == []
    assert "Linden County" in text and "Synthetic sample" in text
