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

The package: :mod:`.records` (the sections, what their records mean, a new release),
:mod:`.forms` (the forms and their checks), :mod:`.charts`, :mod:`.documents` (the
one-page documents and the MAP's part); this module holds the notebook's views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis import releases as rel
from workbook.analysis import scorecard as sc
from workbook.data.dataset import open_release
from workbook.display import views
from workbook.display.document import Document
from workbook.display.live import Live, LiveViews
from workbook.errors import ParameterError
from workbook.forms import RecordTable
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry
from workbook.steps.sustain_momentum.charts import (
    funding_chart,
    progress_chart,
)
from workbook.steps.sustain_momentum.documents import (
    DOCUMENTS,
    annual_report,
    as_of,
    briefing_packet,
    build_documents,
    funding_case,
    map_sustainability,
    public_scorecard,
    win_brief,
)
from workbook.steps.sustain_momentum.forms import (
    AfterBaseline,
    actual_fields,
    actuals_table,
    baseline_fields,
    baselines_table,
    calendar_fields,
    calendar_table,
    engagement_fields,
    engagement_table,
    funding_fields,
    funding_table,
    win_fields,
    wins_table,
)
from workbook.steps.sustain_momentum.records import (
    ACCEPT,
    ACTUALS_SECTION,
    BASELINES_SECTION,
    CALENDAR_KINDS,
    CALENDAR_SECTION,
    DECISIONS,
    ENGAGEMENT_SECTION,
    FUNDING_SECTION,
    FUNDING_STATUSES,
    KEEP,
    MEASURES_SECTION,
    RESOURCES_SECTION,
    RHYTHM_DAYS,
    SCORECARD_HEADER,
    STEP,
    SUSTAIN_SECTION,
    WINS_SECTION,
    ReleaseRefresh,
    actual_records,
    effective_measures,
    engagement_compared,
    fmt_number,
    funding_over_time,
    measure_options,
    measures_of,
    money,
    owner_names,
    pillars_of,
    previous_and_latest_release,
    progress,
    records,
    refresh_from_release,
    release_report_html,
    rhythm_days,
    save_release_actuals,
    scorecard_rows,
    status_counts_text,
    value_of,
)

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
        self.wins_table = wins_table(plan, self.measures, ro)
        self.calendar_table = calendar_table(plan, ro)
        self.engagement_table = engagement_table(plan, self.planned, ro)
        self.funding_table = funding_table(plan, ro)
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
            raise ParameterError(
                "measure_id",
                measure_id,
                "the last release report flagged no baseline of it",
                "Show the release report first (release()), then decide one of the measures "
                "it lists",
            )
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
                f"{r.measure} ({r.year}): recorded {fmt_number(r.old)}, "
                f"new release {fmt_number(r.new)}"
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
        folder = self.session.output_dir.name
        return HTML(views.paragraph(f"Written to the output folder, {folder}/:")
                    + views.table(rows, ["Document", "Files"]))  # fmt: skip

    def documents(self) -> dict[str, Document]:
        """The one-page documents as they stand (the notebook renders them)."""
        with_public = PublicPlan(self.session.plan, registry.private_paths)
        return build_documents(with_public, self.session, self.today)


__all__ = [
    "ACCEPT",
    "ACTUALS_SECTION",
    "AfterBaseline",
    "BASELINES_SECTION",
    "CALENDAR_KINDS",
    "CALENDAR_SECTION",
    "DECISIONS",
    "DOCUMENTS",
    "ENGAGEMENT_SECTION",
    "FUNDING_SECTION",
    "FUNDING_STATUSES",
    "KEEP",
    "MEASURES_SECTION",
    "RESOURCES_SECTION",
    "RHYTHM_DAYS",
    "ReleaseRefresh",
    "SCORECARD_HEADER",
    "STEP",
    "SUSTAIN_SECTION",
    "SustainMomentum",
    "WINS_SECTION",
    "actual_fields",
    "actual_records",
    "actuals_table",
    "annual_report",
    "as_of",
    "baseline_fields",
    "baselines_table",
    "briefing_packet",
    "build_documents",
    "calendar_fields",
    "calendar_table",
    "effective_measures",
    "engagement_compared",
    "engagement_fields",
    "engagement_table",
    "fmt_number",
    "funding_case",
    "funding_chart",
    "funding_fields",
    "funding_over_time",
    "funding_table",
    "map_sustainability",
    "measure_options",
    "measures_of",
    "money",
    "owner_names",
    "pillars_of",
    "previous_and_latest_release",
    "progress",
    "progress_chart",
    "public_scorecard",
    "records",
    "refresh_from_release",
    "rel",
    "release_report_html",
    "rhythm_days",
    "save_release_actuals",
    "sc",
    "scorecard_rows",
    "status_counts_text",
    "value_of",
    "win_brief",
    "win_fields",
    "wins_table",
]
