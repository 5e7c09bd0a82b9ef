"""What a ballot accepts: options, definitions and a participant's choices."""

from __future__ import annotations

import pytest

from workbook.ballots.errors import BallotError
from workbook.ballots.model import (
    check_definition,
    make_options,
    points,
    read_choices,
    read_comment,
)


def definition(kind: str, n: int = 4, dots: int | None = None, stacking: bool = False) -> dict:
    options = [o.as_dict() for o in make_options([f"Option {i}" for i in range(1, n + 1)])]
    return {"kind": kind, "options": options, "dots_per_person": dots, "stacking": stacking}


def test_options_from_labels_or_dicts_get_stable_unique_ids():
    made = make_options(
        ["Housing stability", {"label": "Housing  stability!", "detail": "rent <b>"}, "Jobs"]
    )
    assert [o.id for o in made] == ["housing-stability", "housing-stability-2", "jobs"]
    assert made[1].label == "Housing stability!" and made[1].detail == "rent <b>"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["Only one"], "from 2 to 30"),
        (["Jobs", "jobs"], "listed twice"),
        (["Jobs", ""], "option 2 has no label"),
        ("Jobs, Housing", "list of option labels"),
        ([f"O{i}" for i in range(31)], "from 2 to 30"),
    ],
)
def test_bad_options_are_refused_with_the_fix(options, words):
    with pytest.raises(BallotError, match=words):
        make_options(options)


def test_definition_checks_name_the_field():
    with pytest.raises(BallotError, match="question is empty"):
        check_definition("  ", "single", None, False)
    with pytest.raises(BallotError, match="kind 'poll'"):
        check_definition("Q?", "poll", None, False)
    with pytest.raises(BallotError, match="dots_per_person"):
        check_definition("Q?", "dots", None, False)
    with pytest.raises(BallotError, match="only applies to kind='dots'"):
        check_definition("Q?", "single", 3, False)
    assert check_definition(" Which\nfirst? ", "dots", 3, 1) == ("Which first?", "dots", 3, True)
    assert check_definition("Q?", "ranking", None, True)[3] is False


def test_single_and_approval_choices():
    single = definition("single")
    assert read_choices(single, {"choice": ["option-2"]}) == {"choice": "option-2"}
    for bad in ({}, {"choice": ["nope"]}, {"choice": ["option-1", "option-2"]}):
        with pytest.raises(BallotError):
            read_choices(single, bad)
    approval = definition("approval")
    got = read_choices(approval, {"approve": ["option-3", "option-1", "option-3"]})
    assert got == {"approve": ["option-1", "option-3"]}  # ballot order, once each
    with pytest.raises(BallotError, match="at least one"):
        read_choices(approval, {})


def test_dots_with_and_without_stacking():
    stacked = definition("dots", dots=3, stacking=True)
    got = read_choices(stacked, {"dots-option-1": ["2"], "dots-option-4": ["1"]})
    assert got == {"dots": {"option-1": 2, "option-4": 1}}
    assert points(stacked, got) == {"option-1": 2, "option-4": 1}
    with pytest.raises(BallotError, match="placed 4 dots but have 3"):
        read_choices(stacked, {"dots-option-1": ["4"]})
    with pytest.raises(BallotError, match="whole number"):
        read_choices(stacked, {"dots-option-1": ["-1"]})
    with pytest.raises(BallotError, match="at least one dot"):
        read_choices(stacked, {"dots-option-1": ["0"]})
    single_dots = definition("dots", dots=2)
    got = read_choices(single_dots, {"dot": ["option-2", "option-3"]})
    assert got == {"dots": {"option-2": 1, "option-3": 1}}
    with pytest.raises(BallotError, match="placed 3 dots but have 2"):
        read_choices(single_dots, {"dot": ["option-1", "option-2", "option-3"]})


def test_ranking_is_counted_with_borda_points():
    ranking = definition("ranking", n=4)
    got = read_choices(ranking, {"rank-option-3": ["1"], "rank-option-1": ["3"]})
    assert got == {"ranking": ["option-3", "option-1"]}  # a gap keeps the order
    # 4 options: first place 4 points, second 3; unranked options nothing.
    assert points(ranking, got) == {"option-3": 4, "option-1": 3}
    with pytest.raises(BallotError, match="Rank 2 is given to more than one"):
        read_choices(ranking, {"rank-option-1": ["2"], "rank-option-2": ["2"]})
    with pytest.raises(BallotError, match="from 1 to 4"):
        read_choices(ranking, {"rank-option-1": ["5"]})
    with pytest.raises(BallotError, match="rank 1"):
        read_choices(ranking, {})


def test_comment_is_short_and_plain():
    assert read_comment({"comment": ["  More\n buses\x07 please "]}) == "More buses please"
    with pytest.raises(BallotError, match="under 300"):
        read_comment({"comment": ["x" * 301]})
