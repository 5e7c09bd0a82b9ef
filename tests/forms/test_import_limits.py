"""Import limits: a spreadsheet is read only as far as the limits allow, and a file over
the row limit is refused as a whole, never imported in part."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from tests.forms.specs import make_table

LIMIT = 100


def many_rows_xlsx(rows: int) -> bytes:
    """A workbook of ``rows`` sound stakeholders, made fast in write-only mode."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Stakeholders")
    sheet.append(["Stakeholder", "Actor type"])
    for n in range(rows):
        sheet.append([f"Person {n}", "Local government"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def far_row_xlsx(rows: int, last_row: int) -> bytes:
    """``rows`` rows, the third numbered ``last_row``: a small file that declares millions."""
    data = many_rows_xlsx(rows)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = content.decode()
                text = re.sub(r'<row r="3"', f'<row r="{last_row}"', text)
                text = re.sub(r'r="([A-Z]+)3"', rf'r="\g<1>{last_row}"', text)
                text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:B{last_row}"', text)
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl handed out (whole-sheet rows, or parsed rows), all sheets."""
    count = [0]
    for kind, name in ((ReadOnlyWorksheet, "iter_rows"), (WorkSheetParser, "parse")):
        original = getattr(kind, name)

        def counting(self, *args, _original=original, **kwargs):
            for row in _original(self, *args, **kwargs):
                count[0] += 1
                yield row

        monkeypatch.setattr(kind, name, counting)
    return count


def test_a_long_sheet_is_read_only_up_to_the_row_limit(store, rows_read):
    table = make_table(store, max_import_rows=LIMIT)
    report = table.import_csv(many_rows_xlsx(20 * LIMIT))
    assert rows_read[0] <= LIMIT + 2  # the header, the limit, and one more to know
    assert f"more than {LIMIT} rows" in report.summary()
    assert report.added == 0 and not store.get("step4.stakeholders").exists


def test_a_sheet_declaring_millions_of_rows_is_refused_without_reading_them(store, rows_read):
    table = make_table(store, max_import_rows=LIMIT)
    report = table.import_csv(far_row_xlsx(20 * LIMIT, 3_000_000))
    assert rows_read[0] <= LIMIT + 2
    assert f"more than {LIMIT} rows" in report.summary()
    assert report.added == 0


def test_over_the_row_limit_nothing_is_imported_even_valid_rows_only(store):
    table = make_table(store, max_import_rows=LIMIT)
    sound = "Stakeholder,Actor type\n" + "".join(
        f"Person {n},Local government\n" for n in range(5 * LIMIT)
    )
    for source in (sound.encode(), many_rows_xlsx(5 * LIMIT)):
        report = table.import_csv(source, import_valid_only=True)
        summary = report.summary()
        assert report.added == 0 and not store.get("step4.stakeholders").exists
        assert summary.startswith("Nothing imported")
        assert f"more than {LIMIT} rows" in summary and "split" in summary.lower()
        assert "left out" not in summary


def test_up_to_the_limit_every_sound_row_is_imported(store):
    table = make_table(store, max_import_rows=LIMIT)
    report = table.import_csv(many_rows_xlsx(LIMIT), import_valid_only=True)
    assert report.ok and report.added == LIMIT
