"""Kernels and memory when many requests fetch a dashboard and never connect to it.

A link preview, a crawler or a script (``curl``) fetches a Voila page: Voila hands it a
kernel that has run the notebook, and nothing ever opens that kernel's websocket. This
starts ``workbook serve`` on the real data for one county, fetches the Step 2 page N
times one after the other (no browser), and prints the number of kernels and their
total resident memory (RSS) after the requests, the peak during them, and again after
the never-connected timeout has passed. Configuration is the served one
(``workbook/serve/config/voila.py``); ``--timeout`` and ``--max-kernels`` override it.

Run by hand: ``python bench/unconnected_kernels.py [--requests 50] [--timeout 120]``;
prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from dashboards import DEFAULT_DATA, STEP2, start  # noqa: E402


def kernels_of(server: psutil.Process) -> list[psutil.Process]:
    found = []
    for child in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # a kernel that is shutting down
            pass
    return found


def snapshot(server: psutil.Process) -> tuple[int, float]:
    """How many kernels run, and their total RSS in MB."""
    total = 0
    kernels = kernels_of(server)
    for kernel in kernels:
        try:
            total += kernel.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return len(kernels), total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--jurisdiction", default="06037")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=None, help="never-connected timeout")
    parser.add_argument("--max-kernels", type=int, default=None)
    args = parser.parse_args()
    extra = []
    if args.timeout is not None:
        extra.append(f"--DashboardKernelManager.never_connected_timeout={args.timeout}")
    if args.max_kernels is not None:
        extra.append(f"--DashboardKernelManager.max_kernels={args.max_kernels}")
    with tempfile.TemporaryDirectory() as tmp:
        process, base = start(Path(args.data), args.jurisdiction, Path(tmp) / "site", extra)
        server = psutil.Process(process.pid)
        try:
            time.sleep(20)  # let the pool fill
            count, rss = snapshot(server)
            print(f"idle server: {count} kernels, {rss:.0f} MB RSS")
            peak = (count, rss)
            statuses: dict[int, int] = {}
            started = time.monotonic()
            for _ in range(args.requests):
                try:
                    with urllib.request.urlopen(f"{base}/voila/render/{STEP2}", timeout=300) as r:  # noqa: S310
                        r.read()
                        statuses[r.status] = statuses.get(r.status, 0) + 1
                except urllib.error.HTTPError as error:
                    statuses[error.code] = statuses.get(error.code, 0) + 1
                count, rss = snapshot(server)
                peak = max(peak, (count, rss), key=lambda p: p[1])
            seconds = time.monotonic() - started
            count, rss = snapshot(server)
            print(
                f"after {args.requests} requests in {seconds:.0f} s (statuses {statuses}): "
                f"{count} kernels, {rss:.0f} MB RSS; peak {peak[0]} kernels, {peak[1]:.0f} MB"
            )
            wait = (args.timeout if args.timeout is not None else 120) + 70
            for elapsed in range(0, int(wait) + 1, 30):
                time.sleep(30 if elapsed else 0)
                count, rss = snapshot(server)
                print(f"  +{elapsed:>3} s: {count} kernels, {rss:.0f} MB RSS")
        finally:
            process.terminate()
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
