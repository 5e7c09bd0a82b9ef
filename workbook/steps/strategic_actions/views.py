"""What the Step 7 notebook shows: the editors, the diagram, the checks, the history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML

from workbook.analysis import theory_of_change as toc_model
from workbook.display import views
from workbook.display.diagrams import DiagramError, DiagramView, toc_svg
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews, WithFallback
from workbook.display.theme import ERROR, SUCCESS
from workbook.errors import WorkbookError
from workbook.forms import RecordTable
from workbook.forms.controls import button
from workbook.forms.keyed import refresh_choices
from workbook.forms.messages import coloured
from workbook.forms.static import StaticHTML
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry, review
from workbook.steps.strategic_actions import editors
from workbook.steps.strategic_actions import records as rec

STRENGTHS = {"several": "several sources agree", "one": "one source", "contested": "contested"}
BIG = '<p style="font-size:1.2em;margin:0.2em 0">'


def _count(number: int, word: str, words: str = "") -> str:
    return f"{number} {word}" if number == 1 else f"{number} {words or word + 's'}"


def _names(records: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(r.get("name")) for r in records if isinstance(r, Mapping) and r.get("name")]


def _vision_line(plan: rec.Reader) -> str:
    value = rec.read(plan, rec.VISION_SECTION) or {}
    adopted = value.get("adopted") if isinstance(value.get("adopted"), dict) else None
    if not adopted:
        count = len(rec.drafts(plan))
        drafts = f" ({_count(count, 'draft')} under discussion)" if count else ""
        return f"{BIG}No vision has been adopted yet{drafts}.</p>"
    how = " after a vote" if value.get("vote_id") else ""
    when = review.long_date(str(adopted.get("date") or ""))
    return (
        f"{BIG}<b>Our vision</b>, adopted on {escape(when)}{how}:</p>"
        '<blockquote style="font-size:1.2em;margin:0.3em 0 0.5em 1em;white-space:pre-wrap">'
        f"\u201c{escape(str(adopted.get('text') or '').strip())}\u201d</blockquote>"
    )


def _findings_line(plan: rec.Reader) -> str:
    found, chosen = rec.findings(plan), rec.selected(plan)
    if not found:
        return "<p>Step 6 has no findings saved yet, so none has been chosen to act on.</p>"
    if not chosen:
        return f"<p>None of Step 6's {_count(len(found), 'finding')} has been chosen yet.</p>"
    items = "".join(f"<li>{escape(str(f.get('statement') or ''))}</li>" for f, _ in chosen)
    verb = "goes" if len(chosen) == 1 else "go"
    return (
        f'<p style="margin:0.4em 0 0.1em 0"><b>{len(chosen)} of {_count(len(found), "finding")}'
        f'</b> {verb} forward:</p><ul style="margin:0.1em 0">{items}</ul>'
    )


def _actions_line(toc: Mapping[str, Any], model: Mapping[str, Any], approved: bool) -> str:
    strategies = _names(model.get("activities") or []) if isinstance(model, Mapping) else []
    interventions = _names(toc_model.Graph.of(toc).interventions)
    parts = []
    if strategies:
        parts.append(
            f"<b>{_count(len(strategies), 'strategy', 'strategies')}</b>: "
            + escape("; ".join(strategies))
        )
    if interventions:
        parts.append(
            f"<b>{_count(len(interventions), 'intervention')}</b> in the theory of change: "
            + escape("; ".join(interventions))
        )
    if not parts:
        return "<p>No strategy or intervention has been named yet.</p>"
    where = "" if approved else " (in the drafts, not approved yet)"
    return "".join(f'<p style="margin:0.3em 0">{p}{where}.</p>' for p in parts)


def _approval_line(plan: rec.Reader, version: Mapping[str, Any] | None) -> str:
    listed = rec.versions(plan)
    if version is None:
        waiting = [v for v in listed if v.get("status") == rec.IN_REVIEW]
        if waiting:
            last = max(waiting, key=lambda v: int(v.get("number") or 0))
            when = review.long_date(str(last.get("submitted_on") or ""))
            return (
                f"<p>Theory of change and logic model: <b>not approved yet</b>; version "
                f"{escape(str(last.get('number')))} was submitted on {escape(when)} and is in "
                "review.</p>"
            )
        return (
            "<p>Theory of change and logic model: <b>not approved yet</b> (no version has been "
            "submitted for review).</p>"
        )
    when = review.long_date(str(version.get("approved_on") or ""))
    by = f" by {escape(str(version['approved_by']))}" if version.get("approved_by") else ""
    later = (
        " The drafts have changed since; those changes are not approved yet."
        if rec.draft_changed(plan)
        else ""
    )
    return (
        f"<p>Theory of change and logic model: <b>version {escape(str(version.get('number')))} "
        f"approved on {escape(when)}</b>{by}.{later}</p>"
    )


def headline_html(plan: rec.Reader) -> str:
    """The answer first: the adopted vision, the findings acted on, the strategies and
    interventions, and which version of the theory of change and logic model is approved.

    Strategies and interventions come from the latest approved version when there is one
    (what the coalition decided), else from the drafts, said to be drafts.
    """
    vision = rec.read(plan, rec.VISION_SECTION) or {}
    version = rec.latest_approved(plan)
    if version is not None:
        shot = version.get("snapshot") or {}
        toc, model = shot.get("toc") or {}, shot.get("logic_model") or {}
    else:
        toc = rec.read(plan, rec.TOC_SECTION) or {}
        model = rec.read(plan, rec.LOGIC_SECTION) or {}
    started = (
        vision.get("adopted") or rec.drafts(plan) or rec.selected(plan) or rec.versions(plan)
        or toc_model.Graph.of(toc).outcomes or _names(model.get("activities") or [])
    )  # fmt: skip
    if not started:
        body = (
            f"{BIG}Nothing has been decided in this step yet: no finding chosen to act on, no "
            "vision adopted, no theory of change or logic model approved.</p>"
        )
    else:
        body = (
            _vision_line(plan) + _findings_line(plan)
            + _actions_line(toc, model, version is not None) + _approval_line(plan, version)
        )  # fmt: skip
    return f'<div class="wb-headline">{body}</div>'


def findings_html(plan: rec.Reader) -> str:
    """Step 6's findings, marking those chosen to go forward with the reason."""
    found = rec.findings(plan)
    if not found:
        return views.paragraph("Step 6 has no findings saved yet.")
    chosen = dict((f["id"], reason) for f, reason in rec.selected(plan))
    rows = [
        (str(f.get("statement") or ""), STRENGTHS.get(f.get("strength"), ""),
         ", ".join(v for v in f.get("predictors") or [] if isinstance(v, str)),
         "Yes" if f["id"] in chosen else "No", chosen.get(f["id"], ""))
        for f in found
    ]  # fmt: skip
    said = (
        f"{len(chosen)} of {len(found)} findings go forward."
        if chosen
        else f"None of the {len(found)} findings has been chosen to go forward yet."
        if len(found) > 1
        else "The finding has not been chosen to go forward yet."
    )
    return views.paragraph(said) + views.table(
        rows, ["Finding", "Evidence", "Predictors", "Goes forward", "Why"]
    )


def vision_html(plan: rec.Reader) -> str:
    value = rec.read(plan, rec.VISION_SECTION) or {}
    adopted = value.get("adopted") if isinstance(value.get("adopted"), dict) else None
    count = len(rec.drafts(plan))
    if not adopted:
        drafted = (
            f"{count} draft{'s' if count > 1 else ''}; none" if count else "No draft yet; no vision"
        )
        return views.paragraph(f"{drafted} adopted yet.")
    how = " after a vote" if value.get("vote_id") else ""
    return (
        views.heading("Our vision", 4)
        + f'<blockquote style="white-space:pre-wrap">{escape(adopted.get("text"))}</blockquote>'
        + views.paragraph(f"Adopted on {review.long_date(adopted.get('date') or '')}{how}.")
    )


def checks_html(problems: Sequence[toc_model.Problem], outcomes: int) -> str:
    if not outcomes:
        return views.paragraph("No outcomes yet: start with the long-term change the "
                               "community wants.")  # fmt: skip
    if not problems:
        return coloured(
            "No problems found: every outcome is reached, every intervention moves a link, "
            "and every long-term outcome has a measure.",
            SUCCESS,
        )
    items = "".join(f"<li>{escape(p.message)}</li>" for p in problems)
    count = len(problems)
    return coloured(f"{count} thing{'s' if count > 1 else ''} to look at:", ERROR) + (
        f"<ul>{items}</ul>"
    )


def history_html(listed: Sequence[Mapping[str, Any]], draft_changed: bool) -> str:
    """Every version: number, status, dates, who approved, hash prefix, comments (without
    reviewers' names, which are private)."""
    if not listed:
        return views.paragraph("No version has been submitted for review yet.")
    rows = []
    for v in sorted(listed, key=lambda v: -int(v.get("number") or 0)):
        comments = [c.get("text", "") for c in v.get("comments") or [] if isinstance(c, dict)]
        rows.append((
            v.get("number"), rec.STATUS_LABELS.get(v.get("status"), ""),
            review.long_date(v.get("submitted_on") or ""),
            review.long_date(v["approved_on"]) if v.get("approved_on") else "",
            v.get("approved_by") or "", str(v.get("hash") or "")[:12], " | ".join(comments),
        ))  # fmt: skip
    note = (
        "The drafts have changed since the last version: submit them to start a new version."
        if draft_changed
        else "The drafts are the same as the last version."
    )
    return views.table(
        rows, ["Version", "Status", "Submitted", "Approved", "Approved by", "Fingerprint",
               "Comments"],
    ) + views.paragraph(note)  # fmt: skip


class StrategicActions(LiveViews):
    """The Step 7 views. The diagram, checks and tables redraw after every save."""

    def __init__(self, session: Session) -> None:
        self.session = session
        store = session.plan
        read_only = session.read_only
        self.store = store
        self.drafts_table = editors.drafts_table(store, read_only)
        self.outcomes_table, self.links_table, self.interventions_table = editors.toc_tables(
            store, session.catalog, read_only, self._after_delete
        )
        self.logic = editors.logic_tables(store, session.catalog, session.framework, read_only)
        self.tables: tuple[RecordTable, ...] = (
            self.drafts_table, self.outcomes_table, self.links_table, self.interventions_table,
            *self.logic.values(),
        )  # fmt: skip
        self.adopt_panel = None if read_only else editors.AdoptPanel(store, self.refresh)
        self.approval_panel = None if read_only else editors.ApprovalPanel(store, self.refresh)
        super().__init__(read_only, self.tables)

    def headline_html(self) -> str:
        """The headline from the plan's public view (the same in edit and view mode)."""
        place = self.session.jurisdiction
        return views.place_first(
            headline_html(PublicPlan(self.session.plan, registry.private_paths)),
            place.label if place is not None else None,
        )

    def headline(self) -> Live:
        """The page's opening: what the coalition has decided, before any table."""
        return self._live(lambda: HTML(self.headline_html()))

    def refresh(self) -> None:
        for table in self.tables:
            refresh_choices(table)
        if self.adopt_panel is not None:
            self.adopt_panel.refresh()
        super().refresh()

    def _after_delete(self) -> None:
        for table in (self.outcomes_table, self.links_table, self.interventions_table):
            if not table.read_only:
                table.reload()
        self.refresh()

    # -- the plan as it stands --

    def toc(self) -> dict[str, Any]:
        return rec.read(self.store, rec.TOC_SECTION) or {}

    def problems(self) -> list[toc_model.Problem]:
        local = [v for _, v in rec.local_measures(self.store)]
        metrics = [m.variable for m in self.session.catalog if m.is_metric]
        return toc_model.check(self.toc(), metrics, local)

    # -- findings and vision --

    def findings(self) -> Live:
        return self._live(lambda: HTML(findings_html(self.store)))

    def selection(self) -> Any:
        """The tick boxes and reasons (nothing in view mode and copies: the table of
        findings above already shows the choice)."""
        if self.read_only:
            return StaticHTML("", "")
        return WithFallback(editors.SelectionPanel(self.store).widget, "")

    def drafts(self) -> RecordTable:
        return self.drafts_table

    def vision(self) -> Live:
        return self._live(lambda: HTML(vision_html(self.store)))

    def adopt(self) -> Any:
        """Choose the adopted draft (nothing in view mode and copies: see :meth:`vision`)."""
        if self.adopt_panel is None:
            return StaticHTML("", "")
        return WithFallback(self.adopt_panel.widget, "")

    def receive_vote(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Adopt the draft a vote chose (see :func:`records.receive_vote`)."""
        value = rec.receive_vote(self.store, record)
        self.refresh()
        return value

    # -- the theory of change --

    def outcomes(self) -> RecordTable:
        return self.outcomes_table

    def links(self) -> RecordTable:
        return self.links_table

    def interventions(self) -> RecordTable:
        return self.interventions_table

    def diagram(self) -> Live:
        def build() -> Any:
            toc = self.toc()
            count = len(toc_model.Graph.of(toc).outcomes)
            if not count:
                return HTML(views.paragraph("The diagram appears once outcomes are saved."))
            flagged = {i for p in self.problems() for i in p.ids}
            try:
                svg = toc_svg(toc, "Theory of change", flagged)
            except DiagramError as exc:
                return HTML(coloured(str(exc), ERROR))
            caption = ("The theory of change, from preconditions (bottom) to long-term "
                       "outcomes (top).")  # fmt: skip
            if flagged:
                caption += " Outcomes outlined in red have a problem listed below."
            return DiagramView(svg, caption)

        return self._live(build)

    def checks(self) -> Live:
        return self._live(
            lambda: HTML(checks_html(self.problems(), len(toc_model.Graph.of(self.toc()).outcomes)))
        )

    # -- the logic model --

    def inputs(self) -> RecordTable:
        return self.logic["inputs"]

    def activities(self) -> RecordTable:
        return self.logic["activities"]

    def outputs(self) -> RecordTable:
        return self.logic["outputs"]

    def logic_outcomes(self) -> Any:
        table = self.logic["outcomes"]
        if self.read_only:
            return table
        status = widgets.HTML("")
        copy_button = button("Bring over the theory of change's outcomes", icon="copy")

        def clicked(_: Any) -> None:
            try:
                added = rec.outcomes_from_toc(self.store)
            except WorkbookError as exc:
                status.value = coloured(f"Not done: {exc}", ERROR)
                return
            table.reload()
            status.value = coloured(f"{added} outcomes added.", SUCCESS)

        copy_button.on_click(clicked)
        return WithFallback(widgets.VBox([widgets.HBox([copy_button, status]), table.widget]),
                            table.static_html())  # fmt: skip

    def rows(self, model: Mapping[str, Any] | None = None) -> list[tuple[str, ...]]:
        model = rec.read(self.store, rec.LOGIC_SECTION) if model is None else model
        partners = dict((v, k) for k, v in rec.partners(self.store))
        local = dict((v, k) for k, v in rec.local_measures(self.store))
        return rec.logic_rows(model, self.session.catalog, self.session.framework, partners, local)

    def logic_model(self) -> Live:
        def build() -> HTML:
            rows = self.rows()
            if not rows:
                return HTML(views.paragraph("The logic model is empty."))
            return HTML(views.table(rows, list(rec.LOGIC_HEADER)))

        return self._live(build)

    def export(self) -> Any:
        """A button that writes the logic model as CSV and Excel into the output folder."""
        note = "The logic model can be exported as CSV and Excel from the notebook."
        if self.read_only:
            return StaticHTML(views.paragraph(note), note)
        status = widgets.HTML("")
        export_button = button("Export the logic model (CSV and Excel)", icon="download")

        def clicked(_: Any) -> None:
            try:
                paths = rec.export_logic_model(self.rows(), self.session.output_dir)
            except OSError as exc:
                status.value = coloured(f"Not exported: {exc}", ERROR)
                return
            status.value = coloured(
                "Exported to " + " and ".join(str(p) for p in paths) + ".", SUCCESS
            )

        export_button.on_click(clicked)
        return WithFallback(widgets.HBox([export_button, status]), views.paragraph(note))

    # -- review and approval --

    def approval(self) -> Any:
        """Submit, comment, approve (nothing in view mode and copies: see :meth:`history`)."""
        if self.approval_panel is None:
            return StaticHTML("", "")
        return WithFallback(self.approval_panel.widget, "")

    def _history(self) -> str:
        html = history_html(rec.versions(self.store), rec.draft_changed(self.store))
        lost = rec.dangling_measures(self.store, rec.read(self.store, rec.LOGIC_SECTION))
        if lost:
            named = ", ".join(f"'{m.get('name') or m.get('id')}'" for m in lost)
            html += coloured(
                f"Step 8 measures {named} refer to parts the draft logic model no longer "
                "has: put them back, or change those measures in Step 8 before the next "
                "approval.",
                ERROR,
            )
        return html

    def history(self) -> Live:
        return self._live(lambda: HTML(self._history()))
