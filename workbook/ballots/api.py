"""Opening, reading and closing ballots from a step notebook."""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable, Iterable, Mapping

from workbook.ballots import storage
from workbook.ballots.errors import BallotError
from workbook.ballots.model import (
    KIND_NAMES,
    check_definition,
    make_options,
)
from workbook.ballots.storage import BALLOTS_SECTION
from workbook.ballots.tally import Tally, count
from workbook.plan.errors import ConflictError
from workbook.plan.store import PlanStore

# Join codes: no 0/O, 1/I/L, so a code read aloud or from a screen is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
# Comments can name people: views and public exports of the plan leave them out.
PRIVATE = ["result.comments"]
SAVE_TRIES = 5

_opened: weakref.WeakValueDictionary[str, Ballot] = weakref.WeakValueDictionary()


def _store(session_or_store: object) -> PlanStore:
    if isinstance(session_or_store, PlanStore):
        return session_or_store
    plan = getattr(session_or_store, "plan", None)
    if isinstance(plan, PlanStore):
        return plan
    raise BallotError(
        f"{session_or_store!r} is neither a step session nor a plan: pass the session "
        "from start(...) or a PlanStore"
    )


def _update(store: PlanStore, change: Callable[[list[dict]], None]) -> list[dict]:
    """Apply ``change`` to the ballots section and save it, again if someone saved between."""
    for _ in range(SAVE_TRIES):
        record = store.get(BALLOTS_SECTION)
        value = [dict(b) for b in (record.value or [])]
        change(value)
        try:
            store.save(BALLOTS_SECTION, value, record.version, private=PRIVATE)
            return value
        except ConflictError as exc:
            # Another notebook changed another ballot meanwhile: settle and apply again.
            store.resolve_conflict(exc.conflict_id, keep="saved")
    raise BallotError(
        "the ballots could not be saved: other notebooks kept changing them. Try again"
    )


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


class Ballot:
    """One ballot of the plan: its definition, the ballots received, closing it."""

    def __init__(self, store: PlanStore, definition: dict) -> None:
        self.store = store
        self.definition = definition
        _opened[self.id] = self

    def __repr__(self) -> str:
        return f"Ballot({self.id!r}, {self.question!r}, {self.status})"

    @property
    def id(self) -> str:
        return self.definition["id"]

    @property
    def question(self) -> str:
        return self.definition["question"]

    @property
    def kind(self) -> str:
        return self.definition["kind"]

    @property
    def options(self) -> list[dict]:
        return self.definition["options"]

    @property
    def join_code(self) -> str:
        return self.definition["join_code"]

    @property
    def status(self) -> str:
        return self.definition["status"]

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def join_path(self) -> str:
        return f"/b/{self.join_code}"

    def refresh(self) -> Ballot:
        """Read the definition again (another notebook may have closed it)."""
        for ballot in storage.read_definitions(self.store):
            if ballot.get("id") == self.id:
                self.definition = ballot
        return self

    def received(self) -> int:
        """How many participants have sent a ballot from a phone so far."""
        return storage.received(self.store, self.id)[0]

    def last_received(self) -> str:
        return storage.received(self.store, self.id)[1]

    def tally(self) -> Tally:
        """The count as it stands: phones and paper counts together.

        A closed ballot whose individual ballots are not in this file (a plan rebuilt
        from a JSON export carries sections only) gives the result kept at closing.
        """
        stored = storage.votes(self.store, self.id)
        paper, paper_voters = storage.paper(self.store, self.id)
        kept = self.definition.get("result")
        if not stored and not paper_voters and kept and kept.get("voters"):
            return Tally(
                definition=dict(self.definition),
                counts={o["id"]: int(kept["counts"].get(o["id"], 0)) for o in self.options},
                voters=int(kept["voters"]),
                phone_voters=int(kept["voters"]) - int(kept.get("paper_voters", 0)),
                paper_voters=int(kept.get("paper_voters", 0)),
                comments=list(kept.get("comments", [])),
            )
        return count(
            self.definition,
            [s.choices for s in stored],
            [s.comment for s in stored],
            paper,
            paper_voters,
        )

    def close(self) -> Tally:
        """Stop taking ballots (the join code stops working) and return the final count.

        The count is kept in the plan with the ballot, so a JSON export carries it.
        """
        when = storage.now()

        def closing(ballots: list[dict]) -> None:
            for ballot in ballots:
                if ballot.get("id") == self.id and ballot.get("status") == "open":
                    ballot["status"] = "closed"
                    ballot["closed_at"] = when

        _update(self.store, closing)
        self.refresh()
        return self._keep_result()

    def _keep_result(self) -> Tally:
        """Save the count with the (closed) ballot, so a JSON export of the plan has it."""
        result = self.tally()

        def keep_result(ballots: list[dict]) -> None:
            for ballot in ballots:
                if ballot.get("id") == self.id:
                    ballot["result"] = {
                        "counts": result.counts,
                        "voters": result.voters,
                        "paper_voters": result.paper_voters,
                        "ties": result.ties,
                        "comments": result.comments,
                    }

        _update(self.store, keep_result)
        self.refresh()
        return result

    def record_paper_counts(self, counts: Mapping[str, object], voters: object) -> Tally:
        """Add the counts from a paper wall chart (typing them again replaces them).

        ``counts`` maps options (label or id) to points: dots, ticks, first choices, or
        for a ranking the Borda points added up on paper. ``voters`` is how many people
        voted on paper.
        """
        checked, people = check_paper(self.definition, counts, voters)
        storage.put_paper(self.store, self.id, checked, people, self.store.author)
        if not self.refresh().is_open:
            return self._keep_result()  # typed after closing: the kept result follows
        return self.tally()


def check_paper(
    definition: Mapping, counts: Mapping[str, object], voters: object
) -> tuple[dict[str, int], int]:
    """Paper counts keyed by option id, checked against the kind and the number of voters."""
    if isinstance(voters, bool) or not isinstance(voters, int) or voters < 0:
        raise BallotError(
            f"voters {voters!r}: give how many people voted on paper, a whole number (0 or more)"
        )
    if not isinstance(counts, Mapping):
        raise BallotError(
            "counts: give a mapping of option to points, e.g. {'Housing stability': 12}"
        )
    by_label = {o["label"].casefold(): o["id"] for o in definition["options"]}
    ids = {o["id"] for o in definition["options"]}
    checked: dict[str, int] = {}
    for key, value in counts.items():
        option_id = key if key in ids else by_label.get(str(key).strip().casefold())
        if option_id is None:
            names = ", ".join(o["label"] for o in definition["options"])
            raise BallotError(f"counts: '{key}' is not an option of this ballot (options: {names})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BallotError(
                f"counts['{key}'] = {value!r}: give a whole number of points, 0 or more"
            )
        checked[option_id] = value
    kind = definition["kind"]
    n = len(definition["options"])
    most = {
        "single": voters,
        "approval": voters,
        "dots": voters * (definition.get("dots_per_person") or 0),
        "ranking": voters * n,
    }[kind]
    too_many = [k for k, v in checked.items() if v > most]
    if too_many:
        raise BallotError(
            f"counts: {too_many[0]} has {checked[too_many[0]]} points, more than {voters} "
            f"paper voters can give in a {KIND_NAMES[kind]} ballot ({most}). Check the "
            "count or the number of voters"
        )
    total = sum(checked.values())
    limit = {"single": voters, "dots": most}.get(kind)
    if limit is not None and total > limit:
        raise BallotError(
            f"counts add up to {total}, more than {voters} paper voters can give ({limit}). "
            "Check the counts or the number of voters"
        )
    return checked, voters


def open_ballot(
    session_or_store: object,
    step: int,
    question: str,
    options: Iterable[object],
    kind: str,
    dots_per_person: int | None = None,
    stacking: bool = False,
    hidden_until_closed: bool = True,
) -> Ballot:
    """Open a ballot the room answers from their phones (or on paper), and return it.

    ``options`` are labels (the step's predictors, draft statements) or dicts with
    ``label`` and ``detail``. The ballot gets a random join code at once; participants
    use it on the server that ``workbook workshop`` starts.
    """
    store = _store(session_or_store)
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= 10:
        raise BallotError(f"step {step!r}: give the step's number, 1 to 10")
    text, kind, dots, stack = check_definition(question, kind, dots_per_person, stacking)
    made = make_options(options)
    ballot_id = f"ballot-{secrets.token_hex(4)}"
    definition: dict = {}

    def add(ballots: list[dict]) -> None:
        definition.clear()
        definition.update(
            {
                "id": ballot_id,
                "step": step,
                "question": text,
                "kind": kind,
                "options": [o.as_dict() for o in made],
                "dots_per_person": dots,
                "stacking": stack,
                "hidden_until_closed": bool(hidden_until_closed),
                "status": "open",
                "join_code": _new_code({b.get("join_code", "") for b in ballots}),
                "opened_at": storage.now(),
                "closed_at": None,
            }
        )
        ballots.append(dict(definition))

    _update(store, add)
    return Ballot(store, dict(definition))


def list_ballots(session_or_store: object, step: int | None = None) -> list[Ballot]:
    """The plan's ballots (one step's when ``step`` is given), oldest first."""
    store = _store(session_or_store)
    return [
        Ballot(store, b)
        for b in storage.read_definitions(store)
        if step is None or b.get("step") == step
    ]


def get_ballot(session_or_store: object, ballot_id: str) -> Ballot:
    """The ballot with this id, e.g. to close it after the notebook was restarted."""
    for ballot in list_ballots(session_or_store):
        if ballot.id == ballot_id:
            return ballot
    raise BallotError(f"ballot_id '{ballot_id}': the plan has no such ballot")


def record_paper_counts(
    ballot_id: str | Ballot,
    counts: Mapping[str, object],
    voters: object,
    store: object = None,
) -> Tally:
    """Type the counts from a paper wall chart into a ballot (see Ballot.record_paper_counts).

    ``ballot_id`` is a Ballot, or the id of one opened or read in this notebook (or give
    ``store``: the session or plan).
    """
    if isinstance(ballot_id, Ballot):
        ballot = ballot_id
    elif store is not None:
        ballot = get_ballot(store, ballot_id)
    else:
        found = _opened.get(ballot_id)
        if found is None:
            raise BallotError(
                f"ballot_id '{ballot_id}' is not open in this notebook: pass "
                "store=session, or get it first with get_ballot(session, ballot_id)"
            )
        ballot = found
    return ballot.record_paper_counts(counts, voters)
