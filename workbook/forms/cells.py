"""Spreadsheet cells that could run as formulas: neutralised on export, noted on import.

Excel and LibreOffice run a cell that starts with '=', '+', '-' or '@' as a formula, so
text someone typed into a form must not reach a spreadsheet in that shape.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_cell(text: str) -> str:
    """Make a CSV cell safe for spreadsheets: text that starts like a formula gets an
    apostrophe, so Excel or LibreOffice show it instead of running it."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def looks_like_formula(text: str) -> bool:
    """Worth a note on import: '=...', '@...', or +/- followed by more than a number or
    a phone number (exports neutralise every risky start regardless)."""
    if text.startswith(("=", "@", "\t", "\r")):
        return True
    return text.startswith(("+", "-")) and not re.match(r"^[+-][\d\s().,-]*$", text)
