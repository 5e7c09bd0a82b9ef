"""A theory of change as a graph: outcomes by level, links between them, interventions.

The plan keeps a theory of change as plain JSON (section ``step7.toc``): outcomes with a
level (long-term, medium-term, short-term, precondition), links from one outcome to the
one it leads to, each with its rationale and assumptions, and interventions attached to
the links they are meant to move. This module reads that JSON and answers the questions
the team asks while it builds the graph: is there a cycle, which outcome does nothing
lead to, which intervention leads nowhere, which long-term outcome has no measure, which
names are used twice, and what would deleting an outcome leave dangling.

Pure Python, no display: the diagram is drawn by :mod:`workbook.display.diagrams`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("long", "medium", "short", "precondition")
LEVEL_LABELS = {
    "long": "Long-term outcome",
    "medium": "Medium-term outcome",
    "short": "Short-term outcome",
    "precondition": "Precondition",
}


def _records(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(frozen=True)
class Graph:
    """A theory of change read from its JSON: records by id, nothing interpreted yet."""

    outcomes: tuple[dict[str, Any], ...] = ()
    links: tuple[dict[str, Any], ...] = ()
    interventions: tuple[dict[str, Any], ...] = ()

    @classmethod
    def of(cls, toc: Mapping[str, Any] | None) -> Graph:
        toc = toc if isinstance(toc, Mapping) else {}
        return cls(
            tuple(_records(toc.get("outcomes"))),
            tuple(_records(toc.get("links"))),
            tuple(_records(toc.get("interventions"))),
        )

    @property
    def names(self) -> dict[str, str]:
        """Outcome id -> its name (the id when the name is blank)."""
        return {str(o.get("id")): str(o.get("name") or o.get("id")) for o in self.outcomes}

    def link_label(self, link: Mapping[str, Any]) -> str:
        names = self.names
        return f"{names.get(link.get('from'), '?')} \u2192 {names.get(link.get('to'), '?')}"

    def edges(self) -> list[tuple[str, str]]:
        """(from, to) of every link between two outcomes that exist."""
        known = set(self.names)
        return [
            (str(x["from"]), str(x["to"]))
            for x in self.links
            if x.get("from") in known and x.get("to") in known
        ]


@dataclass(frozen=True)
class Problem:
    """One thing the checks found: its kind, a sentence for the team, the ids involved."""

    kind: str
    message: str
    ids: tuple[str, ...] = ()


def cycles(graph: Graph) -> list[list[str]]:
    """Every cycle found by a depth-first walk, as outcome ids in order (each cycle once).

    A theory of change runs from preconditions to long-term outcomes; a loop means a link
    points the wrong way, or two outcomes should be one.
    """
    following: dict[str, list[str]] = {}
    for a, b in graph.edges():
        following.setdefault(a, []).append(b)
    found: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for start in graph.names:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterable[str]]] = [(start, iter(following.get(start, [])))]
        state[start] = 1
        path.append(start)
        while stack:
            node, rest = stack[-1]
            step = next(iter(rest), None)  # type: ignore[call-overload]
            if step is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if state.get(step) == 1:
                loop = path[path.index(step) :]
                key = frozenset(loop)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    found.append(loop)
            elif not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append((step, iter(following.get(step, []))))
    return found


def check(
    toc: Mapping[str, Any] | None,
    known_metrics: Iterable[str] | None = None,
    known_local: Iterable[str] | None = None,
) -> list[Problem]:
    """What the team should look at in ``toc``, most serious first (empty when sound).

    ``known_metrics`` and ``known_local`` (catalog variables, "<dataset>/<measure>")
    make a measure that no longer exists count as no measure.
    """
    graph = Graph.of(toc)
    names = graph.names
    problems: list[Problem] = []
    for loop in cycles(graph):
        chain = " \u2192 ".join(names[i] for i in [*loop, loop[0]])
        problems.append(Problem(
            "cycle", f"These outcomes lead to each other in a circle: {chain}. Reverse or "
            "delete one of the links, or merge the outcomes.", tuple(loop),
        ))  # fmt: skip
    seen: dict[str, list[str]] = {}
    for o in graph.outcomes:
        key = " ".join(str(o.get("name") or "").split()).casefold()
        if key:
            seen.setdefault(key, []).append(str(o.get("id")))
    for ids in seen.values():
        if len(ids) > 1:
            problems.append(Problem(
                "duplicate", f"{len(ids)} outcomes are called '{names[ids[0]]}': give each "
                "its own name, or merge them.", tuple(ids),
            ))  # fmt: skip
    for link in graph.links:
        missing = [end for end in ("from", "to") if link.get(end) not in names]
        if missing:
            problems.append(Problem(
                "dangling", f"A link ({link.get('id')}) points to an outcome that no longer "
                "exists: choose its outcomes again or delete it.", (str(link.get("id")),),
            ))  # fmt: skip
    led_to = {b for _, b in graph.edges()}
    leads = {a for a, _ in graph.edges()}
    for o in graph.outcomes:
        oid = str(o.get("id"))
        if o.get("level") != "precondition" and oid not in led_to:
            problems.append(Problem(
                "orphan", f"Nothing leads to '{names[oid]}': link an earlier outcome to it, "
                "or make it a precondition.", (oid,),
            ))  # fmt: skip
        if o.get("level") != "long" and oid not in leads and graph.links:
            problems.append(Problem(
                "dead_end", f"'{names[oid]}' leads to nothing: link it to the outcome it "
                "makes possible.", (oid,),
            ))  # fmt: skip
    link_ids = {str(x.get("id")) for x in graph.links}
    for item in graph.interventions:
        if not [i for i in _strings(item.get("links")) if i in link_ids]:
            problems.append(Problem(
                "idle", f"The intervention '{item.get('name') or item.get('id')}' leads "
                "nowhere: attach it to the link it is meant to move.", (str(item.get("id")),),
            ))  # fmt: skip
    metrics = None if known_metrics is None else set(known_metrics)
    local = None if known_local is None else set(known_local)
    for o in graph.outcomes:
        if o.get("level") != "long":
            continue
        measured = [m for m in _strings(o.get("metrics")) if metrics is None or m in metrics]
        measured += [m for m in _strings(o.get("local_measures")) if local is None or m in local]
        if not measured:
            problems.append(Problem(
                "unmeasured", f"The long-term outcome '{names[str(o.get('id'))]}' is linked "
                "to no Mobility Metric and no local measure: choose at least one, so "
                "progress can be seen.", (str(o.get("id")),),
            ))  # fmt: skip
    return problems


@dataclass(frozen=True)
class Uses:
    """What refers to one element: links and interventions (removable with it) and the
    Step 8 measures (which must be changed in Step 8 first)."""

    links: tuple[dict[str, Any], ...] = ()
    interventions: tuple[dict[str, Any], ...] = ()
    measures: tuple[dict[str, Any], ...] = ()
    labels: tuple[str, ...] = field(default=())

    @property
    def any(self) -> bool:
        return bool(self.links or self.interventions or self.measures)


def measures_using(element_id: str, measures: Any) -> tuple[dict[str, Any], ...]:
    """The Step 8 measures (section ``step8.measures``) whose element is ``element_id``."""
    return tuple(
        m
        for m in _records(measures)
        if isinstance(m.get("element"), Mapping) and m["element"].get("id") == element_id
    )


def uses_of_outcome(toc: Mapping[str, Any] | None, outcome_id: str, measures: Any = None) -> Uses:
    """The links to or from ``outcome_id``, the interventions on them, and Step 8's
    measures of it."""
    graph = Graph.of(toc)
    links = tuple(x for x in graph.links if outcome_id in (x.get("from"), x.get("to")))
    ids = {x.get("id") for x in links}
    interventions = tuple(
        i for i in graph.interventions if any(j in ids for j in _strings(i.get("links")))
    )
    labels = tuple(graph.link_label(x) for x in links)
    return Uses(links, interventions, measures_using(outcome_id, measures), labels)


def delete_outcome(toc: Mapping[str, Any] | None, outcome_id: str) -> dict[str, Any]:
    """``toc`` without the outcome, the links to and from it, and those links'
    attachments in interventions (the interventions stay: the checks then say which
    lead nowhere). Nothing is left pointing at what was removed."""
    whole = copy.deepcopy(dict(toc or {}))
    uses = uses_of_outcome(whole, outcome_id)
    gone = {x.get("id") for x in uses.links}
    whole["outcomes"] = [o for o in _records(whole.get("outcomes")) if o.get("id") != outcome_id]
    whole["links"] = [x for x in _records(whole.get("links")) if x.get("id") not in gone]
    whole["interventions"] = [
        {**i, "links": [j for j in _strings(i.get("links")) if j not in gone]}
        for i in _records(whole.get("interventions"))
    ]
    return whole


def uses_of_link(toc: Mapping[str, Any] | None, link_id: str) -> Uses:
    graph = Graph.of(toc)
    interventions = tuple(i for i in graph.interventions if link_id in _strings(i.get("links")))
    return Uses(interventions=interventions)


def delete_link(toc: Mapping[str, Any] | None, link_id: str) -> dict[str, Any]:
    """``toc`` without the link and without its attachments in interventions."""
    whole = copy.deepcopy(dict(toc or {}))
    whole["links"] = [x for x in _records(whole.get("links")) if x.get("id") != link_id]
    whole["interventions"] = [
        {**i, "links": [j for j in _strings(i.get("links")) if j != link_id]}
        for i in _records(whole.get("interventions"))
    ]
    return whole


def ordered_outcomes(graph: Graph) -> list[dict[str, Any]]:
    """Outcomes from long-term to preconditions, in the order entered within a level."""
    rank = {level: n for n, level in enumerate(LEVELS)}
    return sorted(graph.outcomes, key=lambda o: rank.get(str(o.get("level")), len(LEVELS)))


def narrative(toc: Mapping[str, Any] | None) -> list[str]:
    """Each link as a sentence: what leads to what, why, on which assumptions, and which
    interventions move it. Earliest links first (preconditions upward)."""
    graph = Graph.of(toc)
    names = graph.names
    rank = {level: n for n, level in enumerate(LEVELS)}
    level = {str(o.get("id")): rank.get(str(o.get("level")), len(LEVELS)) for o in graph.outcomes}
    by_link: dict[str, list[str]] = {}
    for item in graph.interventions:
        for j in _strings(item.get("links")):
            by_link.setdefault(j, []).append(str(item.get("name") or ""))
    lines = []
    links = sorted(graph.links, key=lambda x: -level.get(str(x.get("from")), 0))
    for link in links:
        if link.get("from") not in names or link.get("to") not in names:
            continue
        text = f"{names[link['from']]} leads to {names[link['to']]}"
        rationale = str(link.get("rationale") or "").strip()
        text += f", because {rationale.rstrip('.')}." if rationale else "."
        assumptions = str(link.get("assumptions") or "").strip()
        if assumptions:
            text += f" Assumptions: {assumptions.rstrip('.')}."
        moved = by_link.get(str(link.get("id")))
        if moved:
            text += f" Interventions: {', '.join(moved)}."
        lines.append(text)
    return lines


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, UTF-8 kept (what the hash reads)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(value: Any) -> str:
    """The SHA-256 of ``value``'s canonical JSON, in hex."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def unique_name_problem(
    outcomes: Sequence[Mapping[str, Any]], name: str, own_id: str | None = None
) -> str | None:
    """Why ``name`` cannot be another outcome's name too (None when it is free)."""
    key = " ".join(name.split()).casefold()
    for o in outcomes:
        if o.get("id") != own_id and " ".join(str(o.get("name") or "").split()).casefold() == key:
            return f"Another outcome is already called '{o.get('name')}': use another name."
    return None
