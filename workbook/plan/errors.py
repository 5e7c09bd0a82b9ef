"""The plan store's exception types, each a WorkbookError whose message says the fix.

Messages name the plan file or the section, what is wrong, and what to do next, because
they are read in a workshop by someone who did not write the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbook.errors import WorkbookError
from workbook.plan.wording import describe_saver, describe_time

if TYPE_CHECKING:
    from workbook.plan.records import Record

DAMAGED_FIX = (
    "Nothing was changed. Open an earlier copy of the plan (a backup, or an exported "
    ".json file via workbook.plan.store.import_plan), or set plan_path to a new file to "
    "start a new plan"
)


class PlanFileError(WorkbookError):
    """A plan file is missing, damaged, not a plan, or from a newer workbook."""

    def __init__(self, path: object, problem: str, fix: str = DAMAGED_FIX) -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"plan file {self.path}: {problem}. Fix: {fix}")


def damaged_section_fix(section: str) -> str:
    """What to do about one section whose saved answers cannot be read."""
    return (
        "Every other section can still be read. Restore the plan from a backup (workbook "
        "plan backup makes one) or from an exported .json file (import_plan); or delete "
        f"this section's answers with store.delete_section('{section}') and enter them "
        "again (its earlier versions stay in the history)"
    )


class DamagedSectionError(PlanFileError):
    """One section's saved answers cannot be read; the rest of the plan can."""

    def __init__(self, path: object, section: str, problem: str) -> None:
        self.section = section
        super().__init__(
            path,
            f"the answers saved in section '{section}' are damaged: {problem}",
            damaged_section_fix(section),
        )


class PlanValueError(WorkbookError, ValueError):
    """A section name or a value cannot be stored in a plan."""


class ReadOnlyError(WorkbookError):
    """A write was attempted on a plan opened in view mode."""


class PlanBusyError(WorkbookError):
    """Another process kept the plan locked for longer than the store waits."""


class ConflictError(WorkbookError):
    """A save started from an out-of-date version; the rejected value is kept as a conflict."""

    def __init__(
        self,
        section: str,
        base_version: int,
        current: Record,
        conflict_id: int,
        attempted_by: str,
    ) -> None:
        self.section = section
        self.base_version = base_version
        self.current = current
        self.conflict_id = conflict_id
        self.attempted_by = attempted_by
        super().__init__(
            f"'{section}' was not saved: {describe_saver(current.saved_by)} saved version "
            f"{current.version} at {describe_time(current.saved_at)}, after you loaded "
            f"version {base_version}. Nothing is lost: what you tried to save is kept as "
            f"conflict #{conflict_id}. To resolve: reload the section to see the saved "
            f"version, compare it with yours, then save again (in code: "
            f"store.list_conflicts() to compare, store.resolve_conflict({conflict_id}, "
            f"keep='mine') to save yours over it, or keep='saved' to drop yours)"
        )
