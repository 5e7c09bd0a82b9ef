"""Step 2 for many jurisdictions: every county's comparison.csv and report in minutes.

``run_batch`` renders each jurisdiction into ``<output>/<key>/`` and the files every page
shares once into ``<output>/assets/``. Two ways to make a jurisdiction's output:

* ``mode="fast"`` (default): :mod:`workbook.report` in worker processes that each open the
  dataset once and reuse what is common to all jurisdictions; ``comparison.csv`` and
  ``report.html`` (overview, the metrics table, peers with reasons, the distribution grid,
  disparities). About a tenth of a second per jurisdiction.
* ``mode="papermill"``: the real Step 2 notebook, executed by papermill through
  :mod:`workbook.runner`, one kernel per jurisdiction: the faithful, slow path (seconds
  each), with its notebook, CSV files and an HTML copy that loads Vega from ``assets/``.

Work runs in local processes (``workers``, default one per core) or, with ``scheduler``,
as tasks on an existing Dask cluster, whose workers need this package installed and the
imported data and the output folder at the same paths (one machine or a shared disk).

A jurisdiction is finished when its ``.done`` marker, written after its files, names the
same dataset and mode; finished ones are skipped on the next run (``resume``). A failure
is recorded and the others go on; the summary is printed and written to ``summary.csv``
and ``failures.csv``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from workbook.data.dataset import Dataset, open_dataset
from workbook.data.jurisdictions import STATE_ABBREVIATIONS, Jurisdiction, _fold
from workbook.display.html import escape
from workbook.errors import JurisdictionError, ParameterError, WorkbookError

MODES = ("fast", "papermill")
DONE_MARKER = ".done"
ASSETS_DIR = "assets"
SUMMARY_FILE = "summary.csv"
FAILURES_FILE = "failures.csv"
INDEX_FILE = "index.html"
DEFAULT_OUTPUT = Path("output") / "batch"
STATE_PREFIX = "state:"
ALL_COUNTIES = "all-counties"
ALL_CITIES = "all-cities"
STATE_KINDS = {"counties": ("county",), "cities": ("place",), "all": ("county", "place")}
PAPERMILL_STEP = 2
SCHEDULER_TIMEOUT = 15  # seconds to reach a Dask scheduler before giving up


class TargetsError(ParameterError):
    """Some targets name no jurisdiction; ``unknown`` lists (where, text, problem) for each."""

    def __init__(self, value: object, unknown: list[tuple[str, str, str]]) -> None:
        self.unknown = unknown
        listed = "".join(f"\n  {where}: '{text}': {problem}" for where, text, problem in unknown)
        super().__init__(
            "targets",
            value,
            f"{len(unknown)} unknown jurisdiction(s), so nothing was run. Fix or remove them "
            "(a FIPS key, a name such as 'Cook County, IL', state:06, state:06:cities, "
            f"all-counties or all-cities) and run again:{listed}",
        )


# Targets ----------------------------------------------------------------------------------


def _list_file_items(path: Path) -> list[tuple[str, str]]:
    """(where, text) for each entry of a list file: one per line, '#' comments, CSV allowed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ParameterError(
            "targets", str(path), f"cannot be read ({exc.strerror})", "Check the list file"
        ) from exc
    items = []
    lines = text.splitlines()
    rows = csv.reader(lines) if path.suffix.lower() == ".csv" else ([line] for line in lines)
    for number, row in enumerate(rows, start=1):
        entry = (row[0] if row else "").split("#", 1)[0].strip()
        if not entry:
            continue
        if number == 1 and entry.lower() in ("key", "fips", "geoid", "jurisdiction", "name"):
            continue  # a header
        items.append((f"{path.name} line {number}", entry))
    return items


def _recent_keys(data: Dataset, kind: str) -> list[str]:
    """Every jurisdiction of ``kind`` in the latest year's data, by key."""
    name = f"{kind}_recent"
    if not data.has(name):
        return []
    table = data.table(name)
    return sorted(set(table["state"] + table[kind]))


def _state_code(data: Dataset, text: str) -> str | None:
    """'06', '6', 'CA' or 'California' -> '06' (None when no such state in the data)."""
    text = text.strip()
    index = data.index
    if text.isdigit():
        code = text.zfill(2)
        return code if (index["state"] == code).any() else None
    name = STATE_ABBREVIATIONS.get(text.upper(), text)
    found = index.loc[index["folded_state"] == _fold(name), "state"]
    return str(found.iloc[0]) if len(found) else None


def _expand(data: Dataset, text: str) -> list[str]:
    """Keys for one target; raises JurisdictionError or ValueError with the problem."""
    lowered = text.lower()
    if lowered == ALL_COUNTIES:
        return _recent_keys(data, "county")
    if lowered == ALL_CITIES:
        return _recent_keys(data, "place")
    if lowered.startswith(STATE_PREFIX):
        state, _, which = text[len(STATE_PREFIX) :].partition(":")
        which = which.strip().lower() or "counties"
        if which not in STATE_KINDS:
            raise ValueError(f"'{which}' is not counties, cities or all")
        code = _state_code(data, state)
        if code is None:
            raise ValueError(f"no state '{state.strip()}' in this dataset (use e.g. 06 or CA)")
        return [
            key
            for kind in STATE_KINDS[which]
            for key in _recent_keys(data, kind)
            if key.startswith(code)
        ]
    return [data.find(text).key]


def expand_targets(data: Dataset, targets: object) -> list[Jurisdiction]:
    """The jurisdictions that ``targets`` name, in order, each once.

    ``targets`` is one item or a list of items, each a FIPS key, a name, ``state:06``
    (the state's counties; ``state:06:cities``, ``state:CA:all``), ``all-counties`` or
    ``all-cities`` (every one in the latest year's data), or a list file of such items
    (``@path`` or an existing file's path). Every unknown item is reported at once.
    """
    if isinstance(targets, str | os.PathLike | int):
        targets = [targets]
    items: list[tuple[str, str]] = []
    for number, item in enumerate(targets or [], start=1):
        text = os.fspath(item) if isinstance(item, os.PathLike) else str(item).strip()
        if text.startswith("@"):
            items.extend(_list_file_items(Path(text[1:]).expanduser()))
        elif (os.sep in text or text.endswith((".txt", ".csv"))) and Path(text).is_file():
            items.extend(_list_file_items(Path(text)))
        else:
            items.append((f"target {number}", text))
    value = [str(t) for t in targets][:5] if not isinstance(targets, str) else targets
    if not items:
        raise ParameterError(
            "targets", value, "names no jurisdiction", "Give keys, names, state:06 or all-counties"
        )
    keys: list[str] = []
    unknown: list[tuple[str, str, str]] = []
    for where, text in items:
        try:
            keys.extend(_expand(data, text))
        except (JurisdictionError, ValueError) as exc:
            if isinstance(exc, JurisdictionError):
                problem = f"{exc.problem}. {exc.fix}" if exc.fix else exc.problem
            else:
                problem = str(exc)
            unknown.append((where, text, problem))
    if unknown:
        raise TargetsError(value, unknown)
    if not keys:
        raise ParameterError(
            "targets", value, "names no jurisdiction with data in the latest year",
            "Check the state, or ask for its counties instead of its cities",
        )  # fmt: skip
    return [data.find(key) for key in dict.fromkeys(keys)]


# One jurisdiction, in a worker ---------------------------------------------------------------


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


def dataset_signature(data: Dataset) -> str:
    """Changes whenever the imported data does (its manifest records every source file)."""
    text = json.dumps(data.manifest, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _marker(folder: Path) -> Path:
    return folder / DONE_MARKER


def is_complete(folder: Path, mode: str, signature: str) -> bool:
    """True when ``folder`` holds a finished output of ``mode`` from the same dataset."""
    try:
        marker = json.loads(_marker(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if marker.get("mode") != mode or marker.get("dataset") != signature:
        return False
    return all((folder / name).is_file() for name in marker.get("files", []))


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
        _marker(folder).unlink(missing_ok=True)  # a re-run is unfinished until it ends
        if self.settings.mode == "papermill":
            files = self._papermill(key, folder)
        else:
            files = self.reporter.write(self.data.find(key), folder).paths
        names = [Path(f).name for f in files]
        marker = {
            "key": key,
            "mode": self.settings.mode,
            "dataset": self.settings.dataset,
            "files": names,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _marker(folder).write_text(json.dumps(marker), encoding="utf-8")
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


# The batch ----------------------------------------------------------------------------------


@dataclass
class JobRecord:
    key: str
    name: str
    kind: str
    status: str  # "done", "skipped" (finished earlier), "failed" or "not run"
    seconds: float = 0.0
    error: str = ""
    detail: str = ""


@dataclass
class BatchSummary:
    """What a batch did: one record per jurisdiction, in the order of the targets."""

    output_dir: Path
    mode: str
    workers: int
    where: str  # "local processes", "this process" or the Dask scheduler's address
    records: list[JobRecord] = field(default_factory=list)
    seconds: float = 0.0

    def _count(self, status: str) -> int:
        return sum(r.status == status for r in self.records)

    @property
    def done(self) -> int:
        return self._count("done")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def failed(self) -> list[JobRecord]:
        return [r for r in self.records if r.status in ("failed", "not run")]

    @property
    def ok(self) -> bool:
        return not self.failed

    def describe(self, limit: int = 20) -> str:
        made = [r.seconds for r in self.records if r.status == "done"]
        each = f", {sum(made) / len(made):.2f} s each in a worker" if made else ""
        lines = [
            f"Batch ({self.mode}, {self.where}, {self.workers} worker(s)): "
            f"{len(self.records)} jurisdiction(s): {self.done} written, {self.skipped} "
            f"already done, {len(self.failed)} failed, in {self.seconds:.1f} s{each}.",
            f"Output: {self.output_dir}",
        ]
        for record in self.failed[:limit]:
            lines.append(f"  failed {record.key} ({record.name}): {record.error}")
        if len(self.failed) > limit:
            lines.append(f"  ... and {len(self.failed) - limit} more")
        if self.failed:
            lines.append(
                f"Details in {self.output_dir / FAILURES_FILE}; run again to retry the failed "
                "ones (finished jurisdictions are skipped)."
            )
        return "\n".join(lines)

    def write(self) -> None:
        """summary.csv (every jurisdiction), failures.csv and index.html, one write each."""
        columns = ["key", "name", "kind", "status", "seconds", "error"]
        _write_csv(
            self.output_dir / SUMMARY_FILE,
            columns,
            ([getattr(r, c) if c != "seconds" else f"{r.seconds:.3f}" for c in columns]
             for r in self.records),
        )  # fmt: skip
        _write_csv(
            self.output_dir / FAILURES_FILE,
            ["key", "name", "status", "error", "detail"],
            ([r.key, r.name, r.status, r.error, r.detail] for r in self.failed),
        )
        (self.output_dir / INDEX_FILE).write_text(self.index_html(), encoding="utf-8")

    def index_html(self) -> str:
        page = "report.html" if self.mode == "fast" else "02_use_the_metrics.html"
        rows = []
        for r in self.records:
            link = (
                f'<a href="{escape(r.key)}/{page}">{escape(r.name)}</a>'
                if r.status in ("done", "skipped")
                else escape(r.name)
            )
            state = (
                f'<span class="wb-status-failed">{escape(r.status)}: {escape(r.error)}</span>'
                if r.status in ("failed", "not run")
                else escape(r.status)
            )
            rows.append(f"<tr><td>{escape(r.key)}</td><td>{link}</td><td>{state}</td></tr>")
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>Step 2 reports</title>"
            f'<link rel="stylesheet" href="{ASSETS_DIR}/report.css"></head><body><main>'
            f"<h1>Step 2 reports</h1><p>{escape(self.describe(limit=0).splitlines()[0])}</p>"
            '<p><a href="summary.csv">summary.csv</a></p>'
            "<table><thead><tr><th>Key</th><th>Jurisdiction</th><th>Status</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></main></body></html>"
        )


def _write_csv(path: Path, header: list[str], rows: Iterable[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (resumed batches keep their assets)."""
    try:
        if path.stat().st_size == len(text.encode("utf-8")) and path.read_text("utf-8") == text:
            return False
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")
    return True


def write_assets(data: Dataset, output_dir: Path, mode: str, kinds: list[str]) -> list[Path]:
    """Files shared by every page, written once per batch folder (rewritten only if changed)."""
    from workbook.run import report

    folder = output_dir / ASSETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if mode == "fast":
        files = report.shared_assets(data, kinds)
    else:
        from workbook.display.html import vega_bundle

        files = {report.VEGA_FILE: vega_bundle()}
    files[report.STYLE_FILE] = (report.TEMPLATES / report.STYLE_FILE).read_text("utf-8")
    for name, text in files.items():
        _write_if_changed(folder / name, text)
    if mode == "fast":  # the notebook writes it beside each CSV; here once for all
        from workbook.data.catalog import load_framework
        from workbook.steps import use_the_metrics as step2

        reference = SimpleNamespace(catalog=data.catalog, framework=load_framework())
        dictionary = step2.data_dictionary(reference).to_csv(index=False)
        _write_if_changed(output_dir / "data_dictionary.csv", dictionary)
    return [folder / name for name in files]


def _validate(mode: str, workers: object, scheduler: str | None) -> int:
    """Check mode, workers and the scheduler's form; returns the number of workers."""
    if mode not in MODES:
        raise ParameterError("mode", mode, "is not a batch mode", "Use 'fast' or 'papermill'")
    if scheduler and "://" not in scheduler:
        raise ParameterError(
            "scheduler",
            scheduler,
            "is not a Dask scheduler address",
            "Give it as tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786",
        )
    if workers in (None, "", 0):
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    try:
        count = int(str(workers).strip())
    except ValueError:
        count = 0
    if count < 1 or isinstance(workers, bool | float):
        raise ParameterError(
            "workers", workers, "is not a positive whole number", "Give e.g. 2, or leave it unset"
        )
    return count


def _connect(scheduler: str):
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


Runner = Callable[[list[str], BatchSettings], Iterator[TaskResult]]


def _lost(key: str, exc: BaseException) -> TaskResult:
    """A task whose worker could not report back (process killed, worker lost)."""
    return TaskResult(key, "failed", 0.0, f"{type(exc).__name__}: {exc}")


def _in_process(keys: list[str], settings: BatchSettings) -> Iterator[TaskResult]:
    for key in keys:
        yield run_task(key, settings)


def _local_pool(workers: int) -> Runner:
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


def _dask(client) -> Runner:
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


def run_batch(
    targets: object,
    data_dir: str | os.PathLike | None = None,
    output_dir: str | os.PathLike | None = None,
    workers: int | None = None,
    resume: bool = True,
    mode: str = "fast",
    scheduler: str | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Step 2's outputs for every jurisdiction ``targets`` names (see :func:`expand_targets`).

    Every parameter is checked before any work starts (raises a WorkbookError). Runs in
    ``workers`` local processes (default: one per core; 1 runs in this process), or on
    the Dask cluster at ``scheduler``. Returns the summary, also printed and written to
    ``summary.csv``, ``failures.csv`` and ``index.html`` in ``output_dir``.
    """
    from workbook.run.runner import check_output_dir

    started = time.perf_counter()
    count = _validate(mode, workers, scheduler)
    data = open_dataset(data_dir or None)
    places = expand_targets(data, targets)
    out = check_output_dir(Path(output_dir or DEFAULT_OUTPUT).expanduser().resolve())
    client = _connect(scheduler) if scheduler else None
    try:
        signature = dataset_signature(data)
        settings = BatchSettings(
            data_folder=str(data.folder.resolve()),
            data_dir=str(Path(data_dir).expanduser().resolve()) if data_dir else "",
            output_dir=str(out),
            mode=mode,
            dataset=signature,
        )
        records = {p.key: JobRecord(p.key, p.label, p.kind, "not run") for p in places}
        pending = []
        for place in places:
            if resume and is_complete(out / place.key, mode, signature):
                records[place.key].status = "skipped"
            else:
                pending.append(place.key)
        write_assets(data, out, mode, sorted({p.kind for p in places}))
        if client is not None:
            runner, where = _dask(client), scheduler
            count = sum(client.nthreads().values()) or count
        elif count == 1 or len(pending) <= 1:
            runner, where, count = _in_process, "this process", 1
        else:
            count = min(count, len(pending))
            runner, where = _local_pool(count), "local processes"
        summary = BatchSummary(out, mode, count, where, list(records.values()))
        try:
            _run(runner, pending, settings, records, progress)
        finally:  # also when interrupted: what finished is recorded, the rest "not run"
            summary.seconds = time.perf_counter() - started
            summary.write()
    finally:
        if client is not None:
            client.close()
    print(summary.describe())
    return summary


def _run(runner: Runner, keys: list[str], settings, records, progress: bool) -> None:
    if not keys:
        return
    from tqdm.auto import tqdm

    bar = tqdm(total=len(keys), disable=not progress, unit="place", desc=settings.mode)
    try:
        for result in runner(keys, settings):
            record = records[result.key]
            record.status, record.seconds = result.status, result.seconds
            record.error, record.detail = result.error, result.detail
            bar.update(1)
            if result.status == "failed":
                bar.set_postfix(failed=sum(r.status == "failed" for r in records.values()))
    finally:
        bar.close()


# Command line ---------------------------------------------------------------------------------


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``workbook batch`` (for :func:`main_batch`)."""
    parser.add_argument(
        "targets",
        nargs="+",
        help="FIPS keys or names, state:06 (its counties; state:06:cities, state:CA:all), "
        "all-counties, all-cities, or a list file (@keys.txt, one per line)",
    )
    parser.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    parser.add_argument(
        "--output-dir", default="", help=f"where the outputs go (default {DEFAULT_OUTPUT})"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: one per core)"
    )
    parser.add_argument(
        "--no-resume", action="store_true", help="redo jurisdictions that are already finished"
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="fast",
        help="fast: in-process reports (default); papermill: the Step 2 notebook each",
    )
    parser.add_argument(
        "--scheduler", default="", help="run on this Dask cluster, e.g. tcp://127.0.0.1:8786"
    )


def main_batch(args: argparse.Namespace) -> int:
    """``workbook batch``: 0 when every jurisdiction succeeded, 1 if some failed, 2 on bad
    parameters (nothing run), 130 when interrupted (run again to resume)."""
    try:
        summary = run_batch(
            list(args.targets),
            data_dir=args.data_dir or None,
            output_dir=args.output_dir or None,
            workers=args.workers,
            resume=not args.no_resume,
            mode=args.mode or "fast",
            scheduler=args.scheduler or None,
            progress=not getattr(args, "no_progress", False),
        )
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    return 0 if summary.ok else 1
