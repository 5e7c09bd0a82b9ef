"""Votes a coalition takes on its priorities: checked, read from CSV, and tallied.

A vote is something a step receives, whatever way it was taken: dots counted off a
paper wall chart and typed in, a CSV of counts, or a closed live ballot. All arrive as
one record (the ``step5.votes`` entry shape); :func:`vote_problems` says, field by field,
what is wrong with one; :func:`tally` ranks the options, breaking ties by a stated rule.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

KINDS = ("dots", "ranking", "approval", "single")
SOURCES = ("paper", "csv", "ballot")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TALLY_COLUMNS = ["option", "points", "rank", "tied"]


def _whole(value: Any) -> int | None:
    """``value`` as a whole number (True and False are not numbers), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def vote_problems(record: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with a vote record, by field, in plain words (empty when it is sound)."""
    errors: dict[str, str] = {}
    if not isinstance(record, Mapping):
        return {"vote": "A vote must be a record of fields (question, options, counts...)."}
    if not str(record.get("question") or "").strip():
        errors["question"] = "Say what was asked, e.g. 'Which predictors should we work on first?'."
    kind = record.get("kind")
    if kind not in KINDS:
        errors["kind"] = f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}."
    source = record.get("source")
    if source not in SOURCES:
        errors["source"] = f"Unknown source {source!r}: use one of {', '.join(SOURCES)}."
    elif source == "ballot" and not str(record.get("ballot_id") or "").strip():
        errors["ballot_id"] = "A vote from a live ballot names the ballot it came from."
    options = record.get("options")
    if not isinstance(options, list) or not options:
        errors["options"] = "List the options voted on (at least one)."
        options = []
    elif not all(isinstance(o, str) and o.strip() for o in options):
        errors["options"] = "Every option needs a name."
    elif len(set(options)) != len(options):
        repeated = sorted({o for o in options if options.count(o) > 1})
        errors["options"] = f"Each option once only; repeated: {', '.join(repeated)}."
    voters = _whole(record.get("voters"))
    if voters is None or voters < 1:
        errors["voters"] = (
            f"The number of people who voted must be a whole number of at least 1, not "
            f"{record.get('voters')!r}."
        )
        voters = None
    dots = record.get("dots_per_person")
    per_person = _whole(dots)
    if kind == "dots" and (per_person is None or per_person < 1):
        errors["dots_per_person"] = (
            f"A dot vote needs the dots each person had, a whole number of at least 1, not "
            f"{dots!r}."
        )
        per_person = None
    elif dots is not None and kind != "dots" and (per_person is None or per_person < 1):
        errors["dots_per_person"] = "Leave it empty, or give a whole number of at least 1."
    stacking = record.get("stacking")
    if not isinstance(stacking, bool):
        errors["stacking"] = "Say whether a person could put several dots on one option (yes/no)."
    when = str(record.get("recorded_on") or "")
    try:
        if not ISO_DATE.match(when):
            raise ValueError
        date.fromisoformat(when)
    except ValueError:
        errors["recorded_on"] = f"Give the date of the vote as YYYY-MM-DD, not {when!r}."
    counts = record.get("counts")
    if not isinstance(counts, Mapping):
        errors["counts"] = "Give the points of each option, e.g. {'Housing stability': 12}."
        return errors
    problems = []
    unknown = [str(o) for o in counts if o not in options]
    if unknown and options:
        problems.append(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                        "among the options")  # fmt: skip
    numbers = {}
    for option, points in counts.items():
        number = _whole(points)
        if number is None:
            problems.append(f"'{option}' has {points!r}: points are whole numbers")
        elif number < 0:
            problems.append(f"'{option}' has {number}: points cannot be negative")
        else:
            numbers[option] = number
    if not problems and voters:
        total = sum(numbers.values())
        cap = {"dots": voters * per_person if per_person else None, "single": voters}
        limit = cap.get(kind)
        if limit is not None and total > limit:
            how = f"{voters} voters x {per_person} dots" if kind == "dots" else f"{voters} voters"
            problems.append(f"{total} points in all, more than the {limit} possible ({how})")
        if kind in ("approval", "single") or (kind == "dots" and stacking is False):
            over = [f"'{o}' ({n})" for o, n in numbers.items() if n > voters]
            if over:
                rule = "without stacking, " if kind == "dots" else ""
                problems.append(f"{rule}an option gets at most one point per voter ({voters}); "
                                f"over: {', '.join(over)}")  # fmt: skip
    if problems:
        errors["counts"] = "; ".join(problems) + "."
    return errors


def complete_counts(options: Sequence[str], counts: Mapping[str, Any]) -> dict[str, int]:
    """Points for every option, in the options' order (0 for an option without any)."""
    return {o: int(counts.get(o) or 0) for o in options}


def read_counts_csv(
    text: str, options: Sequence[str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Counts from a CSV of ``option,points`` rows (a header row is optional).

    Returns the counts and a list of problems, each naming its row (the first row is 1);
    an option not in ``options`` (when given) is a problem, so is a repeated option.
    """
    counts: dict[str, int] = {}
    problems: list[str] = []
    known = {o.strip().lower(): o for o in options} if options is not None else None
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and len(cells) >= 2 and cells[0].lower() == "option":
            continue  # the header
        if len(cells) < 2 or not cells[0]:
            problems.append(f"row {number}: expected 'option,points', found {','.join(row)!r}")
            continue
        name, points = cells[0], cells[1]
        if known is not None:
            if name.lower() not in known:
                problems.append(f"row {number}: '{name}' is not one of the options (check the "
                                "spelling against the predictor names)")  # fmt: skip
                continue
            name = known[name.lower()]
        try:
            value = float(points.replace(",", ""))
            if not value.is_integer():
                raise ValueError
        except ValueError:
            problems.append(f"row {number}: points for '{name}' must be a whole number, "
                            f"not {points!r}")  # fmt: skip
            continue
        if value < 0:
            problems.append(f"row {number}: points for '{name}' cannot be negative ({points})")
            continue
        if name in counts:
            problems.append(f"row {number}: '{name}' appears twice")
            continue
        counts[name] = int(value)
    if not counts and not problems:
        problems.append("row 1: the file has no 'option,points' rows")
    return counts, problems


def tally(
    counts: Mapping[str, int],
    options: Sequence[str] | None = None,
    tie_key: Callable[[str], tuple] | None = None,
) -> pd.DataFrame:
    """Options ranked by points, most first; equal points ordered by ``tie_key``.

    ``tied`` marks every option that shares its points with another (the rule decided
    their order); options without points are never marked, as their order decides
    nothing. Without a ``tie_key`` ties go alphabetically.
    """
    options = list(options) if options is not None else list(counts)
    points = complete_counts(options, counts)
    key = tie_key or (lambda option: (option.lower(),))
    order = sorted(options, key=lambda o: (-points[o], *key(o)))
    values = [points[o] for o in order]
    table = pd.DataFrame({
        "option": order, "points": values, "rank": range(1, len(order) + 1),
        "tied": [v > 0 and values.count(v) > 1 for v in values],
    }, columns=TALLY_COLUMNS)  # fmt: skip
    return table
