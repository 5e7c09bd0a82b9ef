"""Memory of each step's dashboard kernel, with the real data, on a running server.

``workbook serve`` for one county on the real data; once every step's pre-heated kernel
has run its notebook, each step's page is fetched once (so each kernel is known by its
step), and the resident memory of each step's kernel is printed (RSS, and USS: memory no
other process shares). The issue's goal for Step 2 is 250 MB.

Run by hand: ``python bench/step_kernels.py [DATA_FOLDER] [JURISDICTION]``; prints
figures, asserts nothing.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from dashboards import DEFAULT_DATA, STEP2, kernel_memory, pool_ready, start  # noqa: E402


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    key = sys.argv[2] if len(sys.argv) > 2 else "06037"
    os.environ.setdefault("WORKBOOK_HOME", tempfile.mkdtemp(prefix="wb-bench-"))

    from workbook.data.dataset import open_dataset
    from workbook.steps import registry

    open_dataset(data)  # imported once, before any kernel reads it
    work = Path(tempfile.mkdtemp(prefix="wb-step-kernels-"))
    server, base = start(data, key, work / "site", [])
    try:
        pool_ready(log=work / "site.log", notebook=STEP2, fills=1, base=base, timeout=600)
        step_of = {}
        for step in registry.STEPS:
            url = f"{base}/voila/render/{step.notebook}"
            with urllib.request.urlopen(url, timeout=600) as reply:  # noqa: S310 - loopback
                page = reply.read().decode("utf-8", "replace")
            step_of[re.search(r'"kernelId": "([0-9a-f-]+)"', page).group(1)] = step
        rows = [(step_of[k], rss, uss) for k, rss, uss in kernel_memory(server) if k in step_of]
    finally:
        server.terminate()
        server.wait(30)
    print(f"Each step's dashboard kernel, {key}, real data, after its notebook ran:")
    for step, rss, uss in sorted(rows, key=lambda row: row[0].number):
        print(f"  Step {step.number:2d} {step.notebook:42s} RSS {rss:4.0f} MB  USS {uss:4.0f} MB")


if __name__ == "__main__":
    main()
