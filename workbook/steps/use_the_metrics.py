"""Step 2, use the Mobility Metrics: the views the Step 2 notebook shows.

One :class:`MetricsReview` holds the comparison for the session's jurisdiction. Views
made from it are live: when the coalition replaces the suggested peers, every table and
chart that depends on them is drawn again.
"""

from __future__ import annotations

import math

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis.compare import (
    SIMILAR_SHARE_OF_IQR,
    Comparison,
    PeerGroup,
    choose_peers,
    compare,
    numeric_values,
    suggest_peers,
    trends,
)
from workbook.analysis.disparities import gap_trends, gaps, group_values
from workbook.data.catalog import DIRECTION_WORDS
from workbook.display import comparison_charts, views
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews, WithFallback
from workbook.display.theme import ERROR
from workbook.errors import ParameterError, WorkbookError
from workbook.session import Session
from workbook.steps import registry

STEP = registry.step(2)
PEERS_SECTION = STEP.section("peers")
INSIGHTS_SECTION = STEP.section("insights")
INSIGHT_TAGS = ("strength", "concern", "question")
MISSING_WORDS = {
    "not_computed": "not published for this kind of place",
    "no_data_year": "no data for this place in that year",
    "suppressed": "withheld (a quality flag but no value)",
    "unavailable": "not available",
}
JUDGEMENT_MARKS = {"better": "better", "worse": "worse", "similar": "similar", "": "-"}


def format_value(value: object, fmt: str) -> str:
    """A value as a person reads it: 71.2% for shares, $52,300 for dollars."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if fmt == "share":
        return f"{value:.1%}"
    if fmt == "dollars":
        return f"${value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


class MetricsReview(LiveViews):
    """The comparison behind Step 2, re-computed when the peers change."""

    def __init__(
        self, session: Session, peers: object = "", comparison: Comparison | None = None
    ) -> None:
        """Step 2's review of the session's jurisdiction.

        Its peers are ``peers`` if given, else the coalition's saved choice, else a
        suggestion. A ``comparison`` made elsewhere (a batch worker's, from its shared
        indexes) is used as it is, with its own peers: nothing is computed again or read
        from the plan.
        """
        if session.jurisdiction is None:
            raise ParameterError(
                "jurisdiction",
                "",
                "Step 2 needs a county or city",
                "Set the jurisdiction parameter to a FIPS key or a name",
            )
        self.session = session
        self.place = session.jurisdiction
        super().__init__(session.read_only)
        if comparison is None:
            self.peer_group = self._initial_peers(peers)
            comparison = compare(session.data, self.place, self.peer_group)
        elif comparison.place.key != self.place.key:
            raise ParameterError(
                "comparison", comparison.place.key, f"is not {self.place.label}'s comparison",
                "Compare the session's jurisdiction",
            )  # fmt: skip
        else:
            self.peer_group = comparison.peers
        self.comparison: Comparison = comparison
        self.record_peers()

    def _initial_peers(self, peers: object) -> PeerGroup:
        """A ``peers`` parameter wins; then the coalition's saved choice; then a suggestion."""
        if peers not in (None, "", []):
            return choose_peers(self.session.data, self.place, peers)
        saved = self.session.plan.get(PEERS_SECTION).value or {}
        if saved.get("jurisdiction") == self.place.key and saved.get("method") == "chosen":
            return choose_peers(self.session.data, self.place, saved["keys"])
        return suggest_peers(self.session.data, self.place)

    def record_peers(self) -> None:
        """Keep the peers in use, and why, in the plan (skipped when nothing changed)."""
        if self.session.read_only:
            return
        plan = self.session.plan
        current = plan.get(PEERS_SECTION)
        value = {
            "jurisdiction": self.place.key,
            "method": self.peer_group.method,
            "note": self.peer_group.note,
            "keys": self.peer_group.keys,
            "reasons": {p.key: p.reason for p in self.peer_group.members},
        }
        if current.value != value:
            plan.save(PEERS_SECTION, value, base_version=current.version)

    def set_peers(self, keys: object) -> None:
        """Replace the peers ('key, key, ...' or a list); empty goes back to the suggestion."""
        if keys in (None, "", []):
            self.peer_group = suggest_peers(self.session.data, self.place)
        else:
            self.peer_group = choose_peers(self.session.data, self.place, keys)
        self.comparison = compare(self.session.data, self.place, self.peer_group)
        self.record_peers()
        self.refresh()

    # Tables ---------------------------------------------------------------------------

    def metrics_table_html(self) -> str:
        """Every metric by pillar and predictor: value, year, quality, bounds, standing."""
        table = self.comparison.table
        catalog = self.session.catalog
        framework = self.session.framework
        quality_use = {q["level"]: q["use"] for q in framework["quality_levels"]}
        parts = []
        for pillar in framework.pillars:
            rows = []
            for _, r in table[table["pillar"] == pillar["id"]].iterrows():
                metric = catalog[r["variable"]]
                if r["missing_reason"]:
                    shown = f"missing: {MISSING_WORDS[r['missing_reason']]}"
                else:
                    shown = format_value(
                        r["value"] if not metric.numeric else r["value_number"], metric.format
                    )
                bounds = ""
                if metric.has_bounds and not pd.isna(r["lower"]) and not pd.isna(r["upper"]):
                    label = "95% CI" if metric.bounds_kind == "ci" else "range"
                    bounds = (
                        f"{label} {format_value(r['lower'], metric.format)} to "
                        f"{format_value(r['upper'], metric.format)}"
                    )
                percentile = r["national_percentile"]
                rows.append([
                    metric.predictor, metric.name, shown,
                    "" if pd.isna(r["year"]) else int(r["year"]),
                    r["quality"] or "", bounds,
                    "" if pd.isna(percentile) else f"{percentile:.0f}",
                    JUDGEMENT_MARKS[r["vs_peers"]], JUDGEMENT_MARKS[r["vs_state"]],
                    JUDGEMENT_MARKS[r["vs_nation"]],
                ])  # fmt: skip
            parts.append(
                views.heading(pillar["name"], 4)
                + views.table(
                    rows,
                    [
                        "Predictor",
                        "Metric",
                        "Value",
                        "Year",
                        "Quality",
                        "Bounds",
                        "National percentile",
                        "vs peers",
                        "vs state",
                        "vs nation",
                    ],
                )
            )
        legend = views.table(
            [(level, use) for level, use in quality_use.items()],
            ["Quality", "What to do with it"],
        )
        rule = (
            "A difference counts only when the comparison value lies outside the 95% "
            "confidence interval (where there is one) or, without one, when it is larger "
            f"than {SIMILAR_SHARE_OF_IQR:.0%} of the middle half of all places' values. Weak "
            "values, counts and metrics without a better direction are never judged. Urban "
            "publishes no state values: the state figure is the median of the state's "
            "counties (or cities)."
        )
        return "".join(parts) + views.paragraph(rule) + legend

    def metrics_table(self) -> Live:
        return self._live(lambda: HTML(self.metrics_table_html()))

    def peers_html(self) -> str:
        group = self.peer_group
        rows = [(p.label, p.key, p.reason) for p in group.members]
        return views.paragraph(group.note) + views.table(rows, ["Peer", "Key", "Why"])

    def peer_picker(self) -> WithFallback | Live:
        """The peers with reasons, and a box to replace them (hidden in read-only views)."""
        shown = self._live(lambda: HTML(self.peers_html()))
        if self.session.read_only:
            return shown
        box = widgets.Text(
            placeholder="e.g. 06059, 06073, 04013",
            description="Own peers:",
            layout=widgets.Layout(width="60%"),
        )
        apply = widgets.Button(description="Use these peers", button_style="primary")
        reset = widgets.Button(description="Back to suggested")
        message = widgets.HTML()

        def use(keys: str) -> None:
            try:
                self.set_peers(keys)
                message.value = f"Using {len(self.peer_group.members)} peers."
            except WorkbookError as error:
                message.value = f'<span style="color:{ERROR}">{escape(error)}</span>'

        apply.on_click(lambda _: use(box.value))
        reset.on_click(lambda _: use(""))
        panel = widgets.VBox([shown.output, widgets.HBox([box, apply, reset]), message])
        return WithFallback(panel, self.peers_html())

    # Charts ---------------------------------------------------------------------------

    def overview(self) -> Live:
        return self._live(
            lambda: comparison_charts.overview(self.comparison, self.session.framework)
        )

    def distributions(self) -> Live:
        return self._live(
            lambda: comparison_charts.distribution_grid(self.session.data, self.comparison)
        )

    def all_trends(self) -> Live:
        """Small panels with every metric's trend (the metrics with two or more years)."""

        def build():
            parts = []
            for metric in self.session.catalog.for_geography(self.place.kind):
                series = trends(self.session.data, self.place, metric.variable, self.peer_group)
                if series["year"].nunique() > 1:
                    parts.append(series.assign(metric=metric.name))
            frame = (
                pd.concat(parts, ignore_index=True)
                if parts
                else pd.DataFrame(columns=["metric", "year", "series", "value"])
            )
            return comparison_charts.trend_grid(self.session.data, frame, self.place.name)

        return self._live(build)

    def explorer(self, variable: str = "share_employed") -> WithFallback:
        """Pick a metric: where the place sits among all, and its trend with references."""
        kind = self.place.kind
        options = [(m.name, m.variable) for m in self.session.catalog.for_geography(kind)]
        if variable not in dict((v, n) for n, v in options):
            variable = options[0][1]
        picker = widgets.Dropdown(
            options=options,
            value=variable,
            description="Metric:",
            layout=widgets.Layout(width="70%"),
        )

        def build():
            chosen = picker.value
            series = trends(self.session.data, self.place, chosen, self.peer_group)
            both = alt.vconcat(
                comparison_charts.position(self.session.data, self.comparison, chosen),
                comparison_charts.trend(self.session.data, series, chosen, self.place.name),
            )
            # Each chart keeps its own colours: roles above, series below.
            return both.resolve_scale(color="independent", size="independent")

        charts = self._live(build, chooser=True)
        picker.observe(lambda _: charts.refresh(), names="value")
        return WithFallback(widgets.VBox([picker, charts.output]), charts.static_html())

    def map_result(self, variable: str, scope: str = "state"):
        """The counties of the state (or nation) shaded by ``variable``, this county outlined."""
        from workbook.display.comparison_charts import axis_format
        from workbook.display.maps import county_map

        data = self.session.data
        metric = self.session.catalog[variable]
        recent = data.table("county_recent")
        numbers = numeric_values(metric, recent[variable]) if variable in recent else None
        values = pd.DataFrame({
            "key": recent["state"] + recent["county"],
            "value": numbers if numbers is not None else float("nan"),
            "quality": recent[metric.quality_variable]
            if metric.quality_variable in recent else None,
            "name": recent["county_name"],
        })  # fmt: skip
        highlight = self.place.key if self.place.kind == "county" else None
        return county_map(
            values,
            metric.name,
            highlight=highlight,
            state=self.place.state if scope == "state" else None,
            direction=metric.direction,
            synthetic=data.synthetic,
            value_format=axis_format(metric).replace(".0%", ".1%"),
        )

    def map_view(self, result) -> HTML | object:
        notes = [result.note] if result.note else []
        if self.place.kind == "place":
            notes.append(
                f"{self.place.name} is a city: the map shades the counties of "
                f"{self.place.state_name}, and the city's own values are in the tables above."
            )
        if result.source:
            notes.append(result.source)
        text = "".join(views.paragraph(n) for n in notes)
        return result.chart, HTML(text)

    def county_map(self, variable: str = "share_employed") -> WithFallback:
        """Pick a metric and a scope (state or nation) to see the county map."""
        options = [(m.name, m.variable) for m in self.session.catalog.for_geography("county")]
        picker = widgets.Dropdown(
            options=options,
            value=variable,
            description="Metric:",
            layout=widgets.Layout(width="70%"),
        )
        scope = widgets.ToggleButtons(
            options=[("State", "state"), ("Nation", "nation")], value="state", description="Show:"
        )

        def build():
            chart, notes = self.map_view(self.map_result(picker.value, scope.value))
            return Stack(chart, notes)

        view = self._live(build, chooser=True)
        picker.observe(lambda _: view.refresh(), names="value")
        scope.observe(lambda _: view.refresh(), names="value")
        return WithFallback(
            widgets.VBox([widgets.HBox([picker, scope]), view.output]),
            view.static_html(),
        )

    # Disparities ----------------------------------------------------------------------

    def disparity_tables(self) -> HTML:
        values = group_values(self.session.data, self.place)
        table = gap_trends(gaps(values))
        if table.empty:
            return HTML(
                views.paragraph("No metric has values by race and ethnicity for this place.")
            )
        catalog = self.session.catalog
        rows = []
        for _, r in table.iterrows():
            metric = catalog[r["variable"]]
            rows.append([
                r["name"], f"{r['first_year']}: {format_value(r['first_gap'], metric.format)}",
                f"{r['latest_year']}: {format_value(r['latest_gap'], metric.format)}",
                r["movement"], r["latest_worst_group"] or "(no direction)",
            ])  # fmt: skip
        return HTML(
            views.table(
                rows,
                [
                    "Metric",
                    "Gap, first year",
                    "Gap, latest year",
                    "Movement",
                    "Group doing worst (latest)",
                ],
            )
        )

    def disparity_chart(self):
        values = group_values(self.session.data, self.place)
        return comparison_charts.disparities(self.session.data, values, self.place.label)

    def gap_trend_chart(self):
        values = group_values(self.session.data, self.place)
        return comparison_charts.gap_trend(self.session.data, gaps(values), self.place.label)

    # Preliminary insights -------------------------------------------------------------

    def insights(self):
        """The team's first impressions: a statement, a tag, the metrics or pillars it is about."""
        from workbook.forms import (
            AtLeastOne,
            LongText,
            MultipleChoice,
            RecordTable,
            ShortText,
            SingleChoice,
        )

        catalog = self.session.catalog
        fields = [
            ShortText("statement", label="Insight", required=True, max_length=280,
                      help="One sentence the team agrees on."),
            SingleChoice("tag", label="Kind", required=True, radio=True,
                         options=[(label.capitalize(), label) for label in INSIGHT_TAGS]),
            MultipleChoice("metrics", label="Metrics it is about", options=[
                (m.name, m.variable) for m in catalog.for_geography(self.place.kind)]),
            MultipleChoice("pillars", label="Pillars it is about", options=[
                (p["name"], p["id"]) for p in self.session.framework.pillars]),
            LongText("notes", label="Notes", max_length=2000),
        ]  # fmt: skip
        return RecordTable(
            fields, self.session.plan, INSIGHTS_SECTION,
            title="Preliminary insights",
            intro="Record what stands out: a strength to build on, a concern, or a question "
            "for later steps. Link each to the metrics or pillars it is about.",
            rules=[AtLeastOne(("metrics", "pillars"))],
            label_field="statement",
        )  # fmt: skip

    def insights_list(self) -> HTML:
        """The insights saved so far, grouped by kind, with the metrics and pillars named."""
        records = self.session.plan.get(INSIGHTS_SECTION, public=True).value or []
        if not records:
            return HTML(views.paragraph("No insights recorded yet."))
        catalog = self.session.catalog
        framework = self.session.framework
        parts = []
        for tag in INSIGHT_TAGS:
            chosen = [r for r in records if r.get("tag") == tag]
            if not chosen:
                continue
            rows = [
                (r.get("statement", ""),
                 "; ".join(catalog[v].name for v in r.get("metrics") or [] if v in catalog),
                 "; ".join(framework.pillar_name(p) for p in r.get("pillars") or []))
                for r in chosen
            ]  # fmt: skip
            parts.append(
                views.heading(f"{tag.capitalize()}s ({len(chosen)})", 4)
                + views.table(rows, ["Insight", "Metrics", "Pillars"])
            )
        return HTML("".join(parts))

    # Files ----------------------------------------------------------------------------

    def write_outputs(self) -> HTML:
        """comparison.csv and data_dictionary.csv in the output folder.

        A view-only page writes nothing (and names no folder of the server): it says how
        to get the files instead.
        """
        if self.session.read_only:
            command = f"workbook run --steps 2 --jurisdiction {self.place.key}"
            return HTML(
                "<p>This page only shows the plan and the data. The comparison table and "
                "the data dictionary come with every run of this step, for example "
                f"<code>{escape(command)}</code>.</p>"
            )
        path = self.session.output_path("comparison.csv")
        self.comparison.write_csv(path)
        dictionary = self.session.output_path("data_dictionary.csv")
        data_dictionary(self.session).to_csv(dictionary, index=False)
        note = " (made from the synthetic sample)" if self.session.synthetic else ""
        return HTML(
            views.paragraph(
                f"Wrote {path.name} ({len(self.comparison.table)} metrics) and {dictionary.name} "
                f"to {self.session.output_dir}{note}."
            )
        )


class Stack:
    """Several displayable items shown one after the other (a chart and its notes)."""

    def __init__(self, *items) -> None:
        self.items = items

    def _repr_html_(self) -> str:
        from workbook.display.live import static_html

        return "".join(static_html(item) for item in self.items)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self.items:
            display(item)


def data_dictionary(session: Session) -> pd.DataFrame:
    """Supplemental material: every variable with its meaning, unit, direction and source."""
    rows = []
    for metric in session.catalog:
        rows.append({
            "variable": metric.variable, "name": metric.name,
            "pillar": session.framework.pillar_name(metric.pillar),
            "predictor": metric.predictor, "unit": metric.unit,
            "direction": DIRECTION_WORDS[metric.direction],
            "quality_flag": metric.quality_variable,
            "bounds": f"{metric.lower_bound} / {metric.upper_bound}" if metric.has_bounds else "",
            "geography": metric.geography, "by_race_ethnicity": metric.race_ethnicity,
            "description": metric.description, "source": metric.source,
        })  # fmt: skip
    return pd.DataFrame(rows)


def how_built(session: Session) -> HTML:
    """How the metrics were made: sources, years, quality flags and intervals, per metric."""
    kind = session.jurisdiction.kind if session.jurisdiction else "county"
    rows = []
    for metric in session.catalog.for_geography(kind):
        years = session.data.years(metric.variable, kind)
        rows.append([
            metric.name, metric.source, views.year_ranges(years),
            {"ci": "95% confidence interval", "range": "range (not statistical)"}.get(
                metric.bounds_kind, "none"),
        ])  # fmt: skip
    return HTML(views.table(rows, ["Metric", "Source", "Years with data", "Bounds"]))
