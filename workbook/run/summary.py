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
    place: str = ""  # the name without its state, for the index
    state: str = ""
    population: float | None = None


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
        """Every jurisdiction with its key, name, state, population and status; a reader
        sorts by a column and filters by name offline (the small script below, no outside
        request). Without JavaScript it is the same table, in the order of the targets."""
        page = "report.html" if self.mode == "fast" else "02_use_the_metrics.html"
        rows = []
        for r in self.records:
            name = r.place or r.name
            link = (
                f'<a href="{escape(r.key)}/{page}">{escape(name)}</a>'
                if r.status in ("done", "skipped")
                else escape(name)
            )
            state = (
                f'<span class="wb-status-failed">{escape(r.status)}: {escape(r.error)}</span>'
                if r.status in ("failed", "not run")
                else escape(r.status)
            )
            people = "" if r.population is None else f"{r.population:,.0f}"
            number = "" if r.population is None else f"{r.population:.0f}"
            rows.append(
                f"<tr><td>{escape(r.key)}</td><td>{link}</td><td>{escape(r.state)}</td>"
                f'<td class="wb-number" data-value="{number}">{people}</td><td>{state}</td></tr>'
            )
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>Step 2 reports</title>"
            f'<link rel="stylesheet" href="{ASSETS_DIR}/report.css"></head><body><main>'
            f"<h1>Step 2 reports</h1><p>{escape(self.describe(limit=0).splitlines()[0])}</p>"
            '<p><a href="summary.csv">summary.csv</a></p>'
            '<table id="wb-index"><thead><tr><th>Key</th><th>Jurisdiction</th><th>State</th>'
            '<th class="wb-number">Population</th><th>Status</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></main>"
            f"<script>{INDEX_SCRIPT}</script></body></html>"
        )


# Sorting and filtering the index, written here so the page needs no other file. The
# controls are made by the script: without JavaScript the page is a plain table.
INDEX_SCRIPT = """
(function () {
  var table = document.getElementById('wb-index');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var box = document.createElement('p');
  var label = document.createElement('label');
  label.textContent = 'Show only jurisdictions or states containing: ';
  var filter = document.createElement('input');
  filter.type = 'search';
  filter.id = 'wb-filter';
  label.appendChild(filter);
  var shown = document.createElement('span');
  shown.setAttribute('aria-live', 'polite');
  box.appendChild(label);
  box.appendChild(shown);
  table.parentNode.insertBefore(box, table);
  function count() {
    var visible = rows.filter(function (r) { return !r.hidden; }).length;
    shown.textContent = ' ' + visible + ' of ' + rows.length + ' shown';
  }
  filter.addEventListener('input', function () {
    var words = filter.value.trim().toLowerCase();
    rows.forEach(function (r) {
      var text = (r.cells[0].textContent + ' ' + r.cells[1].textContent + ' ' +
                  r.cells[2].textContent).toLowerCase();
      r.hidden = words !== '' && text.indexOf(words) < 0;
    });
    count();
  });
  function value(row, column) {
    var cell = row.cells[column];
    var number = cell.getAttribute('data-value');
    return number === null ? cell.textContent.toLowerCase() : (number === '' ? -1 : +number);
  }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (head, column) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = head.textContent;
    head.textContent = '';
    head.appendChild(button);
    head.setAttribute('aria-sort', 'none');
    button.addEventListener('click', function () {
      var up = head.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
      head.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var x = value(a, column), y = value(b, column);
        return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  count();
})();
"""


def _write_csv(path: Path, header: list[str], rows: Iterable[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
