"""Run step notebooks with papermill for one jurisdiction and keep an offline HTML copy.

Parameters are checked here, before any kernel starts, so a typo in a jurisdiction or a
folder fails in a second with a clear message instead of deep inside a notebook.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbook.data.dataset import open_dataset
from workbook.data.sources import PROJECT_ROOT
from workbook.errors import ParameterError, WorkbookError

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
CELL_TIMEOUT = 600  # seconds one cell may run before the run is stopped as stuck
_STEP_FILE = re.compile(r"^(\d{2})_[a-z0-9_]+\.ipynb$")


def available_steps(folder: Path = NOTEBOOKS_DIR) -> dict[int, Path]:
    """Step number -> notebook, for the ``NN_name.ipynb`` files of ``folder``."""
    steps = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        match = _STEP_FILE.match(path.name)
        if match:
            steps[int(match.group(1))] = path
    return steps


def parse_steps(text: str | None, available: dict[int, Path]) -> list[int]:
    """'all', '2', '1-3' or '1,3,5' -> step numbers, each checked to exist."""
    known = ", ".join(str(n) for n in sorted(available)) or "none"
    if text is None or str(text).strip().lower() in ("", "all"):
        return sorted(available)
    chosen: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not match:
            raise ParameterError(
                "steps", text, f"'{part}' is not a step number or range", "Use e.g. 2, 1-3 or all"
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise ParameterError(
                "steps", text, f"range '{part}' runs backwards", "Write it low-high"
            )
        for number in range(first, last + 1):
            if number not in available:
                raise ParameterError(
                    "steps", text, f"step {number} has no notebook yet", f"Available steps: {known}"
                )
            if number not in chosen:
                chosen.append(number)
    return chosen


def check_output_dir(path: Path) -> Path:
    """Create ``path`` if needed and prove it is writable."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ParameterError(
            "output_dir",
            str(path),
            f"cannot be written ({exc.strerror})",
            "Choose a folder you can write to",
        ) from exc
    return path


@dataclass
class StepResult:
    step: int
    notebook: Path
    html: Path | None
    seconds: float


@dataclass
class RunPlan:
    """Checked parameters for a run: what to execute and where."""

    steps: list[int]
    notebooks: dict[int, Path]
    parameters: dict[str, str]
    output_dir: Path
    label: str


def find_jurisdiction(data, jurisdiction: object):
    """The place a command is for: ``jurisdiction``, or the sample's county when empty."""
    if jurisdiction in (None, ""):
        jurisdiction = data.default_jurisdiction
    if jurisdiction in (None, ""):
        raise ParameterError(
            "jurisdiction",
            jurisdiction,
            "is required with real data",
            "Give a FIPS key such as 06037 or a name such as 'Cook County, Illinois'",
        )
    return data.find(jurisdiction)


def plan_run(
    jurisdiction: object = None,
    data_dir: str | None = None,
    plan_path: str | None = None,
    output_dir: str | None = None,
    steps: str | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    peers: str | None = None,
) -> RunPlan:
    """Check every parameter and work out the run; raises a WorkbookError on bad input."""
    available = available_steps(notebooks_dir)
    chosen = parse_steps(steps, available)
    data = open_dataset(data_dir or None)
    place = find_jurisdiction(data, jurisdiction)
    chosen_peers = ""
    if peers:
        from workbook.analysis.compare import choose_peers

        # Checked now, not inside a kernel; passed on as normalized keys.
        chosen_peers = ",".join(choose_peers(data, place, peers).keys)
    out = Path(output_dir) if output_dir else Path("output") / place.key
    out = check_output_dir(out.expanduser().resolve())
    plan = Path(plan_path).expanduser().resolve() if plan_path else out / "plan.sqlite"
    parameters = {
        "jurisdiction": place.key,
        "data_dir": str(data.source.path.resolve()) if data.source.origin != "sample" else "",
        "plan_path": str(plan),
        "output_dir": str(out),
    }
    if chosen_peers:
        parameters["peers"] = chosen_peers
    label = f"{place} with {data.label}"
    return RunPlan(chosen, {n: available[n] for n in chosen}, parameters, out, label)


def kernel_manager_class():
    """Kernels that talk over local socket files instead of TCP ports.

    With TCP, kernels started at the same moment (parallel runs, tests on two cores) can
    pick the same free port; a client then waits for replies that went to another kernel
    and hangs. Socket files are named after each kernel's own connection file.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class LocalSocketKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    return LocalSocketKernelManager


def execute(
    plan: RunPlan, html: bool = True, log: Callable[[str], None] = print
) -> list[StepResult]:
    """Execute the planned notebooks one after the other; stop at the first failure."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from workbook.display.export import export_html

    environment_for_kernels()
    results = []
    for number in plan.steps:
        source = plan.notebooks[number]
        target = plan.output_dir / source.name
        started = time.perf_counter()
        log(f"step {number}: running {source.name}")
        try:
            papermill.execute_notebook(
                str(source),
                str(target),
                parameters=plan.parameters,
                cwd=str(plan.output_dir),
                progress_bar=False,
                log_output=False,
                kernel_name="python3",
                kernel_manager_class=kernel_manager_class(),
                execution_timeout=CELL_TIMEOUT,
            )
        except PapermillExecutionError as exc:
            raise WorkbookError(
                f"step {number} ({source.name}) stopped in cell {exc.exec_count}: "
                f"{exc.ename}: {exc.evalue}. The partly executed notebook is at {target}"
            ) from None
        page = export_html(target, target.with_suffix(".html")) if html else None
        results.append(StepResult(number, target, page, time.perf_counter() - started))
    return results


def environment_for_kernels() -> None:
    """Tell kernels they run unattended, and let them find the package from a checkout."""
    from workbook.display.live import BATCH_ENV

    os.environ[BATCH_ENV] = "1"
    root = str(PROJECT_ROOT)
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *[p for p in paths if p]])
