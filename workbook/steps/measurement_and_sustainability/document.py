"""Step 8's parts of the MAP: the measurement plan and the sustainability considerations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workbook.analysis import measures as ms
from workbook.data.catalog import load_catalog
from workbook.display.document import Block, BulletList, Figure, Heading, Paragraph, Table
from workbook.display.measure_charts import funding_gap
from workbook.forms import (
    EMPTY,
    Rating,
)
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import review
from workbook.steps.measurement_and_sustainability.choices import (
    BLOCK_LEVELS,
    BLOCKS,
    COMMUNITY_SECTION,
    DIRECTIONS,
    FREQUENCIES,
    HEADER,
    LEARNING_SECTION,
    MEASURES_SECTION,
    REPORTING_SECTION,
    RESOURCE_STATUSES,
    RESOURCES_SECTION,
    SUSTAINABILITY_SECTION,
)
from workbook.steps.measurement_and_sustainability.views import (
    _records,
    curve,
    has_history,
    logic_model,
    owner_choices,
)

# --- the MAP's parts ------------------------------------------------------------------

CATALOG = load_catalog()


def measure_rows(measures, model_elements, names) -> list[tuple[str, ...]]:
    by_key = {(e.kind, e.id): e.label for e in model_elements}
    directions = {v: k for k, v in DIRECTIONS}
    frequencies = {v: k for k, v in FREQUENCIES}
    rows = []
    for m in measures:
        target = m.get("target") if isinstance(m.get("target"), Mapping) else {}
        name = str(m.get("name") or "")
        label = ms.subgroup_label(m.get("subgroup"))
        if label and label not in name:
            name += f" ({label})"
        share, gap = ms.is_share(m, CATALOG), ms.is_gap(m.get("subgroup"))
        rows.append(
            (
                name,
                by_key.get(ms.element_of(m), "(element removed)"),
                ms.RBA.get(m.get("rba"), ""),
                str(m.get("unit") or ""),
                directions.get(m.get("direction"), ""),
                ms.baseline_text(m.get("baseline"), share, gap),
                f"{ms.number_text(target['value'], share, gap)} by {target.get('year')}"
                if isinstance(target.get("value"), int | float)
                else "none yet",
                "; ".join(names.get(o, "(no longer in the coalition)") for o in ms.owner_ids(m))
                or "not named yet",
                frequencies.get(m.get("frequency"), ""),
                str(m.get("reported_to") or ""),
                str(m.get("source") or ""),
            )
        )
    return rows


def _reporting_blocks(plan: PublicPlan, measures) -> list[Block]:
    value = plan.value(REPORTING_SECTION) or {}
    if not value:
        return []
    cadence = {v: k for k, v in FREQUENCIES}.get(value.get("cadence"), "")
    blocks: list[Block] = [Heading("Reporting and accountability", 3)]
    if cadence:
        first = value.get("first_report")
        when = f", starting {review.long_date(first)}" if first else ""
        blocks.append(Paragraph(f"Progress reports: {cadence.lower()}{when}."))
    for key, title in (
        ("scorecard", "The public scorecard"),
        ("chain", "Who reports to whom"),
        ("off_track", "When a measure goes off track"),
    ):
        if value.get(key):
            text = str(value[key])
            if key == "scorecard" and value.get("scorecard_where"):
                text += f" It is published at: {value['scorecard_where']}."
            blocks += [Heading(title, 4), Paragraph(text)]
    if value.get("first_report") and measures:
        rows = [
            (review.long_date(d), "; ".join(n))
            for d, n in ms.reporting_calendar(measures, value["first_report"])
        ]
        blocks.append(
            Table(
                "Reporting calendar for the first year", ("Date", "Measures reported"), tuple(rows)
            )
        )
    return blocks


def map_measurement_plan(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 8 in the MAP: the measurement table (landscape), headline curves, reporting."""
    measures = _records(plan, MEASURES_SECTION)
    if not measures:
        return []
    model_elements = ms.elements(logic_model(plan))
    names = {i: n for n, i in owner_choices(plan)}  # members now: a partner who left is not
    with_target = sum(
        1 for m in measures if isinstance((m.get("target") or {}).get("value"), int | float)
    )
    blocks: list[Block] = [
        Paragraph(
            f"The coalition tracks {len(measures)} measures tied to its logic model, "
            f"{with_target} of them with a target. Each has a data source, an owner who "
            "collects and reports it, and a schedule.",
            lead=True,
        ),
        Table(
            "Measurement plan",
            HEADER,
            tuple(measure_rows(measures, model_elements, names)),
            note="Categories follow results-based accountability. Owners are named by "
            "organisation or role.",
            wide=True,
        ),
    ]
    for m in [m for m in measures if m.get("headline")][:6]:
        if not (m.get("metric") or m.get("target")) or not has_history(session, m, plan):
            continue  # no published value here: a chart would be an empty frame
        chart, fc = curve(session, m, plan)
        blocks.append(
            Figure(
                spec=chart.to_dict(),
                caption=f"Turn the curve: {m.get('name')}",
                alt=f"A line chart of {m.get('name')}: its published history, a dashed forecast "
                f"line with a shaded band, and the target as a diamond. {fc.note}",
            )
        )
    return [*blocks, *_reporting_blocks(plan, measures)]


def _block_rows(value: Mapping[str, Any]) -> list[tuple[str, ...]]:
    rating = Rating("r", levels=BLOCK_LEVELS)
    return [
        (
            name,
            rating.display(value.get(f"{key}_rating")).replace(EMPTY, "not rated"),
            str(value.get(f"{key}_evidence") or ""),
            str(value.get(f"{key}_risks") or ""),
            str(value.get(f"{key}_actions") or ""),
            str(value.get(f"{key}_actors") or ""),
        )
        for key, name, _ in BLOCKS
    ]


def map_sustainability(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 8 in the MAP: the building blocks, who carries them, resources, community, learning."""
    value = plan.value(SUSTAINABILITY_SECTION) or {}
    resources = _records(plan, RESOURCES_SECTION)
    community = _records(plan, COMMUNITY_SECTION)
    learning = _records(plan, LEARNING_SECTION)
    if not (value or resources or community or learning):
        return []
    names = {i: n for n, i in owner_choices(plan)}  # members now: a partner who left is not
    blocks: list[Block] = [
        Paragraph(
            "The coalition rated where it stands on the four building blocks of lasting work, "
            "named who carries each, and set out the resources the plan needs.",
            lead=True,
        )
    ]
    if value:
        blocks.append(
            Table(
                "The four building blocks",
                (
                    "Building block",
                    "Where it stands",
                    "Evidence",
                    "Risks",
                    "Actions",
                    "Responsible",
                ),
                tuple(_block_rows(value)),
                wide=True,
            )
        )
    if resources:
        statuses = dict((v, k) for k, v in RESOURCE_STATUSES)
        rows = tuple(
            (
                str(r.get("item") or ""),
                f"{r.get('needed') or 0:,.0f}",
                f"{r.get('secured') or 0:,.0f}",
                str(r.get("source") or ""),
                statuses.get(r.get("status"), ""),
                review.long_date(r["date"]) if r.get("date") else "",
            )
            for r in resources
        )
        needed = sum(float(r.get("needed") or 0) for r in resources)
        secured = sum(float(r.get("secured") or 0) for r in resources)
        chart = funding_gap(resources)
        blocks += [
            Heading("Resources", 3),
            Paragraph(
                f"Needed: {needed:,.0f}; secured: {secured:,.0f}; still to find: "
                f"{max(needed - secured, 0):,.0f}."
            ),
            Table(
                "Resources needed and secured",
                ("Item", "Needed", "Secured", "Source", "Status", "Date"),
                rows,
            ),
            Figure(
                spec=chart.to_dict(),
                caption="Resources needed and secured",
                alt=f"A bar chart with two bars per item, needed and secured. "
                f"{chart.to_dict().get('description', '')}",
            ),
        ]
    if community:
        items = tuple(
            f"{r.get('event')}"
            + (f", {review.long_date(r['date'])}" if r.get("date") else "")
            + (f", {r['place']}" if r.get("place") else "")
            + (
                f" (led by {'; '.join(names.get(o, 'a former partner') for o in ms.owner_ids(r))})"
                if ms.owner_ids(r)
                else ""
            )
            for r in sorted(community, key=lambda r: str(r.get("date") or "9999"))
        )
        blocks += [Heading("Taking the plan back to the community", 3), BulletList(items)]
    if learning:
        rows = tuple(
            (
                str(r.get("question") or ""),
                str(r.get("method") or ""),
                review.long_date(r["review_date"]) if r.get("review_date") else "",
                str(r.get("agreement_with") or "") if r.get("data_sharing") else "none",
            )
            for r in learning
        )
        blocks += [
            Heading("Learning and evaluation", 3),
            Table(
                "Learning questions",
                ("Question", "How it will be answered", "Review", "Data-sharing agreement"),
                rows,
            ),
        ]
    return blocks
