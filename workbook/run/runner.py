"""Run step notebooks with papermill for one jurisdiction and keep an offline HTML copy.

Parameters are checked here, before any kernel starts, so a typo in a jurisdiction or a
folder fails in a second with a clear message instead of deep inside a notebook.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbook.data.dataset import find_jurisdiction, open_dataset
from workbook.data.sources import PROJECT_ROOT
from workbook.errors import ParameterError, WorkbookError
from workbook.steps import registry
from workbook.steps.registry import NOTEBOOKS_DIR

CELL_TIMEOUT = 600  # seconds one cell may run before the run is stopped as stuck


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
                reason = registry.not_available(number)
                if 1 <= number <= registry.TOTAL_STEPS and number in registry.numbers():
                    reason = "has no notebook in the notebooks folder"
                raise ParameterError(
                    "steps", text, f"step {number} {reason}", f"Steps that exist now: {known}"
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
    available = registry.notebooks(notebooks_dir)
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
        # Only a folder the user chose is passed on: kernels find imported data, the sample
        # or $WORKBOOK_DATA_DIR themselves, and their header then says so truthfully.
        "data_dir": str(data.source.path.resolve()) if data.source.origin == "parameter" else "",
        "plan_path": str(plan),
        "output_dir": str(out),
    }
    if chosen_peers:
        parameters["peers"] = chosen_peers
    label = f"{place} with {data.label}"
    return RunPlan(chosen, {n: available[n] for n in chosen}, parameters, out, label)


_started_kernels: weakref.WeakSet = weakref.WeakSet()


def kernel_manager_class():
    """Kernels that talk over local socket files instead of TCP ports, and can be stopped.

    With TCP, kernels started at the same moment (parallel runs, tests on two cores) can
    pick the same free port; a client then waits for replies that went to another kernel
    and hangs. Socket files are named after each kernel's own connection file.

    Kernels run in their own session, so Ctrl+C does not reach them; every started
    kernel is remembered so that :func:`stop_kernels` can end it when a run is stopped.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class LocalSocketKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        async def _async_post_start_kernel(self, **kwargs) -> None:
            await super()._async_post_start_kernel(**kwargs)
            _started_kernels.add(self)

    return LocalSocketKernelManager


def stop_kernels(grace: float = 5.0) -> int:
    """End every kernel this process started that is still running; how many were."""
    stopped = 0
    for manager in list(_started_kernels):
        process = getattr(getattr(manager, "provisioner", None), "process", None)
        if process is None or process.poll() is not None:
            continue
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(Exception):
            manager.cleanup_connection_file()
            manager.cleanup_ipc_files()
        stopped += 1
    return stopped


def _interruptible(work: Callable[[], object]) -> object:
    """Run ``work`` in a thread so that Ctrl+C reaches this one at once.

    In the main thread, nbclient takes over SIGINT and then waits on a kernel it has
    already shut down. Here Ctrl+C raises KeyboardInterrupt in the main thread, which
    ends the kernels itself and gives the worker a moment to write what it has.
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="papermill", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        stop_kernels()
        worker.join(WRITE_GRACE)
        raise
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


WRITE_GRACE = 15  # seconds the stopped worker gets to write the partial notebook


class RunInterrupted(WorkbookError):
    """Ctrl+C stopped ``workbook run``; the step that was running is marked incomplete."""


INCOMPLETE_NOTE = (
    "**Incomplete.** This run was stopped (Ctrl+C) before the step finished: the cells "
    "below the last output did not run. Run the step again for a complete copy."
)


def mark_incomplete(notebook: Path) -> bool:
    """Put a note at the top of a partly executed notebook and flag it in its metadata."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - a half-written file: nothing worth marking
        return False
    nb.metadata.setdefault("workbook", {})["incomplete"] = True
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(INCOMPLETE_NOTE))
    nbformat.write(nb, notebook)
    return True


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
            _interruptible(
                lambda source=source, target=target: papermill.execute_notebook(
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
            )
        except KeyboardInterrupt:
            marked = target.exists() and mark_incomplete(target)
            where = f"; the partial notebook, marked incomplete, is {target}" if marked else ""
            raise RunInterrupted(
                f"stopped by Ctrl+C during step {number} ({source.name}){where}"
            ) from None
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
