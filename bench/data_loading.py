"""Data-loading figures: first import of the real files, then loads from the Parquet cache.

Run by hand (``make bench`` or ``python bench/data_loading.py [FOLDER]``); prints figures,
asserts nothing. FOLDER defaults to ../shared/data/mobility-metrics beside the project.
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
DEFAULT = ROOT.parent / "shared" / "data" / "mobility-metrics"


def timed(function, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def fresh_process(code: str) -> float:
    """Wall time of a new Python process running ``code`` (imports included)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    os.environ["WORKBOOK_HOME"] = tempfile.mkdtemp(prefix="wb-bench-")
    import pandas as pd

    from workbook.data.importer import import_folder, read_table
    from workbook.data.sources import cache_dir_for

    csv_path = folder / "county_longitudinal.csv"
    print(f"data: {folder}")
    print(f"county_longitudinal.csv: {csv_path.stat().st_size / 1e6:.1f} MB")

    plain = timed(
        lambda: pd.read_csv(csv_path, dtype={"state": str, "county": str}, low_memory=False), 3
    )
    print(f"  pandas.read_csv alone (reference, inexact floats): {min(plain):.2f} s")
    validated = timed(lambda: read_table(csv_path), 3)
    print(f"  read + validate (exact floats): median {statistics.median(validated):.2f} s")

    cache = cache_dir_for(folder)
    first = timed(lambda: import_folder(folder, cache))[0]
    print(f"first import of all six files (validate + Parquet + manifest): {first:.2f} s")

    parquet = cache / "county_longitudinal.parquet"
    loads = timed(lambda: pd.read_parquet(parquet), 7)
    print(
        f"cached load of county_longitudinal (31k x 124): median "
        f"{statistics.median(loads) * 1000:.0f} ms, best {min(loads) * 1000:.0f} ms"
    )

    code = (
        "import time; t=time.perf_counter(); from workbook.dataset import open_dataset; "
        f"d=open_dataset({str(folder)!r}); d.table('county_longitudinal'); "
        "d.find('06037'); print(f'{time.perf_counter()-t:.3f}')"
    )
    inner = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    outer = [fresh_process(code) for _ in range(3)]
    print(
        f"new process, open cached dataset + table + lookup: median "
        f"{statistics.median(inner):.2f} s in-process, {statistics.median(outer):.2f} s "
        "wall including Python start-up"
    )


if __name__ == "__main__":
    main()
