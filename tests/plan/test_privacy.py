"""Private parts (contact details) stay out of views and public exports."""

from __future__ import annotations

from workbook.plan.privacy import strip_private
from workbook.plan.store import PlanStore


def test_privacy_marks_stay_unless_a_save_replaces_them(plan):
    with PlanStore.open(plan) as store:
        store.save("s", {"name": "A", "email": "a@x.org"}, 0, private=["email"])
        store.save("s", {"name": "B", "email": "b@x.org"}, 1)  # code unaware of privacy
        assert store.get("s", public=True).value == {"name": "B"}
        assert store.private_paths("s") == ["email"]
        store.save("s", {"name": "B", "email": "b@x.org"}, 2, private=[])  # said on purpose
        assert store.get("s", public=True).value == {"name": "B", "email": "b@x.org"}


def test_strip_private_applies_to_forms_and_tables():
    form = {"contact": {"name": "A", "email": "a@x", "phone": "1"}, "note": "n", "pin": 1}
    assert strip_private(form, ["contact.email", "contact.phone", "pin"]) == {
        "contact": {"name": "A"},
        "note": "n",
    }
    table = [{"id": "1", "email": "a@x", "n": 1}, {"id": "2", "n": 2}]
    assert strip_private(table, ["email"]) == [{"id": "1", "n": 1}, {"id": "2", "n": 2}]
    assert strip_private(form, []) is form
