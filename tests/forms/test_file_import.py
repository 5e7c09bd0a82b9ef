"""CSV and Excel import: every row checked, problems reported by row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from tests.forms.specs import GOOD_CSV, SCRIPT, make_table


def test_a_good_csv_is_imported_from_a_path_bytes_or_an_upload(store, tmp_path):
    path = tmp_path / "stakeholders.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    table = make_table(store)
    report = table.import_csv(path)
    assert report.ok and (report.rows, report.added) == (2, 2), report.problems
    assert [str(w) for w in report.warnings] == [
        "row 1, column 'home_address': No such column: left empty in every row."
    ]
    first, second = table.records()
    assert first["person"] == {
        "name": "Ana Ruiz",
        "organisation": "Food Bank",
        "email": "ana@fb.org",
        "phone": "",
    }
    assert (first["domains"], first["influence"], first["champion"]) == (
        ["Housing", "Health"],
        3,
        True,
    )
    assert first["notes"] == 'Knows everyone, "really"' and first["staff"] == 12
    assert second["actor"] == "Local government" and second["champion"] is False
    assert len(store.history()) == 1  # one import, one version

    assert table.import_csv(GOOD_CSV.encode("utf-8")).added == 2
    upload = (
        {
            "name": "s.csv",
            "type": "text/csv",
            "size": len(GOOD_CSV),
            "content": memoryview(GOOD_CSV.encode()),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )
    table.upload.value = upload
    table.import_button.click()
    assert "2 rows read, 2 added." in table.import_report.value
    assert len(table.records()) == 6


BAD_CSV = (
    "Stakeholder,Actor type,asked_on,answer_by,influence,staff,notes\n"
    "Good Row,Local government,2025-01-01,2025-02-01,1,3,fine\n"
    "Bad Dates,Local government,2025-03-01,2025-02-01,1,3,\n"
    ",Local government,01/02/2025,,9,-1,\n"
    "Too,Many,Values,,,,,,\n"
    "Also Good,Anchor institution,,,,,\n"
)


def test_row_errors_are_reported_and_nothing_is_imported_by_default(store):
    table = make_table(store)
    report = table.import_csv(BAD_CSV.encode())
    problems = [(p.row, p.column, p.problem) for p in report.problems]
    assert problems == [
        (
            3,
            "answer_by",
            "Answer by (2025-02-01) is before Asked on (2025-03-01); it should be on or after it.",
        ),
        (4, "Stakeholder", "Please give a name or an organisation."),
        (4, "asked_on", "Write the date as YYYY-MM-DD, e.g. 2025-03-31."),
        (4, "influence", "'9' is not a level: use 1 (Low), 2 (Medium), 3 (High)."),
        (4, "staff", "Must be at least 0."),
        (
            5,
            "",
            "This row has 9 values but the header has 7 columns: look for a stray "
            "separator or a missing quote.",
        ),
    ]
    assert report.added == 0 and not store.get("step4.stakeholders").exists
    assert "Nothing was imported: 3 row(s) have problems" in report.summary()
    html = report.html()
    assert "<td" in html and "answer_by" in html

    chosen = table.import_csv(BAD_CSV.encode(), import_valid_only=True)
    assert chosen.added == 2 and "3 row(s) with problems were left out" in chosen.summary()
    assert [r["person"]["name"] for r in table.records()] == ["Good Row", "Also Good"]


def test_hostile_cells_are_kept_as_text_escaped_and_neutralised_on_export(store, tmp_path):
    hostile = (
        "Stakeholder,Actor type,notes,home_address\n"
        f'"{SCRIPT}",Local government,=HYPERLINK("http://evil"),@SUM(A1)\n'
        "Plus,Local government,\"+cmd|' /C calc'!A0\",-2+3\n"
        "Phone,Local government,+1 555 0100,-5\n"
    )
    table = make_table(store)
    report = table.import_csv(hostile.encode())
    assert report.added == 3
    noted = {(w.row, w.column) for w in report.warnings if "formula" in w.problem}
    assert noted == {(2, "notes"), (2, "home_address"), (3, "notes"), (3, "home_address")}
    first = table.records()[0]
    assert first["person"]["name"] == SCRIPT and first["notes"] == '=HYPERLINK("http://evil")'
    page = table.static_html()
    assert "<script" not in page and "&lt;script&gt;" in page

    exported = table.export_csv(tmp_path / "out.csv", public=False)
    rows = list(csv.reader(io.StringIO(exported)))
    notes = [r[rows[0].index("notes")] for r in rows[1:]]
    assert notes == ['\'=HYPERLINK("http://evil")', "'+cmd|' /C calc'!A0", "'+1 555 0100"]
    assert [r[rows[0].index("home_address")] for r in rows[1:]] == ["'@SUM(A1)", "'-2+3", "-5"]
    for row in rows:
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)
    # The file opens in Excel as UTF-8, and importing our own export gives the text back.
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    again = make_table(store)
    again.import_csv(tmp_path / "out.csv")
    assert [r["notes"] for r in again.records()[3:]] == [r["notes"] for r in again.records()[:3]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04" + bytes(100), "not an Excel workbook that can be read"),
        (b"Stakeholder,Actor type\n\x00\x01\x02", "not a text file"),
        (b"", "The file is empty."),
        (b"Stakeholder,notes\nAna,hello\n", "Missing column for 'Actor type', which is required."),
        (b"Stakeholder,Stakeholder,Actor type\n", "This column appears twice"),
        (
            b'Stakeholder,Actor type,notes\nAna,Local government,"' + b"x" * 140_000 + b'"\n',
            "This row cannot be read (field larger than field limit",
        ),
    ],
    ids=["broken zip", "binary", "empty", "missing column", "twice", "giant cell"],
)
def test_unusable_files_are_refused_with_a_clear_reason(store, data, expected):
    table = make_table(store)
    report = table.import_csv(data)
    assert expected in " ".join(p.problem for p in report.problems), report.problems
    assert report.added == 0 and not store.get("step4.stakeholders").exists


def test_encodings_and_separators_excel_uses_are_read(store):
    table = make_table(store)
    windows = "Stakeholder;Actor type;notes\nJosé Muñoz;Local government;café\n".encode("cp1252")
    report = table.import_csv(windows)
    assert report.added == 1 and report.encoding == "cp1252"
    assert "read as Windows-1252" in report.warnings[0].problem
    assert table.records()[0]["person"]["name"] == "José Muñoz"
    utf16 = "Stakeholder\tActor type\nZoë\tLocal government\n".encode("utf-16")
    assert table.import_csv(utf16).added == 1
    bom = "\ufeffStakeholder,Actor type,id\nÅsa,Local government,abc\n".encode()
    report = table.import_csv(bom)
    assert report.added == 1 and "imported rows get new ids" in report.warnings[0].problem
    assert [r["person"]["name"] for r in table.records()] == ["José Muñoz", "Zoë", "Åsa"]
    assert table.records()[2]["id"] != "abc"


def test_huge_files_are_refused_before_they_are_read(store, tmp_path):
    table = make_table(store, max_import_bytes=1_000, max_import_rows=3)
    big = tmp_path / "big.csv"
    big.write_text("Stakeholder,Actor type\n" + "Ana,Local government\n" * 100)
    for source in (big, big.read_bytes()):
        (problem,) = table.import_csv(source).problems
        assert problem.problem.startswith("The file is 2.1 KB; the limit is 1.0 KB. Split it")
    many = "Stakeholder,Actor type\n" + "Ana,Local government\n" * 5
    report = table.import_csv(many.encode())
    assert "more than 3 rows" in report.problems[-1].problem and report.added == 0
    missing = table.import_csv(tmp_path / "nope.csv")
    assert "cannot be read" in missing.problems[0].problem
    assert not store.get("step4.stakeholders").exists


def excel_bytes(rows: list[list[object]], extra_sheet: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Stakeholders"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes").append(["ignored"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_workbooks_import_like_csv_with_row_errors(store):
    rows = [
        ["Stakeholder", "Actor type", "notes"],
        ["Ana", "Local government", "=1+1"],
        ["", "Local government", "no name"],  # row 3: the required stakeholder is missing
        ["Ben", "Local government", None],
    ]
    table = make_table(store)
    report = table.import_csv(excel_bytes(rows, extra_sheet=True))
    assert report.added == 0 and report.encoding == "xlsx"
    assert {p.row for p in report.problems} == {3}
    assert any("first sheet" in w.problem for w in report.warnings)
    assert not store.get("step4.stakeholders").exists  # nothing imported from a bad file
    report = table.import_csv(excel_bytes(rows), import_valid_only=True)
    assert report.added == 2
    assert [r["person"]["name"] for r in table.records()] == ["Ana", "Ben"]
