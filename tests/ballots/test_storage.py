"""Ballots in the plan file: definitions, one ballot per participant, closing, paper, restarts."""

from __future__ import annotations

import re
import threading

import pytest

from tests.ballots.conftest import PREDICTORS
from workbook.ballots import (
    BALLOTS_SECTION,
    BallotError,
    get_ballot,
    list_ballots,
    open_ballot,
    record_paper_counts,
    storage,
)
from workbook.plan.store import PlanStore

CONTRACT_KEYS = {
    "id", "step", "question", "kind", "options", "dots_per_person", "stacking",
    "hidden_until_closed", "status", "join_code", "opened_at", "closed_at",
}  # fmt: skip


def test_opening_saves_the_definition_in_the_ballots_section(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "dots", dots_per_person=3)
    saved = store.get(BALLOTS_SECTION).value
    assert len(saved) == 1 and CONTRACT_KEYS <= set(saved[0])
    assert saved[0]["status"] == "open" and saved[0]["closed_at"] is None
    assert [o["label"] for o in saved[0]["options"]] == PREDICTORS
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", ballot.join_code)
    other = open_ballot(store, 7, "Which vision?", ["One", "Two"], "single")
    assert other.join_code != ballot.join_code
    assert [b.id for b in list_ballots(store, step=5)] == [ballot.id]
    assert storage.by_code(store, ballot.join_code.lower())["id"] == ballot.id


def test_opening_refuses_bad_input_and_saves_nothing(store):
    with pytest.raises(BallotError, match="dots_per_person"):
        open_ballot(store, 5, "Which first?", PREDICTORS, "dots")
    with pytest.raises(BallotError, match="step"):
        open_ballot(store, 11, "Which first?", PREDICTORS, "single")
    assert store.get(BALLOTS_SECTION).version == 0


def test_sending_again_replaces_and_the_token_is_not_kept(store, tmp_path):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    token = "T" * 32
    assert storage.put_vote(store, ballot.id, token, {"choice": "health"}, "") is False
    assert storage.put_vote(store, ballot.id, token, {"choice": "access-to-good-jobs"}, "") is True
    assert ballot.received() == 1
    assert ballot.tally().counts["access-to-good-jobs"] == 1
    assert ballot.tally().counts["health"] == 0
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("plan.sqlite*"))
    assert token.encode() not in raw


def test_closing_stops_ballots_and_keeps_the_result(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    storage.put_vote(store, ballot.id, "a" * 32, {"choice": "health"}, "call Maria on 555-0101")
    tally = ballot.close()
    assert tally.counts["health"] == 1 and tally.voters == 1
    with pytest.raises(storage.Closed):
        storage.put_vote(store, ballot.id, "b" * 32, {"choice": "health"}, "")
    saved = store.get(BALLOTS_SECTION).value[0]
    assert saved["status"] == "closed" and saved["closed_at"]
    assert saved["result"]["counts"]["health"] == 1
    # Comments can name people: the public view of the plan leaves them out.
    public = store.get(BALLOTS_SECTION, public=True).value[0]
    assert "comments" not in public["result"] and public["result"]["voters"] == 1


def test_paper_counts_join_the_same_ballot(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "dots", dots_per_person=2)
    storage.put_vote(store, ballot.id, "a" * 32, {"dots": {"health": 2}}, "")
    tally = record_paper_counts(ballot.id, {"Health": 3, "access-to-good-jobs": 5}, 4)
    assert tally.counts["health"] == 5 and tally.counts["access-to-good-jobs"] == 5
    assert tally.voters == 5 and tally.paper_voters == 4
    # Typing them again replaces them.
    assert ballot.record_paper_counts({"Health": 1}, 1).counts["health"] == 3
    with pytest.raises(BallotError, match="'Parks' is not an option"):
        ballot.record_paper_counts({"Parks": 1}, 1)
    with pytest.raises(BallotError, match="add up to 9"):
        ballot.record_paper_counts({"Health": 5, "Housing stability": 4}, 4)
    with pytest.raises(BallotError, match="voters"):
        ballot.record_paper_counts({"Health": 1}, -1)
    assert ballot.tally().counts["health"] == 3  # the refused counts changed nothing


def test_a_restarted_process_carries_on_with_the_open_ballot(tmp_path):
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path) as first:
        ballot = open_ballot(first, 5, "Which first?", PREDICTORS, "approval")
        storage.put_vote(first, ballot.id, "a" * 32, {"approve": ["health"]}, "")
    with PlanStore.open(path) as again:
        found = get_ballot(again, ballot.id)
        assert found.is_open and found.received() == 1
        storage.put_vote(again, ballot.id, "b" * 32, {"approve": ["health", "health"]}, "")
        assert found.tally().counts["health"] == 2
    with PlanStore.open(path, read_only=True) as view:
        assert get_ballot(view, ballot.id).tally().voters == 2


def test_a_plan_without_ballot_tables_reads_as_no_ballots(tmp_path):
    with PlanStore.open(tmp_path / "plan.sqlite") as store:
        store.save("step1.checklist", {"done": True}, 0)
    with PlanStore.open(tmp_path / "plan.sqlite", read_only=True) as view:
        assert storage.received(view, "ballot-x") == (0, "")
        assert storage.votes(view, "ballot-x") == []
        assert storage.server(view) is None


@pytest.mark.parametrize("shared", [False, True], ids=["own-connections", "one-store"])
def test_a_hundred_ballots_at_once_lose_nothing(tmp_path, shared):
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path) as store:
        ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    participants = 100
    start = threading.Barrier(participants)
    failures: list[BaseException] = []
    common = PlanStore.open(path) if shared else None

    def vote(number: int) -> None:
        mine = common or PlanStore.open(path)
        try:
            start.wait()
            choice = PREDICTORS[number % len(PREDICTORS)].lower().replace(" ", "-")
            storage.put_vote(mine, ballot.id, f"{number:032d}", {"choice": choice}, "")
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            if common is None:
                mine.close()

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(participants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if common is not None:
        common.close()
    assert failures == []
    with PlanStore.open(path) as store:
        tally = get_ballot(store, ballot.id).close()
    assert tally.voters == participants
    assert sum(tally.counts.values()) == participants
    assert set(tally.counts.values()) == {25}


def test_ballots_sent_together_are_saved_together_and_closed_ones_refused(store):
    open_one = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    closed = open_ballot(store, 5, "Which second?", PREDICTORS, "single")
    closed.close()
    results = storage.put_votes(
        store,
        [
            (open_one.id, "a" * 32, {"choice": "health"}, ""),
            (closed.id, "b" * 32, {"choice": "health"}, ""),
            (open_one.id, "a" * 32, {"choice": "housing-stability"}, ""),
            (open_one.id, "c" * 32, {"choice": "health"}, ""),
        ],
    )
    assert results[0] is False and results[2] is True and results[3] is False
    assert isinstance(results[1], storage.Closed)
    assert open_one.tally().counts["health"] == 1 and open_one.received() == 2
    assert closed.tally().voters == 0


def test_the_result_travels_with_a_json_export(store, tmp_path):
    from workbook.plan.store import import_plan

    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    storage.put_vote(store, ballot.id, "a" * 32, {"choice": "health"}, "")
    ballot.close()
    # Paper counts typed after closing: the kept result follows them.
    assert ballot.record_paper_counts({"Health": 2}, 2).voters == 3
    assert store.get(BALLOTS_SECTION).value[0]["result"]["voters"] == 3
    exported = store.export_plan(tmp_path / "plan.json")
    rebuilt = import_plan(exported, tmp_path / "rebuilt.sqlite")
    with PlanStore.open(rebuilt) as copy:
        tally = get_ballot(copy, ballot.id).tally()
    assert tally.voters == 3 and tally.counts["health"] == 3
    assert tally.as_vote_record()["counts"]["Health"] == 3
