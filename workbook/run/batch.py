"""Step 2 for many jurisdictions: every county's comparison.csv and report in minutes.

``run_batch`` renders each jurisdiction into ``<output>/<key>/`` and the files every page
shares once into ``<output>/assets/``. Two ways to make a jurisdiction's output:

* ``mode="fast"`` (default): :mod:`workbook.run.report` in worker processes that each open
  the dataset once and reuse what is common to all jurisdictions; ``comparison.csv`` and
  ``report.html`` (overview, the metrics table, peers with reasons, the distribution grid,
  disparities). About a tenth of a second per jurisdiction.
* ``mode="papermill"``: the real Step 2 notebook, executed by papermill through
  :mod:`workbook.run.runner`, one kernel per jurisdiction: the faithful, slow path (seconds
  each), with its notebook, CSV files and an HTML copy that loads Vega from ``assets/``.

Work runs in local processes (``workers``, default one per core) or, with ``scheduler``,
as tasks on an existing Dask cluster, whose workers need this package installed and the
imported data and the output folder at the same paths (one machine or a shared disk).

A jurisdiction is finished when its ``.done`` marker, written after its files, names the
same dataset and mode; finished ones are skipped on the next run (``resume``). A failure
is recorded and the others go on; the summary is printed and written to ``summary.csv``
and ``failures.csv``.

This module decides and orchestrates; the parts live beside it: :mod:`.targets` (what the
targets name), :mod:`.markers` (resuming), :mod:`.workers` (where tasks run),
:mod:`.assets` (shared files) and :mod:`.summary` (what the batch did).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from workbook.data.dataset import open_dataset
from workbook.errors import ParameterError
from workbook.run import DEFAULT_OUTPUT, MODES
from workbook.run.assets import write_assets
from workbook.run.markers import dataset_signature, is_complete
from workbook.run.summary import BatchSummary, JobRecord
from workbook.run.targets import expand_targets
from workbook.run.workers import (
    BatchSettings,
    Runner,
    connect,
    dask_cluster,
    in_process,
    local_pool,
)


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
    client = connect(scheduler) if scheduler else None
    try:
        signature = dataset_signature(data)
        settings = BatchSettings(
            data_folder=str(data.folder.resolve()),
            data_dir=str(Path(data_dir).expanduser().resolve()) if data_dir else "",
            output_dir=str(out),
            mode=mode,
            dataset=signature,
        )
        records = {
            p.key: JobRecord(p.key, p.label, p.kind, "not run", place=p.name,
                             state=p.state_name, population=p.population)
            for p in places
        }  # fmt: skip
        pending = []
        for place in places:
            if resume and is_complete(out / place.key, mode, signature):
                records[place.key].status = "skipped"
            else:
                pending.append(place.key)
        write_assets(data, out, mode, sorted({p.kind for p in places}))
        if client is not None:
            runner, where = dask_cluster(client), scheduler
            count = sum(client.nthreads().values()) or count
        elif count == 1 or len(pending) <= 1:
            runner, where, count = in_process, "this process", 1
        else:
            count = min(count, len(pending))
            runner, where = local_pool(count), "local processes"
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


def _run(
    runner: Runner,
    keys: list[str],
    settings: BatchSettings,
    records: dict[str, JobRecord],
    progress: bool,
) -> None:
    """Run ``keys`` with ``runner``, recording each result as it comes, with a progress bar."""
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
