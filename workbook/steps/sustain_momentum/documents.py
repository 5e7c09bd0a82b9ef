"""Step 10's one-page documents and its part of the MAP, as Document blocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from workbook.analysis import scorecard as sc
from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Document,
    Heading,
    Paragraph,
    Part,
    Table,
)
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import review
from workbook.steps.sustain_momentum.records import (
    ACCEPT,
    BASELINES_SECTION,
    CALENDAR_SECTION,
    ENGAGEMENT_SECTION,
    FUNDING_SECTION,
    KEEP,
    MEASURES_SECTION,
    RESOURCES_SECTION,
    SCORECARD_HEADER,
    STEP,
    WINS_SECTION,
    funding_over_time,
    measures_of,
    money,
    progress,
    records,
    scorecard_rows,
    status_counts_text,
    value_of,
)

# --- documents ---------------------------------------------------------------------------


def _doc(title: str, session: Session, today: dt.date, parts: Sequence[Part]) -> Document:
    place = session.jurisdiction
    subtitle = f"{place.label} ({place.key})" if place is not None else ""
    return Document(title=title, subtitle=subtitle, date=today.isoformat(),
                    front=tuple(parts), synthetic=session.synthetic,
                    metadata={"layout": "short", "kind": "step10"})  # fmt: skip


def _progress_blocks(plan: PublicPlan, session: Session, today: dt.date) -> list[Block]:
    card = progress(plan, session, today)
    if card.empty:
        return [Paragraph("The measures of progress are not chosen yet (Step 8).")]
    return [
        Paragraph(status_counts_text(card)),
        Table("Progress by measure", SCORECARD_HEADER, scorecard_rows(card), wide=True,
              note="How the status is decided: " + sc.STATUS_RULE),
    ]  # fmt: skip


def _win_items(plan: PublicPlan) -> tuple[str, ...]:
    items = []
    for w in sorted(records(plan, WINS_SECTION), key=lambda w: str(w.get("date") or "")):
        text = f"{review.long_date(str(w.get('date') or ''))}: {w.get('what') or ''}"
        if w.get("thanks"):
            text += f" (thanks to {w['thanks']})"
        items.append(text)
    return tuple(items)


def _funding_blocks(plan: PublicPlan) -> list[Block]:
    frame = funding_over_time(records(plan, RESOURCES_SECTION), records(plan, FUNDING_SECTION))
    if frame.empty:
        return [Paragraph("No funding needs or sources are recorded yet.")]
    last = frame.iloc[-1]
    gap = last["needed_total"] - last["secured_total"]
    return [
        Paragraph(f"{money(last['secured_total'])} secured of {money(last['needed_total'])} "
                  f"needed; {money(max(gap, 0))} still to find."),
        Table("Needs and funding", ("Date", "Item", "Needed", "Secured"),
              tuple((r.date, r.item, money(r.needed), money(r.secured))
                    for r in frame.itertuples())),
    ]  # fmt: skip


def win_brief(plan: PublicPlan, session: Session, today: dt.date) -> Document:
    wins = records(plan, WINS_SECTION)
    blocks: list[Block] = [Paragraph("What the coalition has achieved so far, and who made "
                                     "it happen.", lead=True)]  # fmt: skip
    measures = {m["id"]: m for m in measures_of(plan)}
    for w in sorted(wins, key=lambda w: str(w.get("date") or "")):
        blocks.append(Heading(str(w.get("what") or ""), 3))
        facts = [f"When: {review.long_date(str(w.get('date') or ''))}"]
        if w.get("measure_id") in measures:
            facts.append(f"Measure: {measures[w['measure_id']].get('name')}")
        for key, label in (("strategy", "Strategy"), ("evidence", "Evidence"),
                           ("thanks", "With thanks to")):  # fmt: skip
            if w.get(key):
                facts.append(f"{label}: {w[key]}")
        blocks.append(BulletList(tuple(facts)))
    if not wins:
        blocks.append(Paragraph("No wins are recorded yet."))
    return _doc("Early wins", session, today, [Part("Early wins", tuple(blocks))])


def briefing_packet(plan: PublicPlan, session: Session, today: dt.date) -> Document:
    asks = [f"{c.get('event')} ({review.long_date(str(c.get('date') or ''))}): {c.get('ask')}"
            for c in sorted(records(plan, CALENDAR_SECTION), key=lambda c: str(c.get("date")))
            if c.get("ask")]  # fmt: skip
    vision = (value_of(plan, "step7.vision") or {}).get("adopted") or {}
    plan_blocks: list[Block] = [
        Paragraph(
            "The coalition's Mobility Action Plan sets out how the place will widen the paths "
            "out of poverty, with measures the coalition reports on every year.",
            lead=True,
        )
    ]
    if vision.get("text"):
        plan_blocks.append(Callout("Our vision", str(vision["text"]), kind="key"))
    priorities = (value_of(plan, "step5.priorities") or {}).get("predictors") or []
    if priorities:
        plan_blocks.append(Paragraph("Where the plan focuses:"))
        plan_blocks.append(BulletList(tuple(str(p) for p in priorities)))
    wins = _win_items(plan)
    won: list[Block] = [Paragraph("Early wins:"), BulletList(wins)] if wins else []
    parts = [
        Part("The plan in brief", tuple(plan_blocks)),
        Part("Progress so far", (*_progress_blocks(plan, session, today), *won)),
        Part("What we ask of you", (BulletList(tuple(asks)),) if asks else (
            Paragraph("Meet the coalition, keep the plan's measures in your reports, and "
                      "protect its funding in the budget."),)),
    ]  # fmt: skip
    return _doc("Briefing for new officials", session, today, parts)


def funding_case(plan: PublicPlan, session: Session, today: dt.date) -> Document:
    parts = [
        Part("Why sustained funding", (Paragraph(
            "Changing mobility takes years. The coalition has a plan, measures it reports on, "
            "and early results; steady funding keeps them going.", lead=True),)),
        Part("Needs and what is secured", tuple(_funding_blocks(plan))),
        Part("What the money has achieved", (BulletList(_win_items(plan)),) if _win_items(plan)
             else (Paragraph("No wins are recorded yet."),)),
    ]  # fmt: skip
    return _doc("The case for sustained funding", session, today, parts)


def annual_report(plan: PublicPlan, session: Session, today: dt.date) -> Document:
    engaged = records(plan, ENGAGEMENT_SECTION)
    reached = sum(int(e.get("reached") or 0) for e in engaged)
    decisions = records(plan, BASELINES_SECTION)
    data_blocks: list[Block] = [
        Paragraph(
            f"{len(decisions)} baseline revisions from new data releases were decided: "
            f"{sum(d.get('decision') == ACCEPT for d in decisions)} accepted, "
            f"{sum(d.get('decision') == KEEP for d in decisions)} kept as they were."
        )
    ]
    parts = [
        Part("The year in brief", (Paragraph(
            f"Progress report of the Mobility Action Plan, {today.year}: what changed since "
            "the plan was released.", lead=True),)),
        Part("Progress on each measure", tuple(_progress_blocks(plan, session, today))),
        Part("Early wins", (BulletList(_win_items(plan)),) if _win_items(plan)
             else (Paragraph("No wins are recorded yet."),)),
        Part("Engagement", (Paragraph(
            f"{len(engaged)} engagement "
            f"{'activity' if len(engaged) == 1 else 'activities'} reached {reached:,} people."),)),
        Part("New data", tuple(data_blocks)),
        Part("Funding", tuple(_funding_blocks(plan))),
    ]  # fmt: skip
    return _doc(f"Annual progress report {today.year}", session, today, parts)


def public_scorecard(plan: PublicPlan, session: Session, today: dt.date) -> Document:
    """The scorecard page for the published site (built from the public plan only)."""
    return _doc("Progress scorecard", session, today, [
        Part("How we are doing", (Paragraph(
            "Each measure the coalition committed to, its baseline, newest value and target, "
            "and its status.", lead=True), *_progress_blocks(plan, session, today))),
    ])  # fmt: skip


DOCUMENTS = {
    "win-brief": win_brief,
    "briefing-packet": briefing_packet,
    "funding-case": funding_case,
    "annual-report": annual_report,
    "scorecard": public_scorecard,
}


def build_documents(plan: PublicPlan, session: Session, today: dt.date) -> dict[str, Document]:
    return {stem: make(plan, session, today) for stem, make in DOCUMENTS.items()}


# --- the MAP's part ------------------------------------------------------------------------


def as_of(plan: PublicPlan) -> dt.date:
    """The day the MAP's scorecard is judged on: the last save of Step 8's measures or of
    Step 10, so the same plan always gives the same document (a final version rebuilt
    later is the same)."""
    names = {s.name for s in STEP.sections} | {MEASURES_SECTION}
    saved = [c.saved_at[:10] for c in plan.history() if c.section in names]
    return sc.parse_date(max(saved)) if saved else dt.date.today()


def map_sustainability(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 10 in the MAP: progress so far, the early wins, and funding."""
    names = {s.name for s in STEP.sections}
    if not any(plan.value(n) for n in names):
        return []
    today = as_of(plan)
    blocks: list[Block] = [
        Paragraph(
            "After the plan's release the coalition keeps score: it records each measure's "
            "values, marks its early wins, and tracks the money that keeps the work going. "
            f"Statuses as of {review.long_date(today.isoformat())}, the last time the "
            "measures or their values were saved.",
            lead=True,
        ),
        Heading("Progress so far", 3),
        *_progress_blocks(plan, session, today),
    ]
    wins = _win_items(plan)
    blocks += [
        Heading("Early wins", 3),
        BulletList(wins) if wins else Paragraph("No wins are recorded yet."),
    ]
    blocks += [Heading("Funding", 3), *_funding_blocks(plan)]
    return [*blocks, *review.when_and_checklist(plan, 10)]  # fmt: skip
