"""The Form: saved without losing work (conflicts, drafts), shown statically in view mode."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.forms.specs import FILLED, SAVED, SCRIPT, fill, make_form
from workbook.display.render import WIDGET_MIMETYPE
from workbook.plan.store import PlanStore, ReadOnlyError


def test_save_stores_the_answers_and_the_status_follows_the_fields(store):
    form = make_form(store)
    assert form.status_text == "Not saved yet"
    fill(form)
    assert form.status_text == "Unsaved changes"
    form.save_button.click()
    assert SAVED.match(form.status_text), form.status_text
    record = store.get("step4.team")
    assert record.value == FILLED and record.version == 1 and record.saved_by == "Ana"
    assert store.history()[0].summary.startswith("created with 12 fields")
    form.set_value("members", 10)
    assert form.status_text == "Unsaved changes"
    form.set_value("members", 9)  # back to what is saved
    assert SAVED.match(form.status_text)
    form.set_value("members", 11)
    assert form.save() is True and store.get("step4.team").version == 2
    assert store.history()[-1].summary == "changed members"


def test_a_form_opened_on_a_plan_shows_the_saved_values(store):
    first = make_form(store)
    fill(first)
    assert first.save()
    again = make_form(store)
    assert again.values() == FILLED and not again.dirty
    assert SAVED.match(again.status_text)
    inputs = {name: c.inputs for name, c in again.controls.items()}
    assert inputs["budget"]["value"].value == "12500"
    assert inputs["start"]["value"].value == dt.date(2025, 3, 1)
    assert inputs["lead"]["value"].value == "county"
    assert [inputs["pillars"][k].value for k in ("opp", "dig", "pow")] == [True, False, True]
    assert inputs["readiness"]["value"].value == 2 and inputs["approved"]["value"].value is True
    assert inputs["chair"]["email"].value == "bo@c.gov"


def test_keys_the_form_does_not_know_are_kept(store):
    store.save("step4.team", {"name": "Old", "legacy_note": "from an earlier notebook"}, 0)
    form = make_form(store)
    form.set_value("name", "New")
    assert form.save()
    assert store.get("step4.team").value["legacy_note"] == "from an earlier notebook"


def test_private_fields_are_marked_private_in_the_plan(store):
    form = make_form(store)
    fill(form)
    form.save()
    public = store.get("step4.team", public=True).value
    assert "pin" not in public and public["chair"] == {"name": "Bo Lee", "organisation": "County"}


def test_a_conflict_keeps_my_answers_and_offers_reload(tmp_path):
    path = tmp_path / "plan.sqlite"
    with (
        PlanStore.open(path, author="Ana") as ana_plan,
        PlanStore.open(path, author="Ben") as ben_plan,
    ):
        ana, ben = make_form(ana_plan), make_form(ben_plan)  # both open version 0
        ana.set_value("name", "Ana's name")
        assert ana.save()
        ben.set_value("name", "Ben's name")
        ben.set_value("members", 4)
        ben.save_button.click()
        assert ben.status_text == "Not saved: someone else saved this section first (see below)."
        assert ben.conflict_box.layout.display != "none"
        message = ben.conflict_message.value
        assert "Not saved: Ana saved this section" in message and "version 1" in message
        assert "Ana&#x27;s name" in message and "Ben&#x27;s name" in message  # compared
        # Ben's answers stay in his form, and the plan keeps them too.
        assert ben.values()["name"] == "Ben's name" and ben.values()["members"] == 4
        (kept,) = ana_plan.list_conflicts()
        assert kept.attempted_by == "Ben" and kept.value["name"] == "Ben's name"
        assert ana_plan.get("step4.team").value["name"] == "Ana's name"

        ben.reload_button.click()  # take Ana's version
        assert ben.values()["name"] == "Ana's name" and ben.conflict is None
        assert ben.conflict_box.layout.display == "none"
        assert ben_plan.list_conflicts(include_resolved=True)[0].status == "kept_saved"
        assert "by Ana" in ben.status_text
        ben.set_value("members", 5)
        assert ben.save() and ben_plan.get("step4.team").version == 2


def test_after_a_conflict_i_can_keep_mine(tmp_path):
    path = tmp_path / "plan.sqlite"
    with (
        PlanStore.open(path, author="Ana") as ana_plan,
        PlanStore.open(path, author="Ben") as ben_plan,
    ):
        ana, ben = make_form(ana_plan), make_form(ben_plan)
        ana.set_value("name", "Ana's name")
        ana.save()
        ben.set_value("name", "Ben's name")
        assert not ben.save()
        ben.keep_button.click()
        record = ana_plan.get("step4.team")
        assert (record.version, record.value["name"], record.saved_by) == (2, "Ben's name", "Ben")
        assert re.match(r"^Saved at \d\d:\d\d by Ben$", ben.status_text)
        assert ana_plan.list_conflicts() == []
        # Ana's form is now out of date: her next save is the one refused.
        ana.set_value("members", 3)
        assert not ana.save() and "Ben saved this section" in ana.conflict_message.value


def test_unsaved_answers_survive_a_crash_and_can_be_restored(tmp_path):
    path = tmp_path / "plan.sqlite"
    plan = PlanStore.open(path, author="Ana")
    form = make_form(plan)
    form.set_value("name", "Typed but never saved")
    del form
    plan.close()  # the kernel dies; the draft is already on disk
    with PlanStore.open(path, author="Ana") as plan:
        form = make_form(plan)
        assert form.values()["name"] is None
        assert form.draft_box.layout.display != "none"
        assert "were found" in form.draft_message.value
        form.restore_button.click()
        assert form.values()["name"] == "Typed but never saved"
        assert form.save()
        assert plan.get_draft("step4.team") is None
        assert make_form(plan).draft_box.layout.display == "none"


def test_a_burst_of_typing_right_after_a_draft_still_reaches_the_disk(store):
    form = make_form(store, draft_interval=0.3)
    form.set_value("name", "first")  # written at once
    form.set_value("name", "first and the rest")  # too soon: written by the timer
    assert store.get_draft("step4.team").value["name"] == "first"
    deadline = time.monotonic() + 5
    while store.get_draft("step4.team").value["name"] != "first and the rest":
        assert time.monotonic() < deadline, "the trailing draft was never written"
        time.sleep(0.05)


def saved_with_hostile_text(store):
    form = make_form(store)
    fill(form)
    form.set_value("name", SCRIPT)
    form.set_value("purpose", '<img src=x onerror="alert(1)">')
    assert form.save()


@pytest.mark.parametrize("how", ["read_only=True", "view-mode plan"])
def test_view_mode_is_static_escaped_html_without_private_fields(tmp_path, how):
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path, author="Ana") as plan:
        saved_with_hostile_text(plan)
    with PlanStore.open(path, read_only=how != "read_only=True") as plan:
        form = make_form(plan, read_only=True if how == "read_only=True" else None)
        bundle = form._repr_mimebundle_()
        assert set(bundle) == {"text/html", "text/plain"}  # no widget at all
        assert not hasattr(form, "controls")
        page = bundle["text/html"]
        assert not re.search(r"<(input|textarea|select|button|script|img)", page, re.I)
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
        assert "Opportunity, Power" in page and "2. Emerging: A lead is named" in page
        assert "Bo Lee, County" in page
        for secret in ("4711", "bo@c.gov", "Door code"):
            assert secret not in page
        # Readers are told the day of the last update, not who saved it.
        assert re.match(r"^Last updated \d{1,2} [A-Z][a-z]+ 20\d\d$", form.status_text)
        assert form.status_text in page and "by Ana" not in page
        with pytest.raises(ReadOnlyError, match="view mode"):
            form.set_value("name", "x")
        with pytest.raises(ReadOnlyError):
            form.save()


def test_the_live_form_carries_a_static_copy_for_exports(store):
    saved_with_hostile_text(store)
    form = make_form(store)
    bundle = form._repr_mimebundle_()
    assert WIDGET_MIMETYPE in bundle
    static = bundle["text/html"]
    assert "<script" not in static and "&lt;script&gt;" in static
    assert "4711" not in static and "bo@c.gov" not in static
