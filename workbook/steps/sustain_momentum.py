"""Step 10, sustain momentum: the progress scorecard, new data releases, wins and funding.

Plan sections:

- ``step10.actuals``: values recorded for the Step 8 measures, typed, imported from a
  file, or taken from a release of the Mobility Metrics (then ``release`` says which);
- ``step10.baselines``: the coalition's choice, for each baseline a new release revised,
  to accept the new value or keep the old one (a revised baseline is never replaced
  silently);
- ``step10.wins``: early wins (what, when, which measure or strategy, evidence, whom to
  thank);
- ``step10.calendar``: elections, budgets and new terms that the work must ride through;
- ``step10.engagement``: engagement that happened, against what Step 6 planned
  (``step6.sustain``);
- ``step10.funding``: money asked for and secured over time; a funder's contact is private.

Upstream sections are read only through their contract shapes: ``step8.measures``,
``step8.resources`` and ``step6.sustain``. The status rule of the scorecard and the
release comparison live in :mod:`workbook.analysis.scorecard` and
:mod:`workbook.analysis.releases`. The one-page documents (win brief, briefing packet,
case for funding, annual progress report, public scorecard) are
:class:`~workbook.display.document.Document` objects that :mod:`workbook.map.render`
writes as HTML, DOCX and PDF.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis import releases as rel
from workbook.analysis import scorecard as sc
from workbook.data.dataset import Dataset, open_release
from workbook.data.sources import list_releases
from workbook.display import views
from workbook.display.charts import finish, nothing_yet
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
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews
from workbook.display.theme import MUTED, OKABE_ITO
from workbook.forms import (
    Date,
    Field,
    LongText,
    Number,
    Person,
    RecordTable,
    Rule,
    ShortText,
    SingleChoice,
)
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
STATUS_COLOURS = {
    sc.ON_TRACK: OKABE_ITO[2],
    sc.OFF_TRACK: OKABE_ITO[4],
    sc.STALE: OKABE_ITO[1],
    sc.NO_NEW_DATA: MUTED,
}
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


# --- forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AfterBaseline(Rule):
    """An actual value may not be dated before its measure's baseline."""

    measures: tuple = ()

    def field_names(self) -> tuple[str, ...]:
        return ("measure_id", "date")

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        day = sc.parse_date(values.get("date"))
        measure = next((m for m in self.measures if m.get("id") == values.get("measure_id")), None)
        if day is None or measure is None:
            return {}
        first = sc.earliest_actual(measure)
        if first is None or day >= first:
            return {}
        return {"date": (
            f"{day.isoformat()} is before the baseline of '{measure.get('name')}' "
            f"({first.isoformat()}); record only values measured on or after the baseline, "
            "or correct the date."
        )}  # fmt: skip


def actual_fields(measures: Sequence[Mapping]) -> list[Field]:
    return [
        SingleChoice(
            "measure_id", label="Measure", required=True, options=measure_options(measures),
            help="One of the measures chosen in Step 8 (its name or id in a file).",
        ),
        Date("date", label="Date", required=True, help="When the value was measured."),
        Number("value", label="Value", required=True),
        ShortText("source", label="Source", max_length=300),
        LongText("note", label="Note", max_length=1000, rows=2),
        ShortText(
            "release", label="Data release", max_length=40,
            help="For values taken from the Mobility Metrics: which release.",
        ),
    ]  # fmt: skip


def actuals_table(store: PlanStore, measures: Sequence[Mapping], read_only=None) -> RecordTable:
    return RecordTable(
        actual_fields(measures), store, ACTUALS_SECTION, title="Actual values",
        intro="One record per measure and date. Import a CSV or Excel file with the columns "
        "measure, date, value, source and note; every row is checked first.",
        rules=(AfterBaseline(tuple(measures)),), read_only=read_only, label_field="measure_id",
    )  # fmt: skip


def baseline_fields(measures: Sequence[Mapping]) -> list[Field]:
    return [
        SingleChoice("measure_id", label="Measure", required=True,
                     options=measure_options(measures)),
        ShortText("release", label="Release", required=True, max_length=40),
        Number("old", label="Baseline as recorded"),
        Number("new", label="Value in the new release"),
        SingleChoice("decision", label="Decision", required=True, options=DECISIONS),
        Date("decided_on", label="Decided on", required=True),
    ]  # fmt: skip


def baselines_table(store: PlanStore, measures: Sequence[Mapping], read_only=None) -> RecordTable:
    return RecordTable(
        baseline_fields(measures), store, BASELINES_SECTION, title="Revised baselines",
        intro="When a new release revises a baseline, the coalition decides: accept the "
        "revised value, or keep the baseline it set. Either way the choice is recorded.",
        read_only=read_only, label_field="measure_id",
    )  # fmt: skip


def win_fields(measures: Sequence[Mapping]) -> list[Field]:
    linked: list[Field] = []
    if measures:
        linked.append(
            SingleChoice("measure_id", label="Measure", options=measure_options(measures))
        )
    return [
        ShortText("what", label="What was achieved", required=True, max_length=300),
        Date("date", label="When", required=True),
        *linked,
        ShortText("strategy", label="Strategy or action", max_length=300),
        LongText("evidence", label="Evidence", max_length=2000, rows=3),
        ShortText("thanks", label="Whom to thank", max_length=300,
                  help="Organisations or people to thank in public."),
    ]  # fmt: skip


def calendar_fields() -> list[Field]:
    return [
        ShortText("event", label="Event", required=True, max_length=200),
        SingleChoice("kind", label="Kind", required=True, options=CALENDAR_KINDS),
        Date("date", label="Date", required=True),
        ShortText("office", label="Office or body", max_length=200),
        LongText("ask", label="What we will ask for", max_length=1000, rows=2),
    ]  # fmt: skip


def engagement_fields(planned: Sequence[Mapping]) -> list[Field]:
    linked: list[Field] = []
    options = [(str(p.get("activity") or p["id"]), str(p["id"])) for p in planned if p.get("id")]
    if options:
        linked.append(SingleChoice("planned_id", label="Planned activity (Step 6)",
                                   options=options))  # fmt: skip
    return [
        ShortText("activity", label="What happened", required=True, max_length=300),
        Date("date", label="Date", required=True),
        *linked,
        Number("reached", label="People reached", minimum=0, integer=True),
        LongText("notes", label="Notes", max_length=1000, rows=2),
    ]


def funding_fields() -> list[Field]:
    return [
        ShortText("item", label="What the money is for", required=True, max_length=200),
        Date("date", label="Date", required=True),
        Number("needed", label="Amount needed", minimum=0, unit="dollars"),
        Number("secured", label="Amount secured", minimum=0, unit="dollars"),
        ShortText("funder", label="Funder", max_length=200),
        SingleChoice("status", label="Status", options=FUNDING_STATUSES),
        Person("contact", label="Contact at the funder", private=True,
               help="Private: kept in the plan file only."),
    ]  # fmt: skip


def _table(fields, store, section, title, intro, read_only, label) -> RecordTable:
    return RecordTable(fields, store, section, title=title, intro=intro, read_only=read_only,
                       label_field=label)  # fmt: skip


# --- what the records mean -----------------------------------------------------------------


def actual_records(plan: PlanStore | PublicPlan) -> list[dict]:
    return records(plan, ACTUALS_SECTION)


def progress(plan: PlanStore | PublicPlan, session: Session, today: dt.date) -> pd.DataFrame:
    """The scorecard of the plan as saved (accepted baseline revisions applied)."""
    measures = effective_measures(measures_of(plan), records(plan, BASELINES_SECTION))
    return sc.scorecard(measures, actual_records(plan), today, pillars_of(measures, session),
                        owner_names(plan))  # fmt: skip


def _fmt(value: Any) -> str:
    number = sc.number(value)
    return "" if number is None else f"{number:,.4g}"


def scorecard_rows(card: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (r.measure, r.level, f"{_fmt(r.baseline)} ({r.baseline_year})" if r.baseline_year
         else _fmt(r.baseline), f"{_fmt(r.latest)} ({r.latest_date})" if r.latest_date else "",
         f"{_fmt(r.target)} ({r.target_year})" if r.target_year else _fmt(r.target),
         _fmt(r.forecast), r.status_label)
        for r in card.itertuples()
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


def _money(value: float) -> str:
    return f"{value:,.0f} dollars"


# --- charts ------------------------------------------------------------------------------


def progress_chart(card: pd.DataFrame, actuals: Sequence[Mapping], synthetic: bool = False):
    """Each measure's values over time, its baseline and its target, in small panels."""
    title = "Progress of each measure"
    frame = sc.actuals_frame(actuals)
    names = dict(zip(card["measure_id"], card["measure"], strict=True))
    frame = frame[frame["measure_id"].isin(names)]
    points = [{"measure": names[r.measure_id], "date": r.date.date().isoformat(),
               "value": float(r.value), "kind": "Actual"} for r in frame.itertuples()]  # fmt: skip
    for r in card.itertuples():
        for kind, value, year in (("Baseline", r.baseline, r.baseline_year),
                                  ("Target", r.target, r.target_year)):  # fmt: skip
            if sc.number(value) is not None and sc.year_end(year) is not None:
                points.append({"measure": r.measure, "date": sc.year_end(year).isoformat(),
                               "value": float(value), "kind": kind})  # fmt: skip
    if not points:
        return nothing_yet(title, "No baselines, targets or values recorded yet.", synthetic)
    data = pd.DataFrame(points)
    kinds = alt.Scale(domain=["Baseline", "Actual", "Target"],
                      range=[MUTED, OKABE_ITO[0], OKABE_ITO[2]])  # fmt: skip
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("kind:N", scale=kinds, title=None),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("kind:N", title="What"),
                 alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                 alt.Tooltip("value:Q", title="Value", format=",.4g")],
    )  # fmt: skip
    line = base.transform_filter(alt.datum.kind == "Actual").mark_line()
    chart = (
        alt.layer(line, base.mark_point(filled=True, size=60))
        .properties(width=220, height=120)
        .facet(facet=alt.Facet("measure:N", title=None), columns=3)
        .resolve_scale(y="independent")
    )
    return finish(chart, title, f"{card.shape[0]} measures; actual values against baseline "
                  "and target.", synthetic)  # fmt: skip


def funding_chart(frame: pd.DataFrame, synthetic: bool = False):
    title = "Funding needed and secured over time"
    if frame.empty:
        return nothing_yet(title, "No funding recorded yet.", synthetic)
    long = frame.melt(id_vars=["date"], value_vars=["needed_total", "secured_total"],
                      var_name="what", value_name="dollars")  # fmt: skip
    long["what"] = long["what"].map({"needed_total": "Needed", "secured_total": "Secured"})
    chart = (
        alt.Chart(long).mark_line(point=True, interpolate="step-after")
        .encode(x=alt.X("date:T", title=None), y=alt.Y("dollars:Q", title="Dollars, added up"),
                color=alt.Color("what:N", title=None, scale=alt.Scale(
                    domain=["Needed", "Secured"], range=[OKABE_ITO[4], OKABE_ITO[2]])),
                tooltip=[alt.Tooltip("what:N"), alt.Tooltip("date:T", format="%d %b %Y"),
                         alt.Tooltip("dollars:Q", format=",.0f")])
        .properties(width=480, height=200)
    )  # fmt: skip
    last = frame.iloc[-1]
    return finish(chart, title, f"{_money(last['secured_total'])} secured of "
                  f"{_money(last['needed_total'])} needed so far.", synthetic)  # fmt: skip


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
              "" if pd.isna(r.year) else int(r.year), _fmt(r.old), _fmt(r.new),
              rel.CHANGE_LABELS[r.change]) for r in here.head(60).itertuples()],
            ["Metric", "Year", "Old", "New", "Change"],
        ))  # fmt: skip
    if not refresh.touched.empty:
        out.append(views.heading("Baselines this release revised: the coalition decides", 4))
        out.append(views.table(
            [(r.measure, r.metric, r.year, _fmt(r.old), _fmt(r.new))
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


# --- the step's views ------------------------------------------------------------------


class SustainMomentum(LiveViews):
    """The Step 10 views; the scorecard and summaries redraw after a save."""

    def __init__(self, session: Session, today: dt.date | None = None) -> None:
        self.session = session
        self.today = today or dt.date.today()
        plan = session.plan
        self.measures = measures_of(plan)
        self.planned = records(plan, SUSTAIN_SECTION)
        ro = None
        self.actuals_table = actuals_table(plan, self.measures, ro) if self.measures else None
        self.baselines_table = (baselines_table(plan, self.measures, ro) if self.measures
                                else None)  # fmt: skip
        self.wins_table = _table(win_fields(self.measures), plan, WINS_SECTION, "Early wins",
                                 "Each success, however small, with its evidence and whom to "
                                 "thank.", ro, "what")  # fmt: skip
        self.calendar_table = _table(calendar_fields(), plan, CALENDAR_SECTION,
                                     "Election and budget calendar", "Dates when leaders "
                                     "change or money is decided.", ro, "event")  # fmt: skip
        self.engagement_table = _table(engagement_fields(self.planned), plan,
                                       ENGAGEMENT_SECTION, "Engagement that happened",
                                       "One record per meeting, event or conversation.", ro,
                                       "activity")  # fmt: skip
        self.funding_table = _table(funding_fields(), plan, FUNDING_SECTION, "Funding",
                                    "Money asked for and secured; the funder's contact stays "
                                    "private.", ro, "item")  # fmt: skip
        tables = [t for t in (self.actuals_table, self.baselines_table, self.wins_table,
                              self.calendar_table, self.engagement_table, self.funding_table)
                  if t is not None]  # fmt: skip
        super().__init__(session.read_only, tuple(tables))

    def _none(self, what: str) -> HTML:
        return HTML(views.paragraph(
            f"{what} Step 8 (Plan for measurement and sustainability) chooses the measures; "
            "nothing to enter until it has."
        ))  # fmt: skip

    def card(self) -> pd.DataFrame:
        return progress(self.session.plan, self.session, self.today)

    # -- scorecard --

    def actuals(self):
        return self.actuals_table or self._none("No measures yet.")

    def rule(self) -> HTML:
        return HTML(views.heading("How the status is decided", 4) + views.paragraph(sc.STATUS_RULE))

    def scorecard(self) -> Live:
        def build():
            card = self.card()
            body = views.paragraph(status_counts_text(card))
            if not card.empty:
                body += views.table(scorecard_rows(card), SCORECARD_HEADER)
            return HTML(body)

        return self._live(build)

    def chart(self) -> Live:
        return self._live(lambda: progress_chart(self.card(), actual_records(self.session.plan),
                                                 self.session.synthetic))  # fmt: skip

    def views_by(self) -> Live:
        def build():
            card = self.card()
            out = ""
            for view, title in (("pillar", "By pillar"), ("owners", "By owner"),
                                ("level", "By logic-model level")):  # fmt: skip
                table = sc.by_view(card, view)
                out += views.heading(title, 4)
                out += views.table(table.itertuples(index=False), list(table.columns))
            return HTML(out if not card.empty else views.paragraph("No measures yet."))

        return self._live(build)

    # -- releases --

    def release(self, old: str | None = None, new: str | None = None) -> HTML:
        """The what-changed report between two kept releases (the last two by default)."""
        pair = (old, new) if old and new else previous_and_latest_release()
        if pair is None:
            return HTML(views.paragraph(
                "Only one release of the Mobility Metrics is kept so far. When Urban publishes "
                "a new one, import it with 'workbook data import FOLDER --release YEAR'; this "
                "page then shows what changed."
            ))  # fmt: skip
        place = self.session.jurisdiction
        first, second = open_release(pair[0]), open_release(pair[1])
        refresh = refresh_from_release(
            self.session.plan, place.key, place.kind, first, second, *pair
        )
        self.last_refresh = refresh
        return HTML(release_report_html(refresh, place.key))

    def take_release_values(self) -> widgets.Widget | HTML:
        """A button that records the last report's new values for the metric-linked
        measures, each with its release (nothing is recorded without the click)."""
        refresh = getattr(self, "last_refresh", None)
        if refresh is None or not refresh.actuals or self.actuals_table is None:
            return HTML(views.paragraph("No new values to record from a release."))
        count = len(refresh.actuals)
        text = f"{count} new values from release {refresh.new} for the measures linked to a metric."
        if self.read_only:
            return HTML(views.paragraph(text))
        go = widgets.Button(description=f"Record the {count} values",
                            layout=widgets.Layout(width="auto"))  # fmt: skip
        said = widgets.HTML(views.paragraph(text))

        def record(_=None) -> None:
            saved = save_release_actuals(self.actuals_table, refresh)
            refresh.actuals = []
            go.disabled = True
            said.value = views.paragraph(f"Recorded {saved} values from release {refresh.new}.")
            self.refresh()

        go.on_click(record)
        return widgets.VBox([said, go])

    def decide_baseline(self, measure_id: str, decision: str, day: str | None = None) -> str:
        """Record the coalition's choice on a baseline the last release report flagged."""
        refresh = getattr(self, "last_refresh", None)
        rows = refresh.touched if refresh is not None else pd.DataFrame()
        hit = rows[rows["measure_id"] == measure_id] if not rows.empty else rows
        if hit.empty:
            raise ValueError(f"the last release report flagged no baseline of '{measure_id}'")
        row = hit.iloc[0]
        return self.baselines_table.add({
            "measure_id": measure_id, "release": refresh.new, "old": sc.number(row["old"]),
            "new": sc.number(row["new"]), "decision": decision,
            "decided_on": day or self.today.isoformat(),
        })  # fmt: skip

    def baseline_decisions(self) -> widgets.Widget | HTML:
        """One choice per baseline the last release revised: accept it, or keep the old."""
        refresh = getattr(self, "last_refresh", None)
        if refresh is None or refresh.touched.empty or self.baselines_table is None:
            return HTML(views.paragraph("No revised baseline waits for a decision."))
        if self.read_only:
            return HTML(views.paragraph(
                f"{len(refresh.touched)} revised baselines wait for the coalition's decision."
            ))  # fmt: skip
        rows = []
        for r in refresh.touched.itertuples():
            choice = widgets.Dropdown(options=[("(decide)", ""), *DECISIONS], value="")
            save = widgets.Button(description="Record", layout=widgets.Layout(width="auto"))
            said = widgets.HTML(views.paragraph(
                f"{r.measure} ({r.year}): recorded {_fmt(r.old)}, new release {_fmt(r.new)}"
            ))  # fmt: skip

            def record(_=None, mid=r.measure_id, choice=choice, save=save, said=said) -> None:
                if not choice.value:
                    return
                self.decide_baseline(mid, choice.value)
                save.disabled = choice.disabled = True
                said.value += views.paragraph("Decision recorded.")
                self.refresh()

            save.on_click(record)
            rows.append(widgets.HBox([said, choice, save]))
        return widgets.VBox(rows)

    def baselines(self):
        return self.baselines_table or self._none("No measures yet.")

    # -- sustaining --

    def wins(self) -> RecordTable:
        return self.wins_table

    def calendar(self) -> RecordTable:
        return self.calendar_table

    def engagement(self) -> RecordTable:
        return self.engagement_table

    def engagement_summary(self) -> Live:
        def build():
            frame = engagement_compared(self.planned, records(self.session.plan,
                                        ENGAGEMENT_SECTION), self.today)  # fmt: skip
            if frame.empty:
                return HTML(views.paragraph("Step 6 has not planned ongoing engagement yet."))
            rows = [(r.activity, r.rhythm, "" if pd.isna(r.expected) else int(r.expected),
                     r.happened, r.last, r.reached) for r in frame.itertuples()]  # fmt: skip
            return HTML(views.table(rows, ["Planned", "Rhythm", "Due so far", "Happened",
                                           "Last", "People reached"]))  # fmt: skip

        return self._live(build)

    def funding(self) -> RecordTable:
        return self.funding_table

    def funding_chart(self) -> Live:
        plan = self.session.plan
        return self._live(lambda: funding_chart(funding_over_time(
            records(plan, RESOURCES_SECTION), records(plan, FUNDING_SECTION)),
            self.session.synthetic))  # fmt: skip

    def write_documents(self, render: Any, formats: Sequence[str] = ("html",)) -> HTML:
        """Write the one-page documents into the output folder with ``render`` (the MAP
        engine's :func:`workbook.map.render.render`); in view mode nothing is written."""
        names = {"win-brief": "Early wins brief", "briefing-packet": "Briefing for new "
                 "officials", "funding-case": "Case for sustained funding", "annual-report":
                 "Annual progress report", "scorecard": "Progress scorecard"}  # fmt: skip
        if self.read_only:
            return HTML(views.paragraph(
                "Documents made here: " + ", ".join(names.values()) + ". They are written "
                "when the notebook runs in edit mode."
            ))  # fmt: skip
        rows = []
        for stem, doc in self.documents().items():
            files = render(doc, self.session.output_dir, tuple(formats), stem=stem)
            rows.append((names[stem], ", ".join(p.name for p in files.values())))
        return HTML(views.paragraph(f"Written to {self.session.output_dir.name}/:")
                    + views.table(rows, ["Document", "Files"]))  # fmt: skip

    def documents(self) -> dict[str, Document]:
        """The one-page documents as they stand (the notebook renders them)."""
        with_public = PublicPlan(self.session.plan, registry.private_paths)
        return build_documents(with_public, self.session, self.today)


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
        Paragraph(f"{_money(last['secured_total'])} secured of {_money(last['needed_total'])} "
                  f"needed; {_money(max(gap, 0))} still to find."),
        Table("Needs and funding", ("Date", "Item", "Needed", "Secured"),
              tuple((r.date, r.item, _money(r.needed), _money(r.secured))
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
    parts = [
        Part("The plan in brief", tuple(plan_blocks)),
        Part("Progress so far", (*_progress_blocks(plan, session, today),
                                 *([BulletList(_win_items(plan))] if _win_items(plan) else []))),
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
            f"{len(engaged)} engagement activities reached {reached:,} people."),)),
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
