"""One damaged record (a byte changed inside its JSON, which SQLite's own check cannot
see) is named with the fix, and never hides the rest of the plan."""

from __future__ import annotations

import json
import sqlite3
import warnings

import pytest

from workbook.plan.store import PlanFileError, PlanStore


def damage(plan, section: str) -> None:
    """Change one byte of a section's saved JSON, as a bad disk or a hand edit would."""
    with sqlite3.connect(plan) as conn:
        (text,) = conn.execute("SELECT value FROM sections WHERE name = ?", (section,)).fetchone()
        broken = text[:1] + "#" + text[2:]  # '{"chair"...' becomes '{#chair"...'
        conn.execute("UPDATE sections SET value = ? WHERE name = ?", (broken, section))
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture
def damaged_plan(plan):
    with PlanStore.open(plan, author="Ana") as store:
        store.save("step1.checklist", {"done": True}, 0)
        store.save("step4.stakeholders", {"chair": "Ana", "email": "a@x.org"}, 0,
                   private=["email"])  # fmt: skip
        store.save("step4.stakeholders", {"chair": "Ben", "email": "b@x.org"}, 1)
    damage(plan, "step4.stakeholders")
    return plan


def test_reading_a_damaged_section_names_the_file_the_section_and_the_fix(damaged_plan):
    for read_only in (False, True):
        with PlanStore.open(damaged_plan, read_only=read_only) as store:
            with pytest.raises(PlanFileError) as caught:
                store.get("step4.stakeholders")
            message = str(caught.value)
            assert str(damaged_plan) in message
            assert "'step4.stakeholders'" in message
            assert "backup" in message and "export" in message
            assert "delete_section('step4.stakeholders')" in message
            assert caught.value.section == "step4.stakeholders"
            # Every other section stays readable.
            assert store.get("step1.checklist").value == {"done": True}
            assert store.sections() == ["step1.checklist", "step4.stakeholders"]
            with pytest.raises(PlanFileError, match="step4.stakeholders"):
                store.get("step4.stakeholders", public=True)


def test_export_keeps_what_is_readable_and_lists_what_is_not(damaged_plan, tmp_path):
    with PlanStore.open(damaged_plan, read_only=True) as store:
        for public in (False, True):
            target = tmp_path / f"export-{public}.json"
            with pytest.warns(UserWarning) as caught:
                store.export_plan(target, public=public)
            message = str(caught[0].message)
            assert "step4.stakeholders" in message and str(target) in message
            data = json.loads(target.read_text(encoding="utf-8"))
            assert data["sections"]["step1.checklist"]["value"] == {"done": True}
            assert "step4.stakeholders" not in data["sections"]
            assert {"table": "sections", "section": "step4.stakeholders"}.items() <= (
                data["unreadable"][0].items()
            )
            # The history of the damaged section is intact and exported.
            assert [h["version"] for h in data["history"] if h["section"] == "step4.stakeholders"]


def test_a_healthy_plan_exports_without_a_warning(plan, tmp_path):
    with PlanStore.open(plan) as store:
        store.save("a", {"v": 1}, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            data = json.loads(store.export_plan(tmp_path / "e.json").read_text())
    assert "unreadable" not in data


def test_the_damaged_answers_can_be_deleted_and_entered_again(damaged_plan):
    with PlanStore.open(damaged_plan, author="Ana") as store:
        store.delete_section("step4.stakeholders")
        assert not store.get("step4.stakeholders").exists
        saved = store.save("step4.stakeholders", {"chair": "Cy"}, 0)
        assert saved.version == 3  # history keeps versions 1 and 2
        assert store.get("step4.stakeholders").value == {"chair": "Cy"}
        assert store.get_version("step4.stakeholders", 2).value["chair"] == "Ben"


def test_saving_over_a_damaged_section_replaces_it(damaged_plan):
    with PlanStore.open(damaged_plan, author="Ana") as store:
        saved = store.save("step4.stakeholders", {"chair": "Cy"}, 2)
        assert saved.version == 3
        assert store.get("step4.stakeholders").value == {"chair": "Cy"}
