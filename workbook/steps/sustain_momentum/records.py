"""Step 10's plan sections, what their records mean, and what a new data release brings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbook.analysis import measures as ms
from workbook.analysis import releases as rel
from workbook.analysis import scorecard as sc
from workbook.data.catalog import Catalog
from workbook.data.dataset import Dataset
from workbook.data.sources import list_releases
from workbook.display import views
from workbook.display.html import escape
from workbook.forms import RecordTable
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import Session
from workbook.steps import registry, review

STEP = registry.step(10)
ACTUALS_SECTION = STEP.section("actuals")
BASELINES_SECTION = STEP.section("baselines")
WINS_SECTION = STEP.section("wins")
CALENDAR_SECTION = STEP.section("calendar")
ENGAGEMENT_SECTION = STEP.section("engagement")
FUNDING_SECTION = STEP.section("funding")
MEASURES_SECTION = "step8.measures"
RESOURCES_SECTION = "step8.resources"
SUSTAIN_SECTION = "step6.sustain"

ACCEPT, KEEP = "accept", "keep"
DECISIONS = (("Accept the revised value", ACCEPT), ("Keep the old baseline", KEEP))
CALENDAR_KINDS = (
    ("Election", "election"),
    ("Budget decision", "budget"),
    ("New term of office", "new_term"),
    ("Other", "other"),
)
FUNDING_STATUSES = (
    ("Asked", "asked"),
    ("Pledged", "pledged"),
    ("Secured", "secured"),
    ("Declined", "declined"),
)
RHYTHM_DAYS = (("week", 7), ("fortnight", 14), ("month", 30), ("quarter", 91),
               ("year", 365), ("annual", 365))  # fmt: skip


# --- reading the plan (a store while editing, a PublicPlan for documents) ------------------


def value_of(plan: PlanStore | PublicPlan, section: str, default: Any = None) -> Any:
    if isinstance(plan, PlanStore):
        record = plan.get(section)
        return default if record.version == 0 else record.value
    return plan.value(section, default)


def records(plan: PlanStore | PublicPlan, section: str) -> list[dict]:
    value = value_of(plan, section) or []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def measures_of(plan: PlanStore | PublicPlan) -> list[dict]:
    """Step 8's measures that have an id (the contract's shape)."""
    return [m for m in records(plan, MEASURES_SECTION) if m.get("id")]


def effective_measures(measures: Sequence[Mapping], decisions: Sequence[Mapping]) -> list[dict]:
    """The measures with each accepted baseline revision applied (the latest decision wins)."""
    latest: dict[str, Mapping] = {}
    for d in sorted(decisions, key=lambda d: str(d.get("decided_on") or "")):
        latest[str(d.get("measure_id"))] = d
    out = []
    for m in measures:
        m = dict(m)
        choice = latest.get(str(m.get("id")))
        if choice and choice.get("decision") == ACCEPT and m.get("baseline"):
            m["baseline"] = {**m["baseline"], "value": choice.get("new"),
                             "source": f"revised in release {choice.get('release')}"}  # fmt: skip
        out.append(m)
    return out


def measure_options(measures: Sequence[Mapping]) -> list[tuple[str, str]]:
    seen, options = set(), []
    for m in measures:
        label = str(m.get("name") or m["id"])
        label = label if label not in seen else f"{label} ({m['id']})"
        seen.add(label)
        options.append((label, str(m["id"])))
    return options


def owner_names(plan: PlanStore | PublicPlan) -> dict[str, str]:
    """Stakeholder and team ids -> the organisation (public in every record)."""
    names = {}
    for s in records(plan, "step4.stakeholders"):
        names[str(s.get("id"))] = str(s.get("organisation") or s.get("id"))
    for t in records(plan, "step4.team"):
        person = t.get("person") or {}
        names[str(t.get("id"))] = str(person.get("organisation") or t.get("role") or t.get("id"))
    return names


def pillars_of(measures: Sequence[Mapping], session: Session) -> dict[str, str]:
    out = {}
    for m in measures:
        metric = m.get("metric")
        if metric and metric in session.catalog and session.catalog[metric].pillar:
            out[str(m["id"])] = session.framework.pillar_name(session.catalog[metric].pillar)
    return out


# --- what the records mean -----------------------------------------------------------------


def actual_records(plan: PlanStore | PublicPlan) -> list[dict]:
    return records(plan, ACTUALS_SECTION)


def progress(plan: PlanStore | PublicPlan, session: Session, today: dt.date) -> pd.DataFrame:
    """The scorecard of the plan as saved (accepted baseline revisions applied), with
    ``scale``: how each measure's values read (see :func:`value_text`)."""
    measures = effective_measures(measures_of(plan), records(plan, BASELINES_SECTION))
    card = sc.scorecard(measures, actual_records(plan), today, pillars_of(measures, session),
                        owner_names(plan))  # fmt: skip
    return card.assign(scale=[scale_of(m, session.catalog) for m in measures])


def scale_of(measure: Mapping[str, Any], catalog: Catalog) -> str:
    """'percent' for a share (0 to 1) of a Mobility Metric, 'points' for a gap between two
    groups' shares, '' for values shown as they are in the measure's own unit."""
    if not ms.is_share(measure, catalog):
        return ""
    return "points" if ms.is_gap(measure.get("subgroup")) else "percent"


def fmt_number(value: Any) -> str:
    number = sc.number(value)
    return "" if number is None else f"{number:,.4g}"


def value_text(value: Any, scale: str = "") -> str:
    """A measure's value as a reader takes it in: 0.3981 of a share is '39.8%'."""
    number = sc.number(value)
    if number is None or not scale:
        return fmt_number(value)
    return ms.number_text(number, share=True, gap=scale == "points")


def _with_when(value: Any, when: Any, scale: str = "") -> str:
    shown = value_text(value, scale)
    year = sc.number(when)
    if year is not None and year == int(year):
        when = int(year)  # a year held as 2018.0 in a table reads 2018
    elif when is not None and not isinstance(when, str):
        when = None  # a missing year (NaN)
    elif isinstance(when, str):
        when = review.long_date(when)  # '2024-03-31' reads '31 March 2024'
    return f"{shown} ({when})" if when and shown else shown


def scorecard_rows(card: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (r.measure, r.level, _with_when(r.baseline, r.baseline_year, scale),
         _with_when(r.latest, r.latest_date, scale), _with_when(r.target, r.target_year, scale),
         value_text(r.forecast, scale), r.status_label)
        for r in card.itertuples()
        for scale in [getattr(r, "scale", "")]  # a card from sc.scorecard has none
    )  # fmt: skip


SCORECARD_HEADER = ("Measure", "Level", "Baseline", "Latest", "Target", "Forecast", "Status")


def status_counts_text(card: pd.DataFrame) -> str:
    if card.empty:
        return "No measures yet: Step 8 chooses them."
    counts = card["status_label"].value_counts()
    parts = [f"{counts[label]} {label.lower()}" for label in sc.STATUS_LABELS.values()
             if label in counts]  # fmt: skip
    return f"{len(card)} measures: " + ", ".join(parts) + "."


def rhythm_days(rhythm: str) -> int | None:
    text = str(rhythm or "").lower()
    for word, days in RHYTHM_DAYS:
        if word in text:
            return days
    return None


def engagement_compared(planned: Sequence[Mapping], happened: Sequence[Mapping],
                        today: dt.date) -> pd.DataFrame:  # fmt: skip
    """Each planned activity: how often it should have happened by now, and how often it did."""
    rows = []
    for p in planned:
        start = sc.parse_date(p.get("start"))
        days = rhythm_days(p.get("rhythm"))
        expected = None
        if start is not None and days and today >= start:
            expected = (today - start).days // days + 1
        done = [h for h in happened if h.get("planned_id") == p.get("id")]
        last = max((str(h.get("date")) for h in done), default="")
        rows.append({
            "activity": str(p.get("activity") or ""), "rhythm": str(p.get("rhythm") or ""),
            "expected": expected, "happened": len(done), "last": last,
            "reached": sum(int(h.get("reached") or 0) for h in done),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["activity", "rhythm", "expected", "happened", "last",
                                       "reached"])  # fmt: skip


def funding_over_time(resources: Sequence[Mapping], funding: Sequence[Mapping]) -> pd.DataFrame:
    """Needed and secured, added up over time (Step 8's resources and Step 10's records)."""
    rows = []
    for source, items in (("Step 8", resources), ("Step 10", funding)):
        for r in items:
            day = sc.parse_date(r.get("date"))
            if day is None:
                continue
            rows.append({
                "date": day.isoformat(), "item": str(r.get("item") or ""),
                "needed": sc.number(r.get("needed")) or 0.0,
                "secured": sc.number(r.get("secured")) or 0.0, "from": source,
            })  # fmt: skip
    frame = pd.DataFrame(rows, columns=["date", "item", "needed", "secured", "from"])
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    frame["needed_total"] = frame["needed"].cumsum()
    frame["secured_total"] = frame["secured"].cumsum()
    return frame


def money(value: float) -> str:
    return f"{value:,.0f} dollars"


# --- a new release of the Mobility Metrics ---------------------------------------------------


@dataclass
class ReleaseRefresh:
    """What a new release brings to this plan: the changes, touched baselines, new values."""

    old: str
    new: str
    changes: pd.DataFrame
    touched: pd.DataFrame
    actuals: list[dict]


def refresh_from_release(plan: PlanStore | PublicPlan, place_key: str, kind: str,
                         old: Dataset, new: Dataset, old_label: str, new_label: str,
                         changes: pd.DataFrame | None = None) -> ReleaseRefresh:  # fmt: skip
    """Compare two releases for this place and list the new actual values (nothing saved)."""
    if changes is None:
        changes = rel.compare_releases(rel.tables_of(old), rel.tables_of(new))
    measures = effective_measures(measures_of(plan), records(plan, BASELINES_SECTION))
    touched = rel.baselines_touched(changes, measures, place_key)
    decided = {(str(d.get("measure_id")), str(d.get("release")))
               for d in records(plan, BASELINES_SECTION)}  # fmt: skip
    touched = touched[[(str(m), new_label) not in decided for m in touched["measure_id"]]]
    table = new.table(f"{kind}_longitudinal")
    renamed = changes[changes["change"] == "metric_renamed"]
    renames = dict(zip(renamed["old"], renamed["new"], strict=True))
    linked = [{**m, "metric": renames.get(m.get("metric"), m.get("metric"))} for m in measures]
    new_actuals = sc.metric_actuals(linked, table, kind, place_key, new_label,
                                    actual_records(plan))  # fmt: skip
    return ReleaseRefresh(old_label, new_label, changes, touched.reset_index(drop=True),
                          new_actuals)  # fmt: skip


def save_release_actuals(table: RecordTable, refresh: ReleaseRefresh) -> int:
    """Add the release's new values to the actuals (one save); returns how many."""
    if not refresh.actuals:
        return 0
    new = [{"id": uuid.uuid4().hex[:12], **a} for a in refresh.actuals]
    table._commit(lambda items: [*items, *new])
    return len(new)


def release_report_html(refresh: ReleaseRefresh, place_key: str) -> str:
    lines = rel.summary(refresh.changes, f"release {refresh.old}", f"release {refresh.new}")
    here = rel.for_place(refresh.changes, place_key)
    here = here[here["geography"].notna()]
    out = [views.heading(f"What changed from release {refresh.old} to {refresh.new}"),
           "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"]  # fmt: skip
    if not here.empty:
        out.append(views.heading("Values revised for this place", 4))
        out.append(views.table(
            [(r.variable + ("" if pd.isna(r.subgroup) else f" ({r.subgroup})"),
              "" if pd.isna(r.year) else int(r.year), fmt_number(r.old), fmt_number(r.new),
              rel.CHANGE_LABELS[r.change]) for r in here.head(60).itertuples()],
            ["Metric", "Year", "Old", "New", "Change"],
        ))  # fmt: skip
    if not refresh.touched.empty:
        out.append(views.heading("Baselines this release revised: the coalition decides", 4))
        out.append(views.table(
            [(r.measure, r.metric, r.year, fmt_number(r.old), fmt_number(r.new))
             for r in refresh.touched.itertuples()],
            ["Measure", "Metric", "Baseline year", "Recorded", "New release"],
        ))  # fmt: skip
    out.append(views.paragraph(f"{len(refresh.actuals)} new values for the measures linked to "
                               "a metric."))  # fmt: skip
    return "".join(out)


def previous_and_latest_release() -> tuple[str, str] | None:
    kept = list_releases()
    if len(kept) < 2:
        return None
    return kept[-2]["release"], kept[-1]["release"]
