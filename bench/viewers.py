"""Many people opening the same Step 2 dashboard at once: time to the first chart, memory.

A city sends its dashboard link to the council and its partners, and they open it within
the same minute. This starts ``workbook serve`` on the real data for one place (kernel
limit raised above the number of viewers, so nobody is turned away), waits for the
pre-heated kernel, then opens the Step 2 page in N fresh browser contexts at the same
moment (first-time viewers, nothing cached). For each viewer: seconds from the start of
its navigation to the frame in which its first chart was painted (the page's own clock,
so a busy test process does not inflate it). Then the memory of the server and all its
kernels while the N pages are open: RSS summed (counts shared libraries once per
process) and USS summed (memory no other process shares), and the largest Step 2 kernel.

Each crowd meets two servers: one as started by default (one Step 2 kernel waiting, so
every other viewer waits for a kernel to start and run the notebook), and one started
with ``--ready 2=N`` (N kernels waiting, one per viewer).

Run by hand: ``python bench/viewers.py [DATA_FOLDER] [JURISDICTION] [VIEWERS ...]``
(default: the real data, Los Angeles County, 10 and 20 viewers); prints figures,
asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from dashboards import CHROMIUM, DEFAULT_DATA, FIRST_CHART_JS, STEP2, pool_ready, start  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile by linear interpolation (p95 of 10 values is between 9 and 10)."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def server_memory(pid: int) -> dict[str, float]:
    """RSS and USS summed over the server and every process under it, and the largest kernel."""
    import psutil

    server = psutil.Process(pid)
    processes = [server, *server.children(recursive=True)]
    rss = uss = largest = 0.0
    kernels = 0
    for process in processes:
        try:
            info = process.memory_full_info()
            line = " ".join(process.cmdline())
        except psutil.Error:
            continue
        rss += info.rss / 2**20
        uss += info.uss / 2**20
        if "ipykernel" in line:
            kernels += 1
            largest = max(largest, info.rss / 2**20)
    return {"rss": rss, "uss": uss, "largest": largest, "kernels": kernels}


async def one_viewer(browser, url: str, timeout: float) -> float:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(FIRST_CHART_JS)
    page = await context.new_page()
    await page.goto(url, wait_until="commit", timeout=timeout * 1000)
    await page.wait_for_function("() => window.__firstChart !== null", timeout=timeout * 1000)
    return await page.evaluate("window.__firstChart") / 1000, context


def fetch_all(url: str, viewers: int, timeout: float = 600) -> list[float]:
    """Seconds until each of ``viewers`` simultaneous plain HTTP requests has the whole
    page: the server's share of the wait, with no browser drawing on the same cores."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def one(_: int) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310 - loopback
            reply.read()
        return time.perf_counter() - started

    with ThreadPoolExecutor(viewers) as pool:
        return list(pool.map(one, range(viewers)))


async def crowd(url: str, viewers: int, pid: int, timeout: float = 600) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        results = await asyncio.gather(
            *(one_viewer(browser, url, timeout) for _ in range(viewers)),
            return_exceptions=True,
        )
        memory = server_memory(pid)  # every page still open: one kernel each
        await browser.close()
    times = [r[0] for r in results if isinstance(r, tuple)]
    failed = [repr(r)[:120] for r in results if not isinstance(r, tuple)]
    return {"times": times, "failed": failed, **memory}


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    key = sys.argv[2] if len(sys.argv) > 2 else "06037"
    counts = [int(n) for n in sys.argv[3:]] or [10, 20]
    os.environ.setdefault("WORKBOOK_HOME", tempfile.mkdtemp(prefix="wb-bench-"))

    from workbook.data.dataset import open_dataset

    open_dataset(data)  # imported once, before any kernel reads it
    work = Path(tempfile.mkdtemp(prefix="wb-viewers-"))
    print(f"Step 2 dashboard opened by many viewers at once, {key}, {os.cpu_count()} CPU(s)")
    for viewers, ready in [(n, r) for n in counts for r in (1, n)]:
        folder = work / f"n{viewers}-ready{ready}"
        limit = f"--DashboardKernelManager.max_kernels={2 * viewers + 16}"
        extra = [limit, *os.environ.get("BENCH_VOILA_OPTIONS", "").split()]
        server, base = start(data, key, folder, extra, ready={2: ready})
        try:
            pool_ready(work / f"{folder.name}.log", STEP2, 1, base, timeout=900)
            idle = server_memory(server.pid)
            if os.environ.get("BENCH_HTTP_ONLY"):
                fetched = fetch_all(f"{base}/voila/render/{STEP2}", viewers)
                result = {"times": [], "failed": [], **server_memory(server.pid)}
                print(
                    f"\n{viewers} plain HTTP requests at once, {ready} kernel(s) ready: whole "
                    f"page p50 {statistics.median(fetched):.1f} s, "
                    f"p95 {percentile(fetched, 0.95):.1f} s"
                )
            else:
                result = asyncio.run(crowd(f"{base}/voila/render/{STEP2}", viewers, server.pid))
        finally:
            server.terminate()
            server.wait(60)
        times = result["times"]
        print(f"\n{viewers} viewers at once, {ready} Step 2 kernel(s) ready:")
        if times:
            print(
                f"  first chart painted: p50 {statistics.median(times):.1f} s, "
                f"p95 {percentile(times, 0.95):.1f} s, max {max(times):.1f} s "
                f"({len(times)} of {viewers} pages)"
            )
        for failure in result["failed"]:
            print(f"  failed: {failure}")
        print(
            f"  memory, idle server (pre-heated pool): RSS {idle['rss']:.0f} MB "
            f"in {idle['kernels']} kernels and the server"
        )
        print(
            f"  memory, {viewers} pages open: RSS {result['rss']:.0f} MB summed, "
            f"USS {result['uss']:.0f} MB summed, {result['kernels']} kernels, "
            f"largest kernel RSS {result['largest']:.0f} MB"
        )


if __name__ == "__main__":
    main()
