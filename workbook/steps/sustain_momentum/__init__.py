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
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews
from workbook.errors import ParameterError
from workbook.forms import RecordTable
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry
from workbook.steps.review import long_date
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
    value_text,
)

# --- the page's headline ---------------------------------------------------------------

NEWEST_SHOWN = 4
# The columns of the by-pillar, by-owner and by-level tables, as readers see them.
VIEW_HEADERS = {"pillar": "Pillar", "owners": "Owner", "level": "Level", "total": "Total"}
NO_VIEW = {"pillar": "Not linked to a metric", "owners": "No owner named",
           "level": "No level given"}  # fmt: skip
COMING_SHOWN = 3


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _p(html: str, size: str = "") -> str:
    style = f"font-size:{size};margin:0.3em 0" if size else "margin:0.3em 0"
    return f'<p style="{style}">{html}</p>'


def standing_sentence(card: pd.DataFrame) -> str:
    """The scorecard in one sentence: how many measures are on track, behind, waiting."""
    counts = card["status"].value_counts()
    on, off = int(counts.get(sc.ON_TRACK, 0)), int(counts.get(sc.OFF_TRACK, 0))
    stale, none = int(counts.get(sc.STALE, 0)), int(counts.get(sc.NO_NEW_DATA, 0))
    verb = "is" if on == 1 else "are"
    text = (f"<b>{on}</b> of the plan's {_count(len(card), 'measure', 'measures')} of progress "
            f"{verb} on track and <b>{off}</b> behind")  # fmt: skip
    waiting = []
    if stale:
        waiting.append(f"{stale} {'is' if stale == 1 else 'are'} due for a newer value")
    if none:
        waiting.append(f"{none} {'has' if none == 1 else 'have'} no new value since the "
                       "baseline yet")  # fmt: skip
    return text + ("; " + " and ".join(waiting) if waiting else "") + "."


def _standing_html(card: pd.DataFrame) -> list[str]:
    """The newest values, with their dates and targets."""
    out = []
    dated = card[card["latest"].notna()].sort_values("latest_date", ascending=False)
    items = []
    for r in dated.head(NEWEST_SHOWN).itertuples():
        own_unit = isinstance(r.unit, str) and r.unit.strip() and not r.scale
        unit = f" {r.unit}" if own_unit else ""  # a percentage says its unit itself
        when = long_date(str(r.latest_date)) if isinstance(r.latest_date, str) else ""
        has_target = sc.number(r.target) is not None and sc.number(r.target_year)
        target = (
            f"; target {value_text(r.target, r.scale)} by {int(r.target_year)}"
            if has_target
            else ""
        )
        items.append(
            f"<li>{escape(r.measure)}: <b>{escape(value_text(r.latest, r.scale) + unit)}</b>"
            f"{escape(f' on {when}' if when else '')}{escape(target)} "
            f"({escape(r.status_label.lower())})</li>"
        )
    if items:
        out.append(_p("Newest values:") + f'<ul style="margin:0.2em 0">{"".join(items)}</ul>')
    return out


def _wins_html(wins: Sequence[dict]) -> str:
    if not wins:
        return _p("No early win is recorded yet.")
    latest = max(wins, key=lambda w: str(w.get("date") or ""))
    return _p(f"<b>{_count(len(wins), 'early win', 'early wins')}</b>; the latest on "
              f"{escape(long_date(str(latest.get('date') or '')))}: "
              f"{escape(latest.get('what') or '')}.")  # fmt: skip


def _release_html(refresh: ReleaseRefresh | None, place_key: str) -> str:
    if refresh is None:
        return _p("Data: one release of the Mobility Metrics is kept so far, so there is no "
                  "newer release to compare with yet.")  # fmt: skip
    here = rel.for_place(refresh.changes, place_key)
    here = here[here["geography"].notna()]
    parts = [_count(len(here), "value revised for this place", "values revised for this place")]
    if not refresh.touched.empty:
        parts.append(_count(len(refresh.touched), "baseline of the plan revised, waiting for "
                            "the coalition's decision", "baselines of the plan revised, waiting "
                            "for the coalition's decision"))  # fmt: skip
    if refresh.actuals:
        parts.append(_count(len(refresh.actuals), "new value", "new values") + " for the "
                     "measures linked to a metric")  # fmt: skip
    return _p(f"Newest data release: <b>{escape(refresh.new)}</b> (against "
              f"{escape(refresh.old)}): {escape('; '.join(parts))}.")  # fmt: skip


def _coming_html(calendar: Sequence[dict], today: dt.date) -> str:
    ahead = sorted((c for c in calendar if str(c.get("date") or "") >= today.isoformat()),
                   key=lambda c: str(c.get("date")))  # fmt: skip
    if not ahead:
        said = "recorded yet" if not calendar else "ahead is recorded"
        return _p(f"No election or budget date {said}.")
    items = []
    for c in ahead[:COMING_SHOWN]:
        ask = str(c.get("ask") or "").strip().rstrip(".")
        ask = f" (our ask: {ask})" if ask else ""
        items.append(f"<li>{escape(long_date(str(c['date'])))}: {escape(c.get('event') or '')}"
                     f"{escape(ask)}</li>")  # fmt: skip
    more = f" ({len(ahead) - COMING_SHOWN} more below)" if len(ahead) > COMING_SHOWN else ""
    return _p(f"Coming up{more}:") + f'<ul style="margin:0.2em 0">{"".join(items)}</ul>'


def _funding_html(plan: PublicPlan) -> str:
    frame = funding_over_time(records(plan, RESOURCES_SECTION), records(plan, FUNDING_SECTION))
    if frame.empty:
        return ""
    last = frame.iloc[-1]
    return _p(f"Funding: {escape(money(last['secured_total']))} secured of "
              f"{escape(money(last['needed_total']))} needed.")  # fmt: skip


def headline_html(plan: PublicPlan, session: Session, today: dt.date,
                  refresh: ReleaseRefresh | None = None) -> str:  # fmt: skip
    """The page's answer first: is the plan on track, its wins, the data, what is coming."""
    place = session.jurisdiction
    label = escape(place.label) if place is not None else "this place"
    card = progress(plan, session, today)
    wins = records(plan, WINS_SECTION)
    calendar = records(plan, CALENDAR_SECTION)
    if card.empty and not wins and not calendar:
        body = _p(f"<b>{label}</b>: nothing decided yet. The plan has no measures of progress "
                  "(Step 8 chooses them), and no early win, election or budget date is "
                  "recorded.", "1.3em")  # fmt: skip
        return f'<div class="wb-headline">{body}</div>'
    if card.empty:
        parts = [_p(f"<b>{label}</b>: no measures of progress yet (Step 8 chooses them), so "
                    "nothing can be scored.", "1.3em")]  # fmt: skip
    else:
        parts = [_p(f"<b>{label}</b>, on {escape(long_date(today.isoformat()))}: "
                    + standing_sentence(card), "1.3em"), *_standing_html(card)]  # fmt: skip
    parts += [_wins_html(wins), _release_html(refresh, place.key if place else ""),
              _coming_html(calendar, today), _funding_html(plan)]  # fmt: skip
    return '<div class="wb-headline">' + "".join(parts) + "</div>"


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

    def public_plan(self) -> PublicPlan:
        return PublicPlan(self.session.plan, registry.private_paths)

    def newest_release(self) -> ReleaseRefresh | None:
        """What the newest kept release brings, against the one before (None with one)."""
        pair = previous_and_latest_release()
        place = self.session.jurisdiction
        if pair is None or place is None:
            return None
        first, second = open_release(pair[0]), open_release(pair[1])
        return refresh_from_release(self.session.plan, place.key, place.kind, first, second,
                                    *pair)  # fmt: skip

    def headline_html(self) -> str:
        refresh = self.newest_release() if previous_and_latest_release() else None
        return headline_html(self.public_plan(), self.session, self.today, refresh)

    def headline(self) -> Live:
        """The page's opening: the scorecard in words, wins, data and dates (redrawn)."""
        return self._live(lambda: HTML(self.headline_html()))

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
                table[view] = table[view].replace({"": NO_VIEW[view], "no pillar": NO_VIEW[view]})
                if view == "level":
                    table[view] = table[view].str.capitalize()
                out += views.heading(title, 4)
                out += views.table(table.itertuples(index=False),
                                   [VIEW_HEADERS.get(c, c) for c in table.columns])  # fmt: skip
            return HTML(out if not card.empty else views.paragraph("No measures yet."))

        return self._live(build)

    # -- releases --

    def release(self, old: str | None = None, new: str | None = None) -> HTML:
        """The what-changed report between two kept releases (the last two by default)."""
        pair = (old, new) if old and new else previous_and_latest_release()
        if pair is None:
            return HTML(views.paragraph(
                "Only one release of the Mobility Metrics is kept so far, so there is nothing "
                "to compare yet. Once a newer release is imported, this part lists what changed."
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
            return HTML("")  # nothing to take: the release report above says so
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
            return HTML("")  # nothing to decide: the release report above says so
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
        if self.baselines_table is None:
            return self._none("No measures yet.")
        refresh = getattr(self, "last_refresh", None)
        waiting = refresh is not None and not refresh.touched.empty
        if not waiting and not self.baselines_table.records(public=True):
            return HTML("")  # no revision decided or waiting: nothing to show
        return self.baselines_table

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
    "value_text",
    "win_brief",
    "win_fields",
    "wins_table",
]
