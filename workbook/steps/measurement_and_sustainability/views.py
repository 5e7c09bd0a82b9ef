"""Step 8 in the notebook: the plan read with the data, proposals, checks, charts, export."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis import measures as ms
from workbook.data.catalog import Catalog
from workbook.display import views
from workbook.display.charts import nothing_yet
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews, batch_mode
from workbook.display.measure_charts import funding_gap, turn_the_curve
from workbook.errors import WorkbookError
from workbook.forms import (
    Form,
    RecordTable,
    neutralise_cell,
)
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import Session
from workbook.steps import registry, review
from workbook.steps.measurement_and_sustainability.choices import (
    APPROVAL_SECTION,
    BLOCK_LEVELS,
    BLOCKS,
    COMMUNITY_SECTION,
    FREQUENCIES,
    LEARNING_SECTION,
    LOCAL_DATA_SECTION,
    MEASURES_SECTION,
    REPORTING_SECTION,
    RESOURCES_SECTION,
    STAKEHOLDERS_SECTION,
    SUSTAINABILITY_SECTION,
    TEAM_SECTION,
)
from workbook.steps.measurement_and_sustainability.forms import (
    community_table,
    learning_table,
    measures_table,
    reporting_form,
    resources_table,
    sustainability_form,
)

# --- reading the plan: the approved model, owners, measures with the data -------------


def _value(plan: PlanStore | PublicPlan, section: str) -> Any:
    if isinstance(plan, PlanStore):
        return plan.get(section, public=True).value
    return plan.value(section)


def _records(plan: PlanStore | PublicPlan, section: str) -> list[dict[str, Any]]:
    return [r for r in _value(plan, section) or [] if isinstance(r, dict)]


def logic_model(plan: PlanStore | PublicPlan) -> dict[str, Any] | None:
    return ms.approved_logic_model(_value(plan, APPROVAL_SECTION))


def owner_choices(plan: PlanStore | PublicPlan) -> list[tuple[str, str]]:
    """(public name, id) of team members and of stakeholders that accepted."""
    stakeholders = _records(plan, STAKEHOLDERS_SECTION)
    team = _records(plan, TEAM_SECTION)
    # People by name only for whoever edits the plan; pages for readers (dashboards, and
    # the HTML copies an unattended run writes) name roles.
    editing = (not isinstance(plan, PublicPlan) and not getattr(plan, "read_only", False)
               and not batch_mode())  # fmt: skip
    names = ms.owner_names(stakeholders, team, people=editing)
    chosen = [str(t["id"]) for t in team if t.get("id")]
    chosen += [str(s["id"]) for s in stakeholders if s.get("id") and s.get("status") == "accepted"]
    return [(names[i], i) for i in dict.fromkeys(chosen)]


def local_values(plan: PlanStore | PublicPlan, dataset_id: str) -> pd.DataFrame | None:
    """Step 5's rows of a local dataset (None while the workbook or the plan has none)."""
    try:  # Step 5's table module: absent from a workbook without local data
        tables = importlib.import_module("workbook.plan.tables")
    except ImportError:
        return None
    try:
        return tables.local_values(plan, dataset_id)
    except (WorkbookError, LookupError, ValueError):
        return None


def _history(
    session: Session, measure: Mapping[str, Any], plan: PlanStore | PublicPlan | None = None
) -> tuple[pd.DataFrame, str]:
    """The measure's yearly values from the Mobility Metrics or Step 5's local data, and
    the source to name (an empty history when neither has any)."""
    empty = pd.DataFrame(columns=ms.HISTORY_COLUMNS)
    variable, place = measure.get("metric"), session.jurisdiction
    if variable and place is not None and variable in session.catalog:
        rows = ms.history(session.data, place, variable, measure.get("subgroup") or None)
        return rows, session.catalog[variable].source
    ref = measure.get("local_measure")
    if not ref or measure.get("subgroup") or (plan is None and session.unattended):
        return empty, ""
    plan = plan if plan is not None else session.plan
    info = ms.local_measure_info(_value(plan, LOCAL_DATA_SECTION), ref)
    values = local_values(plan, info["dataset_id"]) if info else None
    if values is None:
        return empty, ""
    key = place.key if place is not None else None
    rows = ms.local_history(values, str(ref).partition("/")[2], key, info.get("quality"))
    return rows, info["dataset"]


def data_baseline(
    session: Session, measure: Mapping[str, Any], plan: PlanStore | PublicPlan | None = None
) -> ms.BaselineResult | None:
    """The baseline the data give a measure (None when it has no data behind it)."""
    rows, source = _history(session, measure, plan)
    if not source:
        return None
    return ms.baseline_from(rows, source)


def has_history(
    session: Session, measure: Mapping[str, Any], plan: PlanStore | PublicPlan | None = None
) -> bool:
    """Whether the data publish at least one value of the measure for the place."""
    rows, _ = _history(session, measure, plan)
    return bool(len(rows)) and not rows["suppressed"].astype(bool).all()


def curve(session: Session, measure: Mapping[str, Any], plan: PlanStore | PublicPlan | None = None):
    """The turn-the-curve chart of one measure, from the data and its saved target."""
    rows, _ = _history(session, measure, plan)
    published = rows[~rows["suppressed"].astype(bool)] if len(rows) else rows
    target = measure.get("target") if isinstance(measure.get("target"), Mapping) else None
    this_year = dt.date.today().year
    to_year = (
        int(target["year"]) if target and isinstance(target.get("year"), int) else this_year + 5
    )
    fc = ms.forecast(rows, to_year)
    name = str(measure.get("name") or "")
    label = ms.subgroup_label(measure.get("subgroup"))
    if label and label not in name:
        name += f" ({label})"
    return turn_the_curve(
        name,
        published[["year", "value"]],
        fc.rows,
        target,
        str(measure.get("unit") or ""),
        fc.note,
        session.synthetic,
    ), fc


def add_proposals(table: RecordTable, session: Session, collect_by: str = "") -> list[str]:
    """Save the proposed measures of the approved model, with baselines from the data."""
    model = logic_model(session.plan)
    added = []
    proposals = []
    local = _value(session.plan, LOCAL_DATA_SECTION)
    for proposal in ms.propose(model, session.catalog, table.records(), local):
        proposals.append(proposal)
        # An equity target needs its own measure: the gap between the groups furthest apart.
        place = session.jurisdiction
        if proposal["metric"] and proposal["rba"] == "better_off" and place is not None:
            gap = ms.widest_gap(session.data, place, proposal["metric"])
            if gap:
                proposals.append(ms.gap_measure(proposal, gap))
    for proposal in proposals:
        result = data_baseline(session, proposal)
        if result is not None and result.baseline is not None:
            proposal["baseline"] = result.baseline
        elif collect_by:
            proposal["baseline"] = ms.no_baseline(collect_by)
        added.append(table.add({k: v for k, v in proposal.items() if k in table.by_name}))
    return added


def fill_baselines(table: RecordTable, session: Session) -> int:
    """Give every metric-linked measure without a baseline value the data's latest value."""
    changed = 0
    for record in table.records():
        if ms.has_value(record.get("baseline")):
            continue
        result = data_baseline(session, record)
        if result is not None and result.baseline is not None:
            values = {k: v for k, v in record.items() if k in table.by_name}
            table.update(record["id"], {**values, "baseline": result.baseline})
            changed += 1
    return changed


def export_measures(frame: pd.DataFrame, folder: Path) -> list[Path]:
    """The flat measure table as CSV and Excel (cells that could run as formulas neutralised)."""
    safe = frame.map(lambda v: neutralise_cell(v) if isinstance(v, str) else v)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / "step8_measures.csv", folder / "step8_measures.xlsx"
    safe.to_csv(csv_path, index=False)
    safe.to_excel(xlsx_path, index=False, sheet_name="Measures")
    return [csv_path, xlsx_path]


# --- HTML views -----------------------------------------------------------------------


def coverage_html(model: Mapping[str, Any] | None, measures: Sequence[Mapping[str, Any]]) -> str:
    if model is None:
        return views.paragraph(
            "There is no approved logic model yet: Step 7 approves it, and measures are "
            "proposed from it once a version is approved."
        )
    counted: dict[tuple[str, str], int] = {}
    for m in measures:
        counted[ms.element_of(m)] = counted.get(ms.element_of(m), 0) + 1
    rows = [
        (e.label, counted.get((e.kind, e.id), 0) or "none yet")
        for e in ms.elements(model)
        if e.kind in ms.MEASURED_KINDS
    ]
    missing = sum(1 for r in rows if r[1] == "none yet")
    head = (
        f"{missing} of {len(rows)} inputs, outputs and outcomes have no measure yet."
        if missing
        else f"Each of the {len(rows)} inputs, outputs and outcomes has a measure."
    )
    return views.paragraph(head) + views.table(rows, ["Element", "Measures"])


def checks_html(measures, model, stakeholders, team) -> str:
    elements = ms.elements(model)
    rows = [
        (m.get("name") or m.get("id"), flag)
        for m in measures
        for flag in ms.flags(m, elements, stakeholders, team, model is not None)
    ]
    if not measures:
        return views.paragraph("No measures yet.")
    if not rows:
        return views.paragraph("Every measure has an owner, a baseline and a sound target.")
    return views.paragraph(f"{len(rows)} things to look at:") + views.table(
        rows, ["Measure", "Check"]
    )


def _data_note(note: str, saved: bool) -> str:
    """The data's note, without 'No baseline yet' when the plan has saved one."""
    head, _, why = note.partition("; ")
    if saved and head.startswith("No baseline yet") and why:
        return why[:1].upper() + why[1:]
    return note


def baselines_html(session: Session, measures: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for m in measures:
        result = data_baseline(session, m)
        if result is None:
            continue
        data = result.baseline
        share, gap = ms.is_share(m, session.catalog), ms.is_gap(m.get("subgroup"))
        shown = ms.baseline_text(data, share, gap) if data else "none"
        saved = ms.baseline_text(m.get("baseline"), share, gap)
        bounds = (
            f"{ms.number_text(data['low'], share)} to {ms.number_text(data['high'], share)}"
            if data and data["low"] is not None and data["high"] is not None
            else ""
        )
        rows.append(
            (
                m.get("name"),
                ms.subgroup_label(m.get("subgroup")),
                shown,
                bounds,
                (data or {}).get("quality") or "",
                saved,
                _data_note(result.note, ms.has_value(m.get("baseline"))),
            )
        )
    if not rows:
        return views.paragraph("No measure is linked to a Mobility Metric or to local data yet.")
    return views.table(
        rows, ["Measure", "Group", "In the data", "Bounds", "Quality", "Saved baseline", "Note"]
    )


def _reported(names: Sequence[str], every: Sequence[str]) -> str:
    """'All 17 measures', '13 measures: all but A; B' or the names (whichever is shorter)."""
    if len(names) == len(every):
        return f"All {len(every)} measures"
    left_out = [n for n in every if n not in names]
    if len(left_out) < len(names):
        return f"{_count(len(names), 'measure')}: all but " + "; ".join(left_out)
    return "; ".join(names)


def calendar_html(measures, reporting: Mapping[str, Any] | None) -> str:
    first = (reporting or {}).get("first_report")
    if not first:
        return views.paragraph(
            "The reporting calendar appears once the date of the first report is set."
        )
    calendar = ms.reporting_calendar(measures, first)
    every = list(dict.fromkeys(n for _, names in calendar for n in names))
    rows = [(review.long_date(day), _reported(names, every)) for day, names in calendar]
    return (
        views.table(rows, ["Date", "Measures reported"])
        if rows
        else views.paragraph("No measures to report yet.")
    )


# --- the headline -------------------------------------------------------------------

BIG = '<p style="font-size:1.2em;margin:0.2em 0">'
P = '<p style="margin:0.35em 0">'
# What each results-based accountability category counts, in the headline's words.
RBA_WORDS = {
    "how_much": "how much was done",
    "how_well": "how well it was done",
    "better_off": "whether anyone is better off",
}
FREQUENCY_WORDS = {v: k.lower() for k, v in FREQUENCIES}


def _count(number: int, word: str, words: str = "") -> str:
    return f"{number} {word}" if number == 1 else f"{number} {words or word + 's'}"


def _listed(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _dates(days: Sequence[str]) -> str:
    days = sorted(set(days))
    if len(days) == 1:
        return review.long_date(days[0])
    return f"dates from {review.long_date(days[0])} to {review.long_date(days[-1])}"


def _measures_line(measures, model) -> str:
    kinds = {k: 0 for k in ms.RBA}
    for m in measures:
        if m.get("rba") in kinds:
            kinds[m.get("rba")] += 1
    split = [f"{n} {RBA_WORDS[k]}" for k, n in kinds.items() if n]
    if split:  # "6 measure how much was done and 11 whether anyone is better off"
        number, _, rest = split[0].partition(" ")
        split[0] = f"{number} {'measures' if number == '1' else 'measure'} {rest}"
    unsorted = len(measures) - sum(kinds.values())
    if unsorted:
        split.append(f"{unsorted} not in a category yet")
    one = len(measures) == 1
    tracked = (
        f"{'tracks' if one else 'track'} the approved logic model"
        if model is not None
        else f"{'is' if one else 'are'} planned (Step 7 has not approved a logic model yet)"
    )
    line = f"{BIG}<b>{_count(len(measures), 'measure')}</b> {tracked}"
    line += f": {escape(_listed(split))}.</p>" if split else ".</p>"
    if model is not None:  # the coverage table below says so when every element has one
        done = {ms.element_of(m) for m in measures}
        elements = [e for e in ms.elements(model) if e.kind in ms.MEASURED_KINDS]
        missing = sum(1 for e in elements if (e.kind, e.id) not in done)
        if missing:
            line += (
                f"{P}{missing} of the {len(elements)} inputs, outputs and outcomes have no "
                "measure yet.</p>"
            )
    return line


def _change_text(m: Mapping[str, Any], catalog: Catalog) -> str:
    """'1.393 in 2023 to 1.533 by 2030' for a measure with a baseline and a target."""
    share, gap = ms.is_share(m, catalog), ms.is_gap(m.get("subgroup"))
    base, target = m.get("baseline") or {}, m.get("target") or {}
    year = base.get("year") or str(base.get("date") or "")[:4]
    text = "from " + ms.number_text(base["value"], share, gap) + (f" in {year}" if year else "")
    text += f" to {ms.number_text(target['value'], share, gap)}"
    text += f" by {target['year']}" if target.get("year") else ""
    unit = "" if share else str(m.get("unit") or "")
    return text + (f" ({unit})" if unit else "")


def _targets_line(measures, catalog: Catalog) -> str:
    with_base = [m for m in measures if ms.has_value(m.get("baseline"))]
    later = [
        str(m["baseline"]["collect_by"])
        for m in measures
        if not ms.has_value(m.get("baseline"))
        and isinstance(m.get("baseline"), Mapping)
        and m["baseline"].get("collect_by")
    ]
    targets = [m for m in measures if ms.has_value(m.get("target"))]
    years = sorted({int(m["target"]["year"]) for m in targets if m["target"].get("year")})
    base = f"{_count(len(with_base), 'measure')} {'starts' if len(with_base) == 1 else 'start'} "
    base += "from a known baseline"
    rest = len(measures) - len(with_base)
    if rest:
        base += f"; {rest} {'has' if rest == 1 else 'have'} none yet"
        base += f", to be collected by {_dates(later)}" if len(later) == rest else ""
    aim = f"{_count(len(targets), 'target')} set"
    if years:
        aim += f" for {years[0]}" if len(years) == 1 else f" for {years[0]} to {years[-1]}"
    if len(targets) < len(measures):
        aim += f"; {len(measures) - len(targets)} measures have no target yet"
    line = f"{P}<b>Baselines and targets</b>: {escape(base)}. {escape(aim)}.</p>"
    both = [m for m in targets if ms.has_value(m.get("baseline"))]
    shown = [m for m in both if m.get("headline")] or both
    if shown:
        items = "".join(
            f"<li>{escape(str(m.get('name') or ''))}: {escape(_change_text(m, catalog))}</li>"
            for m in shown[:4]
        )
        more = f"<li>and {len(shown) - 4} more</li>" if len(shown) > 4 else ""
        line += f'<ul style="margin:0.1em 0">{items}{more}</ul>'
    return line


def _reporting_line(measures, names: Mapping[str, str], reporting: Mapping[str, Any]) -> str:
    owned: dict[str, int] = {}
    often: dict[str, int] = {}
    for m in measures:
        for o in ms.owner_ids(m):
            owned[o] = owned.get(o, 0) + 1
        word = FREQUENCY_WORDS.get(m.get("frequency"))
        if word:
            often[word] = often.get(word, 0) + 1
    parts = []
    if owned:
        who = [
            names.get(o, "a former partner")
            for o, _ in sorted(owned.items(), key=lambda kv: -kv[1])
        ]
        shown = who[:3] + ([f"{len(who) - 3} more"] if len(who) > 3 else [])
        split = [f"{n} {w}" for w, n in sorted(often.items(), key=lambda kv: -kv[1])]
        how = f": {_listed(split)}" if split else ""
        parts.append(f"{_count(len(who), 'owner')} collect and report the measures "
                     f"({_listed(shown)}){how}.")  # fmt: skip
    unowned = sum(1 for m in measures if not ms.owner_ids(m))
    if unowned:
        parts.append(f"{_count(unowned, 'measure')} {'has' if unowned == 1 else 'have'} "
                     "no owner yet.")  # fmt: skip
    cadence = FREQUENCY_WORDS.get(reporting.get("cadence"))
    if cadence:
        first = reporting.get("first_report")
        start = f", the first on {review.long_date(first)}" if first else ""
        parts.append(f"Progress reports go out {cadence}{start}.")
    if reporting.get("scorecard_where"):
        parts.append(f"A public scorecard is kept at: {reporting['scorecard_where']}.")
    if not parts:
        return f"{P}<b>Reporting</b>: no owners or reporting schedule yet.</p>"
    return f"{P}<b>Reporting</b>: {escape(' '.join(parts))}</p>"


def _sustain_line(plan: PlanStore | PublicPlan) -> str:
    value = _value(plan, SUSTAINABILITY_SECTION) or {}
    labels = {level.value: level.label.lower() for level in BLOCK_LEVELS}
    rated = [
        f"{name.lower()} {labels[value[f'{key}_rating']]}"
        for key, name, _ in BLOCKS
        if value.get(f"{key}_rating") in labels
    ]
    parts = [f"Of the four building blocks: {'; '.join(rated)}."] if rated else []
    resources = _records(plan, RESOURCES_SECTION)
    if resources:
        needed = sum(float(r.get("needed") or 0) for r in resources)
        secured = sum(float(r.get("secured") or 0) for r in resources)
        gap = max(needed - secured, 0)
        parts.append(
            f"Resources: {needed:,.0f} needed, {secured:,.0f} secured"
            + (f", {gap:,.0f} still to find." if gap else ", all of it covered.")
        )
    community, learning = _records(plan, COMMUNITY_SECTION), _records(plan, LEARNING_SECTION)
    if community:
        parts.append(f"{_count(len(community), 'event')} to take the plan back to the community.")
    if learning:
        parts.append(f"{_count(len(learning), 'learning question')} to review.")
    if not parts:
        return f"{P}<b>Sustaining the work</b>: not planned yet.</p>"
    return f"{P}<b>Sustaining the work</b>: {escape(' '.join(parts))}</p>"


def headline_html(plan: PlanStore | PublicPlan, catalog: Catalog) -> str:
    """The answer first: how many measures of which kind, their baselines and targets, who
    reports what how often, and how the work will be sustained. Owners are named by
    organisation or role (the plan's public view), never by a person's contact details."""
    measures = _records(plan, MEASURES_SECTION)
    model = logic_model(plan)
    others = any(
        _value(plan, s) for s in (REPORTING_SECTION, SUSTAINABILITY_SECTION, RESOURCES_SECTION,
                                  COMMUNITY_SECTION, LEARNING_SECTION)
    )  # fmt: skip
    if not measures and not others:
        waiting = "" if model is not None else " Step 7 has not approved a logic model yet."
        return (
            f'<div class="wb-headline">{BIG}Nothing has been planned in this step yet: no '
            f"measures, no reporting schedule, no plan to sustain the work.{waiting}</p></div>"
        )
    names = {i: n for n, i in owner_choices(plan)}
    reporting = _value(plan, REPORTING_SECTION) or {}
    body = (
        _measures_line(measures, model)
        + (_targets_line(measures, catalog) if measures else "")
        + _reporting_line(measures, names, reporting if isinstance(reporting, Mapping) else {})
        + _sustain_line(plan)
    )
    return f'<div class="wb-headline">{body}</div>'


# --- the step's views -----------------------------------------------------------------


class MeasurementAndSustainability(LiveViews):
    """The Step 8 views. Checks, charts and summaries redraw after a save."""

    def __init__(self, session: Session) -> None:
        self.session = session
        plan = session.plan
        self.model = logic_model(plan)
        self.elements = ms.elements(self.model)
        self.owners = owner_choices(plan)
        export = session.output_dir / "step8_measures_records.csv"
        self.measures_table = measures_table(
            plan, self.elements, self.owners, session.catalog, export_path=export
        )
        self.community_table = community_table(plan, self.owners)
        self.resources_table = resources_table(plan)
        self.learning_table = learning_table(plan, self.owners)
        super().__init__(
            session.read_only,
            (self.measures_table, self.community_table, self.resources_table, self.learning_table),
        )

    def _measures(self) -> list[dict[str, Any]]:
        return self.measures_table.records(public=True)

    def _people(self) -> tuple[list[dict], list[dict]]:
        plan = self.session.plan
        return _records(plan, STAKEHOLDERS_SECTION), _records(plan, TEAM_SECTION)

    # -- what the notebook shows --

    def headline_html(self) -> str:
        """The headline from the plan's public view (the same in edit and view mode)."""
        public = PublicPlan(self.session.plan, registry.private_paths)
        place = self.session.jurisdiction
        return views.place_first(
            headline_html(public, self.session.catalog),
            place.label if place is not None else None,
        )

    def headline(self) -> Live:
        """The page's opening: what the coalition will measure and how, before any table."""
        return self._live(lambda: HTML(self.headline_html()))

    def coverage(self) -> Live:
        return self._live(lambda: HTML(coverage_html(self.model, self._measures())))

    def propose(self) -> Any:
        """A button that adds the proposed measures (a list of them in view mode)."""
        local = _value(self.session.plan, LOCAL_DATA_SECTION)
        proposals = ms.propose(self.model, self.session.catalog, self._measures(), local)
        count = len(proposals)
        text = views.paragraph(
            f"The logic model suggests {_count(count, 'more measure')} not in the plan yet."
        )
        if not count:  # nothing left to propose: the coverage above says so
            return HTML("")
        if self.session.read_only:
            return HTML(text)
        button = widgets.Button(description="Add the proposed measures", button_style="primary")
        note = widgets.HTML(text)

        def clicked(_):
            added = add_proposals(self.measures_table, self.session)
            self.refresh()
            note.value = views.paragraph(f"{len(added)} measures added; edit them below.")

        button.on_click(clicked)
        return widgets.VBox([note, button])

    def measures(self) -> RecordTable:
        return self.measures_table

    def baselines(self) -> Live:
        return self._live(lambda: HTML(baselines_html(self.session, self._measures())))

    def fill_from_data(self) -> Any:
        """A button that gives measures without a baseline the data's latest value."""
        if self.session.read_only:
            return HTML("")
        button = widgets.Button(description="Fill empty baselines from the data")
        note = widgets.HTML()

        def clicked(_):
            changed = fill_baselines(self.measures_table, self.session)
            self.refresh()
            note.value = views.paragraph(f"{changed} baselines filled from the data.")

        button.on_click(clicked)
        return widgets.VBox([button, note])

    def checks(self) -> Live:
        def build():
            stakeholders, team = self._people()
            return HTML(checks_html(self._measures(), self.model, stakeholders, team))

        return self._live(build)

    def curves(self) -> Live:
        """Turn-the-curve charts: the headline measures (all with a metric if none is)."""

        def build():
            measures = [m for m in self._measures() if m.get("metric") or m.get("target")]
            chosen = [m for m in measures if m.get("headline")] or measures
            if not chosen:
                return nothing_yet(
                    "Turn the curve",
                    "No measure with data or a target yet.",
                    self.session.synthetic,
                )
            drawn = [m for m in chosen if has_history(self.session, m)]
            if not drawn:
                names = "; ".join(str(m.get("name") or "") for m in chosen)
                return HTML(views.paragraph(
                    f"The data have no published values of the headline measures ({names}) "
                    "for this place, so there is no curve to draw."
                ))  # fmt: skip
            charts = [curve(self.session, m)[0] for m in drawn[:8]]
            if len(charts) == 1:
                return charts[0]
            described = " ".join(str(c.to_dict().get("description", "")) for c in charts)
            return alt.vconcat(*charts).properties(description=described)

        return self._live(build)

    def export(self) -> HTML:
        """Write the measures as CSV and Excel for a performance office (edit mode only)."""
        stakeholders, team = self._people()
        frame = ms.export_frame(self._measures(), self.elements, ms.owner_names(stakeholders, team))
        if self.session.read_only:  # the export is the facilitator's; readers see the table
            return HTML("")
        paths = export_measures(frame, self.session.output_dir)
        names = ", ".join(p.name for p in paths)
        return HTML(views.paragraph(f"{len(frame)} measures written to {names}, one row each."))

    def community(self) -> RecordTable:
        return self.community_table

    def reporting(self) -> Form:
        return reporting_form(self.session.plan)

    def calendar(self) -> Live:
        return self._live(
            lambda: HTML(
                calendar_html(self._measures(), _value(self.session.plan, REPORTING_SECTION))
            )
        )

    def sustainability(self) -> Form:
        return sustainability_form(self.session.plan)

    def resources(self) -> RecordTable:
        return self.resources_table

    def funding_gap(self) -> Live:
        return self._live(lambda: funding_gap(self.resources_table.records(public=True)))

    def learning(self) -> RecordTable:
        return self.learning_table
