"""Step 6's parts of the MAP: who was engaged, the findings, the plan to keep people engaged."""

from __future__ import annotations

from collections.abc import Mapping

from workbook.analysis import qualitative as qual
from workbook.display.document import Block, BulletList, Callout, Heading, Paragraph, Table
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import review
from workbook.steps.fuller_picture.joint import joint_table
from workbook.steps.fuller_picture.sections import (
    ACTIVITIES_SECTION,
    CODEBOOK_SECTION,
    EVIDENCE_KINDS,
    EXCERPTS_SECTION,
    FINDINGS_SECTION,
    GROUPS_SECTION,
    LOCAL_DATA,
    PRIORITIES,
    STRENGTH_LABELS,
    SUSTAIN_SECTION,
    TYPE_LABELS,
    listed,
)


def _public_sources(plan: PublicPlan) -> dict[str, dict]:
    return {str(r["id"]): r for r in plan.value(ACTIVITIES_SECTION) or [] if r.get("id")}


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Who was engaged, how and how many (counts only)."""
    record = review.when_and_checklist(plan, 6)
    if not record:
        return []
    activities = plan.value(ACTIVITIES_SECTION) or []
    groups = plan.value(GROUPS_SECTION) or []
    blocks: list[Block] = [
        Paragraph(
            "To see beyond the numbers, the coalition split into working groups and went out to "
            "listen: to partners, and above all to residents most affected.",
            lead=True,
        )
    ]
    if groups:
        blocks += [
            Heading("Working groups", 3),
            BulletList(
                tuple(
                    f"{g.get('name')}"
                    + (f": meets {g['rhythm']}" if g.get("rhythm") else "")
                    + f" ({len(listed(g.get('members')))} member organisations)"
                    for g in groups
                )
            ),
        ]
    if activities:
        table = qual.reach(activities, TYPE_LABELS)
        total = int(table["reached"].sum())
        blocks += [
            Heading("Who we heard from", 3),
            Paragraph(f"{len(activities)} engagement activities reached about {total} people."),
            Table(
                "Engagement activities by type",
                ("Type", "Activities", "People reached"),
                tuple(
                    (str(r.type), str(r.activities), str(int(r.reached)))
                    for r in table.itertuples()
                ),
            ),
        ]
    return [*blocks, *record]


def map_findings(plan: PublicPlan, session: Session) -> list[Block]:
    """The findings, their evidence and strength, what people said back, permitted quotes."""
    findings = plan.value(FINDINGS_SECTION) or []
    if not findings:
        return []
    sources = _public_sources(plan)
    excerpts = {str(e["id"]): e for e in plan.value(EXCERPTS_SECTION) or [] if e.get("id")}
    blocks: list[Block] = [
        Paragraph(
            "What the metrics, local data and people's own accounts say together. Each finding "
            "names its evidence and how strong it is.",
            lead=True,
        )
    ]
    responses = {"agree": "agreed", "partly": "partly agreed", "disagree": "disagreed"}
    for n, finding in enumerate(findings, 1):
        blocks.append(Heading(f"Finding {n}: {finding.get('statement')}", 3))
        facts = [
            "Strength of the evidence: "
            f"{STRENGTH_LABELS.get(finding.get('strength'), 'not rated')}."
        ]
        if listed(finding.get("groups")):
            facts.append(f"Concerns: {', '.join(listed(finding['groups']))}.")
        evidence = [e for e in finding.get("evidence") or [] if isinstance(e, Mapping)]
        kinds = {k: sum(1 for e in evidence if e.get("kind") == k) for k in EVIDENCE_KINDS}
        facts.append(
            f"Evidence: {kinds['metric']} metric(s), {kinds['local']} local measure(s), "
            f"{kinds['excerpt']} excerpt(s)."
        )
        named = [
            session.catalog[e["ref"]].name
            for e in evidence
            if e.get("kind") == "metric" and e.get("ref") in session.catalog
        ]
        if named:
            facts.append(f"Metrics: {'; '.join(named)}.")
        follow = finding.get("follow_up") or {}
        if follow.get("response"):
            people = (
                f"{follow['people']} community members"
                if follow.get("people")
                else "Community members"
            )
            facts.append(
                f"{people} {responses.get(follow['response'], follow['response'])}"
                + (f": {follow['comments']}" if follow.get("comments") else ".")
            )
        for revision in finding.get("revisions") or []:
            facts.append(
                f"Revised {review.long_date(revision.get('date', ''))}: {revision.get('reason')}"
            )
        blocks.append(BulletList(tuple(facts)))
        for e in evidence:
            if e.get("kind") != "excerpt":
                continue
            excerpt = excerpts.get(str(e.get("ref")))
            source = sources.get(str(excerpt.get("source"))) if excerpt else None
            quote = qual.text_of(excerpt.get("quote"), shown=True) if excerpt else ""
            if quote and qual.quotable(source):
                said = TYPE_LABELS.get(str(source.get("type")), "an activity").lower()
                blocks.append(Callout(f"Heard in a {said}", f"\u201c{quote}\u201d", kind="key"))
    table = joint_table(
        session,
        plan.value(PRIORITIES),
        plan.value(LOCAL_DATA) or [],
        None,
        list(excerpts.values()),
        plan.value(CODEBOOK_SECTION) or [],
        sources,
        findings,
    )
    if not table.empty:
        blocks.append(
            Table(
                "Each priority predictor: the metrics, local data and what people said",
                ("Predictor", "The metrics", "Local data", "Themes", "In their words"),
                tuple(
                    (
                        r.predictor,
                        r.metrics,
                        r.local,
                        r.themes,
                        " ".join(f"\u201c{q}\u201d" for q in r.quotes) or "-",
                    )
                    for r in table.itertuples()
                ),
                wide=True,
            )
        )
    return blocks


def map_sustainability(plan: PublicPlan, session: Session) -> list[Block]:
    """The plan to keep residents and partners engaged."""
    rows = plan.value(SUSTAIN_SECTION) or []
    if not rows:
        return []
    return [
        Paragraph(
            "Engagement does not end with the plan: these activities keep residents and "
            "partners involved.",
            lead=True,
        ),
        Table(
            "Planned engagement",
            ("Activity", "How often", "Owner", "Budget", "Starts"),
            tuple(
                (
                    str(r.get("activity") or ""),
                    str(r.get("rhythm") or ""),
                    str(r.get("owner") or ""),
                    f"{r['budget']:,.0f}" if isinstance(r.get("budget"), int | float) else "-",
                    review.long_date(r["start"]) if r.get("start") else "-",
                )
                for r in rows
            ),
        ),
    ]
