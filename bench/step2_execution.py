"""Step 2 executed with papermill for one real county, against a bare-kernel baseline.

The baseline notebook starts a kernel and imports the same libraries, nothing else, so
the difference is the work Step 2 itself does. Run by hand:
``python bench/step2_execution.py [DATA_FOLDER] [JURISDICTION] [REPEATS]``; prints figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mobility-metrics"
BASELINE_SOURCE = (
    "import workbook\n"
    "import altair, ipywidgets, pandas, pyarrow\n"
    "from workbook.analysis import compare, disparities\n"
    "from workbook.display import comparison_charts, maps\n"
    "from workbook.steps import review, use_the_metrics\n"
)


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    jurisdiction = sys.argv[2] if len(sys.argv) > 2 else "06037"
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.environ.setdefault("WORKBOOK_HOME", tempfile.mkdtemp(prefix="wb-bench-"))

    import nbformat
    import papermill

    from workbook.data.dataset import open_dataset
    from workbook.run.runner import NOTEBOOKS_DIR

    open_dataset(data)  # import once, so both runs read the same cache
    work = Path(tempfile.mkdtemp(prefix="wb-step2-"))
    baseline = work / "baseline.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(BASELINE_SOURCE)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, baseline)

    def run(source: Path, parameters: dict) -> float:
        started = time.perf_counter()
        papermill.execute_notebook(
            str(source),
            str(work / f"out-{source.name}"),
            parameters=parameters,
            cwd=str(work),
            progress_bar=False,
            log_output=False,
            kernel_name="python3",
        )
        return time.perf_counter() - started

    step2 = NOTEBOOKS_DIR / "02_use_the_metrics.ipynb"
    parameters = {"jurisdiction": jurisdiction, "data_dir": str(data), "output_dir": str(work)}
    run(baseline, {})  # warm the file-system cache for both
    bare = [run(baseline, {}) for _ in range(repeats)]
    full = [run(step2, parameters) for _ in range(repeats)]
    print(f"jurisdiction {jurisdiction}, data {data}, {repeats} runs each")
    print(
        f"kernel start + imports only: median {statistics.median(bare):.2f} s (min {min(bare):.2f})"
    )
    print(
        f"Step 2 notebook:             median {statistics.median(full):.2f} s (min {min(full):.2f})"
    )
    print(f"Step 2's own work:           {statistics.median(full) - statistics.median(bare):.2f} s")


if __name__ == "__main__":
    main()
