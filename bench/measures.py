"""Step 8's baselines and forecasts: how long they take for every metric of one place.

For each metric published for the place (and each racial or ethnic group it has), reads
the history, draws the baseline and fits the forecast; prints the counts and the time.
Prints figures, asserts nothing. Run by hand:
``python bench/measures.py [DATA_FOLDER] [JURISDICTION]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"


def main(data_dir: Path = DEFAULT_DATA, key: str = "06037") -> None:
    sys.path.insert(0, str(ROOT))
    from workbook.analysis import measures as ms
    from workbook.data.dataset import open_dataset

    started = time.perf_counter()
    data = open_dataset(data_dir)
    place = data.find(key)
    data.table(f"{place.kind}_longitudinal")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    series = baselines = forecasts = 0
    for metric in data.catalog.for_geography(place.kind):
        for group in [None, *ms.groups_of(data, place, metric.variable)]:
            rows = ms.history(data, place, metric.variable, group)
            series += 1
            baselines += ms.baseline_from(rows).baseline is not None
            forecasts += ms.forecast(rows, 2030).possible
    took = time.perf_counter() - started
    print(f"{place.label}: data loaded in {loaded:.1f} s")
    print(
        f"{series} series (metrics and groups): {baselines} baselines, {forecasts} forecasts "
        f"in {took:.2f} s ({1000 * took / max(series, 1):.1f} ms each)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]) if args else DEFAULT_DATA, args[1] if len(args) > 1 else "06037")
