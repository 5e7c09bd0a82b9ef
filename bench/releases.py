"""A new release of the Mobility Metrics: the what-changed report and refreshing every measure.

Makes a second release from the real files in a temporary folder (some values revised, a
year added, a column renamed, a county dropped), imports both, then times:

- the what-changed report between the two releases for every county and city (the
  longitudinal and race-and-ethnicity tables; target under 30 s);
- refreshing every measure of a plan from the new release: one measure per county metric
  for Los Angeles County, new values recorded and revised baselines flagged (target
  under 5 s).

Prints figures, asserts nothing. Run by hand: ``python bench/releases.py [DATA_FOLDER]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"
PLACE = "06037"
RENAMED = ("share_employed", "share_employed_adults")


def second_release(real: Path, folder: Path) -> None:
    """The real files with changes, written to ``folder`` (the rest linked, not copied)."""
    for path in real.glob("*.csv"):
        if path.name != "county_longitudinal.csv":
            (folder / path.name).symlink_to(path)
    ids = {"state": str, "county": str}
    frame = pd.read_csv(real / "county_longitudinal.csv", dtype=ids, low_memory=False)
    revised = frame.sample(frac=0.02, random_state=1).index.union(
        frame.index[((frame["state"] + frame["county"]) == PLACE) & (frame["year"] == 2018)]
    )
    frame.loc[revised, "pctl_income_50"] *= 1.05
    last = frame[frame["year"] == frame["year"].max()].assign(year=frame["year"].max() + 1)
    frame = pd.concat([frame, last], ignore_index=True)
    frame = frame[(frame["state"] + frame["county"]) != "48301"]
    frame.rename(columns=dict([RENAMED])).to_csv(folder / "county_longitudinal.csv", index=False)


def main() -> None:
    real = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    with tempfile.TemporaryDirectory(prefix="wb-releases-") as temp:
        import os

        os.environ["WORKBOOK_HOME"] = str(Path(temp) / "home")
        from workbook.analysis import releases
        from workbook.data.dataset import Dataset
        from workbook.data.importer import import_folder
        from workbook.data.sources import DataSource
        from workbook.plan.store import PlanStore
        from workbook.steps import sustain_momentum as step10

        started = time.perf_counter()
        download = Path(temp) / "download"
        download.mkdir()
        second_release(real, download)
        made = time.perf_counter() - started
        started = time.perf_counter()
        first = import_folder(real, Path(temp) / "r2025", release="2025")
        second = import_folder(download, Path(temp) / "r2026", release="2026")
        imported = time.perf_counter() - started
        print(f"second release written in {made:.1f} s; both imported in {imported:.1f} s")
        old = Dataset(first.folder, DataSource(first.folder, "release"))
        new = Dataset(second.folder, DataSource(second.folder, "release"))
        old_tables, new_tables = releases.tables_of(old), releases.tables_of(new)

        started = time.perf_counter()
        changes = releases.compare_releases(old_tables, new_tables)
        report = time.perf_counter() - started
        print(f"what-changed report, all counties and cities: {report:.2f} s (target 30 s); "
              f"{len(changes):,} changes")  # fmt: skip
        for line in releases.summary(changes, "release 2025", "release 2026"):
            print(f"    {line}")

        county = old.catalog.for_geography("county")
        measures = [
            {"id": f"m{i}", "name": m.name, "metric": m.variable, "direction": m.direction,
             "frequency": "annual", "element": {"kind": "outcome", "id": "o"},
             "baseline": {"value": 1.0, "year": 2018}, "target": {"value": 2.0, "year": 2030}}
            for i, m in enumerate(county) if m.numeric
        ]  # fmt: skip
        plan = Path(temp) / "plan.sqlite"
        with PlanStore.open(plan, author="bench") as store:
            store.save("step8.measures", measures, 0)
            started = time.perf_counter()
            refresh = step10.refresh_from_release(store, PLACE, "county", old, new, "2025",
                                                  "2026", changes=changes)  # fmt: skip
            table = step10.actuals_table(store, measures)
            saved = step10.save_release_actuals(table, refresh)
            seconds = time.perf_counter() - started
        print(f"refresh of {len(measures)} measures for {PLACE} from the new release: "
              f"{seconds:.2f} s (target 5 s); {saved:,} values recorded, "
              f"{len(refresh.touched)} baselines flagged")  # fmt: skip


if __name__ == "__main__":
    main()
