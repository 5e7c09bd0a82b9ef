"""The one error type of live ballots: what was wrong, and what to do instead."""

from __future__ import annotations

from workbook.errors import WorkbookError


class BallotError(WorkbookError, ValueError):
    """A ballot could not be opened, answered, counted or closed as asked."""
