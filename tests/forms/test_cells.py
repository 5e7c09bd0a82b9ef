"""Spreadsheet cells that could run as formulas."""

from __future__ import annotations

from workbook.forms import neutralise_cell


def test_neutralise_cell():
    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("-12.5") == "-12.5" and neutralise_cell("+7") == "+7"
    assert neutralise_cell("\tx") == "'\tx" and neutralise_cell("plain") == "plain"
