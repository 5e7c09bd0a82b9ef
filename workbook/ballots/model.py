"""What a ballot is: its kinds, its options, and a participant's choices turned into points.

Four kinds, each counted in points per option:

* ``dots``: every participant has N dots to place; with ``stacking`` several dots may go
  on one option, without it at most one. An option's points are the dots it received.
* ``ranking``: participants put options in order. Counted with Borda points: with n
  options, first place earns n points, second n - 1, and so on down to 1 for last;
  an option a participant left unranked earns nothing from that ballot.
* ``approval``: participants tick every option they can support; one point per tick.
* ``single``: one choice each; one point.

Every kind takes an optional short comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workbook.ballots.errors import BallotError

KINDS = ("dots", "ranking", "approval", "single")
KIND_NAMES = {
    "dots": "dot voting",
    "ranking": "ranking",
    "approval": "approval (pick any)",
    "single": "single choice",
}
BORDA_NOTE = (
    "Ranking counted with Borda points: with n options, first place earns n points, "
    "second n - 1, down to 1 for last; an option left unranked earns none."
)


def ranking_note(options: int) -> str:
    """The Borda count in a participant's terms, for a ballot with ``options`` options."""
    return (
        f"How it is counted: your first choice earns {options} points, your second "
        f"{options - 1}, and so on down to 1; an option you leave blank earns none."
    )


MIN_OPTIONS = 2
MAX_OPTIONS = 30
MAX_QUESTION = 300
MAX_LABEL = 200
MAX_DETAIL = 500
MAX_COMMENT = 300
MAX_DOTS = 20


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    detail: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "detail": self.detail}


def _clean(text: object) -> str:
    """Text with control characters removed and spaces folded (what a form would keep)."""
    kept = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in str(text)
        if unicodedata.category(c) != "Cf"
    )
    return " ".join(kept.split())


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", label).lower()).strip("-")
    return slug[:40].strip("-") or "option"


def make_options(options: Iterable[object]) -> list[Option]:
    """Options from labels (``"Housing stability"``) or dicts with id, label and detail."""
    if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
        raise BallotError(
            f"options {options!r}: give a list of option labels, e.g. "
            "['Housing stability', 'Access to good jobs']"
        )
    made: list[Option] = []
    ids: set[str] = set()
    labels: set[str] = set()
    for number, item in enumerate(options, start=1):
        if isinstance(item, Mapping):
            label, detail, wanted = item.get("label"), item.get("detail", ""), item.get("id")
        else:
            label, detail, wanted = item, "", None
        label = _clean(label if label is not None else "")
        if not label:
            raise BallotError(f"option {number} has no label: give each option a short name")
        if len(label) > MAX_LABEL:
            raise BallotError(
                f"option {number} ({label[:40]}...) is {len(label)} characters long: keep a "
                f"label under {MAX_LABEL} characters and put the rest in its detail"
            )
        if label.casefold() in labels:
            raise BallotError(
                f"option {number}: '{label}' is listed twice; each option needs its own label"
            )
        detail = _clean(detail or "")[:MAX_DETAIL]
        base = _slug(str(wanted)) if wanted else _slug(label)
        option_id, n = base, 2
        while option_id in ids:
            option_id, n = f"{base}-{n}", n + 1
        ids.add(option_id)
        labels.add(label.casefold())
        made.append(Option(option_id, label, detail))
    if not MIN_OPTIONS <= len(made) <= MAX_OPTIONS:
        raise BallotError(
            f"options: {len(made)} given; a ballot needs from {MIN_OPTIONS} to "
            f"{MAX_OPTIONS} options"
        )
    return made


def check_definition(
    question: object, kind: object, dots_per_person: object, stacking: object
) -> tuple[str, str, int | None, bool]:
    """The question, kind, dots and stacking checked, or a BallotError naming the fix."""
    text = _clean(question or "")
    if not text:
        raise BallotError("question is empty: write the question the room is asked")
    if len(text) > MAX_QUESTION:
        raise BallotError(
            f"question is {len(text)} characters long: keep it under {MAX_QUESTION}, so it "
            "fits on a phone"
        )
    if kind not in KINDS:
        raise BallotError(f"kind {kind!r} is not a ballot kind: use one of {', '.join(KINDS)}")
    if kind == "dots":
        if isinstance(dots_per_person, bool) or not isinstance(dots_per_person, int):
            raise BallotError(
                f"dots_per_person {dots_per_person!r}: dot voting needs a whole number of "
                "dots per person, e.g. dots_per_person=3"
            )
        if not 1 <= dots_per_person <= MAX_DOTS:
            raise BallotError(
                f"dots_per_person {dots_per_person}: give from 1 to {MAX_DOTS} dots per person"
            )
        return text, kind, dots_per_person, bool(stacking)
    if dots_per_person is not None:
        raise BallotError(
            f"dots_per_person {dots_per_person!r} only applies to kind='dots'; leave it out "
            f"for a {KIND_NAMES[kind]} ballot"
        )
    return text, kind, None, False


def instructions(definition: Mapping) -> str:
    """How to fill in a ballot of this kind, in one or two plain sentences."""
    kind = definition["kind"]
    if kind == "dots":
        n = definition["dots_per_person"]
        dots = "1 dot" if n == 1 else f"{n} dots"
        if definition.get("stacking"):
            return (
                f"You have {dots}. Put them on the options you care about most; you may put "
                "more than one dot on the same option."
            )
        return f"You have {dots}. Pick up to {n} options, one dot each."
    if kind == "ranking":
        return (
            "Number the options in the order you prefer: 1 for your first choice. You may "
            "leave options you do not want to rank blank."
        )
    if kind == "approval":
        return "Tick every option you can support."
    return "Pick one option."


def _whole(value: object, field: str) -> int:
    text = str(value).strip()
    if text == "":
        return 0
    if not re.fullmatch(r"\d{1,4}", text):
        raise BallotError(f"{field}: '{text[:20]}' is not a whole number of 0 or more")
    return int(text)


def read_choices(definition: Mapping, form: Mapping[str, list[str]]) -> dict:
    """A participant's choices from the fields of the phone page, checked.

    ``form`` maps field names to their values (as a web form sends them). Returns the
    choices in the form the ballot table keeps; raises BallotError with a message a
    participant can act on.
    """
    kind = definition["kind"]
    ids = [o["id"] for o in definition["options"]]
    known = set(ids)

    def values(name: str) -> list[str]:
        return [v for v in form.get(name, []) if v != ""]

    if kind == "single":
        picked = values("choice")
        if not picked:
            raise BallotError("Pick one option before sending.")
        if len(picked) > 1 or picked[0] not in known:
            raise BallotError("Pick exactly one of the options shown.")
        return {"choice": picked[0]}
    if kind == "approval":
        picked = list(dict.fromkeys(values("approve")))
        if not picked:
            raise BallotError("Tick at least one option before sending.")
        if any(p not in known for p in picked):
            raise BallotError("Tick only the options shown.")
        return {"approve": [i for i in ids if i in picked]}
    if kind == "dots":
        limit = definition["dots_per_person"]
        if definition.get("stacking"):
            dots = {i: _whole((values(f"dots-{i}") or ["0"])[0], "dots") for i in ids}
        else:
            picked = list(dict.fromkeys(values("dot")))
            if any(p not in known for p in picked):
                raise BallotError("Put your dots only on the options shown.")
            dots = {i: 1 if i in picked else 0 for i in ids}
        used = sum(dots.values())
        if used == 0:
            raise BallotError("Place at least one dot before sending.")
        if used > limit:
            raise BallotError(
                f"You placed {used} dots but have {limit}. Take {used - limit} off and send again."
            )
        return {"dots": {i: n for i, n in dots.items() if n}}
    # ranking
    ranks: dict[str, int] = {}
    for option_id in ids:
        given = values(f"rank-{option_id}")
        if given:
            rank = _whole(given[0], "rank")
            if not 1 <= rank <= len(ids):
                raise BallotError(f"Use ranks from 1 to {len(ids)}.")
            ranks[option_id] = rank
    if not ranks:
        raise BallotError("Give at least your first choice the rank 1 before sending.")
    taken: dict[int, int] = {}
    for rank in ranks.values():
        taken[rank] = taken.get(rank, 0) + 1
    doubled = sorted(r for r, n in taken.items() if n > 1)
    if doubled:
        raise BallotError(
            f"Rank {doubled[0]} is given to more than one option. Give each option its own number."
        )
    # Gaps (1, 3 without 2) keep their order: only the order counts.
    return {"ranking": sorted(ranks, key=ranks.get)}


def read_comment(form: Mapping[str, list[str]]) -> str:
    text = " ".join((form.get("comment") or [""])[0].split())
    if len(text) > MAX_COMMENT:
        raise BallotError(
            f"Your comment is {len(text)} characters long; keep it under {MAX_COMMENT}."
        )
    return _clean(text)


def points(definition: Mapping, choices: Mapping) -> dict[str, int]:
    """The points one participant's choices give each option (options not chosen: none)."""
    kind = definition["kind"]
    if kind == "single":
        return {choices["choice"]: 1}
    if kind == "approval":
        return dict.fromkeys(choices["approve"], 1)
    if kind == "dots":
        return {k: int(v) for k, v in choices["dots"].items()}
    n = len(definition["options"])
    return {option_id: n - place for place, option_id in enumerate(choices["ranking"])}


def form_values(definition: Mapping, choices: Mapping | None) -> dict[str, object]:
    """What the phone page pre-fills for a participant who already sent a ballot."""
    if not choices:
        return {}
    kind = definition["kind"]
    if kind == "single":
        return {"choice": choices.get("choice")}
    if kind == "approval":
        return {"approve": set(choices.get("approve", []))}
    if kind == "dots":
        return {"dots": dict(choices.get("dots", {}))}
    return {"rank": {o: i + 1 for i, o in enumerate(choices.get("ranking", []))}}
