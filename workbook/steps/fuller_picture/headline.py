"""Step 6's page opening: the working groups, who the coalition heard from, and the
findings it took back to the community, in plain words before any table.

Built from public records only (an activity's notes or transcript never appear) and
every text a person typed is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbook.display.html import escape
from workbook.steps import review
from workbook.steps.fuller_picture.sections import TYPE_LABELS, listed

STRENGTH_WORDS = {"several": "several sources agree", "one": "one source",
                  "contested": "contested, the sources disagree"}  # fmt: skip
RESPONSES = {"agree": "agreed", "partly": "partly agreed", "disagree": "disagreed"}


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _names(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower_first(text: str) -> str:
    """'Every second Tuesday' -> 'every second Tuesday'."""
    return text[:1].lower() + text[1:]


def _people(record: Mapping[str, Any]) -> int | None:
    reached = record.get("reached")
    return int(reached) if isinstance(reached, int | float) else None


def _kinds(activities: Sequence[Mapping[str, Any]]) -> str:
    """'1 focus group, 1 listening session and 1 interview'."""
    counts: dict[str, int] = {}
    for a in activities:
        label = TYPE_LABELS.get(str(a.get("type")), "other activity").lower()
        counts[label] = counts.get(label, 0) + 1
    return _names([plural(n, kind) for kind, n in counts.items()])


def _lead(place: str, groups: Sequence[Mapping], activities: Sequence[Mapping]) -> str:
    if not (groups or activities):
        return f"{place}: no working groups or engagement activities are recorded yet."
    parts = []
    if activities:
        counted = [n for n in (_people(a) for a in activities) if n is not None]
        done = plural(len(activities), "engagement activity", "engagement activities")
        kinds = escape(_kinds(activities))
        parts.append(
            f"{done} reached {plural(sum(counted), 'person', 'people')} ({kinds})"
            if counted
            else f"{done} ({kinds}); how many people were reached is not recorded"
        )
    else:
        parts.append("no engagement activity recorded yet")
    if groups:
        parts.append(f"{plural(len(groups), 'working group')} at work")
    return f"{place}: " + "; ".join(parts) + "."


def _groups(groups: Sequence[Mapping[str, Any]]) -> str:
    if not groups:
        return ""
    items = []
    for g in groups:
        focus = listed(g.get("predictors"))
        members = len(listed(g.get("members")))
        detail = "; ".join(
            x
            for x in (
                f"focus: {', '.join(focus)}" if focus else "",
                plural(members, "member organisation") if members else "",
                f"meets {_lower_first(str(g['rhythm']))}" if g.get("rhythm") else "",
            )
            if x
        )
        items.append(f"<li>{escape(g.get('name') or 'A working group')}"
                     + (f" ({escape(detail)})" if detail else "") + "</li>")  # fmt: skip
    return f"<p><b>Working groups:</b></p><ul>{''.join(items)}</ul>"


def _heard(activities: Sequence[Mapping[str, Any]]) -> str:
    items = []
    for a in activities:
        label = TYPE_LABELS.get(str(a.get("type")), "Activity")
        people = _people(a)
        who = str(a.get("demographics") or "").strip()
        said = who or (plural(people, "person", "people") if people is not None else "")
        when = f" on {review.long_date(str(a['date']))}" if a.get("date") else ""
        items.append(f"<li>{escape(label)}{escape(when)}: {escape(said or 'not recorded')}</li>")
    if not items:
        return ""
    return f"<p><b>Who the coalition heard from</b> (counts and groups, never names):</p>" \
        f"<ul>{''.join(items)}</ul>"  # fmt: skip


def _findings(findings: Sequence[Mapping[str, Any]]) -> str:
    if not findings:
        return "<p><b>Findings:</b> none drafted yet.</p>"
    checked = [f for f in findings if (f.get("follow_up") or {}).get("response")]
    people = sum(
        int(f["follow_up"]["people"])
        for f in checked
        if isinstance(f["follow_up"].get("people"), int | float)
    )
    drafted = plural(len(findings), "finding")
    in_all = f" ({plural(people, 'person', 'people')} in all)" if people else ""
    if not checked:
        lead = f"{drafted} drafted; none has been taken back to the community yet:"
    elif len(checked) == len(findings):
        every = "it was" if len(findings) == 1 else f"all {len(findings)} were"
        lead = f"{drafted} drafted; {every} checked with community members{in_all}:"
    else:
        lead = f"{drafted} drafted; {len(checked)} checked with community members{in_all}:"
    items = []
    for f in findings:
        strength = STRENGTH_WORDS.get(str(f.get("strength")), "")
        follow = f.get("follow_up") or {}
        response = RESPONSES.get(str(follow.get("response")), "")
        back = ""
        if response:
            who = (
                plural(int(follow["people"]), "community member")
                if isinstance(follow.get("people"), int | float) and follow["people"]
                else "Community members"
            )
            comment = str(follow.get("comments") or "").strip()
            back = f" {who} {response}" + (f": \u201c{comment}\u201d" if comment else ".")
        times = len(f.get("revisions") or [])
        revised = f" Revised {'once' if times == 1 else f'{times} times'}." if times else ""
        items.append(
            f"<li><b>{escape(f.get('statement') or '')}</b>"
            + (f" (evidence: {escape(strength)})" if strength else "")
            + escape(back + revised)
            + "</li>"
        )
    return f"<p><b>Findings:</b> {escape(lead)}</p><ul>{''.join(items)}</ul>"


def headline_html(
    place: str | None,
    groups: Sequence[Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]],
    findings: Sequence[Mapping[str, Any]],
) -> str:
    """The answer first: who the coalition heard from, through which working groups, and
    the findings it checked with the community. Records are the public ``step6.groups``,
    ``step6.activities`` and ``step6.findings``."""
    label = f"<b>{escape(place)}</b>" if place else "In this step"
    parts = [
        f'<p style="font-size:1.3em;margin:0.2em 0">{_lead(label, groups, activities)}</p>',
        _heard(activities),
        _findings(findings),
        _groups(groups),
    ]
    return '<div class="wb-headline">' + "".join(parts) + "</div>"
