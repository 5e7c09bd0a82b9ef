"""The RecordTable: records with stable ids, merged across laptops, exported without
private fields, shown statically in view mode."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.forms.specs import ANA, GOOD_CSV, SCRIPT, make_table
from workbook.display.render import WIDGET_MIMETYPE
from workbook.forms import RecordError
from workbook.plan.store import ConflictError, PlanStore, ReadOnlyError


def test_records_get_stable_ids_through_add_edit_and_delete(store):
    table = make_table(store)
    first = table.add(ANA)
    second = table.add({"person": {"organisation": "Transit Agency"}, "actor": "Local government"})
    assert first != second and [r["id"] for r in table.records()] == [first, second]
    assert table.get(first)["asked_on"] == "2025-02-01"  # dates kept as text
    table.update(first, {"notes": "Met twice"})
    assert table.get(first)["notes"] == "Met twice" and table.get(first)["champion"] is True
    assert [r["id"] for r in table.records()] == [first, second]
    table.delete(second)
    assert [r["id"] for r in table.records()] == [first]
    assert [c.summary for c in store.history()] == [
        "created with 1 item",
        "added 1 item",
        "changed 1 item",
        "removed 1 item",
    ]
    with pytest.raises(RecordError, match="actor: Please choose one"):
        table.add({"person": {"name": "No actor"}})
    with pytest.raises(RecordError, match="answer_by: Answer by .* is before Asked on"):
        table.update(first, {"answer_by": "2025-01-01"})
    with pytest.raises(RecordError, match="no record with id"):
        table.delete("missing")
    public = table.records(public=True)[0]
    assert public["person"] == {"name": "Ana Ruiz", "organisation": "Food Bank"}
    assert "home_address" not in public and table.records()[0]["home_address"] == "1 Elm St"


def test_the_table_widgets_add_edit_and_delete(store):
    table = make_table(store)
    editor = table.controls
    editor["person"].inputs["name"].value = SCRIPT
    editor["actor"].inputs["value"].value = "Anchor institution"
    table.save_button.click()
    assert "Saved '" in table.message_text
    (only,) = table.records()
    assert only["person"]["name"] == SCRIPT
    assert (
        "&lt;script&gt;" in table.table_widget.value and "<script" not in table.table_widget.value
    )
    # The saved record stays selected (index too: the browser shows the index).
    assert table.picker.value == only["id"] and table.picker.label.endswith(SCRIPT)
    assert table.picker.options[table.picker.index][1] == only["id"]

    editor["staff"].inputs["value"].value = "12"
    table.save_button.click()
    assert table.get(only["id"])["staff"] == 12 and len(table.records()) == 1

    table.new_button.click()
    assert editor["person"].inputs["name"].value == "" and table.picker.value == ""
    table.save_button.click()  # an empty record: refused, with the reasons shown
    assert editor["actor"].error_text == "Please choose one."
    assert len(table.records()) == 1

    table.picker.value = only["id"]
    assert editor["person"].inputs["name"].value == SCRIPT  # selecting loads the record
    table.delete_button.click()
    assert len(table.records()) == 1 and "Click the button again" in table.message_text
    table.delete_button.click()
    assert table.records() == [] and table.message_text.startswith("Deleted.")


def test_two_laptops_adding_records_both_land(tmp_path):
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path, author="Ana") as a_plan, PlanStore.open(path, author="Ben") as b_plan:
        a, b = make_table(a_plan), make_table(b_plan)
        x = a.add(ANA)
        y = b.add({"person": {"name": "Yusuf"}, "actor": "Local government"})  # b is stale
        assert [r["id"] for r in b.records()] == [x, y]
        assert a_plan.list_conflicts() == []  # merged, and the kept attempt settled
        assert a_plan.list_conflicts(include_resolved=True)[0].status == "used_mine"

        # Edits to different records merge too.
        a.reload()
        a.update(x, {"notes": "Ana's note"})
        b.update(y, {"notes": "Ben's note"})  # b had not seen Ana's edit
        assert [r.get("notes") for r in b.records()] == ["Ana's note", "Ben's note"]
        # Edits to the same record do not: a person decides.
        b.update(x, {"staff": 4})
        with pytest.raises(ConflictError) as caught:
            a.update(x, {"staff": 3})  # a had not seen Ben's edit of x
        assert "'Ben' saved version 5" in str(caught.value)
        assert a_plan.get("step4.stakeholders").value[0]["staff"] == 4
        assert a.records()[0]["staff"] == 4  # a now shows what is saved
        a.update(x, {"staff": 3}, force=True)
        assert a_plan.get("step4.stakeholders").value[0]["staff"] == 3
        # Deleting what someone else deleted first is simply done.
        a.delete(y)
        b.delete(y)
        assert [r["id"] for r in b.records()] == [x] and a_plan.list_conflicts() == []


def test_a_table_conflict_on_the_same_record_can_be_settled_in_the_widgets(tmp_path):
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path, author="Ana") as a_plan, PlanStore.open(path, author="Ben") as b_plan:
        a = make_table(a_plan)
        x = a.add(ANA)
        b = make_table(b_plan)
        a.update(x, {"notes": "Ana was here"})
        b.picker.value = x
        b.controls["notes"].inputs["value"].value = "Ben was here"
        b.save_button.click()
        assert b.conflict_box.layout.display != "none"
        assert "Ana changed it" in b.conflict_message.value
        assert b.controls["notes"].inputs["value"].value == "Ben was here"  # kept
        b.force_button.click()
        assert a_plan.get("step4.stakeholders").value[0]["notes"] == "Ben was here"
        assert a_plan.list_conflicts() == []


def test_public_export_leaves_out_private_fields(store):
    table = make_table(store)
    table.add(ANA)
    public = table.export_csv()
    header = next(csv.reader(io.StringIO(public)))
    assert header[:3] == ["id", "person", "person_organisation"]
    assert "home_address" not in header and "person_email" not in header
    assert "ana@fb.org" not in public and "1 Elm St" not in public
    full = table.export_csv(public=False)
    assert "ana@fb.org" in full and "1 Elm St" in full
    assert list(table.to_frame().columns) == header


def test_a_table_in_view_mode_is_static_and_public(tmp_path):
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path, author="Ana") as plan:
        table = make_table(plan)
        table.add({**ANA, "notes": SCRIPT})
    with PlanStore.open(path, read_only=True) as plan:
        table = make_table(plan)
        bundle = table._repr_mimebundle_()
        assert set(bundle) == {"text/html", "text/plain"}
        page = bundle["text/html"]
        assert not re.search(r"<(input|textarea|select|button|script)", page, re.I)
        assert "&lt;script&gt;" in page and "Ana Ruiz, Food Bank" in page
        assert "ana@fb.org" not in page and "1 Elm St" not in page and "Home address" not in page
        # Readers see the day it was last updated, not who saved it.
        assert re.search(r"1 record\. Last updated \d{1,2} [A-Z][a-z]+ 20\d\d", page), page
        assert "by Ana" not in page and "Saved at" not in page
        with pytest.raises(ReadOnlyError):
            table.add(ANA)
        with pytest.raises(ReadOnlyError):
            table.import_csv(GOOD_CSV.encode())


def test_the_live_table_carries_a_static_public_copy(store):
    table = make_table(store, export_path=Path(store.path).with_name("public.csv"))
    table.add(ANA)
    bundle = make_table(store)._repr_mimebundle_()
    assert WIDGET_MIMETYPE in bundle and "Ana Ruiz" in bundle["text/html"]
    assert "ana@fb.org" not in bundle["text/html"]
    table.export_button.click()
    written = Path(store.path).with_name("public.csv").read_text(encoding="utf-8-sig")
    assert "Ana Ruiz" in written and "ana@fb.org" not in written
