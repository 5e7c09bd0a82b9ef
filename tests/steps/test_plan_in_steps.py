"""The plan in the step notebooks: checklists, peers and insights are saved and read back."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from workbook.plan.store import PlanStore, ReadOnlyError
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import review
from workbook.steps import use_the_metrics as step2


@pytest.fixture
def session(edit_session):
    return edit_session(2)


def test_checklist_answers_are_saved_in_the_plan(session):
    form = review.checklist(session)
    first = session.step["checklist"][0]["id"]
    form.set_value(first, True)
    assert form.save()
    saved = session.plan.get("step2.checklist")
    assert saved.value[first] is True and saved.saved_by == "Ana"
    reopened = review.checklist(session)
    assert reopened.values()[first] is True


def test_insights_need_a_link_and_are_escaped_when_shown(session):
    review = step2.MetricsReview(session)
    table = review.insights()
    with pytest.raises(Exception, match="at least one"):
        table.add({"statement": "Rents outpace incomes", "tag": "concern"})
    table.add(
        {
            "statement": "<script>alert(1)</script> rents",
            "tag": "concern",
            "metrics": ["share_affordable_30_ami"],
        }
    )
    table.add({"statement": "Strong civic groups", "tag": "strength", "pillars": ["governance"]})
    shown = review.insights_list().data
    assert "&lt;script&gt;" in shown and "<script>" not in shown
    assert "Concerns (1)" in shown and "Strengths (1)" in shown
    assert "Responsive and just governance" in shown


def test_chosen_peers_are_kept_in_the_plan_and_used_next_time(tmp_path):
    def run(*extra):
        result = subprocess.run(
            [sys.executable, "-m", "workbook", "run", "--steps", "2", "--no-html",
             "--output-dir", str(tmp_path), *extra], capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        with open(tmp_path / "comparison.csv", newline="") as handle:
            return next(csv.DictReader(handle))["peers"]

    suggested = run()
    chosen = run("--peers", "98001,98003")
    assert chosen == "98001;98003" and chosen != suggested
    assert run() == chosen  # remembered: the next run without --peers uses the choice
    with PlanStore.open(tmp_path / "plan.sqlite", read_only=True) as plan:
        saved = plan.get("step2.peers").value
        assert saved["method"] == "chosen" and saved["reasons"]["98001"]
        assert [c.version for c in plan.history("step2.peers")] == [1, 2]


def test_dashboards_open_the_plan_read_only(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_AUTHOR", "Ana")
    editor = start(1, "98031", output_dir=str(tmp_path), show=False)
    form = review.checklist(editor)
    item = editor.step["checklist"][0]["id"]
    form.set_value(item, True)
    assert form.save()
    editor.plan.close()
    before = (tmp_path / "plan.sqlite").read_bytes()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    viewer = start(1, "98031", output_dir=str(tmp_path), show=False)
    shown = review.checklist(viewer)._repr_mimebundle_()
    assert set(shown) == {"text/html", "text/plain"}
    assert "<input" not in shown["text/html"] and "Yes" in shown["text/html"]
    with pytest.raises(ReadOnlyError):
        viewer.plan.save("step1.checklist", {}, base_version=1)
    assert (tmp_path / "plan.sqlite").read_bytes() == before


def test_served_notebooks_take_jurisdiction_and_plan_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_JURISDICTION", "97003")
    monkeypatch.setenv("WORKBOOK_PLAN_PATH", str(tmp_path / "served.sqlite"))
    session = start(1, "", output_dir=str(tmp_path / "out"), show=False)
    assert session.jurisdiction.key == "97003"
    assert session.plan.path == tmp_path / "served.sqlite"
    explicit = start(1, "98031", output_dir=str(tmp_path / "out"), show=False)
    assert explicit.jurisdiction.key == "98031"  # a parameter still wins
