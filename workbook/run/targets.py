"""What a batch's targets name: FIPS keys, names, ``state:06``, ``all-counties``, list files.

Every target is checked before any work starts, and every unknown one is reported at
once (with the file and line it came from), so a long list is fixed in one go.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from workbook.data.dataset import Dataset
from workbook.data.jurisdictions import STATE_ABBREVIATIONS, Jurisdiction, _fold
from workbook.errors import JurisdictionError, ParameterError

STATE_PREFIX = "state:"
ALL_COUNTIES = "all-counties"
ALL_CITIES = "all-cities"
STATE_KINDS = {"counties": ("county",), "cities": ("place",), "all": ("county", "place")}


class TargetsError(ParameterError):
    """Some targets name no jurisdiction; ``unknown`` lists (where, text, problem) for each."""

    def __init__(self, value: object, unknown: list[tuple[str, str, str]]) -> None:
        self.unknown = unknown
        listed = "".join(f"\n  {where}: '{text}': {problem}" for where, text, problem in unknown)
        super().__init__(
            "targets",
            value,
            f"{len(unknown)} unknown jurisdiction(s), so nothing was run. Fix or remove them "
            "(a FIPS key, a name such as 'Cook County, IL', state:06, state:06:cities, "
            f"all-counties or all-cities) and run again:{listed}",
        )


def _list_file_items(path: Path) -> list[tuple[str, str]]:
    """(where, text) for each entry of a list file: one per line, '#' comments, CSV allowed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ParameterError(
            "targets", str(path), f"cannot be read ({exc.strerror})", "Check the list file"
        ) from exc
    items = []
    lines = text.splitlines()
    rows = csv.reader(lines) if path.suffix.lower() == ".csv" else ([line] for line in lines)
    for number, row in enumerate(rows, start=1):
        entry = (row[0] if row else "").split("#", 1)[0].strip()
        if not entry:
            continue
        if number == 1 and entry.lower() in ("key", "fips", "geoid", "jurisdiction", "name"):
            continue  # a header
        items.append((f"{path.name} line {number}", entry))
    return items


def _recent_keys(data: Dataset, kind: str) -> list[str]:
    """Every jurisdiction of ``kind`` in the latest year's data, by key."""
    name = f"{kind}_recent"
    if not data.has(name):
        return []
    table = data.table(name)
    return sorted(set(table["state"] + table[kind]))


def _state_code(data: Dataset, text: str) -> str | None:
    """'06', '6', 'CA' or 'California' -> '06' (None when no such state in the data)."""
    text = text.strip()
    index = data.index
    if text.isdigit():
        code = text.zfill(2)
        return code if (index["state"] == code).any() else None
    name = STATE_ABBREVIATIONS.get(text.upper(), text)
    found = index.loc[index["folded_state"] == _fold(name), "state"]
    return str(found.iloc[0]) if len(found) else None


def _expand(data: Dataset, text: str) -> list[str]:
    """Keys for one target; raises JurisdictionError or ValueError with the problem."""
    lowered = text.lower()
    if lowered == ALL_COUNTIES:
        return _recent_keys(data, "county")
    if lowered == ALL_CITIES:
        return _recent_keys(data, "place")
    if lowered.startswith(STATE_PREFIX):
        state, _, which = text[len(STATE_PREFIX) :].partition(":")
        which = which.strip().lower() or "counties"
        if which not in STATE_KINDS:
            raise ValueError(f"'{which}' is not counties, cities or all")
        code = _state_code(data, state)
        if code is None:
            raise ValueError(f"no state '{state.strip()}' in this dataset (use e.g. 06 or CA)")
        return [
            key
            for kind in STATE_KINDS[which]
            for key in _recent_keys(data, kind)
            if key.startswith(code)
        ]
    return [data.find(text).key]


def expand_targets(data: Dataset, targets: object) -> list[Jurisdiction]:
    """The jurisdictions that ``targets`` name, in order, each once.

    ``targets`` is one item or a list of items, each a FIPS key, a name, ``state:06``
    (the state's counties; ``state:06:cities``, ``state:CA:all``), ``all-counties`` or
    ``all-cities`` (every one in the latest year's data), or a list file of such items
    (``@path`` or an existing file's path). Every unknown item is reported at once.
    """
    if isinstance(targets, str | os.PathLike | int):
        targets = [targets]
    items: list[tuple[str, str]] = []
    for number, item in enumerate(targets or [], start=1):
        text = os.fspath(item) if isinstance(item, os.PathLike) else str(item).strip()
        if text.startswith("@"):
            items.extend(_list_file_items(Path(text[1:]).expanduser()))
        elif (os.sep in text or text.endswith((".txt", ".csv"))) and Path(text).is_file():
            items.extend(_list_file_items(Path(text)))
        else:
            items.append((f"target {number}", text))
    value = [str(t) for t in targets][:5] if not isinstance(targets, str) else targets
    if not items:
        raise ParameterError(
            "targets", value, "names no jurisdiction", "Give keys, names, state:06 or all-counties"
        )
    keys: list[str] = []
    unknown: list[tuple[str, str, str]] = []
    for where, text in items:
        try:
            keys.extend(_expand(data, text))
        except (JurisdictionError, ValueError) as exc:
            if isinstance(exc, JurisdictionError):
                problem = f"{exc.problem}. {exc.fix}" if exc.fix else exc.problem
            else:
                problem = str(exc)
            unknown.append((where, text, problem))
    if unknown:
        raise TargetsError(value, unknown)
    if not keys:
        raise ParameterError(
            "targets", value, "names no jurisdiction with data in the latest year",
            "Check the state, or ask for its counties instead of its cities",
        )  # fmt: skip
    return [data.find(key) for key in dict.fromkeys(keys)]
