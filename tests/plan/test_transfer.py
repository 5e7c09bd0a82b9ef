"""A full JSON export rebuilds the plan exactly; a public one leaves out what is private."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook.plan.errors import ConflictError, PlanFileError
from workbook.plan.schema import SCHEMA_VERSION
from workbook.plan.store import PlanStore
from workbook.plan.transfer import import_plan


def busy_plan(path: Path) -> None:
    """A plan with private fields, history, a settled and an open conflict, a draft."""
    with PlanStore.open(path, author="Ana") as store:
        store.save(
            "step4.stakeholders",
            [{"id": "r1", "name": "Bo <b>", "email": "bo@example.org", "share": 0.1}],
            0,
            private=["email"],
        )
        store.save("step1.team", {"lead": "Ana", "notes": "ünïcødé\nline two"}, 0)
        store.save("step1.team", {"lead": "Ana", "notes": "", "size": 3}, 1)
        for attempt in ({"lead": "Cy"}, {"lead": "Di"}):
            with pytest.raises(ConflictError) as caught:
                store.save("step1.team", attempt, 1, author="Cy")
        store.resolve_conflict(caught.value.conflict_id, keep="saved")
        store.save_draft("step2.insights", {"text": "half-typed"}, 0)


def test_export_then_import_rebuilds_the_plan_exactly(tmp_path):
    original = tmp_path / "original.sqlite"
    busy_plan(original)
    with PlanStore.open(original) as store:
        first = store.export_plan(tmp_path / "plan.json")
        before = store.export_data()
    text = first.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "history": [' in text  # indented, sorted, readable
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION

    rebuilt = import_plan(first, tmp_path / "rebuilt.sqlite")
    with PlanStore.open(rebuilt) as store:
        second = store.export_plan(tmp_path / "again.json")
        after = store.export_data()
        assert store.list_conflicts()[0].attempted_by == "Cy"
        assert store.get_draft("step2.insights", "Ana").value == {"text": "half-typed"}
        # Ids continue after the imported ones.
        assert store.save("step1.team", {"lead": "Eve"}, 2).version == 3
    assert second.read_bytes() == first.read_bytes()
    assert after["sections"] == before["sections"] and after["history"] == before["history"]
    assert after["meta"] == before["meta"]  # the same plan (plan_id, created_at)


def test_import_never_overwrites_and_rejects_broken_exports(tmp_path):
    busy_plan(tmp_path / "p.sqlite")
    with PlanStore.open(tmp_path / "p.sqlite") as store:
        export = store.export_plan(tmp_path / "p.json")
        store.export_plan(tmp_path / "public.json", public=True)
    existing = tmp_path / "taken.sqlite"
    existing.write_bytes(b"precious")
    with pytest.raises(PlanFileError, match="never overwrites"):
        import_plan(export, existing)
    assert existing.read_bytes() == b"precious"

    data = json.loads(export.read_text())
    data["sections"]["step1.team"]["value"]["lead"] = "Mallory"  # edited by hand
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    (tmp_path / "junk.json").write_text("{not json")
    for source, words in [
        (edited, "does not match the last version in history"),
        (tmp_path / "public.json", "is a public export"),
        (tmp_path / "junk.json", "is not a JSON plan export"),
    ]:
        target = tmp_path / f"from-{source.stem}.sqlite"
        with pytest.raises(PlanFileError, match=words):
            import_plan(source, target)
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if ".importing" in p.name) == []


def test_public_export_leaves_out_private_parts_and_old_values(tmp_path):
    busy_plan(tmp_path / "p.sqlite")
    with PlanStore.open(tmp_path / "p.sqlite") as store:
        text = store.export_plan(tmp_path / "public.json", public=True).read_text()
        assert store.get("step4.stakeholders", public=True).value == [
            {"id": "r1", "name": "Bo <b>", "share": 0.1}
        ]
    assert "bo@example.org" not in text and "half-typed" not in text and "Cy" not in text
    data = json.loads(text)
    assert data["public"] is True and "value" not in data["history"][0]
    assert "conflicts" not in data and "drafts" not in data
