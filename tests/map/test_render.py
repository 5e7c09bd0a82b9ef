"""render(): one call writes the formats asked for, named map.html, map.docx, map.pdf."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.display.document import Document
from workbook.errors import ParameterError
from workbook.map.render import render


def test_writes_every_format_by_default(document: Document, tmp_path: Path):
    written = render(document, tmp_path / "out")
    assert written == {
        "html": tmp_path / "out" / "map.html",
        "docx": tmp_path / "out" / "map.docx",
        "pdf": tmp_path / "out" / "map.pdf",
    }
    assert written["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert written["docx"].read_bytes()[:2] == b"PK"
    assert written["pdf"].read_bytes()[:5] == b"%PDF-"


def test_writes_only_the_formats_asked_for(document: Document, tmp_path: Path):
    written = render(document, tmp_path, formats=("html",), stem="brief")
    assert written == {"html": tmp_path / "brief.html"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html"]


def test_refuses_an_unknown_format_or_a_path_as_stem(document: Document, tmp_path: Path):
    with pytest.raises(ParameterError, match="formats.*'odt'.*html, docx, pdf"):
        render(document, tmp_path, formats=("html", "odt"))
    with pytest.raises(ParameterError, match="stem.*plain file name"):
        render(document, tmp_path, stem="../elsewhere")
    assert list(tmp_path.iterdir()) == []
