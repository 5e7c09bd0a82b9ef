"""One exception hierarchy for the package.

Every message names what was wrong (file, column, parameter, value) and how to fix it,
so a facilitator reading it in a notebook or an analyst reading it in a log can act on
it without opening the source.
"""

from __future__ import annotations

import unicodedata


def printable(text: object) -> str:
    """``text`` with control characters written as escapes (``\\x1b``), safe for a terminal.

    Messages quote file names and file content; a crafted file could otherwise retitle or
    clear the terminal, or print a fake "finished" line, through escape sequences.
    """
    out = []
    for char in str(text):
        if char == "\n" or unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"):
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


class WorkbookError(Exception):
    """Base class of every error the workbook raises on purpose.

    Its message is made terminal-safe (see :func:`printable`) whatever it quotes.
    """

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str):
            args = (printable(args[0]),)
        super().__init__(*args)


class ParameterError(WorkbookError, ValueError):
    """A notebook or command-line parameter has a value the workbook cannot use."""

    def __init__(self, parameter: str, value: object, problem: str, fix: str = "") -> None:
        self.parameter = parameter
        self.value = value
        self.problem = problem
        self.fix = fix
        if value is None or value == "":
            message = f"parameter '{parameter}' was not given: {problem}"
        else:
            message = f"parameter '{parameter}' = {value!r}: {problem}"
        if fix:
            message += f". {fix}"
        super().__init__(message)


class JurisdictionError(ParameterError):
    """A jurisdiction could not be found, or more than one matched."""

    def __init__(
        self, value: object, problem: str, fix: str = "", candidates: list[str] | None = None
    ) -> None:
        self.candidates = list(candidates or [])
        super().__init__("jurisdiction", value, problem, fix)


class DataFileError(WorkbookError):
    """An official data file is missing, unreadable or does not follow the published schema."""

    def __init__(self, file: str, problem: str, fix: str, column: str | None = None) -> None:
        self.file = file
        self.column = column
        self.problem = problem
        self.fix = fix
        where = f"{file}, column '{column}'" if column else file
        super().__init__(f"{where}: {problem}. Fix: {fix}")


class DataSourceError(WorkbookError):
    """No usable data folder was found where the workbook was told to look."""
