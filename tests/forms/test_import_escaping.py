"""A crafted file cannot drive the terminal or the page through the import report: every
line quoting the file (problems, notes, the summary, the file name) escapes control
characters."""

from __future__ import annotations

from tests.forms.specs import make_table

HOSTILE = "\x1b]2;pwned\x07\x1b[2J"


def test_import_reports_escape_control_characters_from_the_file(store):
    table = make_table(store)
    crafted = (
        f"Stakeholder,Actor type,influence,{HOSTILE}extra\n"
        f"Ana,{HOSTILE}Local government,{HOSTILE}9,x\n"
        f"{HOSTILE},Local government,,x\n"
    )
    for source in (crafted.encode(), {"name": f"{HOSTILE}.csv", "content": crafted.encode()}):
        report = table.import_csv(source)
        assert report.problems and report.warnings
        lines = [str(p) for p in report.problems + report.warnings]
        lines += [p.column for p in report.problems + report.warnings]
        lines += [report.summary(), report.html(), report.source]
        for line in lines:
            assert "\x1b" not in line and "\x07" not in line, line
        assert any("\\x1b" in line for line in lines)
