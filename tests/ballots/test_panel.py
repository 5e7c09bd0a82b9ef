"""The facilitator's view: join code and QR code, a count but never the choices while
hidden, Close (twice) showing the result with ties marked, and nothing to click in view mode."""

from __future__ import annotations

import os
from types import SimpleNamespace

from tests.ballots.conftest import PREDICTORS
from workbook.ballots import ballot_panel, open_ballot, storage
from workbook.plan.store import PlanStore


def vote(ballot, number: int, choice: str, comment: str = "") -> None:
    storage.put_vote(ballot.store, ballot.id, f"{number:032d}", {"choice": choice}, comment)


def test_open_hidden_ballot_shows_code_qr_and_count_but_no_choices(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    vote(ballot, 1, "health")
    panel = ballot_panel(None, ballot, base_url="http://192.168.1.20:8870")
    assert ballot.join_code in panel.join.value
    assert f"http://192.168.1.20:8870/b/{ballot.join_code}" in panel.join.value
    assert "<svg" in panel.join.value and "QR code" in panel.join.value
    assert "<b>1</b> ballot received" in panel.count.value
    assert panel.result.value == "" and panel.chart.outputs == ()
    everything = panel.static_html()
    assert "Health" not in everything  # no option, let alone its count, while hidden


def test_the_link_comes_from_the_running_server_or_says_how_to_start_it(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    panel = ballot_panel(None, ballot)
    assert "workbook workshop --plan-path" in panel.join.value
    storage.note_server(store, "http://10.0.0.5:8870", os.getpid())
    panel.refresh()
    assert f"http://10.0.0.5:8870/b/{ballot.join_code}" in panel.join.value


def test_close_asks_once_then_shows_the_result_with_ties(store):
    from workbook.display import render

    render.setup()  # as a notebook's start() does
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    vote(ballot, 1, "health", "<img src=x onerror=alert(1)>")
    vote(ballot, 2, "housing-stability")
    panel = ballot_panel(None, ballot)
    assert panel.close() is None and ballot.refresh().is_open  # the first click only asks
    tally = panel.close()
    assert not ballot.is_open and tally.tied_first
    assert "Tied for first place" in panel.result.value
    assert "Housing stability" in panel.result.value and "Health" in panel.result.value
    assert "<img" not in panel.result.value and "&lt;img" in panel.result.value
    assert len(panel.chart.outputs) == 1
    spec = panel.chart.outputs[0]["data"]["application/vnd.vegalite.v5+json"]
    assert "Tied" in str(spec) and panel.buttons.layout.display == "none"
    assert ballot.join_code not in panel.join.value  # the code is no longer offered


def test_a_visible_ballot_shows_its_count_while_open(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single", hidden_until_closed=False)
    vote(ballot, 1, "health")
    panel = ballot_panel(None, ballot)
    assert "Health" in panel.result.value and ballot.is_open


def test_view_mode_offers_nothing_that_writes(store, tmp_path):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    with PlanStore.open(store.path, read_only=True) as view:
        from workbook.ballots import get_ballot

        panel = ballot_panel(SimpleNamespace(read_only=True), get_ballot(view, ballot.id))
        assert panel.buttons.layout.display == "none"
        assert ballot.join_code not in panel.join.value


def test_paper_counts_typed_in_the_panel_join_the_result(store):
    ballot = open_ballot(store, 5, "Which first?", PREDICTORS, "single")
    vote(ballot, 1, "health")
    panel = ballot_panel(None, ballot)
    panel.paper_counts["health"].value = 9
    panel.paper_voters.value = 4
    assert panel.add_paper() is None and "more than 4 paper voters" in panel.paper_message.value
    assert ballot.tally().counts["health"] == 1  # refused: nothing saved
    panel.paper_counts["health"].value = 3
    panel.paper_counts["housing-stability"].value = 1
    tally = panel.add_paper()
    assert tally.counts["health"] == 4 and tally.voters == 5
    assert panel.result.value == ""  # still hidden while open
    panel.close()
    assert panel.close().counts == {
        "housing-stability": 1, "access-to-good-jobs": 0, "safe-neighbourhoods": 0, "health": 4,
    }  # fmt: skip
