"""Counting a ballot: points per option, the number of voters, the order, and the ties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from workbook.ballots.model import BORDA_NOTE, points


@dataclass
class Tally:
    """The count of one ballot: phones and paper together.

    ``counts`` maps each option id to its points (every option, 0 included), in the
    ballot's order; ``voters`` is how many people took part (ballots from phones plus
    the number typed for paper). ``ties`` lists the groups of options with the same
    points (above zero), highest first.
    """

    definition: dict
    counts: dict[str, int]
    voters: int
    phone_voters: int = 0
    paper_voters: int = 0
    comments: list[str] = field(default_factory=list)

    @property
    def labels(self) -> dict[str, str]:
        return {o["id"]: o["label"] for o in self.definition["options"]}

    def ranked(self) -> list[dict]:
        """Options from most points to fewest, each with its place; tied options share a
        place ("1, 2, 2, 4"). Options with equal points keep the ballot's order."""
        order = sorted(self.counts, key=lambda k: -self.counts[k])
        rows, place = [], 0
        for index, option_id in enumerate(order):
            if index == 0 or self.counts[option_id] != self.counts[order[index - 1]]:
                place = index + 1
            rows.append(
                {
                    "option": option_id,
                    "label": self.labels[option_id],
                    "points": self.counts[option_id],
                    "place": place,
                    "tied": self.counts[option_id] > 0
                    and sum(1 for v in self.counts.values() if v == self.counts[option_id]) > 1,
                }
            )
        return rows

    @property
    def ties(self) -> list[list[str]]:
        groups: dict[int, list[str]] = {}
        for option_id, value in self.counts.items():
            if value > 0:
                groups.setdefault(value, []).append(option_id)
        return [groups[v] for v in sorted(groups, reverse=True) if len(groups[v]) > 1]

    @property
    def leaders(self) -> list[str]:
        """The option(s) with the most points (several when first place is tied)."""
        top = max(self.counts.values(), default=0)
        return [k for k, v in self.counts.items() if v == top and top > 0]

    @property
    def tied_first(self) -> bool:
        return len(self.leaders) > 1

    def as_vote_record(self, recorded_on: str | None = None) -> dict:
        """This result as one entry of ``step5.votes`` (source "ballot", ballot_id set).

        Options and counts are keyed by the options' labels, as a typed vote is.
        """
        d = self.definition
        labels = self.labels
        record = {
            "id": f"vote-{d['id']}",
            "question": d["question"],
            "kind": d["kind"],
            "options": [o["label"] for o in d["options"]],
            "dots_per_person": d.get("dots_per_person") if d["kind"] == "dots" else None,
            "stacking": bool(d.get("stacking")) if d["kind"] == "dots" else False,
            "source": "ballot",
            "ballot_id": d["id"],
            "voters": int(self.voters),
            "counts": {labels[k]: int(v) for k, v in self.counts.items()},
            "recorded_on": recorded_on or date.today().isoformat(),
            "ties": [[labels[k] for k in group] for group in self.ties],
            "paper_voters": int(self.paper_voters),
        }
        if d["kind"] == "ranking":
            record["counting"] = BORDA_NOTE
        return record


def count(
    definition: Mapping,
    choices: list[dict],
    comments: list[str] | None = None,
    paper_counts: Mapping[str, int] | None = None,
    paper_voters: int = 0,
) -> Tally:
    """Add up every participant's choices and the paper counts."""
    counts = {o["id"]: 0 for o in definition["options"]}
    for one in choices:
        for option_id, value in points(definition, one).items():
            if option_id in counts:
                counts[option_id] += value
    for option_id, value in (paper_counts or {}).items():
        if option_id in counts:
            counts[option_id] += int(value)
    return Tally(
        definition=dict(definition),
        counts=counts,
        voters=len(choices) + int(paper_voters),
        phone_voters=len(choices),
        paper_voters=int(paper_voters),
        comments=[c for c in (comments or []) if c],
    )
