"""Step 2, use the Mobility Metrics: the views the Step 2 notebook shows.

One :class:`MetricsReview` holds the comparison for the session's jurisdiction. Views
made from it are live: when the coalition replaces the suggested peers, every table and
chart that depends on them is drawn again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    saved_peers,
    suggest_peers,
    trends,
)
from workbook.analysis.disparities import definitions, gap_trends, gaps, group_values
from workbook.data.catalog import DIRECTION_WORDS, Metric
from workbook.display import comparison_charts, views
from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Figure,
    Heading,
    Paragraph,
    Table,
)
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews, Stack, WithFallback
from workbook.display.theme import ERROR
from workbook.display.values import format_value, gap_text, plain_dollars, value_text
from workbook.errors import ParameterError, WorkbookError
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry, review

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
# Why metrics are missing, in the headline's sentence ("30 not covered by ...").
HEADLINE_MISSING = {
    "not_computed": "not published for this kind of place",
    "no_data_year": "without data for this place in the latest year",
    "suppressed": "withheld by Urban as unreliable",
    "unavailable": "not covered by the source data for this place",
}
JUDGEMENT_MARKS = {"better": "better", "worse": "worse", "similar": "similar", "": "-"}


def no_gap_text(values: pd.DataFrame) -> str:
    """Why no gap between groups is shown, in words that match what the data holds."""
    if values.empty:
        return "The data has no values by race and ethnicity for this place."
    count = values["variable"].nunique()
    metrics = "1 metric" if count == 1 else f"{count} metrics"
    return (
        f"Urban publishes values by race and ethnicity for {metrics} here, but in no year do "
        "two groups have a value that is not rated Weak, so no gap between groups can be "
        "measured (Weak values are never used for a gap)."
    )


class Standing:
    """The headline numbers of a comparison: what can be judged and how it comes out."""

    def __init__(self, comparison: Comparison) -> None:
        table = comparison.table
        self.table = table
        self.total = len(table)
        judged = table[table["vs_nation"].isin(["better", "worse", "similar"])]
        self.judged = judged
        self.better = int((judged["vs_nation"] == "better").sum())
        self.worse = int((judged["vs_nation"] == "worse").sum())
        self.similar = len(judged) - self.better - self.worse
        self.with_value = int(table["value"].notna().sum())
        self.missing = table.loc[table["missing_reason"] != "", "missing_reason"].value_counts()
        self.weak = int((table["quality"] == "Weak").sum())
        notes = table["note"] if "note" in table else pd.Series("", index=table.index)
        self.none_to_count = table[notes.fillna("") != ""]
        years = table.loc[table["value"].notna(), "year"].dropna()
        self.years = (int(years.min()), int(years.max())) if len(years) else None
        ranked = judged.assign(badness=[_badness(r) for _, r in judged.iterrows()])
        self.concerns = ranked[ranked["vs_nation"] == "worse"].sort_values(
            "badness", ascending=False
        )
        self.strengths = ranked[ranked["vs_nation"] == "better"].sort_values("badness")


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
                    if r.get("note"):
                        shown += f" ({r['note']}: not ranked)"
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
        return self._live(lambda: HTML(plain_dollars(self.metrics_table_html())))

    def headline_html(self) -> str:
        """The answer first: the place, its people, its years, and how it compares."""
        place = self.place
        kinds = comparison_charts.kind_plural(place.kind)
        figures = Standing(self.comparison)
        catalog = self.session.catalog
        population = place.population
        people = (
            f"{population:,.0f} {'resident' if population == 1 else 'residents'} "
            f"({place.last_year})"
            if population is not None and not pd.isna(population)
            else "population not given in the data"
        )
        span = (
            f"latest values from {figures.years[0]} to {figures.years[1]}"
            if figures.years and figures.years[0] != figures.years[1]
            else f"latest values from {figures.years[0]}"
            if figures.years
            else "no values"
        )
        parts = [
            f'<p style="font-size:1.3em;margin:0.2em 0"><b>{escape(place.label)}</b>: '
            f"{escape(people)}; {escape(span)}.</p>"
        ]
        judged = len(figures.judged)
        if judged:
            similar = (
                f"; the other {figures.similar} {'is' if figures.similar == 1 else 'are'} similar"
                if figures.similar
                else ""
            )
            metrics = "metric that can" if judged == 1 else "metrics that can"
            parts.append(
                f'<p style="font-size:1.15em;margin:0.3em 0">Better than the national median '
                f"on <b>{figures.better}</b> of the {judged} {metrics} be judged, worse on "
                f"<b>{figures.worse}</b>{similar}.</p>"
            )
        else:
            parts.append(
                "<p>No metric can be judged against the national median here (values are "
                "missing, rated Weak or have no better direction).</p>"
            )

        def items(rows: pd.DataFrame) -> str:
            shown = []
            for _, r in rows.head(HIGHLIGHTS).iterrows():
                metric = catalog[r["variable"]]
                share = comparison_charts.standing(r["national_percentile"], r["direction"])
                where = (
                    f"worse than {min(99, max(1, round(100 - share)))}% of {kinds}"
                    if r["vs_nation"] == "worse"
                    else f"better than {min(99, max(1, round(share)))}% of {kinds}"
                )
                shown.append(
                    f"{escape(metric.name)} ({escape(value_text(metric, r['value_number']))}; "
                    f"{where})"
                )
            return "; ".join(shown)

        for word, rows in (("concerns", figures.concerns), ("strengths", figures.strengths)):
            if len(rows):
                parts.append(f"<p><b>Largest {word}:</b> {items(rows)}.</p>")
        missing = "; ".join(
            f"{count} {HEADLINE_MISSING.get(reason, reason)}"
            for reason, count in figures.missing.items()
        )
        few = "Few metrics for this place: only " if figures.with_value < figures.total / 2 else ""
        coverage = (
            f"{few}{figures.with_value} of the {figures.total} metrics have a value for "
            f"{escape(place.name)}"
        )
        if missing:
            coverage += f"; the other {int(figures.missing.sum())} do not ({escape(missing)})"
        if figures.weak:
            are = "value is" if figures.weak == 1 else "values are"
            weak = f"{figures.weak} {are} rated Weak: shown, never judged"
        else:
            weak = "No value is rated Weak"
        coverage += (
            f". {weak}. "
            '<a href="#How-the-metrics-are-made">How the metrics are made and why a value can '
            "be missing</a>."
        )
        parts.append(f"<p>{coverage}</p>")
        for _, r in figures.none_to_count.iterrows():
            metric = catalog[r["variable"]]
            value = format_value(r["value_number"], metric.format)
            parts.append(
                f"<p>{escape(metric.name)} is {escape(value)}"
                f": {escape(r['note'])}. It is shown but not ranked or judged.</p>"
            )
        return '<div class="wb-headline">' + "".join(parts) + "</div>"

    def headline(self) -> Live:
        """The page's opening: the answer, before any method table (redrawn with the peers)."""
        return self._live(lambda: HTML(plain_dollars(self.headline_html())))

    def peers_html(self) -> str:
        group = self.peer_group
        rows = [(p.label, p.key, p.reason) for p in group.members]
        return views.paragraph(group.note) + views.table(rows, ["Peer", "Key", "Why"])

    def peer_picker(self) -> WithFallback | Live:
        """The peers with reasons, and a box to replace them (hidden in read-only views)."""
        shown = self._live(lambda: HTML(plain_dollars(self.peers_html())))
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
        return WithFallback(panel, plain_dollars(self.peers_html()))

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
                    series = series.assign(metric=comparison_charts.panel_label(metric))
                    for column in ("value", "lower", "upper"):
                        numbers = pd.to_numeric(series[column], errors="coerce")
                        series[column] = comparison_charts.shown_number(metric, numbers)
                    parts.append(series)
            frame = (
                pd.concat(parts, ignore_index=True)
                if parts
                else pd.DataFrame(columns=["metric", "year", "series", "value", "lower", "upper"])
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
        """How each gap moved, with its unit and the groups (Urban's definition) it uses."""
        values = group_values(self.session.data, self.place)
        table = gap_trends(gaps(values))
        if table.empty:
            return HTML(views.paragraph(no_gap_text(values)))
        catalog = self.session.catalog
        groups = definitions(values)
        rows = []
        for _, r in table.iterrows():
            metric = catalog[r["variable"]]
            rows.append([
                r["name"], "; ".join(groups.get(r["variable"], [])),
                f"{r['first_year']}: {gap_text(metric, r['first_gap'])}",
                f"{r['latest_year']}: {gap_text(metric, r['latest_gap'])}",
                r["movement"], r["latest_worst_group"] or "(no direction)",
            ])  # fmt: skip
        header = ["Metric", "Groups in Urban's data", "Gap, first year", "Gap, latest year",
                  "Movement", "Group doing worst (latest)"]  # fmt: skip
        return HTML(plain_dollars(views.table(rows, header)))

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
        return HTML(plain_dollars("".join(parts)))

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
        # The files' names, not the folder: a page shown to others names no server folder.
        return HTML(
            views.paragraph(
                f"{path.name} ({len(self.comparison.table)} metrics, one row each) and "
                f"{dictionary.name} come with this page, in the same output folder{note}."
            )
        )


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


def how_made(session: Session) -> HTML:
    """The method tables, folded: quality flags and missing reasons, then every source.

    They sit at the end of the page (the headline links to them): a reader opens them
    when a number needs its provenance.
    """
    framework = session.framework
    levels = [(q["level"], q["meaning"], q["use"]) for q in framework["quality_levels"]]
    missing = framework["missing_values"]
    reasons = [(k.replace("_", " ").capitalize(), v) for k, v in missing.items()]
    guide = (
        views.table(levels, ["Quality flag", "What it means", "How to use it"])
        + views.heading("Why a value can be missing", 4)
        + views.table(reasons, ["Reason", "What it means"])
    )
    kind = session.jurisdiction.kind if session.jurisdiction else "county"
    count = len(list(session.catalog.for_geography(kind)))
    return HTML(
        "<details><summary><b>Quality flags and why a value can be missing</b></summary>"
        f"{guide}</details>"
        f"<details><summary><b>Sources and years of all {count} metrics</b></summary>"
        f"{how_built(session).data}</details>"
    )


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


# --- the MAP's parts ------------------------------------------------------------------

HIGHLIGHTS = 3  # concerns and strengths named in the MAP's headline
BOUNDS_WORDS = {"ci": "95% confidence interval", "range": "range (not a statistical interval)"}


def uncertainty_text(metric: Metric, row: Mapping[str, Any]) -> str:
    """The bounds (where Urban publishes them) and the quality flag of one value."""
    parts = []
    if metric.bounds_kind and not (pd.isna(row["lower"]) or pd.isna(row["upper"])):
        parts.append(
            f"{BOUNDS_WORDS[metric.bounds_kind]} {format_value(row['lower'], metric.format)} "
            f"to {format_value(row['upper'], metric.format)}"
        )
    quality = row["quality"]
    parts.append(f"quality {quality}" if isinstance(quality, str) else "no quality flag")
    return "; ".join(parts)


def saved_peer_group(plan: PublicPlan, session: Session) -> PeerGroup:
    """The peers saved in the plan for the session's place, as the team saw them.

    Falls back to the suggestion when the plan holds no peers for this place; keys the
    data no longer has are left out.
    """
    return saved_peers(session.data, session.jurisdiction, plan.value(PEERS_SECTION))


def _step2_saved(plan: PublicPlan) -> bool:
    return any(plan.saved(s.name) for s in STEP.plan_sections())


def _badness(row: Mapping[str, Any]) -> float:
    """How far into the unfavourable end of the national spread a value sits (0-50)."""
    percentile = row["national_percentile"]
    return (50 - percentile) if row["direction"] == "higher" else (percentile - 50)


def _highlight(metric: Metric, row: Mapping[str, Any]) -> str:
    lower = " (lower is better)" if metric.direction == "lower" else ""
    return (
        f"{metric.name}: {value_text(metric, row['value_number'])} in {row['year']} "
        f"({uncertainty_text(metric, row)}), national percentile "
        f"{row['national_percentile']:.0f} of 100{lower}."
    )


def _headline(comparison: Comparison, session: Session) -> list[Block]:
    table = comparison.table
    place = comparison.place
    catalog = session.catalog
    judged = table[table["vs_nation"].isin(["better", "worse", "similar"])]
    better = int((judged["vs_nation"] == "better").sum())
    worse = int((judged["vs_nation"] == "worse").sum())
    years = table.loc[table["value"].notna(), "year"].dropna()
    span = f"{int(years.min())} to {int(years.max())}" if len(years) else "no year"
    population = (
        f"{place.population:,.0f} people in {place.last_year}"
        if place.population is not None and not pd.isna(place.population)
        else "a population the data does not give"
    )
    blocks: list[Block] = [
        Paragraph(
            f"{place.label} ({place.key}), a {place.kind_word} of {population}, was compared "
            f"on {int(table['value'].notna().sum())} metric values from the years {span} "
            "(each metric in its most recent year).",
            lead=True,
        ),
        Paragraph(
            f"Against the national median it does better on {better} of the {len(judged)} "
            f"metrics that can be judged and worse on {worse}; the other "
            f"{len(judged) - better - worse} are within the margin the workbook treats as "
            "similar."
        ),
    ]
    ranked = judged.assign(badness=[_badness(r) for _, r in judged.iterrows()])
    for word, verdict, ascending in (("concerns", "worse", False), ("strengths", "better", True)):
        chosen = ranked[ranked["vs_nation"] == verdict].sort_values("badness", ascending=ascending)
        items = [
            _highlight(catalog[r["variable"]], r) for _, r in chosen.head(HIGHLIGHTS).iterrows()
        ]
        if items:
            blocks += [Heading(f"Largest {word}", 3), BulletList(tuple(items))]
    weak = int((table["quality"] == "Weak").sum())
    missing = int((table["missing_reason"] != "").sum())
    blocks.append(
        Callout(
            "How sure these numbers are",
            f"{weak} of the values for {place.name} are rated Weak and are shown but never "
            f"judged; {missing} metrics have no value for this place. Where Urban publishes a "
            "95% confidence interval, a difference counts only when the comparison value lies "
            "outside it.",
            kind="caution",
        )
    )
    return blocks


def _figure(comparison: Comparison, session: Session) -> Figure:
    table = comparison.table
    chart = comparison_charts.overview(comparison, session.framework)
    shown = int(table["national_percentile"].notna().sum())
    counts = table["vs_nation"].replace("", "not judged").value_counts()
    return Figure(
        spec=chart.to_dict(),
        caption=f"Where {comparison.place.label} stands on every metric, by pillar "
        "(the share of places it does better than).",
        alt=f"A dot chart with one dot per metric ({shown} in all), grouped by pillar, placed "
        "by the share of places it does better than (0 to 100: further right is better; "
        "metrics without a better direction apart, by percentile). Compared with the national "
        f"median, {counts.get('better', 0)} are better, {counts.get('worse', 0)} worse, "
        f"{counts.get('similar', 0)} similar and {counts.get('not judged', 0)} not judged.",
    )


def _peers(group: PeerGroup, place) -> list[Block]:
    if not group.members:
        return [Paragraph(f"No peers could be found for {place.label} in this data.")]
    how = (
        "The coalition chose these peers itself."
        if group.method == "chosen"
        else "The workbook suggested these peers: the places nearest in population, census "
        "region and metric profile."
    )
    rows = tuple((p.label, p.key, p.reason or "(no reason saved)") for p in group.members)
    return [
        Heading("Peers and why they were chosen", 3),
        Paragraph(f"{how} {group.note}".strip()),
        Table(f"The {len(rows)} peers of {place.label}", ("Peer", "Key", "Why"), rows),
    ]


def _disparities(session: Session) -> list[Block]:
    place = session.jurisdiction
    gap_table = gaps(group_values(session.data, place))
    heading = Heading("Gaps between racial and ethnic groups", 3)
    if gap_table.empty:
        return [
            heading,
            Paragraph(f"The data has no values by race and ethnicity for {place.label}."),
        ]
    moves = gap_trends(gap_table).set_index("variable")
    latest = gap_table.sort_values("year").groupby("variable").tail(1)
    catalog = session.catalog
    rows = []
    for _, r in latest.sort_values("name").iterrows():
        metric = catalog[r["variable"]]
        move = moves.loc[r["variable"]]
        since = (
            "one year only"
            if move["movement"] == "one year only"
            else f"{move['movement']} since {move['first_year']} "
            f"({gap_text(metric, move['first_gap'])})"
        )
        rows.append((
            metric.name, str(r["year"]),
            f"{r['high_group']}: {value_text(metric, r['high_value'])}",
            f"{r['low_group']}: {value_text(metric, r['low_value'])}",
            gap_text(metric, r["gap"]), since, r["worst_group"] or "(no better direction)",
        ))  # fmt: skip
    return [
        heading,
        Paragraph(
            "For each metric Urban breaks down by race and ethnicity, the groups with the "
            "highest and the lowest value in the latest year, the gap between them and how "
            "it moved. Weak values are left out of the gaps."
        ),
        Table(
            f"Largest gap between groups, by metric, in {place.label}",
            ("Metric", "Year", "Highest", "Lowest", "Gap", "Since the first year", "Doing worst"),
            tuple(rows),
            wide=True,
        ),
    ]


def _insights(plan: PublicPlan, session: Session) -> list[Block]:
    """The team's own words, as plain text (every renderer escapes it)."""
    records = plan.value(INSIGHTS_SECTION) or []
    if not records:
        return []
    catalog = session.catalog
    framework = session.framework
    pillars = {p["id"]: p["name"] for p in framework.pillars}
    blocks: list[Block] = [Heading("The team's preliminary insights", 3)]
    for tag in INSIGHT_TAGS:
        chosen = [r for r in records if r.get("tag") == tag]
        if not chosen:
            continue
        blocks.append(Heading(f"{tag.capitalize()}s ({len(chosen)})", 4))
        for record in chosen:
            blocks.append(Paragraph(str(record.get("statement") or "")))
            about = [catalog[v].name for v in record.get("metrics") or [] if v in catalog]
            about += [pillars[p] for p in record.get("pillars") or [] if p in pillars]
            if about:
                blocks.append(Paragraph("About: " + "; ".join(about) + "."))
            if record.get("notes"):
                blocks.append(Paragraph(str(record["notes"])))
    return blocks


def map_findings(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 2 in the MAP's findings: the headline, a chart, peers, gaps and insights."""
    if not _step2_saved(plan) or session.jurisdiction is None:
        return []
    group = saved_peer_group(plan, session)
    comparison = compare(session.data, session.jurisdiction, group)
    return [
        *_headline(comparison, session),
        _figure(comparison, session),
        *_peers(group, session.jurisdiction),
        *_disparities(session),
        *_insights(plan, session),
    ]


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 2 in the MAP's story: when the metrics were reviewed, with whom compared."""
    record = review.when_and_checklist(plan, 2)
    if not record:
        return []
    peers = plan.value(PEERS_SECTION) or {}
    insights = plan.value(INSIGHTS_SECTION) or []
    count = len(peers.get("keys") or [])
    how = "chosen by the coalition" if peers.get("method") == "chosen" else "suggested"
    lines = []
    if count:
        lines.append(f"The team compared its metrics with {count} peer places ({how}).")
    counts = {t: sum(1 for r in insights if r.get("tag") == t) for t in INSIGHT_TAGS}
    kinds = [f"{n} {t}{'' if n == 1 else 's'}" for t, n in counts.items()]
    if insights:
        lines.append(f"It recorded {len(insights)} preliminary insights ({', '.join(kinds)}).")
    intro = Paragraph(
        " ".join(lines) or "The team reviewed the Mobility Metrics for its place.", lead=True
    )
    return [intro, *record]
