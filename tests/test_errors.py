"""Error messages a terminal can show safely, and that never say Python's None."""

from __future__ import annotations

import subprocess

from tests.conftest import ROOT
from workbook.errors import DataFileError, ParameterError, WorkbookError, printable

HOSTILE = "report\x1b]2;pwned\x07\x1b[2J\rImport finished OK\u202e"


def test_control_characters_in_a_message_are_shown_escaped():
    for error in (
        WorkbookError(f"bad value {HOSTILE}"),
        DataFileError(HOSTILE + ".csv", f"cell '{HOSTILE}' is not a number", "fix it"),
        ParameterError("jurisdiction", HOSTILE, "is unknown"),
    ):
        text = str(error)
        assert not any(ord(c) < 32 and c != "\n" for c in text), repr(text)
        assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
        assert "\\x1b" in text
    assert printable("line one\nline two") == "line one\nline two"
    assert printable("Los Ángeles — 5%") == "Los Ángeles — 5%"


def test_a_missing_parameter_is_named_without_python_words():
    message = str(ParameterError("jurisdiction", None, "needs a place", "Give a FIPS key"))
    assert "None" not in message and "was not given" in message
    assert "'jurisdiction'" in message and "Give a FIPS key" in message


def test_real_data_without_a_jurisdiction_says_what_to_do(real):
    import pytest

    from workbook.data.dataset import find_jurisdiction

    with pytest.raises(ParameterError) as error:
        find_jurisdiction(real, None)
    message = str(error.value)
    assert "None" not in message and "--data-dir data/sample" in message
    assert "06037" in message


def test_make_run_uses_the_sample_unless_told_otherwise():
    """`make run` works in the order a user meets it: also after `workbook data import`."""
    plain = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True)
    assert "workbook run --data-dir data/sample" in plain.stdout
    chosen = subprocess.run(
        ["make", "-n", "run", "ARGS=-j 06037"], cwd=ROOT, capture_output=True, text=True
    )
    assert "workbook run -j 06037" in chosen.stdout and "data/sample" not in chosen.stdout
