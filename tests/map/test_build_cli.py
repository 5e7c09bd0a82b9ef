"""``workbook map``: its refusals (exit 2, a message, no traceback) and a build end to end."""

from __future__ import annotations

import sys
import types

import pytest

from tests.map.helpers import expected_gaps, without_steps
from workbook.cli import main
from workbook.data.catalog import load_framework
from workbook.map import versions
from workbook.plan.store import PlanStore
from workbook.steps import registry


def run(capsys, *args) -> tuple[int, str]:
    code = main(["map", *map(str, args)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def test_final_with_empty_parts_lists_them_and_records_nothing(example_plan, capsys):
    without_steps(example_plan, (7, 8))  # a coalition that has not reached Steps 7 and 8
    before = example_plan.read_bytes()
    code, err = run(capsys, "--plan-path", example_plan, "--final")
    assert code == 2
    count = len(expected_gaps(load_framework()["map_sections"], (7, 8), registry.numbers()))
    assert f"a final MAP cannot have empty parts, and {count} are still empty" in err
    assert "Theory of change and logic model: not written yet" in err
    assert "(filled by Step 7, Identify strategic actions)" in err
    assert example_plan.read_bytes() == before


def test_a_missing_plan_is_refused(tmp_path, capsys):
    code, err = run(capsys, "--plan-path", tmp_path / "nowhere.sqlite")
    assert code == 2 and "parameter 'plan-path'" in err and "no plan file there" in err
    assert not (tmp_path / "nowhere.sqlite").exists()
    code, err = run(capsys)
    assert code == 2 and "parameter 'plan-path' was not given" in err


@pytest.mark.parametrize("formats", ["html,odt", ",", "HTML,rtf"])
def test_an_unknown_format_is_refused(example_plan, capsys, formats):
    code, err = run(capsys, "--plan-path", example_plan, "--format", formats)
    assert code == 2 and "parameter 'format'" in err and "Use html, docx, pdf" in err


def test_an_output_dir_that_is_a_file_is_refused(example_plan, tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, err = run(capsys, "--plan-path", example_plan, "--output-dir", target)
    assert code == 2 and "parameter 'output-dir'" in err


def test_a_build_is_rendered_then_recorded(example_plan, tmp_path, capsys, monkeypatch):
    calls = []

    def render(doc, folder, formats):
        calls.append((doc.version, folder, list(formats)))
        written = {}
        for name in formats:
            written[name] = folder / f"map.{name}"
            written[name].parent.mkdir(parents=True, exist_ok=True)
            written[name].write_text(doc.title)
        return written

    monkeypatch.setitem(sys.modules, "workbook.map.render", types.SimpleNamespace(render=render))
    monkeypatch.setenv("WORKBOOK_AUTHOR", "Cli Builder")
    out = tmp_path / "docs"
    code = main(["map", "--plan-path", str(example_plan), "--output-dir", str(out),
                 "--format", "pdf,html"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert calls == [(1, out, ["pdf", "html"])]
    assert (out / "map.pdf").exists() and "version 1 (draft)" in capsys.readouterr().out
    with PlanStore.open(example_plan, read_only=True) as store:
        saved = versions.recorded(store)
    assert [(v.number, v.status, v.formats, v.who) for v in saved] == [
        (1, "draft", ("pdf", "html"), "Cli Builder")
    ]
    assert main(["map", "--plan-path", str(example_plan), "--format", "html"]) == 0
    assert calls[-1][1] == example_plan.parent  # default folder: the plan's
