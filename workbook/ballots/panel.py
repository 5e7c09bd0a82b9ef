"""The facilitator's view of a ballot in a step notebook.

While the ballot is open: the question, the join link, the short join code and a QR
code for the room, and how many ballots have come in (refreshed by a button and, in a
live notebook, every few seconds). The choices stay out of sight while a hidden ballot
is open. *Close ballot* (clicked twice, so a slip does not end the vote) stops it and
shows the result: a chart with ties marked, the counts, and the participants' comments.

In view mode (dashboards) the view shows the question, the status and, once closed,
the result; nothing in it changes the plan.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pandas as pd

from workbook.ballots.api import Ballot
from workbook.ballots.errors import BallotError
from workbook.ballots.model import BORDA_NOTE, KIND_NAMES, instructions
from workbook.ballots.storage import server
from workbook.ballots.tally import Tally
from workbook.display.html import escape
from workbook.display.live import WithFallback, batch_mode, output_records, static_html
from workbook.display.theme import ERROR, PANEL_BACKGROUND, SUCCESS, TEXT, TEXT_MUTED, WHITE
from workbook.display.vote_charts import vote_chart

REFRESH_SECONDS = 5.0
# The panel each ballot last showed: running a cell again replaces it, and the old
# panel's timer stops, so re-run cells do not pile up timers reading the plan.
_showing: dict[str, BallotPanel] = {}


def server_url(ballot: Ballot) -> str | None:
    """The running participant server's address, if one serves this plan now."""
    noted = server(ballot.store)
    if noted is None:
        return None
    url, pid = noted
    import psutil

    return url if psutil.pid_exists(pid) else None


def qr_svg(link: str) -> str:
    """The join link as a QR code, inline SVG in the theme's colours."""
    import segno

    return segno.make(link, error="m").svg_inline(
        scale=5, dark=TEXT, light=WHITE, title="QR code of the join link"
    )


def join_html(ballot: Ballot, base_url: str | None, plan_path: str) -> str:
    """The link, the code and the QR code; or how to start the server."""
    big = "font-size:2em;font-weight:700;letter-spacing:0.15em"
    code = f'<span style="{big}">{escape(ballot.join_code)}</span>'
    if not base_url:
        return (
            f"<p>Join code {code}</p>"
            f'<p style="color:{ERROR}">The participant server is not running for this plan. '
            "Start it in a terminal, then press Refresh:<br>"
            f"<code>workbook workshop --plan-path {escape(plan_path)} --ip 0.0.0.0</code></p>"
        )
    link = f"{base_url.rstrip('/')}{ballot.join_path}"
    return (
        '<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:center">'
        f"<div>{qr_svg(link)}</div>"
        f'<div><p>Open <a href="{escape(link)}" target="_blank" rel="noopener">'
        f"{escape(link)}</a><br>or go to {escape(base_url)} and type the code</p>"
        f"<p>{code}</p></div></div>"
    )


def count_html(ballot: Ballot) -> str:
    received = ballot.received()
    word = "ballot" if received == 1 else "ballots"
    state = "open" if ballot.is_open else "closed"
    return (
        f'<p style="font-size:1.3em"><b>{received}</b> {word} received from phones '
        f'<span style="color:{TEXT_MUTED}">(the ballot is {state})</span></p>'
    )


def tally_rows(tally: Tally) -> pd.DataFrame:
    return pd.DataFrame(
        [{"label": r["label"], "points": r["points"], "tied": r["tied"]} for r in tally.ranked()]
    )


def result_html(tally: Tally) -> str:
    """The counts as a table, the ties in words, and the comments, escaped."""
    d = tally.definition
    rows = "".join(
        f"<tr><td>{r['place']}</td><td>{escape(r['label'])}</td>"
        f'<td style="text-align:right">{r["points"]}</td>'
        f"<td>{'tied' if r['tied'] else ''}</td></tr>"
        for r in tally.ranked()
    )
    labels = tally.labels
    ties = ""
    if tally.tied_first:
        names = " and ".join(escape(labels[k]) for k in tally.leaders)
        ties = (
            f'<p style="color:{ERROR}"><b>Tied for first place:</b> {names}. The coalition '
            "decides how to break the tie (another round, or the rule it agreed).</p>"
        )
    elif tally.ties:
        groups = "; ".join(" and ".join(escape(labels[k]) for k in g) for g in tally.ties)
        ties = f"<p><b>Tied:</b> {groups}.</p>"
    paper = f", {tally.paper_voters} of them on paper" if tally.paper_voters else ""
    note = ""
    if d["kind"] == "ranking":
        note = f"<p style='color:{TEXT_MUTED}'>{escape(BORDA_NOTE)}</p>"
    comments = ""
    if tally.comments:
        items = "".join(f"<li>{escape(c)}</li>" for c in tally.comments)
        comments = f"<p><b>Comments</b> (anonymous)</p><ul>{items}</ul>"
    return (
        f"<p><b>{tally.voters}</b> {'person' if tally.voters == 1 else 'people'} voted{paper}.</p>"
        f"{ties}{note}"
        '<table style="border-collapse:collapse"><thead><tr><th>Place</th><th>Option</th>'
        f"<th>Points</th><th></th></tr></thead><tbody>{rows}</tbody></table>{comments}"
    )


def result_chart(tally: Tally):
    d = tally.definition
    return vote_chart(
        tally_rows(tally),
        d["question"],
        f"Points per option from {tally.voters} voters ({KIND_NAMES[d['kind']]}); options "
        "sharing their points are marked as tied.",
    )


class BallotPanel:
    """The widgets of :func:`ballot_panel`; ``refresh`` and ``close`` are what the buttons do."""

    def __init__(
        self,
        session: Any,
        ballot: Ballot,
        base_url: str | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        import ipywidgets as widgets

        self.ballot = ballot
        self.base_url = base_url
        self.refresh_seconds = refresh_seconds
        self.read_only = bool(getattr(session, "read_only", False)) or ballot.store.read_only
        self.batch = batch_mode()
        self.tally: Tally | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._confirming = False
        d = ballot.definition
        self.heading = widgets.HTML(
            f"<h3 style='margin:4px 0'>{escape(d['question'])}</h3>"
            f"<p style='color:{TEXT_MUTED}'>{escape(KIND_NAMES[d['kind']].capitalize())}: "
            f"{escape(instructions(d))}</p>"
        )
        self.join = widgets.HTML()
        self.count = widgets.HTML()
        self.message = widgets.HTML()
        self.result = widgets.HTML()
        self.chart = widgets.Output()
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.close_button = widgets.Button(description="Close ballot", button_style="warning")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.close_button.on_click(lambda _: self.close())
        self.buttons = widgets.HBox([self.refresh_button, self.close_button])
        self.paper = self._paper_form(widgets)
        parts = [self.heading, self.join, self.count, self.buttons, self.message]
        self.box = widgets.VBox([*parts, self.result, self.chart, self.paper])
        self.refresh()
        earlier = _showing.get(ballot.id)
        if earlier is not None:
            earlier._cancel()
        _showing[ballot.id] = self
        self._schedule()

    # -- what the buttons do --

    def refresh(self) -> None:
        """Read the ballot again and redraw: count, link, and the result once closed."""
        self.ballot.refresh()
        show_join = self.ballot.is_open and not self.read_only
        url = self.base_url or server_url(self.ballot)
        self.join.value = (
            join_html(self.ballot, url, str(self.ballot.store.path)) if show_join else ""
        )
        self.count.value = count_html(self.ballot)
        self.buttons.layout.display = "none" if self.read_only or not self.ballot.is_open else ""
        if not self.ballot.is_open or not self.ballot.definition.get("hidden_until_closed", True):
            self.show_result(self.ballot.tally())

    def close(self) -> Tally | None:
        """First click asks to confirm; the second closes the ballot and shows the result."""
        if not self._confirming:
            self._confirming = True
            self.close_button.description = "Click again to close"
            self.message.value = (
                f'<p style="color:{TEXT}">Closing stops the ballot: the join code stops '
                "working and no more ballots are taken. Click again to close.</p>"
            )
            return None
        self._confirming = False
        try:
            tally = self.ballot.close()
        except BallotError as problem:
            self.message.value = f'<p style="color:{ERROR}">{escape(problem)}</p>'
            return None
        self._cancel()
        self.message.value = (
            f'<p style="color:{SUCCESS}">Closed. The result below is kept in the plan with '
            "the ballot.</p>"
        )
        self.refresh()
        return tally

    def _paper_form(self, widgets: Any) -> Any:
        """Counts from a paper wall chart, typed into the same ballot."""
        self.paper_counts = {
            o["id"]: widgets.BoundedIntText(
                value=0, min=0, max=100_000, description=o["label"][:40],
                style={"description_width": "initial"},
            )
            for o in self.ballot.options
        }  # fmt: skip
        self.paper_voters = widgets.BoundedIntText(
            value=0, min=0, max=100_000, description="People who voted on paper",
            style={"description_width": "initial"},
        )  # fmt: skip
        self.paper_button = widgets.Button(description="Add paper counts")
        self.paper_button.on_click(lambda _: self.add_paper())
        self.paper_message = widgets.HTML()
        unit = "points" if self.ballot.kind == "ranking" else "votes"
        form = widgets.VBox(
            [
                widgets.HTML(
                    f"<p>Type the {unit} counted on paper for each option. Saving again "
                    "replaces the paper counts; they are added to the phones' ballots.</p>"
                ),
                *self.paper_counts.values(),
                self.paper_voters,
                self.paper_button,
                self.paper_message,
            ]
        )
        box = widgets.Accordion(children=[form], titles=("Paper counts",))
        box.selected_index = None
        if self.read_only:
            box.layout.display = "none"
        return box

    def add_paper(self) -> Tally | None:
        """Save the paper counts typed in the form (what its button does)."""
        counts = {k: w.value for k, w in self.paper_counts.items()}
        try:
            tally = self.ballot.record_paper_counts(counts, self.paper_voters.value)
        except BallotError as problem:
            self.paper_message.value = f'<p style="color:{ERROR}">{escape(problem)}</p>'
            return None
        self.paper_message.value = (
            f'<p style="color:{SUCCESS}">Paper counts saved: {tally.paper_voters} people '
            "on paper.</p>"
        )
        self.refresh()
        return tally

    def show_result(self, tally: Tally) -> None:
        self.tally = tally
        self.result.value = (
            f'<div style="background:{PANEL_BACKGROUND};padding:8px">{result_html(tally)}</div>'
        )
        self.chart.outputs = tuple(output_records(result_chart(tally)))

    # -- the timer --

    def _schedule(self) -> None:
        if self.read_only or self.batch or not self.refresh_seconds or not self.ballot.is_open:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in a live kernel: the Refresh button does it
        self._timer = loop.call_later(self.refresh_seconds, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if _showing.get(self.ballot.id) is not self:
            return  # a newer panel shows this ballot
        with contextlib.suppress(Exception):  # a busy plan must not stop the count
            self.ballot.refresh()
            self.count.value = count_html(self.ballot)
            if not self.ballot.is_open:
                self.refresh()
        self._schedule()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # -- display --

    def static_html(self) -> str:
        parts = [self.heading.value, self.join.value, self.count.value, self.result.value]
        if self.tally is not None:
            parts.append(static_html(result_chart(self.tally)))
        return "".join(parts)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if self.batch:
            display(HTML("".join([self.heading.value, self.count.value, self.result.value])))
            if self.tally is not None:
                display(result_chart(self.tally))
            return
        display(WithFallback(self.box, self.static_html()))


def ballot_panel(
    session: Any,
    ballot: Ballot,
    base_url: str | None = None,
    refresh_seconds: float = REFRESH_SECONDS,
) -> BallotPanel:
    """The facilitator's view of ``ballot``: join link, code, QR code, live count, Close.

    ``base_url`` is the address participants use (default: the one the running
    ``workbook workshop`` server noted in the plan).
    """
    return BallotPanel(session, ballot, base_url, refresh_seconds)
