"""Many viewers at once, each on a machine of their own: first chart in one real browser.

``bench/viewers.py`` opens every viewer's page in Chromium on the same two cores as the
server, so what it measures is mostly twenty browsers drawing at once on one laptop. A
council shares a link: each member's browser runs on their own computer, and only the
server is shared. This bench keeps that apart. In each round N viewers arrive at the same
moment: N - 1 of them are played by a light client that asks of the server exactly what
a browser asks (the page, every file the page loads, recorded from a real visit first,
then the kernel's websocket with the widget manager's opening requests, kept open until
the round ends); the Nth is a real Chromium (a fresh profile: nothing cached), timed from
the start of its navigation to the frame in which its first chart was painted (the
page's own clock). Rounds repeat with the server refilled between them, and the real
viewer's times give p50 and p95.

The server runs with ``--ready 2=N`` (N Step 2 kernels waiting, one per viewer): the
configuration the README advises for a link shared with an audience.

Run by hand: ``python bench/viewers_remote.py [DATA_FOLDER] [JURISDICTION] [VIEWERS]
[ROUNDS]`` (default: the real data, Los Angeles County, 20 viewers, 10 rounds); prints
figures, asserts nothing. ``BENCH_VOILA_OPTIONS`` adds options to the server's command
line (e.g. ``--DashboardKernelManager.refill_after=1``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from dashboards import (  # noqa: E402
    CHROMIUM,
    DEFAULT_DATA,
    FIRST_CHART_JS,
    STEP2,
    kernel_memory,
    pool_ready,
    start,
)
from viewers import percentile, server_memory  # noqa: E402

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"]


async def real_viewer(browser, url: str, files: list[str] | None = None) -> tuple:
    """Seconds to the first chart in a fresh browser profile, the open page's context and
    its kernel; records the files it loads."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(FIRST_CHART_JS)
    page = await context.new_page()
    origin = url.split("/voila/")[0]
    if files is not None:
        page.on(
            "request",
            lambda r: (
                files.append(r.url)
                if r.url.startswith(origin) and r.resource_type not in ("document", "websocket")
                else None
            ),
        )
    await page.goto(url, wait_until="commit", timeout=600_000)
    await page.wait_for_function("() => window.__firstChart !== null", timeout=600_000)
    seconds = await page.evaluate("window.__firstChart") / 1000
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', await page.content())
    return seconds, context, kernel.group(1) if kernel else ""


def message(msg_type: str, content: dict, session: str) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "viewer",
                   "session": session, "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
        "buffers": [],
    })  # fmt: skip


async def light_viewer(
    base: str, url: str, files: list[str], until: asyncio.Event, answered: asyncio.Future
) -> None:
    """What a browser asks of the server, without drawing; ``answered`` gets the seconds
    until all was answered and the page's kernel, and the page stays open until ``until``
    is set."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    # A browser of its own: six connections to the host, its own queue.
    client = AsyncHTTPClient(force_instance=True, max_clients=6)
    started = time.perf_counter()
    page = await client.fetch(url, request_timeout=600)
    html = page.body.decode("utf-8", "replace")
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html).group(1)
    cookie = "; ".join(c.split(";")[0] for c in page.headers.get_list("Set-Cookie"))
    await asyncio.gather(
        *(client.fetch(f, connect_timeout=600, request_timeout=600) for f in files)
    )
    session = uuid.uuid4().hex
    ws_url = base.replace("http", "ws") + f"/api/kernels/{kernel}/channels?session_id={session}"
    connection = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookie}))
    await connection.write_message(message("kernel_info_request", {}, session))
    await connection.write_message(
        message("comm_info_request", {"target_name": "jupyter.widget"}, session)
    )
    replies = set()
    while replies != {"kernel_info_reply", "comm_info_reply"}:
        reply = await connection.read_message()
        if reply is None:
            break
        kind = json.loads(reply)["header"]["msg_type"]
        if kind.endswith("_reply"):
            replies.add(kind)
    answered.set_result((time.perf_counter() - started, kernel))
    await until.wait()  # the page stays open until the round ends
    connection.close()
    # Leaving the page: it asks the server to shut its kernel down, as a browser's does.
    xsrf = re.search(r"_xsrf=([^;]+)", cookie)
    await client.fetch(
        f"{base}/api/kernels/{kernel}", method="DELETE", raise_error=False,
        headers={"Cookie": cookie, "X-XSRFToken": xsrf.group(1) if xsrf else ""},
    )  # fmt: skip


async def one_round(base: str, url: str, viewers: int, files: list[str], server) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        answers = [loop.create_future() for _ in range(viewers - 1)]
        light = [
            asyncio.ensure_future(light_viewer(base, url, files, done, answer))
            for answer in answers
        ]
        seconds, context, kernel = await real_viewer(browser, url)
        others, kernels = [], {kernel}
        for answer, task in zip(answers, light, strict=True):
            waiting = asyncio.ensure_future(asyncio.wait_for(asyncio.shield(answer), 600))
            await asyncio.wait({waiting, task}, return_when=asyncio.FIRST_COMPLETED)
            if answer.done():
                others.append(answer.result()[0])
                kernels.add(answer.result()[1])
            else:  # the viewer failed before all was answered
                waiting.cancel()
                error = task.exception() if task.done() else "no answer in 600 s"
                others.append(repr(error)[:100])
        memory = server_memory(server.pid)  # every page open: one kernel each
        # The viewers' Step 2 kernels, each with its page open.
        step2 = [rss for kernel, rss, _ in kernel_memory(server) if kernel in kernels]
        memory["step2"] = max(step2, default=0.0)
        done.set()
        await asyncio.gather(*light, return_exceptions=True)
        await context.close()
        await browser.close()
    return {"real": seconds, "others": others, **memory}


async def record_files(url: str) -> list[str]:
    from playwright.async_api import async_playwright

    files: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        _, context, _ = await real_viewer(browser, url, files)
        await asyncio.sleep(3)  # the rest of the page's files
        await context.close()
        await browser.close()
    return sorted(set(files))


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    key = sys.argv[2] if len(sys.argv) > 2 else "06037"
    viewers = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    os.environ.setdefault("WORKBOOK_HOME", tempfile.mkdtemp(prefix="wb-bench-"))

    from workbook.data.dataset import open_dataset

    open_dataset(data)
    work = Path(tempfile.mkdtemp(prefix="wb-viewers-remote-"))
    folder = work / "site"
    limit = f"--DashboardKernelManager.max_kernels={2 * viewers + 16}"
    extra = [limit, *os.environ.get("BENCH_VOILA_OPTIONS", "").split()]
    server, base = start(data, key, folder, extra, ready={2: viewers})
    log = work / f"{folder.name}.log"
    url = f"{base}/voila/render/{STEP2}"
    print(f"Step 2 dashboard, {viewers} viewers at once on their own machines, {key}, "
          f"server on {os.cpu_count()} CPU(s), {viewers} Step 2 kernels ready")  # fmt: skip
    try:
        pool_ready(log, STEP2, 1, base, timeout=1800)
        files = asyncio.run(record_files(url))
        print(f"  a page loads {len(files)} files besides itself (recorded from one visit)",
              flush=True)  # fmt: skip
        times, light, results, refills = [], [], [], []
        ended = time.monotonic()
        for number in range(rounds):
            # The pool was filled when the server started, refilled after the recording
            # visit and after each round; every kernel is idle.
            pool_ready(log, STEP2, number + 2, base, timeout=1800)
            if number:  # since the last round's viewers left
                refills.append(time.monotonic() - ended)
            result = asyncio.run(one_round(base, url, viewers, files, server))
            ended = time.monotonic()
            times.append(result["real"])
            light += [t for t in result["others"] if isinstance(t, float)]
            failed = [t for t in result["others"] if not isinstance(t, float)]
            results.append(result)
            served = statistics.median(light[-(viewers - 1) :] or [0])
            print(f"  round {number + 1}: first chart {result['real']:.2f} s; the other "
                  f"{viewers - 1} served in p50 {served:.2f} s"
                  + (f"; failed: {failed[:2]}" if failed else ""), flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(60)
    print(f"\nFirst chart in the real browser, {rounds} rounds of {viewers} viewers: "
          f"p50 {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, "
          f"max {max(times):.2f} s")  # fmt: skip
    print(
        f"The light viewers' pages, files and kernel answers ({len(light)}): "
        f"p50 {statistics.median(light):.2f} s, p95 {percentile(light, 0.95):.2f} s"
    )
    largest = max(r["largest"] for r in results)
    step2 = max(r["step2"] for r in results)
    rss = max(r["rss"] for r in results)
    print(
        f"Memory with {viewers} pages open: RSS summed up to {rss:.0f} MB (server, the "
        f"viewers' kernels, the kernels waiting); a viewer's Step 2 kernel up to "
        f"{step2:.0f} MB; largest kernel of any step {largest:.0f} MB"
    )
    if refills:
        print(
            f"The pool had {viewers} Step 2 kernels ready again {statistics.median(refills):.0f} s "
            f"after the viewers left (median of {len(refills)}; one kernel at a time)"
        )


if __name__ == "__main__":
    main()
