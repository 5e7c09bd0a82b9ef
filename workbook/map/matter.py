"""The MAP's front matter (what, where, which version) and back matter (sources, method,
quality, members, glossary): the parts no single step writes."""

from __future__ import annotations

from workbook.analysis.compare import DEFAULT_PEER_COUNT, SIMILAR_SHARE_OF_IQR
from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Citation,
    Paragraph,
    Part,
    Table,
)
from workbook.map.versions import Version
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import build_the_coalition as coalition
from workbook.steps.review import long_date

TITLE = "Mobility Action Plan"
DATA_CATALOG_URL = "https://datacatalog.urban.org/"
DATA_CREDIT = (
    "Urban Institute, Mobility Metrics (Boosting Upward Mobility from Poverty). Reuse is "
    "governed by the Urban Institute Data Catalog's terms."
)
SYNTHETIC_WARNING = (
    "This document was made from the workbook's synthetic sample: its places and values are "
    "invented, for learning the workbook. Do not use it for decisions."
)


def front(
    plan: PublicPlan,
    session: Session,
    *,
    number: int,
    status: str,
    day: str,
    author: str = "",
    empty_parts: int = 0,
) -> tuple[Part, ...]:
    """Title page facts: the place, the coalition, the date, the version, draft or final."""
    place = session.jurisdiction
    launched = coalition.launch_summary(plan)
    rows = [
        ("Place", f"{place.label} ({place.key})"),
        ("Coalition", launched or "not launched yet (Step 4 records the launch)"),
        ("Date", long_date(day)),
        ("Version", f"{number} ({status})"),
        ("Data", session.data.reader_label),
    ]
    if author:
        rows.append(("Prepared by", author))
    blocks: list[Block] = [
        Paragraph(
            f"The {TITLE.lower()} of {place.label}: what the coalition has learned, what it "
            "plans to do and how it will know whether it works.",
            lead=True,
        ),
        Table("About this document", ("Item", "Detail"), tuple(rows)),
    ]
    if session.synthetic:
        blocks.append(Callout("Synthetic data", SYNTHETIC_WARNING, kind="caution"))
    if status == "draft":
        still = (
            f" {empty_parts} parts are still empty; each is marked where it belongs."
            if empty_parts
            else ""
        )
        blocks.append(
            Callout(
                "Draft",
                f"This is a working draft, not the released plan.{still}",
                kind="note",
            )
        )
    return (Part("About this plan", tuple(blocks)),)


def versions_part(history: list[Version], number: int, status: str, day: str) -> Part:
    """How We Got Here's list of the plan's earlier builds, and this one."""
    blocks: list[Block] = [
        Paragraph(f"This is version {number} ({status}), built on {long_date(day)}.")
    ]
    if history:
        rows = tuple(
            (str(v.number), long_date(v.date), v.status, ", ".join(v.formats) or "-",
             v.sha256[:12])
            for v in history
        )  # fmt: skip
        blocks.append(
            Table(
                "Earlier builds of this plan",
                ("Version", "Date", "Status", "Formats", "Fingerprint"),
                rows,
                note="The fingerprint is the start of the SHA-256 of the document's content: "
                "two builds with the same fingerprint say exactly the same thing.",
            )
        )
    else:
        blocks.append(Paragraph("No earlier version has been built from this plan."))
    return Part("Versions of this plan", tuple(blocks))


def _sources(session: Session) -> Part:
    data = session.data
    blocks: list[Block] = [
        Paragraph(f"The metrics are Urban's Mobility Metrics: {data.label}."),
        Citation(DATA_CREDIT, DATA_CATALOG_URL),
        Citation(session.framework["source_citation"]),
        Paragraph(
            "The planning framework follows the Urban Institute's guide; the wording of this "
            "document is the workbook's and the coalition's own."
        ),
    ]
    if data.synthetic:
        blocks.append(Callout("Synthetic data", SYNTHETIC_WARNING, kind="caution"))
    return Part("Data sources", tuple(blocks))


def _method() -> Part:
    items = (
        "Each metric is taken in its most recent year, and every place is compared in that "
        "same year.",
        "A percentile rank is the share of counties (or of cities) with a lower value, with "
        "ties counted as half; it is worked out against the whole country and within the "
        "state.",
        "Urban publishes no state figures, so the state value used here is the median of "
        "the state's counties (or cities).",
        f"Suggested peers are the {DEFAULT_PEER_COUNT} counties (or cities) closest in "
        "population (on a log scale), census region and the profile of the metrics most "
        "places have; each peer comes with the reason it was picked, and the coalition may "
        "replace them with its own. Counties are only compared with counties, cities with "
        "cities.",
        "Better or worse follows each metric's direction (for some, lower is better). Metrics "
        "with no better direction and counts of people are not judged, and neither is any "
        "value Urban rates Weak.",
        "A value is called different only when the comparison lies outside its 95% "
        "confidence interval or, for metrics without one, when the gap is larger than "
        f"{SIMILAR_SHARE_OF_IQR:.0%} of the spread of the middle half of all places' values.",
        "Gaps between racial and ethnic groups are the difference between the highest and "
        "the lowest group with a value that is not Weak.",
    )
    return Part("How comparisons and peers were made", (BulletList(items),))


def _quality(session: Session) -> Part:
    fw = session.framework
    levels = tuple((q["level"], q["meaning"], q["use"]) for q in fw["quality_levels"])
    missing = tuple(
        (key.replace("_", " ").capitalize(), text) for key, text in fw["missing_values"].items()
    )
    return Part(
        "Notes on data quality",
        (
            Paragraph(
                "Urban rates the quality of every value; this plan shows each value with "
                "its rating and, where Urban publishes one, its 95% confidence interval."
            ),
            Table("Quality ratings", ("Rating", "What it means", "How to use it"), levels),
            Table("Why a value can be missing", ("Reason", "What it means"), missing),
        ),
    )


def _members(plan: PublicPlan, session: Session) -> Part:
    rows = tuple(coalition.members(plan, session.framework))
    if not rows:
        return Part("Coalition members", (Paragraph("No organisation has joined yet."),))
    return Part(
        "Coalition members",
        (
            Table(
                f"The {len(rows)} organisations that accepted the coalition's request",
                ("Organisation", "Actor types"),
                rows,
            ),
        ),
    )


def _glossary(session: Session) -> Part:
    fw = session.framework
    rows = [(d["name"], "Dimension of mobility", d["summary"]) for d in fw["dimensions"]]
    rows += [(p["name"], "Pillar of support", p["summary"]) for p in fw.pillars]
    rows += [(t["term"], "Equity term", t["meaning"]) for t in fw["equity_terms"]]
    return Part(
        "Glossary", (Table("Terms of the framework", ("Term", "Kind", "Meaning"), tuple(rows)),)
    )


def back(plan: PublicPlan, session: Session) -> tuple[Part, ...]:
    return (
        _sources(session),
        _method(),
        _quality(session),
        _members(plan, session),
        _glossary(session),
    )
