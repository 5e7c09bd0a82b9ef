"""Counting: points, voters, places with ties, and the vote record Step 5 saves."""

from __future__ import annotations

from workbook.ballots.model import BORDA_NOTE, make_options
from workbook.ballots.tally import count

# The keys of one step5.votes entry (plan-section contract).
VOTE_KEYS = {
    "id", "question", "kind", "options", "dots_per_person", "stacking", "source",
    "ballot_id", "voters", "counts", "recorded_on",
}  # fmt: skip


def definition(kind: str, labels: list[str], **extra) -> dict:
    return {
        "id": "ballot-1",
        "question": "Which first?",
        "kind": kind,
        "options": [o.as_dict() for o in make_options(labels)],
        "dots_per_person": extra.get("dots"),
        "stacking": extra.get("stacking", False),
    }


def test_dots_counts_voters_places_and_ties():
    d = definition("dots", ["A", "B", "C", "D"], dots=3, stacking=True)
    ballots = [
        {"dots": {"a": 2, "b": 1}},
        {"dots": {"b": 2, "c": 1}},
        {"dots": {"a": 1, "c": 2}},
        {"dots": {"d": 1}},
    ]
    tally = count(d, ballots)
    assert tally.counts == {"a": 3, "b": 3, "c": 3, "d": 1}
    assert tally.voters == 4
    assert [(r["label"], r["place"], r["tied"]) for r in tally.ranked()] == [
        ("A", 1, True),
        ("B", 1, True),
        ("C", 1, True),
        ("D", 4, False),
    ]
    assert tally.ties == [["a", "b", "c"]] and tally.tied_first
    assert tally.leaders == ["a", "b", "c"]


def test_places_skip_after_a_tie_and_zero_points_are_not_a_tie():
    d = definition("single", ["A", "B", "C", "D", "E"])
    tally = count(d, [{"choice": c} for c in ["a", "a", "a", "b", "c"]])
    assert [r["place"] for r in tally.ranked()] == [1, 2, 2, 4, 4]
    assert tally.ties == [["b", "c"]]  # D and E have no points: not a tie to decide
    assert not tally.tied_first and tally.leaders == ["a"]


def test_ranking_borda_and_paper_counts_add_up():
    d = definition("ranking", ["A", "B", "C"])
    tally = count(
        d,
        [{"ranking": ["a", "b", "c"]}, {"ranking": ["b", "a"]}, {"ranking": ["c"]}],
        paper_counts={"a": 5},
        paper_voters=2,
    )
    # 3 options: 3, 2, 1 points. A: 3+2+5(paper), B: 2+3, C: 1+3.
    assert tally.counts == {"a": 10, "b": 5, "c": 4}
    assert tally.voters == 5 and tally.phone_voters == 3 and tally.paper_voters == 2
    record = tally.as_vote_record(recorded_on="2026-03-01")
    assert record["counting"] == BORDA_NOTE


def test_vote_record_has_the_step5_shape():
    d = definition("dots", ["Housing stability", "Jobs"], dots=3, stacking=False)
    tally = count(d, [{"dots": {"housing-stability": 1, "jobs": 1}}, {"dots": {"jobs": 1}}])
    record = tally.as_vote_record()
    assert VOTE_KEYS <= set(record)
    assert record["source"] == "ballot" and record["ballot_id"] == "ballot-1"
    assert record["id"] == "vote-ballot-1"
    assert record["options"] == ["Housing stability", "Jobs"]
    assert record["counts"] == {"Housing stability": 1, "Jobs": 2}
    assert record["voters"] == 2 and record["dots_per_person"] == 3
    assert record["stacking"] is False and record["kind"] == "dots"
    assert len(record["recorded_on"]) == 10 and record["recorded_on"][4] == "-"
    single = count(definition("single", ["A", "B"]), [{"choice": "a"}]).as_vote_record()
    assert single["dots_per_person"] is None and single["stacking"] is False
