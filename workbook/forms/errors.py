"""The form kit's errors: a declaration the kit cannot build, or values that fail checks."""

from __future__ import annotations

from collections.abc import Mapping

from workbook.errors import WorkbookError


class FormSpecError(WorkbookError, ValueError):
    """A form or table is declared in a way the kit cannot build (a notebook author's fix)."""


class RecordError(WorkbookError, ValueError):
    """Values given to a form or table in code do not pass its checks."""

    def __init__(self, section: str, errors: Mapping[str, str]) -> None:
        self.section = section
        self.errors = dict(errors)
        listed = "; ".join(f"{name}: {message}" for name, message in self.errors.items())
        super().__init__(f"'{section}': not saved, fix these fields first: {listed}")
