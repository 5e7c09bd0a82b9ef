"""A coalition's own data files (CSV or Excel), read, mapped and checked row by row.

Local data come as whatever an agency exports: one row per place, year and measure
(long), or one column per measure (wide); keys that a spreadsheet turned into numbers
and stripped of their leading zeros; cells that say ``*`` or ``<10`` where a count was
too small to publish; percentages written 0-100 beside shares written 0-1. This module
reads such a file (size checked before a byte is read, encodings detected), applies a
column mapping, and returns the values in one tidy table with a report by row. A file
with any problem gives no values at all: nothing is ever half-imported.

Pure functions on bytes and tables: no widgets and no plan (see
:mod:`workbook.plan.tables` for where the values are kept).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbook.errors import WorkbookError, printable

MAX_LOCAL_BYTES = 50_000_000  # 50 MB: a tract file of every US tract and many measures fits
MAX_LOCAL_ROWS = 1_000_000
REPORT_LIMIT = 20  # row numbers quoted per problem
MIXED_GAP = 5  # the smallest value over 1 is this many times the largest under 1
UNPACKED_FACTOR = 100  # an .xlsx unpacks to a few times its size; far more is a zip bomb
UNPACKED_LIMIT = 200_000_000  # ...when it also unpacks to more than this

GEOGRAPHIES = ("county", "city", "tract", "zip", "school_district", "neighbourhood", "other")
# Digits of each coded key (a city is a census place). Others are names kept as typed.
KEY_DIGITS = {"county": 5, "city": 7, "tract": 11, "zip": 5, "school_district": 7}
KEY_WORDS = {
    "county": "county FIPS codes (5 digits, e.g. 06037)",
    "city": "census place codes (7 digits, e.g. 0644000)",
    "tract": "census tract codes (11 digits, e.g. 06037101110)",
    "zip": "ZIP codes (5 digits, e.g. 02134)",
    "school_district": "school district (NCES) codes (7 digits, e.g. 0622710)",
}
# What each length of a coded key is, to name a key of the wrong kind.
LENGTH_KINDS = {
    2: "a state code",
    5: "a county code or ZIP code",
    7: "a place code",
    11: "a tract code",
    12: "a block group code",
}

SUPPRESSED_MARKERS = {
    "",
    "nan",
    "*",
    "**",
    "***",
    "-",
    "--",
    "n/a",
    "na",
    "#n/a",
    "s",
    "suppressed",
    "x",
    "(s)",
    "(x)",
    ".",
}
LESS_THAN = re.compile(r"^<\s*=?\s*\d+(\.\d+)?%?$")
NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")

COLUMN_GUESSES = {
    "place": (
        "place",
        "geoid",
        "fips",
        "tract",
        "zip",
        "zipcode",
        "zcta",
        "geography",
        "key",
        "area",
        "county",
        "district",
        "neighborhood",
        "neighbourhood",
        "id",
    ),
    "year": ("year", "yr", "period", "data_year"),
    "measure": ("measure", "indicator", "variable", "metric"),
    "value": ("value", "estimate", "val", "amount"),
    "subgroup": ("subgroup", "group", "race", "race_ethnicity", "population_group"),
    "moe": ("moe", "margin_of_error", "margin", "error"),
}


class LocalDataError(WorkbookError):
    """A local data file or its mapping cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with, or worth knowing about, a local data file."""

    row: int  # as a spreadsheet numbers it (the header is row 1); 0 = the whole file
    column: str
    text: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return (
            f"{where}, column '{self.column}': {self.text}"
            if self.column
            else f"{where}: {self.text}"
        )


@dataclass
class LocalReport:
    """What reading a local file found: problems refuse the import, notes do not."""

    source: str = ""
    encoding: str = ""
    rows: int = 0
    values: int = 0
    suppressed: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def refuse(self, row: int, column: str, text: str) -> None:
        self.problems.append(Problem(row, printable(column), printable(text)))

    def note(self, row: int, column: str, text: str) -> None:
        self.notes.append(Problem(row, printable(column), printable(text)))

    def summary(self) -> str:
        name = self.source or "the file"
        if self.problems:
            return (
                f"Nothing imported from {name}: {len(self.problems)} problem(s) to fix in the "
                "file or the column choices, then try again."
            )
        return (
            f"{self.rows} row(s) of {name} read: {self.values} value(s), of which "
            f"{self.suppressed} suppressed (kept as suppressed, not as zero)."
        )

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems] + [f"Note: {p}" for p in self.notes]


def _rows_text(rows: Iterable[int]) -> str:
    """'rows 3, 5 and 9' (at most REPORT_LIMIT numbers, then 'and N more')."""
    rows = sorted(set(rows))
    shown = [str(r) for r in rows[:REPORT_LIMIT]]
    more = len(rows) - len(shown)
    text = ", ".join(shown[:-1]) + (f" and {shown[-1]}" if len(shown) > 1 else shown[0])
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {text}" + (f" and {more} more" if more else "")


def size_text(n: int) -> str:
    return (
        f"{n / 1e6:.1f} MB"
        if n >= 1_000_000
        else f"{n / 1e3:.1f} KB"
        if n >= 1000
        else f"{n} bytes"
    )


# --- reading the bytes --------------------------------------------------------------


def _too_big(size: int, limit: int) -> LocalDataError:
    return LocalDataError(
        f"the file is {size_text(size)}; the limit for local data is {size_text(limit)}. "
        "Keep only the columns and years the coalition needs, or split the file by measure "
        "and import each part as its own data set"
    )


def read_source(source: Any, max_bytes: int = MAX_LOCAL_BYTES) -> tuple[str, bytes]:
    """(file name, bytes) of a path, bytes or FileUpload value; the size is checked first.

    A path's size is read from the file system before the file is opened, so a file over
    the limit is refused without reading it.
    """
    name = "uploaded file"
    if isinstance(source, Mapping) or (
        isinstance(source, list | tuple) and source and isinstance(source[0], Mapping)
    ):
        item = source if isinstance(source, Mapping) else source[0]
        name = str(item.get("name") or name)
        size = item.get("size")
        if isinstance(size, int) and size > max_bytes:
            raise _too_big(size, max_bytes)
        source = item.get("content", b"")
    if isinstance(source, list | tuple):
        raise LocalDataError("no file was chosen: pick a CSV or Excel file first")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_big(len(data), max_bytes)
        return name, data
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_big(size, max_bytes)
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise LocalDataError(f"the file {path} cannot be read ({exc.strerror})") from None
        if len(data) > max_bytes:
            raise _too_big(len(data), max_bytes)
        return path.name, data
    raise LocalDataError(
        f"cannot read local data from a {type(source).__name__}: give a file path, bytes or "
        "the value of a file upload"
    )


def decode(data: bytes, report: LocalReport) -> str:
    """Text of a CSV file: UTF-8 (with or without a byte-order mark) or what it most
    likely is (Windows-1252 for Excel on Windows), noted in the report."""
    if data.startswith(b"\xef\xbb\xbf"):
        report.encoding = "utf-8 (with byte-order mark)"
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.encoding = "utf-16"
        return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    if b"\x00" in data[:4096]:
        raise LocalDataError(
            "this is not a text file (it holds binary data): save it as CSV or .xlsx"
        )
    try:
        text = data.decode("utf-8")
        report.encoding = "utf-8"
        return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["cp1252", "latin_1", "cp1250", "mac_roman"])
    plausible = [match.encoding for match in best]
    # Short files fit several Windows code pages; Excel on Windows in the US and western
    # Europe writes cp1252, so it wins whenever it is among the plausible ones.
    encoding = "cp1252" if "cp1252" in plausible or not plausible else plausible[0]
    encoding = "cp1252" if encoding in ("latin_1", "iso8859_1") else encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("cp1252", errors="replace")
        encoding = "cp1252"
    report.encoding = encoding
    report.note(
        0,
        "",
        f"The file is not UTF-8; it was read as {encoding} (Windows-1252 is what Excel "
        "writes on Windows). Check accented names; saving as 'CSV UTF-8' avoids the guess.",
    )
    return text


def _excel_frame(data: bytes, max_rows: int) -> pd.DataFrame:
    """The first sheet of an .xlsx workbook as text cells, read row by row."""
    import datetime as dt
    import zipfile

    from openpyxl import load_workbook

    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile:
        unpacked = 0
    if unpacked > UNPACKED_FACTOR * len(data) and unpacked > UNPACKED_LIMIT:
        # A few kilobytes that unpack to gigabytes: refused before the sheet is parsed.
        raise LocalDataError(
            f"the workbook unpacks to {size_text(unpacked)}, far more than its sheet could "
            "hold: save it as 'CSV UTF-8' and import that file"
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure means "not a workbook we can read"
        raise LocalDataError(
            "this is a zip file but not an Excel workbook that can be read: save it from "
            "Excel as .xlsx or as 'CSV UTF-8' and import that file"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for value in row:
                if value is None:
                    cells.append("")
                elif isinstance(value, dt.datetime | dt.date):
                    cells.append(value.isoformat()[:10])
                elif isinstance(value, float) and value.is_integer():
                    cells.append(str(int(value)))
                else:
                    cells.append(str(value))
            if not any(c.strip() for c in cells):
                continue
            rows.append(cells)
            numbers.append(number)
            if len(rows) > max_rows + 1:
                raise _too_many(max_rows)
    finally:
        book.close()
    if not rows:
        raise LocalDataError("the first sheet of the workbook is empty")
    width = len(rows[0])
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return pd.DataFrame(body, columns=_header(rows[0]), index=numbers[1:], dtype=str)


def _too_many(max_rows: int) -> LocalDataError:
    return LocalDataError(
        f"the file has more than {max_rows:,} rows, the limit: split it (by measure or by "
        "year) and import each part as its own data set"
    )


def _header(cells: list[str]) -> list[str]:
    names, seen = [], set()
    for n, cell in enumerate(cells, start=1):
        name = str(cell).strip() or f"column {n}"
        if name in seen:
            raise LocalDataError(f"the column '{name}' appears twice in the header: rename one")
        seen.add(name)
        names.append(name)
    return names


def read_table(
    source: Any, max_bytes: int = MAX_LOCAL_BYTES, max_rows: int = MAX_LOCAL_ROWS
) -> tuple[pd.DataFrame, LocalReport]:
    """The file as a table of text cells (nothing converted yet) and its report.

    Raises :class:`LocalDataError` for a file that cannot be read at all (too big, not a
    table, an unreadable workbook).
    """
    report = LocalReport()
    name, data = read_source(source, max_bytes)
    report.source = printable(name)
    if data.startswith(b"PK\x03\x04"):
        frame = _excel_frame(data, max_rows)
        report.encoding = "xlsx"
        return frame, report
    text = decode(data, report)
    if not text.strip():
        raise LocalDataError("the file is empty")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader))
        width = len(header)
        rows, lines, bad = [], [], []
        for row in reader:
            if not row:
                continue  # an empty line (lines of empty cells are dropped below)
            if len(row) != width:
                bad.append(reader.line_num)
                row = (row + [""] * width)[:width]
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) > max_rows:
                raise _too_many(max_rows)
    except csv.Error as exc:
        raise LocalDataError(f"the file cannot be read as CSV ({exc})") from None
    for n in bad[:REPORT_LIMIT]:
        report.refuse(
            n,
            "",
            f"this row does not have the {width} values of the header: look for a "
            "stray separator or a missing quote",
        )
    # The index is the row number a spreadsheet shows, for every message about a row.
    frame = pd.DataFrame(rows, columns=header, index=lines, dtype=str)
    # Rows of empty cells (',,,'), common at the end of files exported from Excel.
    frame = frame[(frame.to_numpy() != "").any(axis=1)] if len(frame) else frame
    return frame, report


# --- the column mapping -------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """Which column is what. Long files name ``measure`` and ``value``; wide files list
    ``measures`` (one column per measure) and, optionally, ``moes`` (measure column ->
    its margin-of-error column)."""

    place: str | None = None
    year: str | None = None
    measure: str | None = None
    value: str | None = None
    subgroup: str | None = None
    moe: str | None = None
    measures: tuple[str, ...] = ()
    moes: tuple[tuple[str, str], ...] = ()

    @property
    def layout(self) -> str:
        return "wide" if self.measures else "long"

    def used(self) -> list[str]:
        named = [self.place, self.year, self.measure, self.value, self.subgroup, self.moe]
        return [c for c in (*named, *self.measures, *(m for _, m in self.moes)) if c]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def guess_mapping(columns: Iterable[str]) -> ColumnMapping:
    """A first guess from the column names, for the person to check and change."""
    columns = list(columns)
    found: dict[str, str] = {}
    for role, words in COLUMN_GUESSES.items():
        for word in words:
            match = next((c for c in columns if _norm(c) == word and c not in found.values()), None)
            if match is None:
                match = next(
                    (c for c in columns if word in _norm(c).split("_") and c not in found.values()),
                    None,
                )
            if match is not None:
                found[role] = match
                break
    if "measure" in found and "value" in found:
        return ColumnMapping(**found)
    found = {k: v for k, v in found.items() if k in ("place", "year", "subgroup")}
    rest = [c for c in columns if c not in found.values()]
    moe_columns = [c for c in rest if re.search(r"(^|_)(moe|margin)", _norm(c))]
    measures = tuple(c for c in rest if c not in moe_columns)
    moes = []
    for m in moe_columns:
        base = re.sub(r"(^|_)(moe|margin_of_error|margin)(_|$)", "_", _norm(m)).strip("_")
        match = next((c for c in measures if _norm(c) == base), None)
        if match is not None:
            moes.append((match, m))
    return ColumnMapping(**found, measures=measures, moes=tuple(moes))


def check_mapping(mapping: ColumnMapping, columns: Iterable[str]) -> None:
    """Refuse a mapping the file cannot satisfy, naming the column and the fix."""
    columns = list(columns)
    shown = ", ".join(f"'{c}'" for c in columns[:12])
    if not mapping.place:
        raise LocalDataError(
            f"no place column: the file's columns are {shown}. Say which column holds the "
            "place (tract, ZIP code, county...), or add one to the file"
        )
    missing = [c for c in mapping.used() if c not in columns]
    if missing:
        raise LocalDataError(
            f"the column '{missing[0]}' is not in the file (its columns are {shown}): "
            "choose one of them"
        )
    if mapping.layout == "long" and not (mapping.measure and mapping.value):
        raise LocalDataError(
            "say which column holds the measure's name and which its value (a long file), "
            "or list the measure columns (a wide file, one column per measure)"
        )
    used = mapping.used()
    twice = next((c for c in used if used.count(c) > 1), None)
    if twice:
        raise LocalDataError(f"the column '{twice}' is chosen for two roles: choose it once")


# --- values -------------------------------------------------------------------------


def parse_number(cell: str) -> tuple[float | None, bool]:
    """(number, suppressed) of a cell; (None, False) when it is not a number at all."""
    text = str(cell).strip()
    low = text.lower()
    if low in SUPPRESSED_MARKERS or LESS_THAN.match(text):
        return None, True
    percent = text.endswith("%")
    text = text.rstrip("%").strip().lstrip("$").replace("\u2212", "-")
    if not NUMBER.match(text) or text in ("", "+", "-", "."):
        return None, False
    value = float(text.replace(",", ""))
    if math.isnan(value):
        return None, True
    return (value / 100 if percent else value), False


def parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, suppressed, not a number) for a column of cells, fast for plain numbers:
    only cells that are not (markers, '12%', '1,234') go through :func:`parse_number`."""
    numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype="float64", copy=True)
    plain = np.isfinite(numbers)
    suppressed = np.zeros(len(cells), dtype=bool)
    unreadable = np.zeros(len(cells), dtype=bool)
    rest = cells.to_numpy(dtype=object)[~plain]
    if len(rest):
        parsed = [parse_number(cell) for cell in rest]
        numbers[~plain] = [np.nan if value is None else value for value, _ in parsed]
        suppressed[~plain] = [marker for _, marker in parsed]
        unreadable[~plain] = [value is None and not marker for value, marker in parsed]
    index = cells.index
    numbers = pd.Series(numbers, index=index)
    suppressed = pd.Series(suppressed, index=index)
    unreadable = pd.Series(unreadable, index=index)
    return numbers, suppressed, unreadable


def normalise_keys(keys: pd.Series, geography: str) -> tuple[pd.Series, dict[str, list[int]]]:
    """Place keys as text of the geography's length, leading zeros restored.

    Returns the keys and the problems by kind (``"restored"``: a zero put back; ``"wrong"``:
    a key of another kind, e.g. a county code where tracts were expected; ``"bad"``: not a
    code at all), each with the positions of the rows concerned.
    """
    text = keys.astype(str).str.strip()
    digits = KEY_DIGITS.get(geography)
    found: dict[str, list[int]] = {"restored": [], "wrong": [], "bad": [], "empty": []}
    if digits is None:
        empty = text == ""
        found["empty"] = list(keys.index[empty])
        return text, found
    # Spreadsheets write codes as numbers: 6037.0, 6.037E+3.
    cleaned = text.str.replace(r"\.0+$", "", regex=True)
    scientific = cleaned.str.match(r"^\d(\.\d+)?[eE]\+\d+$")
    if scientific.any():
        cleaned = cleaned.where(~scientific, cleaned[scientific].map(lambda s: str(int(float(s)))))
    lengths = cleaned.str.len()
    numeric = cleaned.str.fullmatch(r"\d+")
    empty = cleaned == ""
    found["empty"] = list(keys.index[empty])
    found["bad"] = list(keys.index[~numeric & ~empty])
    # One digit short: the leading zero of a state code 01-09 was lost. (Two short could
    # be another kind of code, except for ZIP codes such as 00501.)
    short = 2 if geography == "zip" else 1
    restorable = numeric & (lengths < digits) & (lengths >= digits - short)
    wrong = numeric & ~restorable & (lengths != digits)
    found["restored"] = list(keys.index[restorable])
    found["wrong"] = list(keys.index[wrong])
    result = cleaned.where(~restorable, cleaned.str.zfill(digits))
    return result, found


@dataclass
class ParsedLocal:
    """A file's values in one tidy table, with what was found about each measure."""

    values: pd.DataFrame  # place, year, measure, subgroup, value, moe, suppressed, row
    report: LocalReport
    percent_measures: list[str] = field(default_factory=list)  # written 0-100, now 0-1
    to_confirm: list[str] = field(default_factory=list)  # 0-100 values: percentages or not?

    @property
    def measures(self) -> list[str]:
        return list(dict.fromkeys(self.values["measure"])) if len(self.values) else []


VALUE_COLUMNS = ["place", "year", "measure", "subgroup", "value", "moe", "suppressed"]


def _tidy(frame: pd.DataFrame, mapping: ColumnMapping) -> pd.DataFrame:
    """Long text table: row, place, year, measure, subgroup, value, moe (cells as text)."""
    # Row numbers as the file shows them (read_table's index), else counted from 2.
    numbered = pd.api.types.is_integer_dtype(frame.index) and (
        len(frame) == 0 or frame.index.min() >= 2
    )
    rows = pd.Series(frame.index if numbered else range(2, len(frame) + 2), index=frame.index)

    def col(name: str | None) -> pd.Series:
        return frame[name] if name else pd.Series("", index=frame.index)

    if mapping.layout == "long":
        return pd.DataFrame(
            {
                "row": rows,
                "place": col(mapping.place),
                "year": col(mapping.year),
                "measure": col(mapping.measure).astype(str).str.strip(),
                "subgroup": col(mapping.subgroup).astype(str).str.strip(),
                "value": col(mapping.value),
                "moe": col(mapping.moe),
                "value_column": mapping.value or "",
                "moe_column": mapping.moe or "",
            }
        )
    moes = dict(mapping.moes)
    parts = []
    for measure in mapping.measures:
        parts.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "place": col(mapping.place),
                    "year": col(mapping.year),
                    "measure": measure.strip(),
                    "subgroup": col(mapping.subgroup).astype(str).str.strip(),
                    "value": frame[measure],
                    "moe": col(moes.get(measure)),
                    "value_column": measure,
                    "moe_column": moes.get(measure, ""),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def parse_values(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    geography: str,
    report: LocalReport | None = None,
    percent: Mapping[str, bool] | None = None,
) -> ParsedLocal:
    """Check every row and return the tidy values; any problem leaves ``values`` empty.

    ``percent`` answers, per measure, the question a file of 0-100 values raises: True to
    read them as percentages (stored as shares 0-1), False to keep them as numbers. A
    measure that looks like percentages and has no answer is a problem to confirm.
    """
    report = report or LocalReport()
    percent = dict(percent or {})
    if geography not in GEOGRAPHIES:
        raise LocalDataError(
            f"geography '{geography}' is not one of {', '.join(GEOGRAPHIES)}: choose one"
        )
    check_mapping(mapping, frame.columns)
    report.rows = len(frame)
    tidy = _tidy(frame, mapping)

    # Places: each distinct key is checked once (a tract file repeats every key).
    codes, uniques = pd.factorize(tidy["place"].astype(str))
    normal, found_unique = normalise_keys(pd.Series(uniques, dtype=object), geography)
    tidy["place"] = normal.to_numpy(dtype=object)[codes]
    found = {
        kind: list(tidy.index[np.isin(codes, positions)]) if positions else []
        for kind, positions in found_unique.items()
    }
    column = mapping.place or ""
    word = KEY_WORDS.get(geography, "names")
    rows = tidy["row"]
    if found["empty"]:
        report.refuse(
            0,
            column,
            f"no place in {_rows_text(rows[found['empty']])}: fill it in or delete those rows",
        )
    if found["bad"]:
        sample = tidy.loc[found["bad"][0], "place"]
        report.refuse(
            0,
            column,
            f"'{sample}' and others in {_rows_text(rows[found['bad']])} "
            f"are not codes: this column should hold {word}",
        )
    if found["wrong"]:
        first = tidy.loc[found["wrong"][0], "place"]
        kind = LENGTH_KINDS.get(len(first), f"a code of {len(first)} digits")
        report.refuse(
            0,
            column,
            f"'{first}' looks like {kind}, but this data set's places are {word} "
            f"({_rows_text(rows[found['wrong']])}). Check the geography chosen, or use a "
            "file at that level",
        )
    if found["restored"]:
        report.note(
            0,
            column,
            f"Leading zeros restored in {len(found_unique['restored'])} "
            f"key(s) ({len(found['restored'])} rows), "
            f"e.g. '{tidy.loc[found['restored'][0], 'place']}': spreadsheets drop them "
            "when codes are stored as numbers",
        )

    # Years.
    if mapping.year:
        codes, uniques = pd.factorize(tidy["year"].astype(str))
        cleaned = pd.Series(uniques, dtype=object).str.strip().str.replace(r"\.0+$", "", regex=True)
        years = pd.Series(cleaned.to_numpy(dtype=object)[codes], index=tidy.index)
        good = pd.Series(
            cleaned.str.fullmatch(r"(19|20)\d\d").to_numpy(dtype=bool)[codes], index=tidy.index
        )
        if not good.all():
            bad = tidy.loc[~good]
            text = bad["year"].iloc[0]
            share = (~good).mean()
            what = "holds text, not years" if share > 0.5 else "has cells that are not years"
            report.refuse(
                0,
                mapping.year,
                f"the year column {what} ('{text}' in "
                f"{_rows_text(bad['row'])}): use four-digit years such as 2021, "
                "or choose another column",
            )
        tidy["year"] = pd.to_numeric(years.where(good), errors="coerce").astype("Int64")
    else:
        tidy["year"] = pd.array([pd.NA] * len(tidy), dtype="Int64")

    # Measures, values, margins of error.
    empty_measure = tidy["measure"] == ""
    if empty_measure.any():
        report.refuse(
            0,
            mapping.measure or "",
            f"no measure named in {_rows_text(tidy.loc[empty_measure, 'row'])}",
        )
    tidy["number"], tidy["suppressed"], not_numbers = parse_numbers(tidy["value"])
    for value_column, group in tidy[not_numbers].groupby("value_column", sort=False):
        report.refuse(
            0,
            value_column,
            f"'{group['value'].iloc[0]}' and others in "
            f"{_rows_text(group['row'])} are not numbers or suppression markers "
            "(*, <10, N/A, -, blank)",
        )
    tidy["moe_number"], _, moe_bad = parse_numbers(tidy["moe"])
    for moe_column, group in tidy[moe_bad].groupby("moe_column", sort=False):
        report.refuse(
            0,
            moe_column,
            f"'{group['moe'].iloc[0]}' in {_rows_text(group['row'])} "
            "is not a margin of error (a number, or blank)",
        )
    negative = tidy["moe_number"] < 0
    if negative.any():
        report.refuse(
            0, "", f"negative margins of error in {_rows_text(tidy.loc[negative, 'row'])}"
        )

    # Percentages written 0-100, and measures that mix 0-1 with 0-100.
    percent_measures, to_confirm = [], []
    for measure, group in tidy[tidy["number"].notna()].groupby("measure", sort=False):
        numbers = group["number"]
        if numbers.min() < 0 or numbers.max() > 100 or percent.get(measure) is False:
            continue
        fractional = (numbers > 0) & (numbers < 1)
        large = numbers > 1
        # Two clusters with a wide gap between them (0.45 beside 45), not one spread of
        # values across 1 (rates from 0.3 to 12), is a measure written two ways.
        apart = large.any() and fractional.any()
        apart = apart and numbers[large].min() >= MIXED_GAP * numbers[fractional].max()
        if apart:
            minority = group.loc[fractional if fractional.sum() <= large.sum() else large, "row"]
            report.refuse(
                0,
                measure,
                f"measure '{measure}' mixes shares written 0-1 with "
                f"percentages written 0-100 (see {_rows_text(minority)}): write "
                "them all one way (or, if they are plain numbers, say so)",
            )
        elif large.any():
            if percent.get(measure) is None:
                to_confirm.append(measure)
                report.refuse(
                    0,
                    measure,
                    f"measure '{measure}' runs from {numbers.min():g} to "
                    f"{numbers.max():g}: are these percentages (0-100)? Confirm it, "
                    "or say they are plain numbers",
                )
            else:
                percent_measures.append(measure)
    scale = tidy["measure"].isin(percent_measures)
    tidy.loc[scale, "number"] = tidy.loc[scale, "number"] / 100
    tidy.loc[scale, "moe_number"] = tidy.loc[scale, "moe_number"] / 100
    # 5.7 / 100 is 0.057000000000000002 in binary: keep the digits the file had.
    tidy.loc[scale, ["number", "moe_number"]] = tidy.loc[scale, ["number", "moe_number"]].round(12)

    large_moe = tidy["moe_number"].notna() & (tidy["moe_number"] > tidy["number"].abs())
    if large_moe.any():
        report.note(
            0,
            "",
            f"The margin of error is larger than the value in "
            f"{_rows_text(tidy.loc[large_moe, 'row'])}: those values are too uncertain "
            "to compare, and are flagged in the charts",
        )

    # One value per place, year, measure and subgroup.
    keys_ = ["place", "year", "measure", "subgroup"]
    dupes = tidy[tidy.duplicated(keys_, keep=False)]
    if len(dupes):
        for _, group in list(dupes.groupby(keys_, sort=False, dropna=False))[:REPORT_LIMIT]:
            first = group.iloc[0]
            what = (
                f"place {first['place']}, "
                + (f"year {first['year']}, " if pd.notna(first["year"]) else "")
                + f"measure '{first['measure']}'"
                + (f", subgroup '{first['subgroup']}'" if first["subgroup"] else "")
            )
            report.refuse(
                0,
                "",
                f"{what} appears more than once ({_rows_text(group['row'])}): keep one row for it",
            )

    if report.problems:
        empty = pd.DataFrame(columns=[*VALUE_COLUMNS, "row"])
        return ParsedLocal(empty, report, to_confirm=to_confirm)
    values = pd.DataFrame(
        {
            "place": tidy["place"].astype(str),
            "year": tidy["year"],
            "measure": tidy["measure"].astype(str),
            "subgroup": tidy["subgroup"].astype(str),
            "value": tidy["number"].astype("float64"),
            "moe": tidy["moe_number"].astype("float64"),
            "suppressed": tidy["suppressed"].astype(bool),
            "row": tidy["row"].astype(int),
        }
    )
    report.values = len(values)
    report.suppressed = int(values["suppressed"].sum())
    if report.suppressed:
        report.note(
            0,
            "",
            f"{report.suppressed} cell(s) were suppressed in the file (*, <10, "
            "N/A, - or blank): kept as suppressed, never as zero",
        )
    return ParsedLocal(values.reset_index(drop=True), report, percent_measures)


def read_local(
    source: Any,
    mapping: ColumnMapping | None,
    geography: str,
    percent: Mapping[str, bool] | None = None,
    max_bytes: int = MAX_LOCAL_BYTES,
    max_rows: int = MAX_LOCAL_ROWS,
) -> ParsedLocal:
    """Read, map and check a file in one go (``mapping`` None: guessed from the header)."""
    frame, report = read_table(source, max_bytes, max_rows)
    if report.problems:
        return ParsedLocal(pd.DataFrame(columns=[*VALUE_COLUMNS, "row"]), report)
    mapping = mapping or guess_mapping(frame.columns)
    return parse_values(frame, mapping, geography, report, percent)
