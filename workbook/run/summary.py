"""What a batch did, for people: the printed summary, ``summary.csv``, ``failures.csv``
and ``index.html`` (every jurisdiction linked to its page) in the batch folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbook.display.html import escape
from workbook.run.assets import ASSETS_DIR

SUMMARY_FILE = "summary.csv"
FAILURES_FILE = "failures.csv"
INDEX_FILE = "index.html"


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
