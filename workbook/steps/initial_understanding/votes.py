"""Choosing first priorities: the votes Step 5 receives, their tally, and the decision.

A vote is received, not owned: dots counted off a paper wall chart and typed in, a CSV
of counts, or (later) a closed live ballot, all arrive through :func:`receive_vote`,
which checks the record and adds it to ``step5.votes``. The decision (the chosen
predictors, why, who decided and when) is a form saved in ``step5.priorities``, with
the tie rule the tally used.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import ipywidgets as widgets

from workbook.analysis.votes import complete_counts, read_counts_csv, vote_problems
from workbook.data.catalog import Framework
from workbook.display.html import escape
from workbook.display.live import WithFallback
from workbook.display.theme import ERROR, SUCCESS
from workbook.errors import WorkbookError
from workbook.forms import Date, Field, Form, LongText, MultipleChoice, RecordError, ShortText
from workbook.plan.store import ConflictError, PlanStore
from workbook.steps import registry

STEP = registry.step(5)
VOTES_SECTION = STEP.section("votes")
PRIORITIES_SECTION = STEP.section("priorities")
MAX_PRIORITIES = 5
MAX_CSV_BYTES = 1_000_000
DEFAULT_QUESTION = "Which predictors should the coalition look at first?"
VOTE_TEMPLATE = "step5_dot_vote.csv"  # in data/templates: every predictor, 0 points
TIE_RULE = (
    "Options with equal points are ordered by how many coalition partners already work in "
    "their pillar (more first), then by how many of their metrics are worse than the "
    "national median (more first), then alphabetically."
)


# --- receiving a vote -------------------------------------------------------------------


def paper_vote(
    counts: Mapping[str, Any],
    voters: Any,
    dots_per_person: Any,
    stacking: bool = False,
    question: str = DEFAULT_QUESTION,
    options: Sequence[str] | None = None,
    recorded_on: str | None = None,
    source: str = "paper",
) -> dict[str, Any]:
    """A dot vote's record from counts typed off a wall chart (not yet checked or saved)."""
    chosen = list(options) if options is not None else list(counts)
    return {
        "question": question, "kind": "dots", "options": chosen,
        "dots_per_person": dots_per_person, "stacking": stacking, "source": source,
        "ballot_id": None, "voters": voters, "counts": dict(counts),
        "recorded_on": recorded_on or date.today().isoformat(),
    }  # fmt: skip


def csv_vote(
    content: str | bytes,
    voters: Any,
    dots_per_person: Any,
    stacking: bool = False,
    question: str = DEFAULT_QUESTION,
    options: Sequence[str] | None = None,
    recorded_on: str | None = None,
) -> dict[str, Any]:
    """A dot vote's record from a CSV of ``option,points`` rows.

    Problems in the file raise a RecordError on the field ``file``, each naming its row;
    the options are the file's rows (each must be one of ``options`` when given).
    """
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        if len(data) > MAX_CSV_BYTES:
            problem = (f"The file is {len(data):,} bytes; a vote's counts fit in "
                       f"{MAX_CSV_BYTES:,}. Is it the right file?")  # fmt: skip
            raise RecordError(VOTES_SECTION, {"file": problem})
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    else:
        text = str(content)
    counts, problems = read_counts_csv(text, options)
    if problems:
        raise RecordError(VOTES_SECTION, {"file": "; ".join(problems)})
    record = paper_vote(counts, voters, dots_per_person, stacking, question, list(counts),
                        recorded_on, source="csv")  # fmt: skip
    return record


def saved_votes(store: PlanStore) -> list[dict[str, Any]]:
    value = store.get(VOTES_SECTION, public=True).value
    return [v for v in value or [] if isinstance(v, dict)]


def latest_vote(votes: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The most recent vote (by date, then the order received), or None."""
    if not votes:
        return None
    ordered = sorted(enumerate(votes), key=lambda p: (str(p[1].get("recorded_on") or ""), p[0]))
    return ordered[-1][1]


def receive_vote(store: PlanStore, record: Mapping[str, Any]) -> dict[str, Any]:
    """Check a vote record (the ``step5.votes`` entry shape) and add it to the plan.

    Whatever took the vote (typed counts, a CSV, a closed live ballot) calls this. A bad
    record raises a RecordError naming each field to fix; nothing saved is touched.
    Options without points get 0. Returns the record as saved (with its id).
    """
    if not isinstance(record, Mapping):
        raise RecordError(VOTES_SECTION, {"vote": "Give the vote as a record of fields."})
    vote = dict(record)
    vote.setdefault("ballot_id", None)
    vote.setdefault("dots_per_person", None)
    vote.setdefault("stacking", False)
    vote["id"] = str(vote.get("id") or uuid.uuid4().hex[:12])
    errors = vote_problems(vote)
    if errors:
        raise RecordError(VOTES_SECTION, errors)
    vote["question"] = str(vote["question"]).strip()
    vote["counts"] = complete_counts(vote["options"], vote["counts"])
    for attempt in range(2):
        current = store.get(VOTES_SECTION)
        votes = list(current.value or [])
        if any(isinstance(v, dict) and v.get("id") == vote["id"] for v in votes):
            raise RecordError(VOTES_SECTION, {"id": f"A vote with the id '{vote['id']}' is "
                              "already in the plan: it was received before."})  # fmt: skip
        try:
            store.save(VOTES_SECTION, [*votes, vote], current.version)
            return vote
        except ConflictError:
            if attempt:  # someone saved twice in between: let the caller say so
                raise
    raise AssertionError("unreachable")


class VoteEntry:
    """Where the facilitator types the dots off the wall chart, or imports a CSV of counts."""

    def __init__(self, store: PlanStore, options: Sequence[str], on_saved=None) -> None:
        self.store = store
        self.options = list(options)
        self.on_saved = on_saved
        self.question = widgets.Text(value=DEFAULT_QUESTION, description="Question:",
                                     layout=widgets.Layout(width="70%"))  # fmt: skip
        self.dots = widgets.IntText(value=3, description="Dots each:")
        self.stacking = widgets.Checkbox(
            value=False, description="A person could put several dots on one option", indent=False
        )
        self.voters = widgets.IntText(value=0, description="Voters:")
        self.day = widgets.DatePicker(value=date.today(), description="Date:")
        self.counts = {o: widgets.IntText(value=0, layout=widgets.Layout(width="6em"))
                       for o in self.options}  # fmt: skip
        self.record_button = widgets.Button(description="Record the vote", button_style="primary")
        self.record_button.on_click(lambda _: self.record_typed())
        self.upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False)
        self.import_button = widgets.Button(description="Import counts from the CSV")
        self.import_button.on_click(lambda _: self.record_upload())
        self.message = widgets.HTML()

    def _settings(self) -> dict[str, Any]:
        return {
            "voters": self.voters.value, "dots_per_person": self.dots.value,
            "stacking": self.stacking.value, "question": self.question.value,
            "recorded_on": self.day.value.isoformat() if self.day.value else "",
        }  # fmt: skip

    def _receive(self, build) -> dict | None:
        try:
            vote = receive_vote(self.store, build())
        except RecordError as exc:
            items = "".join(
                f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in exc.errors.items()
            )
            self.message.value = (f'<div style="color:{ERROR}">Not recorded; nothing saved '
                                  f"was changed. Fix:</div><ul>{items}</ul>")  # fmt: skip
            return None
        except WorkbookError as exc:
            self.message.value = f'<span style="color:{ERROR}">Not recorded: {escape(exc)}</span>'
            return None
        total = sum(vote["counts"].values())
        self.message.value = (f'<span style="color:{SUCCESS}">Recorded: {total} points from '
                              f"{vote['voters']} voters.</span>")  # fmt: skip
        if self.on_saved:
            self.on_saved()
        return vote

    def record_typed(self) -> dict | None:
        counts = {o: box.value for o, box in self.counts.items()}
        return self._receive(lambda: paper_vote(counts, options=self.options, **self._settings()))

    def record_upload(self) -> dict | None:
        if not self.upload.value:
            self.message.value = f'<span style="color:{ERROR}">Choose a CSV file first.</span>'
            return None
        content = self.upload.value[0]["content"]
        return self._receive(lambda: csv_vote(content, options=self.options, **self._settings()))

    def widget(self) -> WithFallback:
        grid = widgets.GridBox(
            [widgets.HBox([box, widgets.Label(o)]) for o, box in self.counts.items()],
            layout=widgets.Layout(grid_template_columns="repeat(2, 1fr)"),
        )
        panel = widgets.VBox([
            self.question, widgets.HBox([self.voters, self.dots, self.day]), self.stacking,
            widgets.HTML("<b>Points per option, as counted on the wall chart</b>"), grid,
            self.record_button,
            widgets.HTML("<b>Or import the counts</b>: a CSV file with the columns "
                         "<code>option,points</code>, one row per option (a template with "
                         f"every predictor: data/templates/{VOTE_TEMPLATE}); the settings "
                         "above apply to it too."),
            widgets.HBox([self.upload, self.import_button]), self.message,
        ])  # fmt: skip
        return WithFallback(panel, "")  # a page for readers shows the tally, not the form


# --- a live ballot from the room's phones -------------------------------------------------


def receive_ballot(store: PlanStore, ballot_id: str) -> dict[str, Any]:
    """Take a closed live ballot's result in as a vote (see :func:`receive_vote`).

    An open ballot is refused (close it first); a ballot taken in before is refused by
    its vote's id, so a result is never counted twice.
    """
    from workbook.ballots import BallotError, get_ballot

    try:
        ballot = get_ballot(store, ballot_id).refresh()
    except BallotError as exc:
        raise RecordError(VOTES_SECTION, {"ballot_id": str(exc)}) from None
    if ballot.is_open:
        raise RecordError(VOTES_SECTION, {"ballot_id": f"the ballot '{ballot.question}' is "
                          "still open: close it first, then take its result in"})  # fmt: skip
    return receive_vote(store, ballot.tally().as_vote_record())


class LiveBallot:
    """Open a dot ballot of the predictors on the room's phones, then take its result in."""

    def __init__(self, session: Any, options: Sequence[str], on_saved=None) -> None:
        self.session = session
        self.store: PlanStore = session.plan
        self.options = list(options)
        self.on_saved = on_saved
        self.ballot: Any = None
        self.question = widgets.Text(value=DEFAULT_QUESTION, description="Question:",
                                     layout=widgets.Layout(width="70%"))  # fmt: skip
        self.dots = widgets.IntText(value=3, description="Dots each:")
        self.stacking = widgets.Checkbox(
            value=False, description="Several dots on one option allowed", indent=False
        )
        self.open_button = widgets.Button(description="Open a live ballot", icon="mobile")
        self.open_button.on_click(lambda _: self.open())
        self.take_button = widgets.Button(description="Take the closed ballot's result in")
        self.take_button.on_click(lambda _: self.take())
        self.panel = widgets.VBox()
        self.message = widgets.HTML()

    def open(self) -> Any:
        from workbook.ballots import BallotError, ballot_panel, open_ballot

        try:
            self.ballot = open_ballot(
                self.store, STEP.number, self.question.value, self.options, "dots",
                dots_per_person=self.dots.value, stacking=self.stacking.value,
            )  # fmt: skip
        except BallotError as exc:
            self.message.value = f'<span style="color:{ERROR}">Not opened: {escape(exc)}</span>'
            return None
        self.panel.children = (ballot_panel(self.session, self.ballot).box,)
        self.message.value = ""
        return self.ballot

    def take(self) -> dict | None:
        if self.ballot is None:
            self.message.value = f'<span style="color:{ERROR}">Open a ballot first.</span>'
            return None
        try:
            vote = receive_ballot(self.store, self.ballot.id)
        except RecordError as exc:
            problems = "; ".join(exc.errors.values())
            self.message.value = (
                f'<span style="color:{ERROR}">Not taken in: {escape(problems)}</span>'
            )
            return None
        self.message.value = (f'<span style="color:{SUCCESS}">Taken in: {vote["voters"]} voters, '
                              f"{sum(vote['counts'].values())} points.</span>")  # fmt: skip
        if self.on_saved:
            self.on_saved()
        return vote

    def widget(self) -> WithFallback:
        panel = widgets.VBox([
            self.question, widgets.HBox([self.dots, self.stacking]),
            widgets.HBox([self.open_button, self.take_button]), self.message, self.panel,
        ])  # fmt: skip
        return WithFallback(panel, "")  # a page for readers shows the tally, not the ballot


# --- the decision -------------------------------------------------------------------------


def decision_fields(framework: Framework) -> list[Field]:
    options = [(f"{q['name']} ({p['name']})", q["name"])
               for p in framework.pillars for q in p["predictors"]]  # fmt: skip
    return [
        MultipleChoice(
            "predictors", label="Priority predictors", required=True, options=options,
            max_choices=MAX_PRIORITIES,
            help=f"Between 1 and {MAX_PRIORITIES}: where the coalition looks first.",
        ),
        LongText("rationale", label="Why these", required=True, max_length=3000, rows=4),
        ShortText("decided_by", label="Who decided", required=True, max_length=200,
                  help="The body or meeting, e.g. 'Coalition meeting of 14 March, by consent'."),
        Date("decided_on", label="Date of the decision", required=True),
    ]  # fmt: skip


class DecisionForm(Form):
    """The decision, saved with the tie rule and the vote behind it (the latest one)."""

    def _document(self) -> dict[str, Any]:
        latest = latest_vote(saved_votes(self.store))
        return {
            **super()._document(),
            "vote_id": latest["id"] if latest else None,
            "tie_rule": TIE_RULE,
        }


def decision_form(store: PlanStore, framework: Framework, read_only: bool | None = None):
    return DecisionForm(
        decision_fields(framework), store, PRIORITIES_SECTION, title="First priorities",
        intro="The predictors the coalition will look at first, why, who decided and when. "
        "The decision is linked to the latest vote recorded above.",
        read_only=read_only,
    )  # fmt: skip


def record_decision(
    store: PlanStore, framework: Framework, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Save the decision from ``values`` as the form would; a RecordError names bad fields."""
    form = decision_form(store, framework)
    for name, value in values.items():
        form.set_value(name, value)
    errors = form.validate()
    if errors:
        raise RecordError(PRIORITIES_SECTION, errors)
    if not form.save():
        raise RecordError(PRIORITIES_SECTION, {"decision": form.status_text})
    return form.record.value
