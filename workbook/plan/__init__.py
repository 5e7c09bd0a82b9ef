"""The plan a coalition writes: one SQLite file of versioned sections, with history.

A row of small modules, one job each; :mod:`workbook.plan.store` is the front door and
still offers every name it always has.

* ``store``: :class:`PlanStore`, opening a plan, saving with versions, conflicts, drafts.
* ``records``: what the store hands out (Record, Change, Conflict, Draft), canonical
  JSON and the checks on section names and values.
* ``privacy``: the private parts of a section and the section without them.
* ``history``: the one-line summary history keeps of each save.
* ``schema``: the tables, the schema version and the migrations of older files.
* ``checks``: the checks that refuse damaged or foreign files, with their messages.
* ``files``: plan paths, connections, new files that never clobber, atomic writes.
* ``transfer``: JSON export (full or public) and :func:`import_plan`.
* ``backup``: a consistent copy of a plan while people edit it (``workbook plan backup``).
* ``tables``: rows too many for a section (local data sets' values and boundaries), kept
  in tables of the same file, so backups and full exports carry them.
* ``closing``: checkpoints that leave the plan file self-contained on close and at exit.
* ``errors``: the plan's exception types, all ``WorkbookError``.
* ``wording``: how messages and summaries phrase names, counts, times and people.
"""

from workbook.plan.errors import (
    ConflictError,
    PlanBusyError,
    PlanFileError,
    PlanValueError,
    ReadOnlyError,
)
from workbook.plan.history import summarise
from workbook.plan.privacy import strip_private
from workbook.plan.records import Change, Conflict, Draft, Record
from workbook.plan.schema import SCHEMA_VERSION
from workbook.plan.store import PlanStore
from workbook.plan.transfer import import_plan

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "Conflict",
    "ConflictError",
    "Draft",
    "PlanBusyError",
    "PlanFileError",
    "PlanStore",
    "PlanValueError",
    "ReadOnlyError",
    "Record",
    "import_plan",
    "strip_private",
    "summarise",
]
