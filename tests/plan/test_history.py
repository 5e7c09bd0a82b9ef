"""History says who changed what and when, in summaries that name fields, never values."""

from __future__ import annotations

import datetime as dt

from workbook.plan.history import summarise
from workbook.plan.store import PlanStore


def test_history_says_who_changed_what_and_when_in_order(plan):
    with PlanStore.open(plan, author="Ana") as store:
        store.save("step1.team", {"lead": "Ana", "size": 3}, 0)
        store.save("step1.team", {"lead": "Ana", "size": 4, "chair": "Bo"}, 1, author="Bo")
        store.author = "Cy"  # the facilitator names themself once per session
        store.save("step1.team", {"chair": "Bo", "size": 4}, 2)
        store.save("step4.stakeholders", [{"id": "a", "n": 1}, {"id": "b", "n": 2}], 0)
        store.save("step4.stakeholders", [{"id": "a", "n": 9}, {"id": "c", "n": 3}], 1)
        changes = store.history()
        team = store.history("step1.team")
    assert [(c.section, c.version, c.saved_by) for c in changes] == [
        ("step1.team", 1, "Ana"),
        ("step1.team", 2, "Bo"),
        ("step1.team", 3, "Cy"),
        ("step4.stakeholders", 1, "Cy"),
        ("step4.stakeholders", 2, "Cy"),
    ]
    assert [c.summary for c in changes] == [
        "created with 2 fields: lead, size",
        "added chair; changed size",
        "removed lead",
        "created with 2 items",
        "added 1 item, changed 1 item, removed 1 item",
    ]
    assert team == changes[:3]
    stamps = [dt.datetime.fromisoformat(c.saved_at) for c in changes]
    assert all(s.utcoffset() == dt.timedelta(0) for s in stamps) and stamps == sorted(stamps)


def test_summaries_of_plain_lists_and_type_changes():
    assert summarise(["a", "b"], ["b", "c", "d"]) == "added 2 items, removed 1 item"
    assert summarise(["a", "b"], ["b", "a"]) == "reordered items"
    assert summarise({"a": 1}, ["a"]) == "replaced a dict with a list"
    many = {f"k{i}": i for i in range(9)}
    assert summarise({}, many) == "added k0, k1, k2, k3, k4, k5 and 3 more"


def test_get_version_reads_any_earlier_version(plan):
    with PlanStore.open(plan) as store:
        store.save("s", {"v": 1}, 0)
        store.save("s", {"v": 2}, 1)
        assert store.get_version("s", 1).value == {"v": 1}
        assert not store.get_version("s", 7).exists
