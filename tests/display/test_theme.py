"""Every colour lives in workbook/display/theme.py, named, and nowhere else in the package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import workbook
from workbook.display import theme

PACKAGE = Path(workbook.__file__).resolve().parent
ROOT = PACKAGE.parent
THEME = PACKAGE / "display" / "theme.py"
# #rgb, #rgba, #rrggbb or #rrggbbaa, not part of a word and not an HTML entity ("&#039;").
HEX_COLOUR = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})(?![\w-])")
# The form kit moves its own colours into theme.py in a rework of its own; remove this
# entry when that is merged (test_exceptions_are_still_needed says when).


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the constants that are docstrings: prose may quote an issue number (#312)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def hex_colours(path: Path, root: Path = ROOT) -> list[str]:
    """'file:line: literal' for each hex colour in a string literal of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _docstrings(tree)
    where = path.relative_to(root).as_posix()
    return [
        f"{where}:{node.lineno}: {colour}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        for colour in HEX_COLOUR.findall(node.value)
    ]


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != THEME)


def test_no_hex_colour_outside_the_theme():
    found = [hit for path in package_files() for hit in hex_colours(path)]
    assert not found, "name these colours in workbook/display/theme.py:\n" + "\n".join(found)


def test_the_scan_finds_colours_and_ignores_prose(tmp_path):
    sample = tmp_path / "sample.py"
    text = (
        '"""Docstring naming issue #312."""\n'
        "# a comment with #ffffff is not a literal\n"
        "A = 'color:#b00020'\n"
        'B = f"border:1px solid #d0d0d0;{A}"\n'
        "C = '&#039; #abc-def'\n"
    )
    sample.write_text(text, encoding="utf-8")
    assert hex_colours(sample, tmp_path) == ["sample.py:3: #b00020", "sample.py:4: #d0d0d0"]


def test_theme_names_the_colours_the_views_share():
    assert theme.ERROR == "#b00020"
    assert theme.HIGHLIGHT == theme.BLACK == theme.OKABE_ITO[-1]
    assert theme.PEER_COLOUR == theme.PILLAR_COLOURS["education"]
