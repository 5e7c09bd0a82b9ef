"""Step 5's local data: what exists, bringing it in, what it shows, and what it adds.

National metrics can hide what happens street by street. Here the coalition lists the
local sources it knows of (``step5.sources``; a contact's name, email and phone stay
private), imports files of local figures (``step5.local_data`` describes each data set;
its rows live in the plan file's own table, :mod:`workbook.plan.tables`), looks at each
measure's trend, gaps between groups and spread across sub-areas beside the place's own
Mobility Metric, and writes down what it found (``step5.findings``).

The pieces underneath are pure and tested on their own: reading and checking files
(:mod:`workbook.data.local_files`), boundaries (:mod:`workbook.data.local_geo`), the
aggregations (:mod:`workbook.analysis.local_data`) and the charts
(:mod:`workbook.display.local_charts`). Charts are handed aggregated tables only.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis import local_data as analysis
from workbook.data.catalog import Catalog
from workbook.data.local_files import (
    MAX_LOCAL_BYTES,
    MAX_LOCAL_ROWS,
    ColumnMapping,
    LocalDataError,
    LocalReport,
    ParsedLocal,
    guess_mapping,
    parse_values,
    read_table,
)
from workbook.data.local_geo import match_boundaries, parse_geojson
from workbook.display import local_charts, views
from workbook.display.document import Block, BulletList, Callout, Figure, Heading, Paragraph, Table
from workbook.display.html import escape
from workbook.display.live import LiveViews, WithFallback, static_html
from workbook.display.theme import ERROR, PENDING, SUCCESS
from workbook.forms import (
    Field,
    LongText,
    MultipleChoice,
    Person,
    RecordTable,
    ShortText,
    SingleChoice,
)
from workbook.plan import tables
from workbook.plan.public import PublicPlan
from workbook.plan.store import ConflictError, PlanStore
from workbook.session import Session

SOURCES_SECTION = "step5.sources"
LOCAL_SECTION = "step5.local_data"
FINDINGS_SECTION = "step5.findings"
SOURCE_PRIVATE = ("contact.name", "contact.email", "contact.phone")

GEOGRAPHY_LABELS = {
    "county": "County",
    "city": "City (census place)",
    "tract": "Census tract",
    "zip": "ZIP code",
    "school_district": "School district",
    "neighbourhood": "Neighbourhood",
    "other": "Other",
}
ACCESS = (
    ("We have it", "have"),
    ("Requested", "requested"),
    ("Restricted", "restricted"),
    ("Not available", "not_available"),
)
FREQUENCIES = (
    ("Every month", "monthly"),
    ("Every quarter", "quarterly"),
    ("Every year", "annual"),
    ("Every few years", "every_few_years"),
    ("Once", "once"),
    ("Irregularly", "irregular"),
)
DIRECTIONS = (
    ("Higher is better", "higher"),
    ("Lower is better", "lower"),
    ("Neither", "neither"),
)
QUALITIES = ("Strong", "Marginal", "Weak")
UNITS = ("share", "percent", "count", "rate", "dollars", "number")


class PrivateContact(Person):
    """A source's contact: only the organisation or unit is public; the person's name,
    email and phone never leave edit mode."""

    def _private_part(self, part: str) -> bool:
        return self.private or part in ("name", "email", "phone")

    def private_paths(self) -> list[str]:
        return [f"{self.name}.{part}" for part in ("name", "email", "phone")]


def predictor_names(catalog: Catalog) -> list[str]:
    """The Mobility Metrics' predictors, in catalog order."""
    return list(dict.fromkeys(m.predictor for m in catalog if m.is_metric and m.predictor))


# --- the inventory of sources ---------------------------------------------------------


def source_fields(catalog: Catalog) -> list[Field]:
    return [
        ShortText("name", label="Source", required=True, max_length=200),
        ShortText("holder", label="Held by", max_length=200, help="The agency or group."),
        LongText("measures", label="What it measures", max_length=1000, rows=2),
        MultipleChoice(
            "predictors", label="Predictors it informs", options=predictor_names(catalog)
        ),
        SingleChoice(
            "geography", label="Geography", options=[(v, k) for k, v in GEOGRAPHY_LABELS.items()]
        ),
        ShortText("years", label="Years", max_length=100, help="e.g. 2015-2024"),
        SingleChoice("frequency", label="Updated", options=FREQUENCIES),
        SingleChoice("access", label="Access", options=ACCESS),
        ShortText("licence", label="Licence or terms of use", max_length=300),
        LongText(
            "privacy_notes",
            label="Privacy notes",
            max_length=1000,
            rows=2,
            help="Small counts, personal records, what may be published.",
        ),
        PrivateContact(
            "contact",
            label="Contact",
            help="Who to ask; the name, email and phone are private (the organisation or "
            "unit is shown).",
        ),
    ]


def sources_table(store: PlanStore, catalog: Catalog, read_only: bool | None = None) -> RecordTable:
    return RecordTable(
        source_fields(catalog),
        store,
        SOURCES_SECTION,
        title="Local data: what exists",
        intro="Every local source the coalition knows of: administrative records, local "
        "surveys, program data. Note what it measures, for where and when, and whether the "
        "coalition can use it.",
        read_only=read_only,
        label_field="name",
    )


def findings_table(
    store: PlanStore, catalog: Catalog, read_only: bool | None = None
) -> RecordTable:
    """Findings as statements, each linked to the local measures behind it (the choices
    are the measures of the data sets in the plan when the table is made)."""
    datasets = [d for d in store.get(LOCAL_SECTION).value or [] if isinstance(d, dict)]
    options = measure_options(datasets)
    fields: list[Field] = [
        LongText(
            "statement", label="What the local data show", required=True, max_length=1000, rows=2
        ),
    ]
    if options:
        fields.append(MultipleChoice("measures", label="Measures behind it", options=options))
    fields.append(
        MultipleChoice("predictors", label="Predictors", options=predictor_names(catalog))
    )
    return RecordTable(
        fields,
        store,
        FINDINGS_SECTION,
        title="What the local data show",
        intro="Each finding in a sentence, with the local measures behind it.",
        read_only=read_only,
        label_field="statement",
    )


# --- bringing a data set in -----------------------------------------------------------


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "measure"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


@dataclass
class ImportResult:
    """What an import did: the saved record (None when refused) and the row report."""

    record: dict[str, Any] | None
    report: LocalReport
    parsed: ParsedLocal | None = None
    problems: list[str] = field(default_factory=list)  # about the measures' settings

    @property
    def ok(self) -> bool:
        return self.record is not None

    def html(self, limit: int = 30) -> str:
        colour = SUCCESS if self.ok else ERROR
        lines = [*self.problems, *self.report.lines()]
        head = (
            f"Imported '{self.record['name']}': {self.record['rows']} values."
            if self.ok
            else self.report.summary()
            if self.report.problems
            else "Nothing imported: " + "; ".join(self.problems)
        )
        shown = "".join(f"<li>{escape(line)}</li>" for line in lines[:limit])
        more = f"<li>and {len(lines) - limit} more</li>" if len(lines) > limit else ""
        return f'<div style="color:{colour}"><b>{escape(head)}</b></div>' + (
            f"<ul>{shown}{more}</ul>" if lines else ""
        )


def _measure_record(
    slug: str, name: str, settings: Mapping[str, Any], percent: bool, problems: list[str]
) -> dict[str, Any]:
    direction = settings.get("direction") or "neither"
    quality = settings.get("quality") or "Marginal"
    if direction not in ("higher", "lower", "neither"):
        problems.append(f"measure '{name}': direction must be higher, lower or neither")
    if quality not in QUALITIES:
        problems.append(f"measure '{name}': quality must be Strong, Marginal or Weak")
    return {
        "id": slug,
        "name": str(settings.get("name") or name),
        "column": name,
        "unit": str(settings.get("unit") or ("share" if percent else "")),
        "direction": direction,
        "quality": quality,
        "notes": str(settings.get("notes") or ""),
        "predictor": settings.get("predictor") or None,
        "metric": settings.get("metric") or None,
    }


def import_dataset(
    store: PlanStore,
    source: Any,
    *,
    name: str,
    geography: str,
    mapping: ColumnMapping | None = None,
    measures: Mapping[str, Mapping[str, Any]] | None = None,
    percent: Mapping[str, bool] | None = None,
    source_id: str | None = None,
    today: str | None = None,
    file_name: str | None = None,
    max_bytes: int = MAX_LOCAL_BYTES,
    max_rows: int = MAX_LOCAL_ROWS,
) -> ImportResult:
    """Read, check and save one local data set; nothing is saved unless all of it is.

    ``measures`` sets, per measure name as in the file, its unit, direction, quality,
    notes, predictor and metric (defaults: no unit, neither, Marginal). The rows go into
    the plan's table and the description into ``step5.local_data``; if the description
    cannot be saved, the rows are removed again.
    """
    try:
        frame, report = read_table(source, max_bytes, max_rows)
    except LocalDataError as exc:
        report = LocalReport()
        report.refuse(0, "", str(exc))
        return ImportResult(None, report)
    file_name = file_name or report.source
    if report.problems:
        return ImportResult(None, report)
    try:
        parsed = parse_values(
            frame, mapping or guess_mapping(frame.columns), geography, report, percent
        )
    except LocalDataError as exc:
        report.refuse(0, "", str(exc))
        return ImportResult(None, report)
    if not report.ok:
        return ImportResult(None, report, parsed)
    if not str(name).strip():
        return ImportResult(None, report, parsed, ["give the data set a name"])
    settings = dict(measures or {})
    taken: set[str] = set()
    problems: list[str] = []
    described = []
    for measure in parsed.measures:
        described.append(
            _measure_record(
                _slug(measure, taken),
                measure,
                settings.get(measure, {}),
                measure in parsed.percent_measures,
                problems,
            )
        )
    if problems:
        return ImportResult(None, report, parsed, problems)
    ids = {m["column"]: m["id"] for m in described}
    rows = parsed.values.assign(measure=parsed.values["measure"].map(ids))
    years = sorted(int(y) for y in rows["year"].dropna().unique())
    record = {
        "id": uuid.uuid4().hex[:12],
        "name": str(name).strip(),
        "source_id": source_id or None,
        "geography": geography,
        "file_name": file_name,
        "imported_on": today or dt.date.today().isoformat(),
        "rows": len(rows),
        "places": int(rows["place"].nunique()),
        "years": years,
        "suppressed": int(rows["suppressed"].sum()),
        "measures": described,
    }
    tables.write_local_values(store, record["id"], rows)
    try:
        _append(store, record)
    except BaseException:
        tables.delete_local_values(store, record["id"])
        raise
    return ImportResult(record, report, parsed)


def _append(store: PlanStore, record: dict[str, Any]) -> None:
    """Add a data set's description, on top of whatever others saved meanwhile."""
    for _ in range(5):
        current = store.get(LOCAL_SECTION)
        items = [*copy.deepcopy(current.value or []), record]
        try:
            store.save(LOCAL_SECTION, items, current.version)
            return
        except ConflictError as exc:
            store.resolve_conflict(exc.conflict_id, keep="saved")
    raise LocalDataError("the list of data sets kept changing while saving: try again")


def remove_dataset(store: PlanStore, dataset_id: str) -> None:
    """Remove a data set's description and its rows (its description stays in history)."""
    for _ in range(5):
        current = store.get(LOCAL_SECTION)
        items = [d for d in current.value or [] if d.get("id") != dataset_id]
        try:
            store.save(LOCAL_SECTION, items, current.version)
            break
        except ConflictError as exc:
            store.resolve_conflict(exc.conflict_id, keep="saved")
    tables.delete_local_values(store, dataset_id)


# --- what the data show ----------------------------------------------------------------


def measure_options(datasets: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """('Data set: measure', '<dataset id>/<measure id>') for every measure."""
    return [
        (f"{d.get('name', '')}: {m.get('name', '')}", f"{d['id']}/{m['id']}")
        for d in datasets
        for m in d.get("measures") or []
        if d.get("id") and m.get("id")
    ]


# Which Mobility Metric formats a local measure's unit can stand beside on one axis.
COMPARABLE = {
    "share": {"share"},
    "percent": {"share"},
    "rate": {"rate"},
    "count": {"count"},
    "dollars": {"dollars"},
    "ratio": {"ratio"},
    "index": {"index"},
}


@dataclass(frozen=True)
class Reference:
    """The place's own Mobility Metric beside a local measure."""

    label: str
    value: float
    comparable: bool  # same kind of unit: drawn as a line; otherwise only named
    unit: str = ""  # "share" for the metrics written 0-1


def reference_for(session: Session, measure: Mapping[str, Any]) -> Reference | None:
    """The place's own Mobility Metric for the measure (its chosen metric, else one of its
    predictor's, preferring one in the same kind of unit), or None."""
    place = session.jurisdiction
    if place is None:
        return None
    catalog = session.data.catalog
    if measure.get("metric") in catalog:
        candidates = [(catalog[measure["metric"]], True)]
    elif measure.get("predictor"):
        formats = COMPARABLE.get(str(measure.get("unit") or "").strip().lower(), set())
        metrics = [
            m
            for m in catalog
            if m.is_metric and m.predictor == measure["predictor"] and m.applies_to(place.kind)
        ]
        candidates = [(m, m.format in formats) for m in metrics]
        candidates.sort(key=lambda pair: not pair[1])
    else:
        return None
    for metric, comparable in candidates:
        found = analysis.reference_value(session.data, place, metric.variable)
        if found is not None:
            year, value = found
            label = f"{place.name}: {metric.name} ({year}, Mobility Metrics)"
            return Reference(label, value, comparable, "share" if metric.format == "share" else "")
    return None


def reference_note(reference: Reference | None, unit: str) -> str:
    """A sentence on a reference that is not drawn (other units), or ''."""
    if reference is None or reference.comparable:
        return ""
    return (
        f"For reference, {reference.label} is "
        f"{local_charts.number_text(reference.value, reference.unit)}; it is in other units "
        f"than this measure ({unit or 'no unit given'}), so it is not drawn beside it."
    )


def measure_charts(
    values: pd.DataFrame,
    dataset: Mapping[str, Any],
    measure: Mapping[str, Any],
    reference: Reference | None = None,
    synthetic: bool = False,
) -> list:
    """Trend, gaps between groups and spread for one measure (aggregated data only)."""
    rows = values[values["measure"] == measure["id"]]
    label = str(measure.get("name") or measure["id"])
    unit = str(measure.get("unit") or "")
    charts = [local_charts.trend_chart(analysis.trend(rows), label, unit, synthetic)]
    gaps = analysis.subgroup_gaps(rows)
    if gaps["subgroup"].nunique() > 1:
        charts.append(local_charts.gap_chart(gaps, label, unit, synthetic))
    if rows["place"].nunique() > 1:
        summary = analysis.spread(rows)
        if len(summary):
            charts.append(
                local_charts.spread_chart(
                    analysis.histogram(rows, measure["id"]),
                    summary.iloc[0].to_dict(),
                    label,
                    unit,
                    (reference.label, reference.value)
                    if reference is not None and reference.comparable
                    else None,
                    synthetic,
                )
            )
    return charts


def _measure_line(dataset: Mapping[str, Any], measure: Mapping[str, Any]) -> str:
    directions = {v: k for k, v in DIRECTIONS}
    parts = [
        f"unit: {measure.get('unit') or 'not given'}",
        directions.get(measure.get("direction"), "Neither").lower(),
        f"quality: {measure.get('quality') or 'not rated'}",
    ]
    if measure.get("predictor"):
        parts.append(f"predictor: {measure['predictor']}")
    text = f"{measure.get('name')}: " + "; ".join(parts) + "."
    if measure.get("notes"):
        text += f" {measure['notes']}"
    return text


def dataset_summary(dataset: Mapping[str, Any], sources: Mapping[str, Mapping]) -> str:
    source = sources.get(dataset.get("source_id") or "")
    years = views.year_ranges(list(dataset.get("years") or []))
    where = GEOGRAPHY_LABELS.get(dataset.get("geography"), "places")
    text = (
        f"{dataset.get('rows', 0)} values for {dataset.get('places', '?')} "
        f"{where.lower()} area(s), years {years}; {dataset.get('suppressed', 0)} suppressed."
    )
    if source:
        text += f" Source: {source.get('name')}" + (
            f" ({source['holder']})." if source.get("holder") else "."
        )
    return text


class Stack:
    """Several displayable items shown one after the other, with one static copy."""

    def __init__(self, *items: Any) -> None:
        self.items = items

    def _repr_html_(self) -> str:
        return "".join(
            item.static_html()
            if callable(getattr(item, "static_html", None))
            else static_html(item)
            for item in self.items
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self.items:
            display(item)


class LocalData(LiveViews):
    """Step 5's local data views: inventory, import, what the data show, findings."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.store = session.plan
        self.catalog = session.data.catalog
        self.sources_table = sources_table(self.store, self.catalog)
        super().__init__(session.read_only, (self.sources_table,))
        self._findings: RecordTable | None = None
        self._panels: list[BoundaryPanel] = []
        self.last_result: ImportResult | None = None

    # -- the plan --

    def dataset_records(self) -> list[dict[str, Any]]:
        return [d for d in self.store.get(LOCAL_SECTION).value or [] if isinstance(d, dict)]

    def sources_by_id(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.sources_table.records(public=True) if s.get("id")}

    def values(self, dataset_id: str) -> pd.DataFrame:
        return tables.local_values(self.store, dataset_id)

    def add(self, source: Any, **kwargs: Any) -> ImportResult:
        """Import a file without the widgets (scripts and tests); see :func:`import_dataset`."""
        self.last_result = import_dataset(self.store, source, **kwargs)
        if self.last_result.ok:
            self.refresh()
        return self.last_result

    def remove(self, dataset_id: str) -> None:
        """Remove a data set: its description (kept in the plan's history), rows and shapes."""
        remove_dataset(self.store, dataset_id)
        self.refresh()

    # -- what the notebook shows --

    def inventory(self) -> RecordTable:
        return self.sources_table

    def import_data(self):
        """The import panel (edit mode), or the list of data sets (view mode)."""
        if self.read_only:
            return self._live(lambda: HTML(self.datasets_table_html()))
        return ImportPanel(self)

    def datasets_table_html(self) -> str:
        datasets = self.dataset_records()
        if not datasets:
            return views.paragraph("No local data set imported yet.")
        sources = self.sources_by_id()
        rows = [
            (
                d.get("name", ""),
                GEOGRAPHY_LABELS.get(d.get("geography"), ""),
                views.year_ranges(list(d.get("years") or [])),
                ", ".join(m.get("name", "") for m in d.get("measures") or []),
                (sources.get(d.get("source_id") or "") or {}).get("name", ""),
                d.get("imported_on", ""),
            )
            for d in datasets
        ]
        return views.table(
            rows, ["Data set", "Geography", "Years", "Measures", "Source", "Imported"]
        )

    def datasets(self):
        """Per data set and measure: trend, gaps between groups, spread (with the place's
        own Mobility Metric for reference), and a map when boundaries were given. In edit
        mode a panel above takes the boundaries (GeoJSON)."""
        live = self._live(self._datasets_view)
        if self.read_only:
            return live
        return Stack(self.boundary_panel(), live)

    def refresh(self) -> None:
        """Draw the views again and offer new data sets in the boundary panels."""
        super().refresh()
        for panel in self._panels:
            panel.update()

    def _datasets_view(self):
        datasets = self.dataset_records()
        if not datasets:
            return HTML(
                views.paragraph(
                    "No local data set imported yet: once one is, its measures are drawn here."
                )
            )
        sources = self.sources_by_id()
        items: list[Any] = []
        for dataset in datasets:
            values = self.values(dataset["id"])
            boundary = tables.boundaries(self.store, dataset["id"])
            items.append(
                HTML(
                    views.heading(str(dataset.get("name")), 3)
                    + views.paragraph(dataset_summary(dataset, sources))
                )
            )
            for measure in dataset.get("measures") or []:
                reference = reference_for(self.session, measure)
                note = reference_note(reference, str(measure.get("unit") or ""))
                line = _measure_line(dataset, measure) + (f" {note}" if note else "")
                items.append(HTML(views.paragraph(line)))
                items += measure_charts(values, dataset, measure, reference, self.session.synthetic)
                if boundary is not None:
                    items.append(self._map(values, boundary, measure))
        return Stack(*items)

    def _map(self, values: pd.DataFrame, boundary: dict, measure: Mapping[str, Any]):
        places = analysis.place_values(values, measure["id"])
        return local_charts.local_map(
            boundary,
            places,
            str(measure.get("name")),
            str(measure.get("unit") or ""),
            str(measure.get("direction") or "neither"),
            self.session.synthetic,
        )

    def add_boundaries(self, dataset_id: str, source: Any) -> str:
        """Match a GeoJSON file's shapes to a data set's places and keep them (simplified)
        in the plan, for maps; returns what matched. Raises with the fix when nothing does."""
        dataset = next((d for d in self.dataset_records() if d.get("id") == dataset_id), None)
        if dataset is None:
            raise LocalDataError(f"there is no data set '{dataset_id}' in the plan")
        keys = self.values(dataset_id)["place"].astype(str).unique()
        found = match_boundaries(parse_geojson(source), keys, dataset.get("geography", "other"))
        tables.write_boundaries(self.store, dataset_id, found.collection(), found.key_property)
        self.refresh()
        missing = len(found.unmatched_keys)
        return (
            f"{len(found.features)} shapes matched on '{found.key_property}'"
            + (f"; places without a shape: {missing}" if missing else "")
            + "."
        )

    def map(self, dataset_id: str, measure_id: str):
        """The map of one measure (after :meth:`add_boundaries`)."""
        boundary = tables.boundaries(self.store, dataset_id)
        dataset = next(d for d in self.dataset_records() if d.get("id") == dataset_id)
        measure = next(m for m in dataset["measures"] if m["id"] == measure_id)
        if boundary is None:
            raise LocalDataError("give the sub-areas' boundaries first (add_boundaries)")
        return self._map(self.values(dataset_id), boundary, measure)

    def boundary_panel(self) -> BoundaryPanel:
        """Where the boundaries of a data set's sub-areas are given (edit mode)."""
        panel = BoundaryPanel(self)
        self._panels.append(panel)
        return panel

    def findings_table(self) -> RecordTable:
        if self._findings is None:
            self._findings = findings_table(self.store, self.catalog, read_only=self.read_only)
        return self._findings

    def findings(self) -> RecordTable:
        return self.findings_table()


class BoundaryPanel:
    """Choose a data set and a GeoJSON file of its sub-areas; the map appears below."""

    def __init__(self, local: LocalData) -> None:
        self.local = local
        self.dataset = widgets.Dropdown(description="Data set:")
        self.update()
        self.upload = widgets.FileUpload(accept=".geojson,.json", multiple=False)
        self.button = widgets.Button(description="Use these boundaries")
        self.button.on_click(lambda _: self.use())
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    views.paragraph(
                        "For a map, give the sub-areas' boundaries as GeoJSON (e.g. the Census "
                        "Bureau's tract boundaries converted to GeoJSON)."
                    )
                ),
                widgets.HBox([self.dataset, self.upload, self.button]),
                self.message,
            ]
        )

    def update(self) -> None:
        options = [(d.get("name", ""), d["id"]) for d in self.local.dataset_records()]
        if list(self.dataset.options) != options:
            chosen = self.dataset.value
            self.dataset.options = options
            ids = [value for _, value in options]
            self.dataset.value = chosen if chosen in ids else (ids[-1] if ids else None)

    def use(self, source: Any = None) -> bool:
        try:
            said = self.local.add_boundaries(
                self.dataset.value, source if source is not None else self.upload.value
            )
        except LocalDataError as exc:
            self.message.value = f'<span style="color:{ERROR}">{escape(exc)}</span>'
            return False
        self.message.value = f'<span style="color:{SUCCESS}">{escape(said)}</span>'
        return True

    def _repr_html_(self) -> str:
        return ""  # nothing to give in a static copy

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return WithFallback(self.widget, "")._repr_mimebundle_(**kwargs)


class ImportPanel:
    """The import in steps: choose a file, say which column is what, set each measure's
    unit, direction and quality, check, import. Shows the row report at every step."""

    def __init__(self, local: LocalData) -> None:
        self.local = local
        self.frame: pd.DataFrame | None = None
        self.report: LocalReport | None = None
        self.parsed: ParsedLocal | None = None
        self.upload = widgets.FileUpload(accept=".csv,.txt,.xlsx", multiple=False)
        self.name = widgets.Text(description="Name:", placeholder="e.g. Evictions filed")
        self.geography = widgets.Dropdown(
            description="Geography:",
            options=[(v, k) for k, v in GEOGRAPHY_LABELS.items()],
            value="tract",
        )
        sources = [(s.get("name", ""), s["id"]) for s in local.sources_table.records(public=True)]
        self.source = widgets.Dropdown(description="Source:", options=[("(none)", ""), *sources])
        self.read_button = widgets.Button(description="Read the file")
        self.read_button.on_click(lambda _: self.read())
        self.roles: dict[str, widgets.Dropdown] = {}
        self.wide = widgets.SelectMultiple(description="Measure columns:", rows=6)
        self.layout = widgets.ToggleButtons(
            options=[
                ("One row per measure (long)", "long"),
                ("One column per measure (wide)", "wide"),
            ],
            value="long",
        )
        self.mapping_box = widgets.VBox()
        self.measures_box = widgets.VBox()
        self.check_button = widgets.Button(description="Check")
        self.check_button.on_click(lambda _: self.check())
        self.import_button = widgets.Button(description="Import", button_style="primary")
        self.import_button.on_click(lambda _: self.save())
        self.message = widgets.HTML()
        self.measure_inputs: dict[str, dict[str, widgets.Widget]] = {}
        self.percent_inputs: dict[str, widgets.Dropdown] = {}
        self.widget = widgets.VBox(
            [
                widgets.HTML(views.heading("Local data: bring it in", 3)),
                widgets.HBox([self.upload, self.read_button]),
                widgets.HBox([self.name, self.geography, self.source]),
                self.mapping_box,
                self.measures_box,
                widgets.HBox([self.check_button, self.import_button]),
                self.message,
            ]
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        # Static copies (exported pages) list the data sets instead of the controls.
        static = self.local.datasets_table_html()
        return WithFallback(self.widget, static)._repr_mimebundle_(**kwargs)

    def _say(self, html: str) -> None:
        self.message.value = html

    def read(self, source: Any = None) -> None:
        try:
            self.frame, self.report = read_table(
                source if source is not None else self.upload.value
            )
        except LocalDataError as exc:
            self._say(f'<span style="color:{ERROR}">{escape(exc)}</span>')
            return
        columns = list(self.frame.columns)
        guess = guess_mapping(columns)
        choices = [("(none)", ""), *[(c, c) for c in columns]]
        self.roles = {}
        for role in ("place", "year", "subgroup", "measure", "value", "moe"):
            self.roles[role] = widgets.Dropdown(
                description=role.capitalize() + ":",
                options=choices,
                value=getattr(guess, role) or "",
            )
        self.wide.options = columns
        self.wide.value = tuple(guess.measures)
        self.layout.value = guess.layout
        self.mapping_box.children = [
            widgets.HTML(
                views.paragraph(f"{len(self.frame)} rows, columns: {', '.join(columns)}.")
            ),
            self.layout,
            widgets.HBox([self.roles["place"], self.roles["year"], self.roles["subgroup"]]),
            widgets.HBox([self.roles["measure"], self.roles["value"], self.roles["moe"]]),
            self.wide,
        ]
        self._say(views.paragraph("Check which column is what, then press Check."))

    def mapping(self) -> ColumnMapping:
        role = {k: (w.value or None) for k, w in self.roles.items()}
        if self.layout.value == "wide":
            return ColumnMapping(
                place=role["place"],
                year=role["year"],
                subgroup=role["subgroup"],
                measures=tuple(self.wide.value),
            )
        return ColumnMapping(**role)

    def _percent(self) -> dict[str, bool]:
        return {m: w.value == "yes" for m, w in self.percent_inputs.items() if w.value}

    def check(self) -> bool:
        if self.frame is None:
            self._say(f'<span style="color:{ERROR}">Choose a file and read it first.</span>')
            return False
        report = LocalReport(source=self.report.source, encoding=self.report.encoding)
        report.problems = list(self.report.problems)
        report.notes = list(self.report.notes)
        try:
            self.parsed = parse_values(
                self.frame, self.mapping(), self.geography.value, report, self._percent()
            )
        except LocalDataError as exc:
            self._say(f'<span style="color:{ERROR}">{escape(exc)}</span>')
            return False
        for measure in self.parsed.to_confirm:
            self.percent_inputs.setdefault(
                measure,
                widgets.Dropdown(
                    description=measure[:30],
                    options=[
                        ("0-100: are they percentages?", ""),
                        ("Yes, percentages", "yes"),
                        ("No, plain numbers", "no"),
                    ],
                    style={"description_width": "initial"},
                ),
            )
        boxes = [w for m, w in self.percent_inputs.items() if m in self.parsed.to_confirm]
        for measure in self.parsed.measures:
            self.measure_inputs.setdefault(measure, self._measure_widgets(measure))
        rows = [widgets.HBox(list(self.measure_inputs[m].values())) for m in self.parsed.measures]
        self.measures_box.children = [*boxes, *rows]
        ok = report.ok
        colour = SUCCESS if ok else ERROR if not self.parsed.to_confirm else PENDING
        lines = "".join(f"<li>{escape(line)}</li>" for line in report.lines()[:30])
        self._say(
            f'<div style="color:{colour}"><b>{escape(report.summary())}</b></div><ul>{lines}</ul>'
        )
        return ok

    def _measure_widgets(self, measure: str) -> dict[str, widgets.Widget]:
        small = widgets.Layout(width="auto")
        predictors = [("(predictor)", ""), *[(p, p) for p in predictor_names(self.local.catalog)]]
        return {
            "label": widgets.HTML(f"<b>{escape(measure)}</b>"),
            "unit": widgets.Combobox(placeholder="unit", options=list(UNITS), layout=small),
            "direction": widgets.Dropdown(options=DIRECTIONS, value="neither", layout=small),
            "quality": widgets.Dropdown(options=QUALITIES, value="Marginal", layout=small),
            "predictor": widgets.Dropdown(options=predictors, value="", layout=small),
            "notes": widgets.Text(placeholder="notes", layout=small),
        }

    def save(self) -> ImportResult | None:
        if not self.check():
            return None
        settings = {
            m: {k: w.value for k, w in inputs.items() if k != "label"}
            for m, inputs in self.measure_inputs.items()
        }
        result = self.local.add(
            self.upload.value if self.upload.value else self._source_bytes(),
            name=self.name.value,
            geography=self.geography.value,
            mapping=self.mapping(),
            measures=settings,
            percent=self._percent(),
            source_id=self.source.value or None,
        )
        self._say(result.html())
        return result

    def _source_bytes(self) -> bytes:
        return self.frame.to_csv(index=False).encode("utf-8") if self.frame is not None else b""


# --- the MAP's part -----------------------------------------------------------------------


def map_local_findings(plan: PublicPlan, session: Session) -> list[Block]:
    """What the local data add to the findings: statements, the data sets behind them,
    their sources and limits. [] when the plan holds no local data, source or finding."""
    datasets = [d for d in plan.value(LOCAL_SECTION) or [] if isinstance(d, dict)]
    sources = [s for s in plan.value(SOURCES_SECTION) or [] if isinstance(s, dict)]
    findings = [f for f in plan.value(FINDINGS_SECTION) or [] if isinstance(f, dict)]
    if not (datasets or sources or findings):
        return []
    by_source = {s.get("id"): s for s in sources}
    labels = dict(measure_options(datasets))
    labels = {v: k for k, v in labels.items()}
    blocks: list[Block] = [
        Heading("What our local data add", 3),
        Paragraph(
            "National figures can hide differences between neighbourhoods and groups. The "
            "coalition gathered local records and surveys to look closer; this is what they "
            "showed, where they come from and how far they can be trusted.",
            lead=True,
        ),
    ]
    if findings:
        items = []
        for finding in findings:
            behind = [labels.get(ref, ref) for ref in finding.get("measures") or []]
            text = str(finding.get("statement") or "")
            if behind:
                text += f" (from: {'; '.join(behind)})"
            items.append(text)
        blocks.append(BulletList(tuple(items)))
    for finding in findings[:3]:
        figure = _finding_figure(plan, datasets, finding, session)
        if figure is not None:
            blocks.append(figure)
    if datasets:
        rows = []
        for d in datasets:
            source = by_source.get(d.get("source_id")) or {}
            rows.append(
                (
                    str(d.get("name") or ""),
                    _source_label(source),
                    GEOGRAPHY_LABELS.get(d.get("geography"), ""),
                    views.year_ranges(list(d.get("years") or [])),
                    "; ".join(
                        f"{m.get('name')} ({m.get('quality') or 'not rated'})"
                        for m in d.get("measures") or []
                    ),
                )
            )
        blocks.append(
            Table(
                "Local data sets used",
                ("Data set", "Source", "Geography", "Years", "Measures (quality)"),
                tuple(rows),
                wide=True,
            )
        )
        blocks.append(Callout("Limits of the local data", _limits(datasets), kind="caution"))
    listed = [s for s in sources if s.get("id") not in {d.get("source_id") for d in datasets}]
    if listed:
        access = dict((v, k) for k, v in ACCESS)
        blocks.append(
            Table(
                "Other local sources the coalition identified",
                ("Source", "Held by", "Geography", "Years", "Access"),
                tuple(
                    (
                        str(s.get("name") or ""),
                        str(s.get("holder") or ""),
                        GEOGRAPHY_LABELS.get(s.get("geography"), ""),
                        str(s.get("years") or ""),
                        access.get(s.get("access"), ""),
                    )
                    for s in listed
                ),
            )
        )
    return blocks


def _source_label(source: Mapping[str, Any]) -> str:
    holder = source.get("holder")
    return str(source.get("name") or "") + (f" ({holder})" if holder else "")


def _limits(datasets: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    suppressed = sum(int(d.get("suppressed") or 0) for d in datasets)
    if suppressed:
        parts.append(
            f"{suppressed} values were suppressed by their publishers (too few people to "
            "report) and are left out, not counted as zero"
        )
    weak = [
        m.get("name")
        for d in datasets
        for m in d.get("measures") or []
        if m.get("quality") in ("Weak", "Marginal")
    ]
    if weak:
        parts.append(f"measures rated Marginal or Weak: {', '.join(map(str, weak))}")
    parts.append(
        "where many sub-areas are summarised, the intervals show the middle half of "
        "sub-areas; a single place's interval is its margin of error"
    )
    notes = [str(m["notes"]) for d in datasets for m in d.get("measures") or [] if m.get("notes")]
    text = "; ".join(parts) + "."
    if notes:
        text += " Notes: " + " ".join(notes)
    return text[0].upper() + text[1:]


def _finding_figure(
    plan: PublicPlan,
    datasets: Sequence[Mapping[str, Any]],
    finding: Mapping[str, Any],
    session: Session,
) -> Figure | None:
    refs = [r for r in finding.get("measures") or [] if "/" in str(r)]
    if not refs:
        return None
    dataset_id, measure_id = str(refs[0]).split("/", 1)
    dataset = next((d for d in datasets if d.get("id") == dataset_id), None)
    measure = next(
        (m for m in (dataset or {}).get("measures") or [] if m.get("id") == measure_id), None
    )
    if measure is None:
        return None
    try:
        values = tables.local_values(plan, dataset_id)
    except AttributeError:  # a plan without a file behind it (a document built in memory)
        return None
    rows = values[values["measure"] == measure_id]
    if rows.empty:
        return None
    label = str(measure.get("name") or measure_id)
    chart = local_charts.trend_chart(
        analysis.trend(rows), label, str(measure.get("unit") or ""), session.synthetic
    )
    spec = chart.to_dict()
    return Figure(
        spec,
        f"{label}: over the years ({dataset.get('name')})",
        str(spec.get("description") or label),
    )
