"""Step 5's table of predictors: how long weighing them takes for a real county.

Times, on the real data, each part of the table for Los Angeles County (06037) and a
small county: the comparison (Step 2's rules), the racial and ethnic gaps, the trends
over the years and the table itself, then the tally of a large vote. Prints figures,
asserts nothing. Run by hand: ``python bench/step5_priorities.py [DATA_FOLDER]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"
sys.path.insert(0, str(ROOT))


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"  {label:<28} {time.perf_counter() - started:7.3f} s")
    return result


def main(folder: Path = DEFAULT_DATA) -> None:
    from workbook.analysis import priorities
    from workbook.analysis.compare import compare
    from workbook.analysis.disparities import gaps, group_values
    from workbook.analysis.votes import tally
    from workbook.data.catalog import load_framework
    from workbook.data.dataset import open_dataset

    data = timed("open the data", lambda: open_dataset(folder))
    framework = load_framework()
    for key in ("06037", "48301"):
        place = data.find(key)
        print(place.label)
        comparison = timed("comparison", lambda place=place: compare(data, place))
        gap_table = timed("gaps", lambda place=place: gaps(group_values(data, place)))
        trend_table = timed("trends", lambda place=place: priorities.place_trends(data, place))
        table = timed("table of predictors", lambda c=comparison, g=gap_table, t=trend_table: (
            priorities.priority_table(framework, data.catalog, c.table, g, t, [])))  # fmt: skip
        print(f"  {len(table)} predictors")
    options = [f"Option {n}" for n in range(1000)]
    counts = {o: n % 37 for n, o in enumerate(options)}
    ranked = timed("tally of 1,000 options", lambda: tally(counts, options))
    print(f"  {int(ranked['tied'].sum())} options tied")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA)
