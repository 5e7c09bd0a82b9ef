"""Step 5's notebook end to end: an empty plan, the example plan, and a real county."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from tests.conftest import ROOT
from tests.display.test_export import external_references
from tests.steps.test_local_government_readiness import run_step
from workbook.data.catalog import load_framework
from workbook.plan.store import PlanStore, import_plan
from workbook.session import READ_ONLY_ENV
from workbook.steps import initial_understanding as step5
from workbook.steps.initial_understanding import workshop
from workbook.steps.registry import NOTEBOOKS_DIR

NOTEBOOK = "05_initial_understanding.ipynb"
HOSTILE = "<!--<script> & </script><script>window.__wbInjected = 1</script>"
SECRET = "quinn.secret@example.org"


def html_outputs(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return "".join(
        o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])
    )


def errors(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    return [o["evalue"] for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]  # fmt: skip


def example_plan(tmp_path: Path) -> Path:
    """The example plan as the script writes it now (Step 5 included), imported."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_example_plan
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    written = make_example_plan.main(tmp_path / "example.json")
    return import_plan(written, tmp_path / "plan.sqlite")


def test_step5_on_an_empty_plan(tmp_path):
    out = run_step(tmp_path, tmp_path / "new" / "plan.sqlite", steps="5")
    notebook = out / NOTEBOOK
    assert errors(notebook) == []
    shown = html_outputs(notebook)
    assert "No vote recorded yet." in shown and "Not answered yet." in shown
    assert "Opportunity-rich and inclusive neighborhoods" in shown  # the workshop's screens
    assert "Housing affordability" in shown  # the predictors weighed
    page = (out / "05_initial_understanding.html").read_text(encoding="utf-8")
    assert external_references(page) == [] and "Synthetic sample" in page


def test_step5_on_the_example_plan_in_edit_and_view_mode(tmp_path):
    plan = example_plan(tmp_path)
    with PlanStore.open(plan, author="Test") as store:
        workshop.save_pillar_notes(store, load_framework(), "health", f"Clinics {HOSTILE}")
        sources = [{"id": "src1", "name": "Housing authority waiting list",
                    "contact": {"name": "Quinn", "email": SECRET, "phone": ""}}]  # fmt: skip
        saved = store.get("step5.sources")
        store.save("step5.sources", [*(saved.value or []), *sources], saved.version,
                   private=["contact.name", "contact.email", "contact.phone"])  # fmt: skip
    out = run_step(tmp_path, plan, steps="5")
    notebook = out / NOTEBOOK
    assert errors(notebook) == []
    shown = html_outputs(notebook)
    assert "Housing affordability" in shown and ">tie</td>" in shown and "Tie rule" in shown
    assert "Coalition meeting at the Linden Public Library" in shown  # the saved decision
    page = (out / "05_initial_understanding.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page and "window.__wbInjected = 1</script>" not in page
    assert SECRET not in page
    viewer = {**os.environ, READ_ONLY_ENV: "1"}
    viewed = run_step(tmp_path / "view", plan, steps="5", env=viewer)
    seen = html_outputs(viewed / NOTEBOOK)
    assert "Votes are typed in" not in seen and "Tie rule" in seen  # the tally, no form
    assert SECRET not in seen and "Clinics" in seen


def test_step5_on_a_real_county(tmp_path, real_dir):
    plan = tmp_path / "plan.sqlite"
    with PlanStore.open(plan, author="Test") as store:
        store.save("step4.stakeholders", [{"id": "s1", "organisation": "Health partner",
                   "status": "accepted", "pillars": ["health"]}], 0)  # fmt: skip
        vote = step5.paper_vote({"Safety from trauma": 4, "Digital access": 4}, 5, 2,
                                recorded_on="2026-12-01")  # fmt: skip
        step5.receive_vote(store, vote)
    command = [
        sys.executable, "-m", "papermill", "--log-level", "WARNING",
        str(NOTEBOOKS_DIR / NOTEBOOK), str(tmp_path / "05.ipynb"),
        "-p", "jurisdiction", "06037", "-r", "data_dir", str(real_dir),
        "-r", "plan_path", str(plan), "-r", "output_dir", str(tmp_path / "out"),
        "--cwd", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    cells = nbformat.read(tmp_path / "05.ipynb", as_version=4).cells
    text = json.dumps([c.get("outputs", []) for c in cells])
    assert "Los Angeles County, California" in text and "Synthetic sample" not in text
    # The tie at 4 points goes to the predictor with a partner at work in its pillar.
    tally = json.dumps(next(c.outputs for c in cells if c.source == "step5.tally()"))
    assert tally.index("Safety from trauma") < tally.index("Digital access")
    assert "percentage points" in text  # a racial or ethnic gap, in its unit
