"""The review checklist that closes every step, saved in the plan."""

from __future__ import annotations

from workbook.forms import Form, YesNo
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
        title=f"Step {step.number} review",
        intro="Answer each question as a team; the answers are saved in the plan.",
    )
