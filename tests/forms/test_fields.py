"""Field specs: answers checked in plain words, next to the field, as they are typed."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.forms.specs import fill, make_form, shown_errors
from workbook.forms import FormSpecError, RecordError


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
