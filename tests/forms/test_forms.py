"""The form kit: widgets built from specs, checked in plain words, saved without losing work."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest

from workbook.display.render import WIDGET_MIMETYPE
from workbook.forms import (
    Date,
    DateOrder,
    Form,
    FormSpecError,
    Level,
    LongText,
    MultipleChoice,
    Number,
    Person,
    Rating,
    RecordError,
    RecordTable,
    ShortText,
    SingleChoice,
    YesNo,
    neutralise_cell,
)
from workbook.plan.store import ConflictError, PlanStore, ReadOnlyError

SAVED = re.compile(r"^Saved at \d\d:\d\d by Ana$")
SCRIPT = "<script>alert('x')</script>"


def team_fields():
    return [
        ShortText("name", "Coalition name", required=True, max_length=40),
        LongText("purpose", "Why we are doing this", max_length=200),
        Number("budget", "Budget", minimum=0, maximum=1_000_000, unit="USD"),
        Number("members", "Members", integer=True, minimum=1),
        Date("start", "Start"),
        Date("end", "End"),
        SingleChoice("lead", "Lead agency", options=[("City", "city"), ("County", "county")]),
        MultipleChoice(
            "pillars",
            "Pillars",
            options=[("Opportunity", "opp"), ("Dignity", "dig"), ("Power", "pow")],
            max_choices=2,
        ),
        Rating(
            "readiness",
            "Readiness",
            levels=[
                Level(1, "Not started", "Nobody is responsible yet."),
                Level(2, "Emerging", "A lead is named but has no time set aside."),
                Level(3, "Established", "A lead has time and a budget."),
            ],
        ),
        YesNo("approved", "Approved by council"),
        Person("chair", "Chair"),
        ShortText("pin", "Door code", private=True),
    ]


RULES = [DateOrder("start", "end")]


@pytest.fixture
def store(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite", author="Ana") as plan:
        yield plan


def make_form(store, **options):
    options.setdefault("draft_interval", 0)
    return Form(team_fields(), store, "step4.team", rules=RULES, title="Team", **options)


def fill(form):
    form.set_value("name", "Riverside Mobility Coalition")
    form.set_value("purpose", "Line one\nline two")
    form.controls["budget"].inputs["value"].value = "12,500"  # as a person types it
    form.set_value("members", 9)
    form.set_value("start", dt.date(2025, 3, 1))
    form.set_value("end", "2025-09-30")
    form.controls["lead"].inputs["value"].value = "county"
    form.controls["pillars"].inputs["opp"].value = True
    form.controls["pillars"].inputs["pow"].value = True
    form.controls["readiness"].inputs["value"].value = 2
    form.controls["approved"].inputs["value"].value = True
    form.set_value("chair", {"name": "Bo Lee", "organisation": "County", "email": "bo@c.gov"})
    form.set_value("pin", "4711")


FILLED = {
    "name": "Riverside Mobility Coalition",
    "purpose": "Line one\nline two",
    "budget": 12500.0,
    "members": 9,
    "start": "2025-03-01",
    "end": "2025-09-30",
    "lead": "county",
    "pillars": ["opp", "pow"],
    "readiness": 2,
    "approved": True,
    "chair": {"name": "Bo Lee", "organisation": "County", "email": "bo@c.gov", "phone": ""},
    "pin": "4711",
}


def shown_errors(form):
    return {name: c.error_text for name, c in form.controls.items() if c.error_text}


# --- validation -----------------------------------------------------------------------


def test_a_required_field_is_flagged_on_save_and_nothing_is_saved(store):
    form = make_form(store)
    form.set_value("purpose", "Something")
    assert shown_errors(form) == {}  # no nagging before the first save attempt
    assert form.validate() == {"name": "Please fill this in."}
    form.save_button.click()
    assert shown_errors(form) == {"name": "Please fill this in."}
    assert form.status_text == "Not saved: 1 field needs attention (see the messages in red)."
    assert not store.get("step4.team").exists
    form.set_value("name", "Riverside")
    assert shown_errors(form) == {}  # fixed: the message goes as soon as it is


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("name", "x" * 45, "Too long: 45 characters, the limit is 40. Shorten it by 5."),
        ("budget", "a lot", "Enter a number, like 12 or 3.5."),
        ("budget", "-5", "Must be at least 0."),
        ("budget", "2,000,000", "Must be at most 1000000."),
        ("members", "2.5", "Enter a whole number, like 12."),
        ("members", "0", "Must be at least 1."),
        ("purpose", "y" * 201, "Too long: 201 characters, the limit is 200. Shorten it by 1."),
    ],
)
def test_problems_show_next_to_the_field_as_it_is_typed(store, name, typed, message):
    form = make_form(store)
    form.set_value("name", "Riverside")
    form.controls[name].inputs["value"].value = typed
    assert shown_errors(form) == {name: message}
    assert form.save() is False and not store.get("step4.team").exists


def test_choices_contacts_and_date_order_are_checked(store):
    form = make_form(store)
    fill(form)
    form.controls["pillars"].inputs["dig"].value = True  # three ticked, two allowed
    form.set_value("chair", {"name": "Bo", "email": "bo at county", "phone": "call me"})
    form.set_value("end", dt.date(2025, 1, 31))
    assert form.validate() == {
        "pillars": "Choose at most 2: 3 are ticked.",
        "chair": "The email does not look like an address (name@example.org). "
        "The phone number may hold only digits, spaces and + ( ) - .",
        "end": "End (2025-01-31) is before Start (2025-03-01); it should be on or after it.",
    }
    assert shown_errors(form) == form.validate()
    assert form.save() is False and not store.get("step4.team").exists


def test_values_that_do_not_fit_a_field_are_refused_in_code(store):
    form = make_form(store)
    with pytest.raises(RecordError, match="step4.team.*lead"):
        form.set_value("lead", "state")
    with pytest.raises(RecordError, match="readiness"):
        form.set_value("readiness", 7)
    with pytest.raises(FormSpecError, match="no field named 'nope'"):
        form.set_value("nope", 1)


def test_declarations_are_checked(store):
    with pytest.raises(FormSpecError, match="repeated: a"):
        Form([ShortText("a"), LongText("a")], store, "s")
    with pytest.raises(FormSpecError, match="field name 'Start Date'"):
        ShortText("Start Date")
    with pytest.raises(FormSpecError, match="unknown fields: finish"):
        Form([Date("start")], store, "s", rules=[DateOrder("start", "finish")])
    with pytest.raises(FormSpecError, match="distinct, non-empty value"):
        SingleChoice("x", options=["a", "a"])
    with pytest.raises(FormSpecError, match="used by the table itself"):
        RecordTable([ShortText("id")], store, "t")
    store.save("listy", [1, 2], 0)
    with pytest.raises(FormSpecError, match="holds a list, but a Form keeps a dict"):
        Form([ShortText("a")], store, "listy")


# --- saving and loading ---------------------------------------------------------------


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


# --- conflicts --------------------------------------------------------------------------


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


# --- drafts -------------------------------------------------------------------------------


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


# --- view mode and static copies --------------------------------------------------------


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
        assert SAVED.match(form.status_text)
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


# --- record tables ------------------------------------------------------------------------


def stakeholder_fields():
    return [
        Person("person", "Stakeholder", required=True),
        SingleChoice(
            "actor",
            "Actor type",
            options=["Local government", "Community organisation", "Anchor institution"],
            required=True,
        ),
        MultipleChoice("domains", "Policy domains", options=["Housing", "Jobs", "Health"]),
        SingleChoice("request", "Request", options=["asked", "accepted", "declined"]),
        Date("asked_on", "Asked on"),
        Date("answer_by", "Answer by"),
        Rating(
            "influence", "Influence", levels=[(1, "Low", ""), (2, "Medium", ""), (3, "High", "")]
        ),
        YesNo("champion", "Champion"),
        Number("staff", "Staff", integer=True, minimum=0),
        LongText("notes", "Notes", max_length=300),
        ShortText("home_address", "Home address", private=True),
    ]


def make_table(store, **options):
    return RecordTable(
        stakeholder_fields(),
        store,
        "step4.stakeholders",
        rules=[DateOrder("asked_on", "answer_by")],
        title="Stakeholders",
        **options,
    )


ANA = {
    "person": {"name": "Ana Ruiz", "organisation": "Food Bank", "email": "ana@fb.org"},
    "actor": "Community organisation",
    "domains": ["Housing", "Health"],
    "asked_on": dt.date(2025, 2, 1),
    "influence": 3,
    "champion": True,
    "home_address": "1 Elm St",
}


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


# --- CSV ------------------------------------------------------------------------------------


GOOD_CSV = (
    "Stakeholder,Stakeholder organisation,person_email,Actor type,Policy domains,request,"
    "asked_on,answer_by,influence,champion,staff,notes\n"
    "Ana Ruiz,Food Bank,ana@fb.org,Community organisation,Housing; Health,asked,"
    '2025-02-01,2025-03-01,High,yes,12,"Knows everyone, ""really"""\n'
    ",Transit Agency,,local government,,,,,2,no,,\n"
)


def test_a_good_csv_is_imported_from_a_path_bytes_or_an_upload(store, tmp_path):
    path = tmp_path / "stakeholders.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    table = make_table(store)
    report = table.import_csv(path)
    assert report.ok and (report.rows, report.added) == (2, 2), report.problems
    assert [str(w) for w in report.warnings] == [
        "row 1, column 'home_address': No such column: left empty in every row."
    ]
    first, second = table.records()
    assert first["person"] == {
        "name": "Ana Ruiz",
        "organisation": "Food Bank",
        "email": "ana@fb.org",
        "phone": "",
    }
    assert (first["domains"], first["influence"], first["champion"]) == (
        ["Housing", "Health"],
        3,
        True,
    )
    assert first["notes"] == 'Knows everyone, "really"' and first["staff"] == 12
    assert second["actor"] == "Local government" and second["champion"] is False
    assert len(store.history()) == 1  # one import, one version

    assert table.import_csv(GOOD_CSV.encode("utf-8")).added == 2
    upload = (
        {
            "name": "s.csv",
            "type": "text/csv",
            "size": len(GOOD_CSV),
            "content": memoryview(GOOD_CSV.encode()),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )
    table.upload.value = upload
    table.import_button.click()
    assert "2 rows read, 2 added." in table.import_report.value
    assert len(table.records()) == 6


BAD_CSV = (
    "Stakeholder,Actor type,asked_on,answer_by,influence,staff,notes\n"
    "Good Row,Local government,2025-01-01,2025-02-01,1,3,fine\n"
    "Bad Dates,Local government,2025-03-01,2025-02-01,1,3,\n"
    ",Local government,01/02/2025,,9,-1,\n"
    "Too,Many,Values,,,,,,\n"
    "Also Good,Anchor institution,,,,,\n"
)


def test_row_errors_are_reported_and_nothing_is_imported_by_default(store):
    table = make_table(store)
    report = table.import_csv(BAD_CSV.encode())
    problems = [(p.row, p.column, p.problem) for p in report.problems]
    assert problems == [
        (
            3,
            "answer_by",
            "Answer by (2025-02-01) is before Asked on (2025-03-01); it should be on or after it.",
        ),
        (4, "Stakeholder", "Please give a name or an organisation."),
        (4, "asked_on", "Write the date as YYYY-MM-DD, e.g. 2025-03-31."),
        (4, "influence", "'9' is not a level: use 1 (Low), 2 (Medium), 3 (High)."),
        (4, "staff", "Must be at least 0."),
        (
            5,
            "",
            "This row has 9 values but the header has 7 columns: look for a stray "
            "separator or a missing quote.",
        ),
    ]
    assert report.added == 0 and not store.get("step4.stakeholders").exists
    assert "Nothing was imported: 3 row(s) have problems" in report.summary()
    html = report.html()
    assert "<td" in html and "answer_by" in html

    chosen = table.import_csv(BAD_CSV.encode(), import_valid_only=True)
    assert chosen.added == 2 and "3 row(s) with problems were left out" in chosen.summary()
    assert [r["person"]["name"] for r in table.records()] == ["Good Row", "Also Good"]


def test_hostile_cells_are_kept_as_text_escaped_and_neutralised_on_export(store, tmp_path):
    hostile = (
        "Stakeholder,Actor type,notes,home_address\n"
        f'"{SCRIPT}",Local government,=HYPERLINK("http://evil"),@SUM(A1)\n'
        "Plus,Local government,\"+cmd|' /C calc'!A0\",-2+3\n"
        "Phone,Local government,+1 555 0100,-5\n"
    )
    table = make_table(store)
    report = table.import_csv(hostile.encode())
    assert report.added == 3
    noted = {(w.row, w.column) for w in report.warnings if "formula" in w.problem}
    assert noted == {(2, "notes"), (2, "home_address"), (3, "notes"), (3, "home_address")}
    first = table.records()[0]
    assert first["person"]["name"] == SCRIPT and first["notes"] == '=HYPERLINK("http://evil")'
    page = table.static_html()
    assert "<script" not in page and "&lt;script&gt;" in page

    exported = table.export_csv(tmp_path / "out.csv", public=False)
    rows = list(csv.reader(io.StringIO(exported)))
    notes = [r[rows[0].index("notes")] for r in rows[1:]]
    assert notes == ['\'=HYPERLINK("http://evil")', "'+cmd|' /C calc'!A0", "'+1 555 0100"]
    assert [r[rows[0].index("home_address")] for r in rows[1:]] == ["'@SUM(A1)", "'-2+3", "-5"]
    for row in rows:
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)
    # The file opens in Excel as UTF-8, and importing our own export gives the text back.
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    again = make_table(store)
    again.import_csv(tmp_path / "out.csv")
    assert [r["notes"] for r in again.records()[3:]] == [r["notes"] for r in again.records()[:3]]


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


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04" + bytes(100), "not an Excel workbook that can be read"),
        (b"Stakeholder,Actor type\n\x00\x01\x02", "not a text file"),
        (b"", "The file is empty."),
        (b"Stakeholder,notes\nAna,hello\n", "Missing column for 'Actor type', which is required."),
        (b"Stakeholder,Stakeholder,Actor type\n", "This column appears twice"),
        (
            b'Stakeholder,Actor type,notes\nAna,Local government,"' + b"x" * 140_000 + b'"\n',
            "This row cannot be read (field larger than field limit",
        ),
    ],
    ids=["broken zip", "binary", "empty", "missing column", "twice", "giant cell"],
)
def test_unusable_files_are_refused_with_a_clear_reason(store, data, expected):
    table = make_table(store)
    report = table.import_csv(data)
    assert expected in " ".join(p.problem for p in report.problems), report.problems
    assert report.added == 0 and not store.get("step4.stakeholders").exists


def test_encodings_and_separators_excel_uses_are_read(store):
    table = make_table(store)
    windows = "Stakeholder;Actor type;notes\nJosé Muñoz;Local government;café\n".encode("cp1252")
    report = table.import_csv(windows)
    assert report.added == 1 and report.encoding == "cp1252"
    assert "read as Windows-1252" in report.warnings[0].problem
    assert table.records()[0]["person"]["name"] == "José Muñoz"
    utf16 = "Stakeholder\tActor type\nZoë\tLocal government\n".encode("utf-16")
    assert table.import_csv(utf16).added == 1
    bom = "\ufeffStakeholder,Actor type,id\nÅsa,Local government,abc\n".encode()
    report = table.import_csv(bom)
    assert report.added == 1 and "imported rows get new ids" in report.warnings[0].problem
    assert [r["person"]["name"] for r in table.records()] == ["José Muñoz", "Zoë", "Åsa"]
    assert table.records()[2]["id"] != "abc"


def test_huge_files_are_refused_before_they_are_read(store, tmp_path):
    table = make_table(store, max_import_bytes=1_000, max_import_rows=3)
    big = tmp_path / "big.csv"
    big.write_text("Stakeholder,Actor type\n" + "Ana,Local government\n" * 100)
    for source in (big, big.read_bytes()):
        (problem,) = table.import_csv(source).problems
        assert problem.problem.startswith("The file is 2.1 KB; the limit is 1.0 KB. Split it")
    many = "Stakeholder,Actor type\n" + "Ana,Local government\n" * 5
    report = table.import_csv(many.encode())
    assert "more than 3 rows" in report.problems[-1].problem and report.added == 0
    missing = table.import_csv(tmp_path / "nope.csv")
    assert "cannot be read" in missing.problems[0].problem
    assert not store.get("step4.stakeholders").exists


def test_neutralise_cell():
    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("-12.5") == "-12.5" and neutralise_cell("+7") == "+7"
    assert neutralise_cell("\tx") == "'\tx" and neutralise_cell("plain") == "plain"


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
        assert "1 record. Saved at" in page
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


def excel_bytes(rows: list[list[object]], extra_sheet: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Stakeholders"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes").append(["ignored"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_workbooks_import_like_csv_with_row_errors(store):
    rows = [
        ["Stakeholder", "Actor type", "notes"],
        ["Ana", "Local government", "=1+1"],
        ["", "Local government", "no name"],  # row 3: the required stakeholder is missing
        ["Ben", "Local government", None],
    ]
    table = make_table(store)
    report = table.import_csv(excel_bytes(rows, extra_sheet=True))
    assert report.added == 0 and report.encoding == "xlsx"
    assert {p.row for p in report.problems} == {3}
    assert any("first sheet" in w.problem for w in report.warnings)
    assert not store.get("step4.stakeholders").exists  # nothing imported from a bad file
    report = table.import_csv(excel_bytes(rows), import_valid_only=True)
    assert report.added == 2
    assert [r["person"]["name"] for r in table.records()] == ["Ana", "Ben"]
