"""Every build is recorded in the plan; a final version is frozen; How We Got Here lists them."""

from __future__ import annotations

import dataclasses

import pytest

from tests.map.helpers import table
from workbook.map import versions
from workbook.map.build import build_document
from workbook.map.errors import FrozenVersionError
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore


def record(path, doc, formats=("html",), who="Ana Builder"):
    with PlanStore.open(path, author=who) as store:
        return versions.record(store, doc, formats, who=who)


def test_builds_are_recorded_and_a_final_version_is_frozen(example_plan):
    first = build_document(example_plan, today="2027-01-20")
    assert first.version == 1
    one = record(example_plan, first)
    again = record(example_plan, build_document(example_plan))  # a rebuilt draft
    assert (one.number, one.status, again.number) == (1, "draft", 1)
    assert one.sha256 == versions.content_hash(first) and len(one.sha256) == 64

    final = dataclasses.replace(build_document(example_plan), status="final")
    assert record(example_plan, final, ("html", "pdf")).status == "final"
    with pytest.raises(FrozenVersionError, match="version 1 is final.*gives version 2"):
        record(example_plan, first)  # no build can reuse a released number
    with pytest.raises(FrozenVersionError):
        record(example_plan, final)

    later = build_document(example_plan, today="2027-02-01")
    assert later.version == 2
    record(example_plan, later)
    with PlanStore.open(example_plan, read_only=True) as store:
        saved = versions.recorded(store)
        history = [c.section for c in store.history()]
        public = versions.recorded(PublicPlan(store))
    assert [(v.number, v.status) for v in saved] == [
        (1, "draft"), (1, "draft"), (1, "final"), (2, "draft")
    ]  # fmt: skip
    assert saved[2].formats == ("html", "pdf")
    assert history.count(versions.SECTION) == 4  # through the store: one change per build
    assert {v.who for v in saved} == {"Ana Builder"} and {v.who for v in public} == {""}


def test_how_we_got_here_lists_the_versions(example_plan):
    record(example_plan, build_document(example_plan, today="2027-01-20"))
    doc = build_document(example_plan, today="2027-01-21")
    listing = next(p for p in doc.sections[0].parts if p.title == "Versions of this plan")
    assert listing.blocks[0].text == "This is version 1 (draft), built on 21 January 2027."
    rows = table(listing.blocks, "Earlier builds").rows
    assert len(rows) == 1 and rows[0][0] == "1" and rows[0][2] == "draft"
    assert "Ana Builder" not in str(listing)


def test_the_content_hash_follows_the_content(example_plan):
    doc = build_document(example_plan, today="2027-01-20")
    same = build_document(example_plan, today="2027-01-20")
    assert versions.content_hash(doc) == versions.content_hash(same)
    assert versions.content_hash(doc) != versions.content_hash(
        dataclasses.replace(doc, subtitle="Elsewhere")
    )
