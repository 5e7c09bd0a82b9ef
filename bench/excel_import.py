"""Excel import figures: how long a large or hostile .xlsx takes to be read or refused.

Run by hand (``python bench/excel_import.py``); prints figures, asserts nothing. The
workbooks are made here: one with many real rows, and a small one whose last row is
numbered in the millions (a reader that converts the whole sheet walks every empty row).
"""

from __future__ import annotations

import io
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from workbook.forms.fields import ShortText  # noqa: E402
from workbook.forms.file_import import parse_csv  # noqa: E402


def many_rows(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Stakeholders")
    sheet.append(["Stakeholder", "Organisation", "Notes"])
    for n in range(rows):
        sheet.append([f"Person {n}", f"Organisation {n % 97}", "x" * 20])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def far_last_row(rows: int, last_row: int) -> bytes:
    """``rows`` rows, the third numbered ``last_row``, and a dimension that says so."""
    source = zipfile.ZipFile(io.BytesIO(many_rows(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = content.decode()
                text = re.sub(r'<row r="3"', f'<row r="{last_row}"', text)
                text = re.sub(r'r="([A-Z]+)3"', rf'r="\g<1>{last_row}"', text)
                text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:C{last_row}"', text)
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def main() -> None:
    fields = [ShortText("stakeholder", "Stakeholder"), ShortText("organisation", "Organisation")]
    cases = {
        "5,000 rows (at the limit)": many_rows(5_000),
        "100,000 rows": many_rows(100_000),
        "100,000 rows, 3,000,000 declared": far_last_row(100_000, 3_000_000),
    }
    print(f"{'workbook':<34} {'size':>10} {'seconds':>8}  outcome")
    for name, data in cases.items():
        started = time.perf_counter()
        valid, report = parse_csv(fields, [], data)
        seconds = time.perf_counter() - started
        outcome = report.summary()[:70]
        print(f"{name:<34} {len(data) / 1e6:>8.2f}MB {seconds:>8.2f}  {outcome}")


if __name__ == "__main__":
    main()
