"""The Mobility Action Plan for a real county: building it, each format, and a publish.

The example plan (``data/examples/sample_plan.json``) is imported into a temporary file
and its MAP built for a real county on the real data: ``build_document`` (the plan read,
every step's contribution, front and back matter) and each renderer (HTML, DOCX, PDF)
are timed separately, medians of REPEATS runs after one warm-up (the data cache, the
imports). The goal is all three formats in under 10 s on a 2-core machine. Then
``workbook publish`` runs once for the same plan and place (every step notebook in view
mode, the pages, the MAP), as a stakeholder site would be made.

Run by hand: ``python bench/map.py [DATA_FOLDER] [JURISDICTION] [REPEATS]``; prints
figures, asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"
EXAMPLE_PLAN = ROOT / "data" / "examples" / "sample_plan.json"
FORMATS = ("html", "docx", "pdf")
GOAL = 10.0  # seconds for the build and all three formats


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


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

    from workbook.data.dataset import open_dataset
    from workbook.map.build import build_document
    from workbook.map.render import render
    from workbook.plan.store import import_plan

    work = Path(tempfile.mkdtemp(prefix="wb-map-"))
    plan = import_plan(EXAMPLE_PLAN, work / "plan.sqlite")
    print(f"MAP of the example plan for {key}, data {data}, {os.cpu_count()} CPU(s)")
    seconds, _ = timed(lambda: open_dataset(data))
    print(f"  data opened (and cached on first use) in {seconds:.2f} s, not counted below")

    def build():
        return build_document(plan, key, data, today="2026-12-01")

    doc = build()  # warm-up: the step modules' imports, the data's tables
    for name in FORMATS:
        render(doc, work / "warm", [name])
    builds, formats = [], {name: [] for name in FORMATS}
    for run in range(repeats):
        seconds, doc = timed(build)
        builds.append(seconds)
        for name in FORMATS:
            folder = work / f"run{run}"
            seconds, _ = timed(lambda d=doc, f=folder, n=name: render(d, f, [n]))
            formats[name].append(seconds)
    print(f"  {len(doc.sections)} sections, {len(doc.gaps)} gaps, version {doc.version}")
    print(f"  build_document   {summary(builds)}")
    for name in FORMATS:
        size = (work / "run0" / f"map.{name}").stat().st_size
        print(f"  {name:<16} {summary(formats[name])}, {size / 1e3:.0f} kB")
    total = statistics.median(builds) + sum(statistics.median(v) for v in formats.values())
    verdict = "within" if total < GOAL else "over"
    print(f"  total (medians)  {total:.2f} s, {verdict} the {GOAL:.0f} s goal")

    site = work / "site"
    command = [
        sys.executable, "-m", "workbook", "publish", "--plan-path", str(plan),
        "--output-dir", str(site), "--data-dir", str(data), "--jurisdiction", key,
    ]  # fmt: skip
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    seconds, run = timed(
        lambda: subprocess.run(command, capture_output=True, text=True, env=env, cwd=work)
    )
    if run.returncode != 0:
        print(f"  workbook publish failed ({run.returncode}): {run.stderr.strip()[-500:]}")
        return
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"\nworkbook publish, once: {seconds:.1f} s, {len(files)} files, {size / 1e6:.1f} MB")
    print(f"  {work}")


if __name__ == "__main__":
    main()
