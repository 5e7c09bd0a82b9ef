"""Step 5's page opening: which predictors the coalition chose, by what vote, why, and
what local data it brought in, in plain words before any table.

Everything comes from the plan's public view (a local source's contact never appears)
and every text a person typed is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbook.data.catalog import Catalog
from workbook.display.html import escape
from workbook.steps import review
from workbook.steps.initial_understanding.votes import latest_vote

HOW = {"paper": "a dot vote on a paper wall chart", "csv": "a vote counted on paper",
       "ballot": "a live ballot on people's phones"}  # fmt: skip
GEOGRAPHY = {"county": "county", "city": "city", "tract": "census tract", "zip": "ZIP code",
             "school_district": "school district", "neighbourhood": "neighbourhood"}  # fmt: skip
ACCESS_WORDS = {"have": "in hand", "requested": "requested", "restricted": "restricted",
                "not_available": "not available"}  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """A predictor's metrics against the national median, for one place."""

    metrics: int = 0
    better: int = 0
    worse: int = 0
    similar: int = 0

    @property
    def judged(self) -> int:
        return self.better + self.worse + self.similar


def standings(comparison: pd.DataFrame | None, catalog: Catalog) -> dict[str, Standing]:
    """Predictor name -> its metrics' standing against the national median."""
    if comparison is None or comparison.empty:
        return {}
    rows = comparison[comparison["missing_reason"] != "not_computed"]
    found: dict[str, list[str]] = {}
    for variable, verdict in zip(rows["variable"], rows["vs_nation"], strict=True):
        if variable in catalog:
            found.setdefault(catalog[variable].predictor, []).append(str(verdict or ""))
    return {
        name: Standing(len(v), v.count("better"), v.count("worse"), v.count("similar"))
        for name, v in found.items()
    }


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def standing_words(standing: Standing | None) -> str:
    """'worse than the national median on all 6 of its metrics', in plain words."""
    if standing is None or not standing.metrics:
        return "no Mobility Metric for this place"
    total = standing.metrics
    its = "its one metric" if total == 1 else f"its {total} metrics"
    if not standing.judged:
        subject = "its one metric cannot" if total == 1 else f"none of {its} can"
        return f"{subject} be compared with the national median here (values missing or rated Weak)"
    counts = [(n, word) for n, word in ((standing.worse, "worse"), (standing.better, "better"),
              (standing.similar, "similar")) if n]  # fmt: skip
    rest = total - standing.judged
    other = f"; the other {rest} cannot be compared" if rest else ""
    if len(counts) == 1:
        n, word = counts[0]
        where = "similar to" if word == "similar" else f"{word} than"
        on = its if n == total else f"{n} of {its}"
        if n == total and total > 1:
            on = "both its metrics" if total == 2 else f"all {total} of its metrics"
        return f"{where} the national median on {on}{other}"
    listed = ", ".join(f"{n} {word}" for n, word in counts)
    return f"against the national median, of {its}: {listed}{other}"


def names(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _vote_words(vote: Mapping[str, Any]) -> str:
    how = HOW.get(str(vote.get("source")), "a vote")
    voters = vote.get("voters")
    people = f"{plural(int(voters), 'person', 'people')} voted" if isinstance(voters, int) else ""
    dots = vote.get("dots_per_person")
    each = f", {plural(int(dots), 'dot')} each" if isinstance(dots, int) and dots else ""
    when = review.long_date(str(vote.get("recorded_on") or ""))
    detail = f" ({people}{each})" if people else (f" ({each[2:]})" if each else "")
    return f"{how} on {escape(when)}{detail}"


def _decision(priorities: Mapping[str, Any], vote: Mapping[str, Any] | None,
              standing: Mapping[str, Standing], place: str) -> list[str]:  # fmt: skip
    chosen = [str(p) for p in priorities.get("predictors") or [] if p]
    counts = (vote or {}).get("counts") or {}
    shown = [
        f"<b>{escape(p)}</b>"
        + (f" ({plural(int(counts[p]), 'point')})" if isinstance(counts.get(p), int) else "")
        for p in chosen
    ]
    what = plural(len(chosen), "predictor")
    parts = [
        f'<p style="font-size:1.3em;margin:0.2em 0">{place} chose {what} to '
        f"look at first: {names(shown)}.</p>"
    ]
    when = review.long_date(str(priorities.get("decided_on") or ""))
    who = str(priorities.get("decided_by") or "").strip()
    decided = f"Decided on {escape(when)}" if when else "Decided"
    if who:
        decided += f" ({escape(who)})"
    decided += f", after {_vote_words(vote)}." if vote else "; no vote is recorded."
    parts.append(f'<p style="font-size:1.1em;margin:0.3em 0">{decided}</p>')
    if str(priorities.get("rationale") or "").strip():
        parts.append(f"<p><b>Why these:</b> {escape(priorities['rationale'])}</p>")
    if not any(standing.get(p) and standing[p].judged for p in chosen):
        parts.append(
            "<p>None of their metrics can be compared with the national median here (values "
            "missing or rated Weak).</p>"
        )
        return parts
    items = "".join(f"<li>{escape(p)}: {escape(standing_words(standing.get(p)))}.</li>"
                    for p in chosen)  # fmt: skip
    parts.append(f"<p>Where the place stands on them:</p><ul>{items}</ul>")
    return parts


def _no_decision(vote: Mapping[str, Any] | None, place: str) -> list[str]:
    if vote is None:
        return [
            f'<p style="font-size:1.3em;margin:0.2em 0">{place} has not chosen '
            "its first priorities yet: no vote and no decision are recorded.</p>"
        ]
    counts = {str(k): v for k, v in (vote.get("counts") or {}).items() if isinstance(v, int)}
    top = sorted((k for k in counts if counts[k]), key=lambda k: -counts[k])[:3]
    leading = [f"{k} ({plural(counts[k], 'point')})" for k in top]
    most = f" Most points: {escape(names(leading))}." if top else ""
    return [
        f'<p style="font-size:1.3em;margin:0.2em 0">{place} has voted but not '
        f"yet recorded which predictors it will look at first.</p><p>The vote: "
        f"{_vote_words(vote)}.{most}</p>"
    ]


def _local(sources: Sequence[Mapping[str, Any]], datasets: Sequence[Mapping[str, Any]],
           findings: Sequence[Mapping[str, Any]]) -> str:  # fmt: skip
    if not (sources or datasets or findings):
        return "<p><b>Local data:</b> none brought in yet.</p>"
    parts = []
    if sources:
        access: dict[str, int] = {}
        for s in sources:
            word = ACCESS_WORDS.get(str(s.get("access")), "access not recorded")
            access[word] = access.get(word, 0) + 1
        split = ", ".join(f"{n} {word}" for word, n in access.items())
        parts.append(f"{plural(len(sources), 'local source')} listed ({escape(split)})")
    if datasets:
        shown = []
        for d in datasets:
            measures = len(d.get("measures") or [])
            where = GEOGRAPHY.get(str(d.get("geography")), "")
            years = sorted(int(y) for y in d.get("years") or [] if isinstance(y, int))
            span = (f"{years[0]}-{years[-1]}" if len(years) > 1 and years[0] != years[-1]
                    else str(years[0]) if years else "")  # fmt: skip
            detail = "; ".join(x for x in (plural(measures, "measure"),
                                           f"by {where}" if where else "", span) if x)  # fmt: skip
            shown.append(f"{escape(d.get('name') or 'a data set')} ({escape(detail)})")
        parts.append(f"{plural(len(datasets), 'data set')} brought in: {'; '.join(shown)}")
    else:
        parts.append("no data set brought in yet")
    text = "<p><b>Local data:</b> " + "; ".join(parts) + ".</p>"
    if findings:
        items = "".join(f"<li>{escape(f.get('statement') or '')}</li>" for f in findings
                        if f.get("statement"))  # fmt: skip
        text += f"<p>What the local data show ({plural(len(findings), 'finding')}):</p>"
        text += f"<ul>{items}</ul>"
    return text


def headline_html(
    place: str | None,
    priorities: Any,
    votes: Sequence[Mapping[str, Any]],
    sources: Sequence[Mapping[str, Any]],
    datasets: Sequence[Mapping[str, Any]],
    findings: Sequence[Mapping[str, Any]],
    standing: Mapping[str, Standing],
) -> str:
    """The answer first: the priorities, the vote behind them, why, and the local data.

    ``priorities`` is the public ``step5.priorities`` value, ``votes`` ``step5.votes``;
    ``sources``, ``datasets`` and ``findings`` the public local-data sections.
    """
    priorities = priorities if isinstance(priorities, Mapping) else {}
    by_id = {v.get("id"): v for v in votes}
    vote = by_id.get(priorities.get("vote_id")) or latest_vote(votes)
    label = f"<b>{escape(place)}</b>: the coalition" if place else "The coalition"
    if priorities.get("predictors"):
        parts = _decision(priorities, vote, standing, label)
    else:
        parts = _no_decision(vote, label)
    parts.append(_local(sources, datasets, findings))
    return '<div class="wb-headline">' + "".join(parts) + "</div>"
