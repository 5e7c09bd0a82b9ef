"""Geography keys: zero-padded FIPS strings, never integers.

A county key is 5 digits (2-digit state + 3-digit county), a place (city) key 7 digits
(2-digit state + 5-digit place). papermill's ``-p`` and spreadsheets turn ``01001`` into
the number 1001; every entry point passes values through :func:`normalize_key`, which
restores the zeros. The rule is unambiguous because the largest county key, 99999, is
below the smallest place key with a real state code, 0100000 read as 100000.
"""

from __future__ import annotations

import re
from typing import Literal

from workbook.errors import ParameterError

Kind = Literal["county", "place"]

COUNTY_DIGITS = 5
PLACE_DIGITS = 7
_DIGITS = re.compile(r"^\d+$")


def normalize_key(value: object, parameter: str = "jurisdiction") -> str:
    """Return the zero-padded FIPS key for an int or a digit string.

    Up to 5 digits is a county key, 6 or 7 digits a place key. Raises
    :class:`ParameterError` for anything else (letters, negative, too long).
    """
    if isinstance(value, bool):
        raise ParameterError(parameter, value, "is a yes/no value, not a FIPS key")
    if isinstance(value, int):
        if value <= 0:
            raise ParameterError(parameter, value, "a FIPS key is a positive number")
        text = str(value)
    elif isinstance(value, float) and value.is_integer() and value > 0:
        text = str(int(value))
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ParameterError(parameter, value, "expected a FIPS key such as '06037' or a name")
    if not _DIGITS.match(text):
        raise ParameterError(
            parameter,
            value,
            "is not a FIPS key (digits only)",
            "Use 5 digits for a county (e.g. '06037') or 7 for a city (e.g. '4260000')",
        )
    if len(text) <= COUNTY_DIGITS:
        return text.zfill(COUNTY_DIGITS)
    if len(text) <= PLACE_DIGITS:
        return text.zfill(PLACE_DIGITS)
    raise ParameterError(
        parameter,
        value,
        f"has {len(text)} digits; a county key has 5 and a city key 7",
        "Check for an extra digit",
    )


def looks_like_key(value: object) -> bool:
    """True when ``value`` is an int or a string of digits (so it is meant as a key)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and bool(_DIGITS.match(value.strip()))


def kind_of_key(key: str) -> Kind:
    """'county' for a 5-digit key, 'place' for a 7-digit one."""
    if len(key) == COUNTY_DIGITS:
        return "county"
    if len(key) == PLACE_DIGITS:
        return "place"
    raise ValueError(f"not a normalized FIPS key: {key!r}")


def split_key(key: str) -> tuple[str, str]:
    """Split a normalized key into (state code, county or place code)."""
    return key[:2], key[2:]
