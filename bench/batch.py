"""Step 2 for every county: the fast batch against one papermill run per county.

Measures, in one run, on the real data: the fast batch for a sample of counties, the
papermill batch (one kernel per county, the faithful path) for a smaller sample, both
extrapolated to all counties; then, when the fast extrapolation is under the 10-minute
target, the real all-counties fast batch, timed, and its resume (everything skipped).
Prints figures, asserts nothing. Run by hand:
``python bench/batch.py [DATA_FOLDER] [FAST_SAMPLE] [PAPERMILL_SAMPLE] [WORKERS]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"
TARGET_SECONDS = 600


def spread(keys: list[str], count: int) -> list[str]:
    """``count`` keys spread evenly over the sorted list (all states, small and large)."""
    step = max(1, len(keys) // count)
    return keys[::step][:count]


def measure(label: str, keys: list[str], data: Path, workers: int, mode: str, total: int):
    from workbook.run.batch import run_batch

    out = Path(tempfile.mkdtemp(prefix=f"wb-batch-{mode}-"))
    started = time.perf_counter()
    summary = run_batch(keys, data, out, workers=workers, mode=mode, progress=False)
    wall = time.perf_counter() - started
    tasks = sorted(r.seconds for r in summary.records if r.status == "done")
    per_task = tasks[len(tasks) // 2] if tasks else float("nan")  # median: steady state
    # The sample's wall time (checks, assets, workers starting, each worker's first report
    # of a kind building the shared figures), then the remaining counties at the median.
    estimate = wall + per_task * (total - len(keys)) / workers
    fixed = max(0.0, wall - per_task * len(keys) / workers)
    print(
        f"{label}: {len(keys)} counties, {workers} workers, {wall:.1f} s wall "
        f"({wall / len(keys):.2f} s per county incl. start-up); {per_task:.3f} s per county "
        f"(median) in a worker; fixed {fixed:.1f} s; {len(summary.failed)} failed"
    )
    print(
        f"    extrapolated to all {total:,} counties: {estimate:,.0f} s ({estimate / 60:.1f} min)"
    )
    for record in summary.failed[:5]:
        print(f"    failed {record.key}: {record.error}")
    return estimate, out


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    fast_sample = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    papermill_sample = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else (os.cpu_count() or 2)
    os.environ.setdefault("WORKBOOK_HOME", tempfile.mkdtemp(prefix="wb-bench-"))

    from workbook.data.dataset import open_dataset
    from workbook.run.batch import expand_targets, run_batch

    started = time.perf_counter()
    dataset = open_dataset(data)  # import once, so every run reads the same cache
    print(f"data {data} ({dataset.label}); opened in {time.perf_counter() - started:.1f} s")
    counties = [p.key for p in expand_targets(dataset, "all-counties")]
    total = len(counties)
    print(
        f"{total:,} counties in the latest year's data; {workers} workers; {os.cpu_count()} cores"
    )

    fast, _ = measure("fast", spread(counties, fast_sample), data, workers, "fast", total)
    measure("papermill", spread(counties, papermill_sample), data, workers, "papermill", total)

    if fast >= TARGET_SECONDS:
        print(f"fast extrapolation {fast:.0f} s is over {TARGET_SECONDS} s: full run skipped")
        return
    out = Path(tempfile.mkdtemp(prefix="wb-batch-all-"))
    started = time.perf_counter()
    summary = run_batch("all-counties", data, out, workers=workers, progress=False)
    wall = time.perf_counter() - started
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    pages = [out / r.key / "report.html" for r in summary.records if r.status == "done"]
    page_size = sum(p.stat().st_size for p in pages) / max(1, len(pages))
    print(
        f"ALL COUNTIES, fast: {summary.done:,} written, {len(summary.failed)} failed, "
        f"{wall:.1f} s wall ({wall / 60:.1f} min; target {TARGET_SECONDS / 60:.0f} min)"
    )
    assets = sum(f.stat().st_size for f in (out / "assets").iterdir())
    print(
        f"    output {size / 1e6:,.0f} MB in {out}; report page {page_size / 1e3:.0f} kB on "
        f"average; shared assets {assets / 1e6:.1f} MB, once"
    )
    for record in summary.failed[:10]:
        print(f"    failed {record.key} ({record.name}): {record.error}")
    started = time.perf_counter()
    again = run_batch("all-counties", data, out, workers=workers, progress=False)
    print(
        f"resume of the same batch: {again.skipped:,} skipped, {again.done} written, "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
