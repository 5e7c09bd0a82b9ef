"""Every notebook: committed clean, same parameters, thin; executed with papermill."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.display.test_export import external_references
from workbook.display.pages import editing_only
from workbook.steps import registry
from workbook.steps.registry import NOTEBOOKS_DIR

PARAMETERS = ["jurisdiction", "data_dir", "plan_path", "output_dir"]
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_is_one_notebook_per_step_so_far():
    steps = registry.notebooks()
    assert {1, 2} <= set(steps) and len(steps) == len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"]
    assert "widgets" not in nb["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_comes_first_with_the_shared_names(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned = [t.targets[0].id for t in ast.parse(code[0].source).body]
    assert assigned[: len(PARAMETERS)] == PARAMETERS  # a step may add its own after these


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_chores_stay_in_the_editing_notebook(path):
    """The title and "Run All" hint sit in the first cell, tagged for editing only, so no
    dashboard or HTML copy shows them; no cell readers see talks about running code."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and editing_only(first), path.name
    for cell in nb.cells[1:]:
        if cell.cell_type == "markdown" and not editing_only(cell):
            for chore in ("Run All", "Run it from the top", "Nothing below needs editing"):
                assert chore not in cell.source, (path.name, cell.source[:80])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_thin(path):
    """Loops, conditions and definitions belong in the workbook package."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, ast.For | ast.While | ast.If | ast.FunctionDef | ast.ClassDef | ast.Try
            ), f"{path.name}: logic in a cell: {cell.source[:60]!r}"
        assert len(cell.source.splitlines()) <= 8


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_step1_on_the_sample_is_labelled_synthetic(tmp_path):
    result = run_cli("run", "--steps", "1", "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert str(tmp_path) in result.stdout
    executed = nbformat.read(tmp_path / "01_learn_the_approach.ipynb", as_version=4)
    header = executed.cells[3].outputs[0]["data"]["text/html"]  # after the injected parameters
    assert "Synthetic sample" in header
    page = (tmp_path / "01_learn_the_approach.html").read_text(encoding="utf-8")
    assert external_references(page) == []
    assert "Synthetic sample" in page


def test_step1_on_real_data_with_an_integer_key(tmp_path, real_dir):
    """papermill -p jurisdiction 06037 passes the integer 6037: it must still work."""
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "papermill",
        "--log-level",
        "WARNING",
        str(NOTEBOOKS_DIR / "01_learn_the_approach.ipynb"),
        str(tmp_path / "01.ipynb"),
        "-p",
        "jurisdiction",
        "06037",
        "-r",
        "data_dir",
        str(real_dir),
        "-r",
        "output_dir",
        str(out),
        "--cwd",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    executed = nbformat.read(tmp_path / "01.ipynb", as_version=4)
    text = json.dumps([c.get("outputs", []) for c in executed.cells])
    assert "Los Angeles County, California" in text
    assert "Synthetic sample" not in text
    assert "Urban Institute Mobility Metrics" in text
    assert "2014-2023" in text


def test_bad_parameters_stop_before_any_kernel(tmp_path):
    result = run_cli("run", "--jurisdiction", "Nowhere County", "--output-dir", str(tmp_path))
    assert result.returncode == 2
    assert "parameter 'jurisdiction'" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("run", "--steps", "12", "--output-dir", str(tmp_path))
    assert result.returncode == 2 and "the guide has 10 steps" in result.stderr
    assert "Steps that exist now: 1, 2" in result.stderr
    result = run_cli("run", "--steps", "0", "--output-dir", str(tmp_path))
    assert result.returncode == 2 and "step 0 is not a step" in result.stderr
    result = run_cli("run", "--data-dir", str(tmp_path / "missing"))
    assert result.returncode == 2 and "parameter 'data_dir'" in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("run", "--output-dir", str(blocker / "sub"))
    assert result.returncode == 2 and "parameter 'output_dir'" in result.stderr
    assert not list(tmp_path.glob("*.ipynb"))


def test_charts_draw_in_a_browser_with_the_network_blocked(tmp_path):
    """Open the exported Step 1 page in Chromium with every connection refused."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed for this test: apt-get install chromium"
    result = run_cli("run", "--steps", "1", "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    page = tmp_path / "01_learn_the_approach.html"
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    figures = re.findall(r'<div (id="wb-chart-\d+"[^>]*)>(.*?)</figure>', dom, flags=re.S)
    assert len(figures) == 2, "expected the framework tree and the sections grid"
    for attributes, content in figures:
        # vega-embed ran (offline) and gave screen readers the chart's description.
        assert 'role="graphics-document"' in attributes
        assert re.search(r'aria-label="A (tree|grid) [^"]+"', attributes)
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in content and 'class="marks"' in content
    assert "Opportunity-rich and" in dom  # a pillar label drawn inside the tree
