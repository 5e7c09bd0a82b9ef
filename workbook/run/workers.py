"""Where a batch's work runs: one jurisdiction per task, in this process, local processes
or on a Dask cluster, each task made by the fast report or by the Step 2 notebook.

A task is a key and the small, picklable :class:`BatchSettings`; every process (or Dask
worker) opens the dataset once, on its first task, and keeps it with its report renderer
for the tasks that follow. A task never raises: a failure comes back as a
:class:`TaskResult`, so one bad jurisdiction cannot stop the others.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbook.data.dataset import open_dataset
from workbook.errors import ParameterError, WorkbookError
from workbook.run.assets import ASSETS_DIR
from workbook.run.markers import clear_marker, dataset_signature, write_marker

PAPERMILL_STEP = 2
SCHEDULER_TIMEOUT = 15  # seconds to reach a Dask scheduler before giving up


@dataclass(frozen=True)
class BatchSettings:
    """What every task needs; small and picklable, sent with each task."""

    data_folder: str  # the imported (Parquet) folder the parent opened
    data_dir: str  # as the user gave it (papermill mode hands it to the notebook)
    output_dir: str
    mode: str
    dataset: str  # signature: a task refuses a different dataset


@dataclass
class TaskResult:
    key: str
    status: str  # "done" or "failed"
    seconds: float = 0.0
    error: str = ""
    detail: str = ""  # the traceback's last lines, for failures.csv


# One jurisdiction, in a worker ---------------------------------------------------------------


class _Worker:
    """Per-process state: the dataset opened once and the report renderer."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.data = open_dataset(settings.data_folder)
        if dataset_signature(self.data) != settings.dataset:
            raise WorkbookError(
                f"the data in {settings.data_folder} changed since the batch started: "
                "run the batch again"
            )
        self._reporter = None

    @property
    def reporter(self):
        if self._reporter is None:
            from workbook.run.report import Reporter

            self._reporter = Reporter(self.data)
        return self._reporter

    def run(self, key: str) -> list[str]:
        """Write one jurisdiction's outputs; returns the file names, marker last."""
        folder = Path(self.settings.output_dir) / key
        folder.mkdir(parents=True, exist_ok=True)
        clear_marker(folder)
        if self.settings.mode == "papermill":
            files = self._papermill(key, folder)
        else:
            files = self.reporter.write(self.data.find(key), folder).paths
        names = [Path(f).name for f in files]
        write_marker(folder, key, self.settings.mode, self.settings.dataset, names)
        return names

    def _papermill(self, key: str, folder: Path) -> list[Path]:
        from workbook.run.runner import execute, plan_run

        plan = plan_run(
            key,
            self.settings.data_dir or None,
            output_dir=str(folder),
            steps=str(PAPERMILL_STEP),
        )
        (result,) = execute(plan, html=False, log=lambda _: None)
        html = export_shared_html(result.notebook, result.notebook.with_suffix(".html"))
        return [result.notebook, html, folder / "comparison.csv"]


_WORKERS: dict[BatchSettings, _Worker] = {}
_LOCK = threading.Lock()  # Dask workers with threads share one process's state


def run_task(key: str, settings: BatchSettings) -> TaskResult:
    """Make one jurisdiction's outputs; never raises (a failure is returned)."""
    started = time.perf_counter()
    try:
        with _LOCK:
            if settings not in _WORKERS:
                _WORKERS[settings] = _Worker(settings)
            _WORKERS[settings].run(key)
        return TaskResult(key, "done", time.perf_counter() - started)
    except Exception as exc:  # one failure must not stop the batch
        detail = "".join(traceback.format_exception(exc)[-3:])
        message = str(exc) or type(exc).__name__
        return TaskResult(
            key, "failed", time.perf_counter() - started, f"{type(exc).__name__}: {message}", detail
        )


def _warm_up(settings: BatchSettings) -> None:
    """Pool initializer: open the dataset before the first task (errors surface per task)."""
    try:
        with _LOCK:
            _WORKERS.setdefault(settings, _Worker(settings))
    except Exception:  # run_task reports it for each jurisdiction
        pass


def export_shared_html(notebook: Path, html_path: Path) -> Path:
    """The notebook's offline HTML copy, loading Vega from ``../assets/`` (not inlined)."""
    import nbformat
    from nbconvert import HTMLExporter

    from workbook.display.export import OfflineHTMLExporter, make_static

    nb = nbformat.read(notebook, as_version=4)
    static, charts = make_static(nb)
    exporter = OfflineHTMLExporter()
    resources = {"workbook_vega_bundle": ""}
    body, _ = HTMLExporter.from_notebook_node(exporter, static, resources)
    if charts:
        tag = f'<script src="../{ASSETS_DIR}/vega-bundle.js"></script>'
        body = body.replace("</head>", f"{tag}\n</head>", 1)
    html_path.write_text(body, encoding="utf-8")
    return html_path


# Many jurisdictions: where the tasks run -----------------------------------------------------


Runner = Callable[[list[str], BatchSettings], Iterator[TaskResult]]


def connect(scheduler: str):
    """A client of the Dask scheduler at ``scheduler``; a ParameterError names the fix."""
    try:
        from distributed import Client
    except ImportError:
        raise ParameterError(
            "scheduler",
            scheduler,
            "needs Dask's distributed package, which is not installed",
            "pip install dask==2026.8.0 distributed==2026.8.0, or run without a scheduler",
        ) from None
    try:
        return Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ParameterError(
            "scheduler",
            scheduler,
            f"no Dask scheduler answered ({exc})",
            "Start one (dask scheduler; dask worker ADDRESS) or check the address",
        ) from None


def _lost(key: str, exc: BaseException) -> TaskResult:
    """A task whose worker could not report back (process killed, worker lost)."""
    return TaskResult(key, "failed", 0.0, f"{type(exc).__name__}: {exc}")


def in_process(keys: list[str], settings: BatchSettings) -> Iterator[TaskResult]:
    """Run the tasks one after the other in this process."""
    for key in keys:
        yield run_task(key, settings)


def local_pool(workers: int) -> Runner:
    """Run the tasks in ``workers`` local processes, results as they finish."""

    def run(keys: list[str], settings: BatchSettings) -> Iterator[TaskResult]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn: workers start clean instead of forking a parent that holds Arrow threads.
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
            initargs=(settings,),
        )
        futures = {pool.submit(run_task, key, settings): key for key in keys}
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as exc:  # e.g. a worker process killed
                    yield _lost(futures[future], exc)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return run


def dask_cluster(client) -> Runner:
    """Run the tasks on the Dask cluster ``client`` is connected to."""

    def run(keys: list[str], settings: BatchSettings) -> Iterator[TaskResult]:
        from distributed import as_completed

        futures = client.map(
            run_task,
            keys,
            settings=settings,
            pure=False,
            key=[f"workbook-{settings.mode}-{key}-{time.time_ns()}" for key in keys],
        )
        owner = {future.key: key for future, key in zip(futures, keys, strict=True)}
        try:
            for future in as_completed(futures, loop=client.loop):
                try:
                    yield future.result()
                except Exception as exc:  # e.g. a worker lost (KilledWorker)
                    yield TaskResult(
                        owner[future.key], "failed", 0.0, f"{type(exc).__name__}: {exc}"
                    )
        finally:
            client.cancel([f for f in futures if not f.done()])

    return run
