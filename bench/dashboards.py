"""Voila dashboards for one real county: time to the first chart of Step 2, and memory.

Two servers started by ``workbook.serve`` on the real data: one as configured (a
pre-heated kernel per step), one with pre-heating switched off ("cold": every visit
starts a kernel and runs the notebook). Each is warmed with one visit first. Then the
Step 2 page is opened in Chromium (outside network refused) and timed from the start of
the navigation to the frame in which the first chart (``svg.marks``) is painted, and to
the last chart; once as a first-time viewer (a new browser profile each visit) and once
as a returning one (scripts in the browser's cache). Pre-heated visits wait until the
pool has a ready kernel again. Finally the resident memory of each kernel (RSS, and
USS: memory no other process shares), and what the Step 2 page downloads.

Run by hand: ``python bench/dashboards.py [DATA_FOLDER] [JURISDICTION] [REPEATS]``;
prints figures, asserts nothing.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"
STEP2 = "02_use_the_metrics.ipynb"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    data: Path, key: str, folder: Path, extra: list[str], ready: dict | None = None
) -> tuple[subprocess.Popen, str]:
    from workbook.serve.server import serve_command

    port = free_port()
    command, env = serve_command(
        data_dir=data, jurisdiction=key, port=port, site_dir=folder, ready=ready
    )
    log = open(folder.parent / f"{folder.name}.log", "w")  # noqa: SIM115 - closed with the run
    process = subprocess.Popen(command + extra, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - loopback only
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"server did not start, see {log.name}") from None
            time.sleep(0.5)


def pool_ready(log: Path, notebook: str, fills: int, base: str, timeout: float = 300) -> None:
    """Wait until the pool of ``notebook`` was filled ``fills`` times and all is quiet.

    Quiet: every kernel the server started (and did not shut down) has been idle for
    3 s, so the pool's kernel has run its notebook and nothing competes with the visit.
    """
    import json
    import urllib.error

    deadline = time.monotonic() + timeout
    while log.read_text().count(f"Kernel pool of {notebook} is filled") < fills:
        if time.monotonic() > deadline:
            raise SystemExit(f"the pool of {notebook} was not refilled in {timeout:.0f} s")
        time.sleep(0.5)
    quiet_since = None
    while time.monotonic() < deadline:
        busy = False
        for kernel in set(re.findall(r"Kernel started: ([0-9a-f-]+)", log.read_text())):
            try:
                with urllib.request.urlopen(f"{base}/api/kernels/{kernel}") as reply:  # noqa: S310
                    busy = busy or json.load(reply)["execution_state"] != "idle"
            except urllib.error.HTTPError:
                continue  # shut down
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 3:
            return
        time.sleep(0.3)
    raise SystemExit(f"the kernels did not settle in {timeout:.0f} s")


# Marks, in the page's own clock (milliseconds from the start of navigation), the frame in
# which the first chart was painted: the first animation frame after an svg.marks element
# appeared. (Waiting from Python for the selector adds the polling delay of a busy page.)
FIRST_CHART_JS = """
(() => {
  window.__firstChart = null;
  const seen = () => {
    if (document.querySelector('svg.marks')) {
      requestAnimationFrame(() => { window.__firstChart = performance.now(); });
      return true;
    }
    return false;
  };
  const observer = new MutationObserver(() => { if (seen()) observer.disconnect(); });
  document.addEventListener('DOMContentLoaded', () => {
    if (!seen()) observer.observe(document.body, {childList: true, subtree: true});
  });
})();
"""


def visit(browser, url: str, context=None, timeout: float = 180) -> dict:
    """Open a page; seconds to the first and to the last chart, and bytes received.

    A new browser context is a first-time viewer (nothing cached); passing the same
    ``context`` again is a returning viewer.
    """
    own = context is None
    if own:
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.add_init_script(FIRST_CHART_JS)
    page = context.new_page()
    received = {"ws": 0}

    def count(payload: str | bytes) -> None:
        received["ws"] += len(payload)

    page.on("websocket", lambda ws: ws.on("framereceived", count))
    started = time.perf_counter()
    response = page.goto(url, wait_until="commit", timeout=timeout * 1000)
    page.wait_for_function("() => window.__firstChart !== null", timeout=timeout * 1000)
    first = page.evaluate("window.__firstChart") / 1000
    page.wait_for_function(
        "() => { const c = document.getElementById('rendered_cells');"
        " return c !== null && c.style.display !== 'none'; }",
        timeout=timeout * 1000,
    )
    charts, last, stable = -1, first, time.perf_counter()
    while time.perf_counter() - stable < 3 and time.perf_counter() - started < timeout:
        now = page.locator("svg.marks").count()
        if now != charts:
            charts, last, stable = now, time.perf_counter() - started, time.perf_counter()
        page.wait_for_timeout(200)
    html = len(response.body())
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content())
    page.close(run_before_unload=True)  # the page asks the server to end its kernel
    if own:
        context.close()
    return {
        "first": first,
        "last": last,
        "charts": charts,
        "html": html,
        "ws": received["ws"],
        "kernel": kernel.group(1) if kernel else "",
    }


def kernel_memory(server: subprocess.Popen) -> list[tuple[str, float, float]]:
    """(notebook or kernel id, RSS MB, USS MB) for each kernel of a server."""
    import psutil

    rows = []
    for child in psutil.Process(server.pid).children(recursive=True):
        line = " ".join(child.cmdline())
        if "ipykernel" not in line:
            continue
        match = re.search(r"kernel-([0-9a-f-]+)\.json", line)
        info = child.memory_full_info()
        rows.append((match.group(1) if match else "?", info.rss / 2**20, info.uss / 2**20))
    return rows


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} s "
        f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
    )


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    key = sys.argv[2] if len(sys.argv) > 2 else "06037"
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.environ.setdefault("WORKBOOK_HOME", tempfile.mkdtemp(prefix="wb-bench-"))

    from playwright.sync_api import sync_playwright

    from workbook.data.dataset import open_dataset

    open_dataset(data)  # imported once, before any kernel reads it
    work = Path(tempfile.mkdtemp(prefix="wb-dashboards-"))
    print(f"Voila dashboards, {key}, data {data}, {os.cpu_count()} CPU(s)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        # Pre-heated, as configured.
        server, base = start(data, key, work / "preheated", [])
        log = work / "preheated.log"
        try:
            pool_ready(log, STEP2, 1, base)
            warm = visit(browser, f"{base}/voila/render/{STEP2}")  # the server's caches
            runs, returning = [], []
            for number in range(repeats):
                pool_ready(log, STEP2, number + 2, base)
                runs.append(visit(browser, f"{base}/voila/render/{STEP2}"))
            cached = browser.new_context(viewport={"width": 1400, "height": 1200})
            for number in range(repeats + 1):
                pool_ready(log, STEP2, repeats + number + 2, base)
                returning.append(visit(browser, f"{base}/voila/render/{STEP2}", cached))
            returning = returning[1:]  # the first filled the browser's cache
            pool_ready(log, STEP2, 2 * repeats + 3, base)
            memory = kernel_memory(server)
        finally:
            server.terminate()
            server.wait(30)
        print("\nStep 2, pre-heated pool (target: first chart within 2.5 s)")
        print("  a first-time viewer (empty browser cache):")
        print(f"    first chart painted  {summary([r['first'] for r in runs])}")
        print(f"    all {runs[-1]['charts']} charts        {summary([r['last'] for r in runs])}")
        print("  a returning viewer (scripts in the browser's cache):")
        print(f"    first chart painted  {summary([r['first'] for r in returning])}")
        print(f"    all charts           {summary([r['last'] for r in returning])}")
        print(
            f"  page {runs[-1]['html'] / 1e3:.0f} kB of HTML, "
            f"{runs[-1]['ws'] / 1e3:.0f} kB over the kernel's websocket"
        )
        visited = {r["kernel"] for r in [warm, *runs, *returning]}
        print("\nKernels still running after the visits, real data loaded (RSS; USS: not shared):")
        for kernel, rss, uss in sorted(memory, key=lambda row: row[0] in visited):
            role = "Step 2 page, visited" if kernel in visited else "pool, waiting"
            print(f"  {kernel[:8]}  {role:21s} RSS {rss:5.0f} MB  USS {uss:5.0f} MB")

        # Cold: no pool, every visit starts a kernel and runs Step 2.
        server, base = start(
            data, key, work / "cold", ["--VoilaConfiguration.preheat_kernel=False"]
        )
        try:
            visit(browser, f"{base}/voila/render/{STEP2}")  # warm: imports, caches
            cold = []
            for _ in range(repeats):
                time.sleep(2)
                cold.append(visit(browser, f"{base}/voila/render/{STEP2}"))
        finally:
            server.terminate()
            server.wait(30)
        print("\nStep 2, cold (no pre-heating), warm server, first-time viewer")
        print(f"  first chart  {summary([r['first'] for r in cold])}")
        print(f"  all charts   {summary([r['last'] for r in cold])}")
        browser.close()


if __name__ == "__main__":
    main()
