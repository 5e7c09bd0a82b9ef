"""Step 7 in the MAP: the vision, the theory of change drawn and told, the logic model.

The MAP shows the latest approved version (its number, date and fingerprint say which),
never the drafts being edited; with no approved version the part is left empty, and the
MAP marks it as a gap.
"""

from __future__ import annotations

from typing import Any

from workbook.analysis import theory_of_change as toc_model
from workbook.display.diagrams import toc_png, toc_svg
from workbook.display.document import Block, BulletList, Diagram, Heading, Paragraph, Table
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import review
from workbook.steps.strategic_actions import records as rec


def _diagram(toc: dict[str, Any]) -> Diagram:
    graph = toc_model.Graph.of(toc)
    alt = (
        f"A diagram of {len(graph.outcomes)} outcomes, from preconditions at the bottom to "
        f"long-term outcomes at the top, joined by {len(graph.links)} links, with "
        f"{len(graph.interventions)} interventions pointing at the links they move. The "
        "list that follows tells each link in words."
    )
    return Diagram(svg=toc_svg(toc, alt), png=toc_png(toc), caption="The theory of change", alt=alt)


def map_theory_of_change(plan: PublicPlan, session: Session) -> list[Block]:
    """The approved vision, theory of change and logic model, and which version they are."""
    version = rec.latest_approved(plan)
    if version is None:
        return []
    shot = version.get("snapshot") or {}
    toc = shot.get("toc") or {}
    vision = shot.get("vision") or {}
    when = review.long_date(str(version.get("approved_on") or ""))
    by = version.get("approved_by") or "(not recorded)"
    blocks: list[Block] = [
        Paragraph(
            "What the coalition wants to change, how it expects the change to happen, and "
            "the work, partners and measures that will carry it.",
            lead=True,
        ),
        Paragraph(
            f"This section shows version {version.get('number')} of the theory of change "
            f"and logic model, approved on {when} by {by} (fingerprint "
            f"{str(version.get('hash') or '')[:12]})."
        ),
    ]
    adopted = vision.get("adopted") if isinstance(vision.get("adopted"), dict) else None
    if adopted:
        blocks += [
            Heading("Our vision", 3),
            Paragraph(str(adopted.get("text") or "")),
            Paragraph(f"Adopted on {review.long_date(str(adopted.get('date') or ''))}."),
        ]
    chosen = rec.selected(plan)
    if chosen:
        blocks += [
            Heading("The findings this plan acts on", 3),
            BulletList(tuple(
                str(f.get("statement") or "") + (f" ({reason})" if reason else "")
                for f, reason in chosen
            )),
        ]  # fmt: skip
    graph = toc_model.Graph.of(toc)
    if graph.outcomes:
        blocks += [Heading("Theory of change", 3), _diagram(toc)]
        story = toc_model.narrative(toc)
        if story:
            blocks += [Heading("How each change leads to the next", 4), BulletList(tuple(story))]
        if graph.interventions:
            link_names = {str(x.get("id")): graph.link_label(x) for x in graph.links}
            blocks += [
                Heading("Interventions", 4),
                BulletList(tuple(
                    f"{i.get('name')}: moves "
                    + ("; ".join(link_names[j] for j in i.get("links") or [] if j in link_names)
                       or "no link yet")
                    for i in graph.interventions
                )),
            ]  # fmt: skip
    partners = dict((v, k) for k, v in rec.partners(plan))
    local = dict((v, k) for k, v in rec.local_measures(plan))
    rows = rec.logic_rows(shot.get("logic_model"), session.catalog, session.framework,
                          partners, local)  # fmt: skip
    if rows:
        blocks += [
            Heading("Logic model", 3),
            Table("The systems-change logic model", rec.LOGIC_HEADER, tuple(rows), wide=True),
        ]
    return [*blocks, *review.when_and_checklist(plan, 7)]
