"""The review checklist that closes every step, saved in the plan."""

from __future__ import annotations

from workbook.display.document import Block, BulletList, Paragraph
from workbook.display.values import long_date  # noqa: F401 - the steps use it from here
from workbook.forms import Form, YesNo
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry


def checklist(session: Session) -> Form:
    """The step's review checklist, saved in the plan (a static list in dashboards)."""
    step = registry.step(session.step["number"])
    fields = [YesNo(item["id"], label=item["text"]) for item in step.checklist]
    return Form(
        fields,
        session.plan,
        step.checklist_section,
        title="",  # the notebook's "Step N review" heading is right above it
        intro="Answer each question as a team; the answers are saved in the plan.",
    )


def when_and_checklist(plan: PublicPlan, number: int) -> list[Block]:
    """What a MAP says of any step: when its parts were saved and how far its review got.

    Dates come from the plan's history (first and last save of any of the step's
    sections); names of who saved are never used. Empty when nothing of the step is saved.
    """
    step = registry.step(number)
    names = {s.name for s in step.plan_sections()}
    dates = sorted(c.saved_at[:10] for c in plan.history() if c.section in names)
    if not dates:
        return []
    first, last = (long_date(d) for d in (dates[0], dates[-1]))
    span = f"on {first}" if first == last else f"from {first} to {last}"
    blocks: list[Block] = [Paragraph(f"The team saved its work on this step {span}.")]
    answers = plan.value(step.checklist_section) or {}
    items = step.checklist
    done = [item["text"] for item in items if answers.get(item["id"]) is True]
    open_items = [item["text"] for item in items if answers.get(item["id"]) is not True]
    if not answers:
        blocks.append(
            Paragraph(f"The step's review checklist ({len(items)} items) is not filled in yet.")
        )
        return blocks
    blocks.append(Paragraph(f"Review checklist: {len(done)} of {len(items)} items done."))
    if open_items:
        blocks.append(Paragraph("Still open at the last review:"))
        blocks.append(BulletList(tuple(open_items)))
    return blocks
