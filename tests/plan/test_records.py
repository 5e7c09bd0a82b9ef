"""Only what JSON holds exactly is stored, under a well-formed section name."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.plan.errors import PlanValueError
from workbook.plan.store import PlanStore


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"when": dt.date(2025, 3, 1)}, "['when']: a date cannot be stored"),
        ({"tags": {"a", "b"}}, "['tags']: a set cannot be stored"),
        ({"share": float("nan")}, "['share']: nan is not a number"),
        ({1: "one"}, "key 1 is a int; keys must be text"),
        ([{"ok": 1}, {"bad": object()}], "[1]['bad']: a object cannot be stored"),
        ("just text", "a section holds a dict or a list, not a str"),
    ],
)
def test_values_that_are_not_json_are_refused_naming_the_section(plan, value, words):
    with PlanStore.open(plan) as store:
        with pytest.raises(PlanValueError) as caught:
            store.save("step4.stakeholders", value, base_version=0)
        assert "section 'step4.stakeholders'" in str(caught.value)
        assert words in str(caught.value)
        assert not store.get("step4.stakeholders").exists


@pytest.mark.parametrize("name", ["", " step1", "step 1", "../x", "a" * 101, 7])
def test_section_names_are_checked(plan, name):
    with PlanStore.open(plan) as store, pytest.raises(PlanValueError, match="section name"):
        store.save(name, {}, 0)
