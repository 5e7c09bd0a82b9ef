"""Records from a CSV or Excel file, every row checked, and a report by row and column.

People keep stakeholder lists in spreadsheets; this reads them the way Excel writes
them (UTF-8 with or without a byte-order mark, Windows-1252, ';' separators, .xlsx)
and says what is wrong in each row, so a facilitator can fix the file and try again.
Nothing here saves: :class:`workbook.forms.table.RecordTable` decides what to add.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.display import views
from workbook.display.theme import ERROR, SUCCESS
from workbook.errors import printable
from workbook.forms.cells import FORMULA_STARTS, looks_like_formula
from workbook.forms.errors import FormSpecError
from workbook.forms.fields import Field, Number, norm_header
from workbook.forms.messages import coloured
from workbook.forms.rules import Rule

DEFAULT_MAX_IMPORT_BYTES = 5_000_000
DEFAULT_MAX_IMPORT_ROWS = 5_000


def _size(n: int) -> str:
    """'4.2 MB', '812.0 KB' or '90 bytes', for messages about file size."""
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.1f} KB" if n >= 1_000 else f"{n} bytes"


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong (or worth knowing) about an imported file."""

    row: int  # as a spreadsheet numbers it: the header is row 1; 0 means the whole file
    column: str
    problem: str

    def __post_init__(self) -> None:
        # Column names and problems quote the file: control characters in it must not
        # reach a terminal or a log as escape sequences.
        object.__setattr__(self, "column", printable(self.column))
        object.__setattr__(self, "problem", printable(self.problem))

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return (
            f"{where}, column '{self.column}': {self.problem}"
            if self.column
            else (f"{where}: {self.problem}")
        )


@dataclass
class RecordImportReport:
    """What a CSV import of records found and did (not to be confused with
    :class:`workbook.data.importer.ImportReport`, which describes an imported data folder)."""

    source: str = ""
    encoding: str = ""
    rows: int = 0
    valid: int = 0
    added: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        refusal = next((p for p in self.problems if p.row == 0), None)
        if refusal is None and self.rows == 0 and self.problems:
            refusal = self.problems[0]
        if refusal is not None:
            # A problem with the whole file: nothing of it was imported.
            return f"Nothing imported from {self.source or 'the file'}: {refusal.problem}"
        bad_rows = len({p.row for p in self.problems if p.row > 0})
        text = f"{self.rows} row{'s' if self.rows != 1 else ''} read, {self.added} added."
        if self.problems and self.added == 0:
            text += (
                f" Nothing was imported: {bad_rows} row(s) have problems. Fix them in the "
                "file and import it again, or choose to import only the rows without problems."
            )
        elif self.problems:
            text += f" {bad_rows} row(s) with problems were left out."
        return text

    def html(self, limit: int = 50) -> str:
        colour = SUCCESS if self.ok else ERROR
        parts = [f"<div>{coloured(self.summary(), colour)}</div>"]
        for title, items in (("Problems", self.problems), ("Notes", self.warnings)):
            if items:
                rows = [
                    ("file" if p.row == 0 else p.row, p.column, p.problem) for p in items[:limit]
                ]
                more = f"and {len(items) - limit} more" if len(items) > limit else ""
                parts.append(views.table(rows, ["Row", "Column", title], caption=more))
        return "".join(parts)


def _source_bytes(source: Any, max_bytes: int, report: RecordImportReport) -> bytes | None:
    """The file's bytes from a path, bytes, or a FileUpload value; None after a problem."""

    def too_big(size: int) -> ImportProblem:
        return ImportProblem(
            0,
            "",
            f"The file is {_size(size)}; the limit is {_size(max_bytes)}. Split it into "
            "smaller files, or raise max_import_bytes.",
        )

    if isinstance(source, Mapping) or (
        isinstance(source, list | tuple) and source and isinstance(source[0], Mapping)
    ):
        item = source if isinstance(source, Mapping) else source[0]
        report.source = printable(item.get("name", "uploaded file"))
        source = item.get("content", b"")
    elif isinstance(source, list | tuple):
        report.problems.append(ImportProblem(0, "", "No file was chosen."))
        return None
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        report.source = report.source or "uploaded file"
        if len(data) > max_bytes:
            report.problems.append(too_big(len(data)))
            return None
        return data
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        report.source = printable(path.name)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                report.problems.append(too_big(size))
                return None
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
            if len(data) > max_bytes:  # it grew since the size was checked
                report.problems.append(too_big(len(data)))
                return None
            return data
        except OSError as exc:
            report.problems.append(
                ImportProblem(0, "", f"The file {path} cannot be read ({exc.strerror}).")
            )
            return None
    raise FormSpecError(
        f"cannot import from a {type(source).__name__}: give a file path, bytes, or a "
        "FileUpload widget's value"
    )


def _excel_cell(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def too_many_rows(max_rows: int) -> ImportProblem:
    """The refusal of a file over the row limit: the whole file, never a part of it."""
    return ImportProblem(
        0,
        "",
        f"The file has more than {max_rows} rows, the limit, so nothing was imported. "
        f"Split it into files of at most {max_rows} rows (each with the header row) and "
        "import them one after another, or raise max_import_rows.",
    )


# A sheet's XML is many times the size of its text; past this many times the size
# limit, the workbook unpacks to more than any sheet within the limits would.
UNPACKED_FACTOR = 20


def _not_a_workbook(report: RecordImportReport) -> None:
    report.problems.append(ImportProblem(
        0, "", "This is a zip file but not an Excel workbook that can be read. Save it "
        "from Excel as .xlsx or as 'CSV UTF-8 (comma delimited)' and import that file.",
    ))  # fmt: skip


def _excel_to_text(
    data: bytes, report: RecordImportReport, max_rows: int, max_bytes: int
) -> str | None:
    """The first sheet of an Excel workbook as CSV text, read with computed values.

    The sheet is read as a stream, row by row, stopping at the limits: a small file can
    declare millions of rows, and openpyxl's own read-only loader scans a whole sheet
    to size it before the first row is handed out.
    """
    import zipfile

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
        if unpacked > UNPACKED_FACTOR * max_bytes:
            report.problems.append(ImportProblem(
                0, "", f"The workbook unpacks to {_size(unpacked)}, more than a sheet within "
                f"the limit of {_size(max_bytes)} would. Split it into smaller files, or save "
                "it as 'CSV UTF-8' and import that.",
            ))  # fmt: skip
            return None
        # data_only: the values Excel last computed, never the formulas themselves.
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet, rel)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except Exception:  # noqa: BLE001 - any failure means "not a workbook we can read"
        _not_a_workbook(report)
        return None
    if not sheets:
        _not_a_workbook(report)
        return None
    sheet, rel = sheets[0]
    book = reader.wb
    try:
        with reader.archive.open(rel.target) as source:
            parser = WorkSheetParser(
                source,
                reader.shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            rows = (_row_values(cells) for _, cells in parser.parse())
            text = _sheet_text(rows, report, max_rows, max_bytes)
    except Exception:  # noqa: BLE001 - broken XML part-way through the sheet
        _not_a_workbook(report)
        return None
    finally:
        reader.archive.close()
    if len(sheets) > 1:
        report.warnings.append(
            ImportProblem(
                0, "", f"Read the first sheet, '{sheet.name}'; the other sheets were left out."
            )
        )
    report.encoding = "xlsx"
    return text


def _row_values(cells: list[dict]) -> list[Any]:
    """One parsed sheet row as a list of values, by column (empty cells as None)."""
    values: list[Any] = [None] * max((c["column"] for c in cells), default=0)
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return values


def _sheet_text(
    rows: Iterator[list[Any]], report: RecordImportReport, max_rows: int, max_bytes: int
) -> str | None:
    """Sheet rows as CSV text: the header and at most ``max_rows + 1`` records.

    One record past the limit is kept so the row check refuses the file; blank rows are
    skipped but counted, so a sheet of millions of empty rows is refused too.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    width = 0
    records = blank = 0
    for row in rows:
        cells = [_excel_cell(v) for v in row]
        used = max((i + 1 for i, c in enumerate(cells) if c != ""), default=0)
        if used == 0:
            blank += 1  # blank rows are not records
            if blank > max_rows:
                report.problems.append(too_many_rows(max_rows))
                return None
            continue
        width = width or used  # the header row sets the width
        # Empty cells at the end stay, so a row lines up with the header as in a CSV.
        writer.writerow(cells[: max(width, used)] + [""] * (width - len(cells)))
        if out.tell() > max_bytes:
            report.problems.append(
                ImportProblem(
                    0,
                    "",
                    f"The sheet holds more than {_size(max_bytes)} of text, the limit. Split "
                    "it into smaller files, or raise max_import_bytes.",
                )
            )
            return None
        records += 1
        if records > max_rows + 1:  # the header and one record past the limit
            break
    return out.getvalue()


def _decode(
    data: bytes,
    encoding: str | None,
    report: RecordImportReport,
    max_rows: int = DEFAULT_MAX_IMPORT_ROWS,
    max_bytes: int = DEFAULT_MAX_IMPORT_BYTES,
) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return _excel_to_text(data, report, max_rows, max_bytes)
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            report.problems.append(ImportProblem(0, "", f"Cannot read it as {encoding}: {exc}."))
            return None
        report.encoding = encoding
        return text.lstrip("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.encoding = "utf-16"
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        report.problems.append(
            ImportProblem(0, "", "This is not a text file (it holds binary data). Save it as CSV.")
        )
        return None
    try:
        report.encoding = "utf-8"
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        report.problems.append(
            ImportProblem(
                line,
                "",
                "The file is not UTF-8 text and could not be read another way. Save it as "
                "'CSV UTF-8' and import it again.",
            )
        )
        return None
    report.encoding = "cp1252"
    report.warnings.append(
        ImportProblem(
            line,
            "",
            "The file is not UTF-8 (first odd character on this line), so it was read as "
            "Windows-1252, the encoding Excel uses on Windows. Check accented letters; "
            "saving as 'CSV UTF-8' avoids the guess.",
        )
    )
    return text


def parse_csv(
    fields: Sequence[Field],
    rules: Sequence[Rule],
    source: Any,
    *,
    max_bytes: int = DEFAULT_MAX_IMPORT_BYTES,
    max_rows: int = DEFAULT_MAX_IMPORT_ROWS,
    encoding: str | None = None,
) -> tuple[list[dict[str, Any]], RecordImportReport]:
    """Read records from a CSV file and check every row; returns (valid rows, report)."""
    report = RecordImportReport()
    data = _source_bytes(source, max_bytes, report)
    text = None if data is None else _decode(data, encoding, report, max_rows, max_bytes)
    if text is None:
        return [], report
    if not text.strip():
        report.problems.append(ImportProblem(0, "", "The file is empty."))
        return [], report
    first_line = text.split("\n", 1)[0]
    # Excel writes ';' between values where the decimal mark is a comma.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        report.problems.append(ImportProblem(1, "", f"The header row cannot be read ({exc})."))
        return [], report

    aliases: dict[str, str] = {}
    owner: dict[str, Field] = {}
    for f in fields:
        for alias, column in f.column_aliases().items():
            aliases.setdefault(alias, column)
            owner[column] = f
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip()
        column = aliases.get(norm_header(name))
        if column is None:
            why = (
                "ignored: imported rows get new ids"
                if norm_header(name) == "id"
                else "is not part of this table, so it was ignored"
            )
            if name:
                report.warnings.append(ImportProblem(1, name, f"This column {why}."))
            continue
        if column in positions:
            report.problems.append(
                ImportProblem(1, name, "This column appears twice; keep one of them.")
            )
        positions[column] = index
    for f in fields:
        present = [c for c in f.columns() if c in positions]
        if present:
            continue
        if f.required:
            report.problems.append(
                ImportProblem(
                    1, f.columns()[0], f"Missing column for '{f.title}', which is required."
                )
            )
        else:
            report.warnings.append(
                ImportProblem(1, f.columns()[0], "No such column: left empty in every row.")
            )
    if report.problems:
        return [], report

    def heading(f: Field) -> str:
        # Name a field's column as the file spells it, so people find it in the sheet.
        for column in f.columns():
            if column in positions:
                return header[positions[column]].strip()
        return f.columns()[0]

    valid: list[dict[str, Any]] = []
    row_number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.problems.append(
                ImportProblem(
                    row_number + 1,
                    "",
                    f"This row cannot be read ({exc}); nothing after it was read either.",
                )
            )
            break
        row_number += 1
        if not any(cell.strip() for cell in row):
            continue  # blank lines, common at the end of exported files
        report.rows += 1
        if report.rows > max_rows:
            # The whole file or nothing: importing the first rows would hide the rest.
            report.problems.append(too_many_rows(max_rows))
            return [], report
        if len(row) != len(header):
            report.problems.append(
                ImportProblem(
                    row_number,
                    "",
                    f"This row has {len(row)} values but the header has {len(header)} "
                    "columns: look for a stray separator or a missing quote.",
                )
            )
            continue
        cells: dict[str, str] = {}
        for column, index in positions.items():
            cell = row[index]
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                cell = cell[1:]  # the apostrophe our own exports add
            if looks_like_formula(cell) and not isinstance(owner[column], Number):
                report.warnings.append(
                    ImportProblem(
                        row_number,
                        header[index].strip(),
                        f"Starts with '{cell[0]!s}': kept as plain text. CSV exports put an "
                        "apostrophe in front so spreadsheets do not run it as a formula.",
                    )
                )
            cells[column] = cell
        record: dict[str, Any] = {}
        row_problems = []
        for f in fields:
            try:
                value = f.from_cells(cells)
            except ValueError as exc:
                row_problems.append(ImportProblem(row_number, heading(f), str(exc)))
                continue
            message = f.validate(value)
            if message:
                row_problems.append(ImportProblem(row_number, heading(f), message))
            record[f.name] = value
        if not row_problems:
            by_name = {f.name: f for f in fields}
            for rule in rules:
                for name, message in rule.check(record, by_name).items():
                    row_problems.append(ImportProblem(row_number, heading(by_name[name]), message))
        if row_problems:
            report.problems.extend(row_problems)
        else:
            valid.append(record)
    report.valid = len(valid)
    return valid, report
