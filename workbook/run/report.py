"""Step 2's report for one jurisdiction, rendered in-process: comparison.csv and an HTML page.

The Step 2 notebook run by papermill is the faithful way to re-run one jurisdiction; this
module makes the same numbers and the key views for thousands of them without a kernel
each. Everything that does not depend on the jurisdiction is computed once per process
(:class:`Reporter`) and reused:

* :class:`workbook.analysis.compare.PeerIndex` standardises the peer features once per kind
  (``suggest_peers`` builds one for each call).
* :class:`workbook.analysis.compare.ComparisonIndex` holds each metric's national and state
  figures (medians, quartiles, sorted values for percentile ranks) once per kind.
* The distribution grid's histograms of all counties (or cities) are the same on every
  page: they go once into the batch's ``assets/`` folder beside the Vega script, and a
  page carries only its own marks.

The peers and metrics tables are the notebook's own: Step 2's
:class:`~workbook.steps.use_the_metrics.MetricsReview` of the worker's comparison, with
an unattended session (:func:`workbook.session.start_unattended`) that keeps no plan.

Pages reference ``../assets/`` (Vega, the drawing script, the stylesheet, the shared
histograms) with relative links, so a batch folder works offline and can be moved.
"""

from __future__ import annotations

import copy
import string
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.analysis.compare import Comparison, ComparisonIndex, PeerGroup, PeerIndex
from workbook.analysis.disparities import gap_trends, gaps, group_values
from workbook.data.catalog import Framework, load_framework
from workbook.data.dataset import Dataset
from workbook.data.jurisdictions import Jurisdiction
from workbook.display import comparison_charts, theme, views
from workbook.display.html import EMBED_OPTIONS, escape, figure_html, for_bundle, script_json
from workbook.session import start_unattended
from workbook.steps import use_the_metrics as step2

STEP = 2  # the step whose report this is
TEMPLATES = Path(__file__).resolve().parents[1] / "display" / "templates" / "report"
ASSETS_DIR = "assets"
VEGA_FILE = "vega-bundle.js"
SCRIPT_FILE = "report.js"
STYLE_FILE = "report.css"
REPORT_FILE = "report.html"
CSV_FILE = "comparison.csv"
DISTRIBUTION_DATASET = "wb-distribution"
# Stands in for the jurisdiction's label in the distribution grid built once per kind.
_LABEL_TOKEN = "\u2063WB-PLACE\u2063"
KIND_PLURAL = {"county": "counties", "place": "cities"}


def distribution_asset(kind: str) -> str:
    return f"distribution-{kind}.js"


# Shared precomputation ---------------------------------------------------------------


class PlaceData:
    """A Dataset seen from one jurisdiction: the race/ethnicity tables hold only its rows.

    Handed to :func:`disparities.group_values` and the Step 2 tables instead of the whole
    dataset, so that they filter a few dozen rows rather than 176,000, with their own code.
    Everything else (catalog, label, source) is the dataset's.
    """

    def __init__(self, data: Dataset, tables: dict[str, pd.DataFrame]) -> None:
        self._data = data
        self._tables = tables

    def has(self, name: str) -> bool:
        return name in self._tables or self._data.has(name)

    def table(self, name: str) -> pd.DataFrame:
        return self._tables[name] if name in self._tables else self._data.table(name)

    def __getattr__(self, name: str):
        return getattr(self._data, name)


# Distribution grid: built once per kind, marks per page -----------------------------------


class DistributionGrid:
    """:func:`comparison_charts.distribution_grid` split into shared bars and per-page marks.

    The bars (every county's or city's spread) are the same on every page: they are
    written once to ``assets/`` and joined to a page's marks in the browser.
    """

    def __init__(self, data: Dataset, kind: str) -> None:
        self.kind = kind
        catalog = data.catalog
        variables = [m.variable for m in catalog if m.is_metric]
        stand_in = Jurisdiction(_LABEL_TOKEN, kind, _LABEL_TOKEN, "", _LABEL_TOKEN, None, 0, 0)
        self.stand_in = stand_in.label
        table = pd.DataFrame({"variable": variables})
        empty = Comparison(stand_in, PeerGroup([], "suggested"), table, data)
        spec = comparison_charts.distribution_grid(data, empty).to_dict(validate=False)
        (rows,) = spec.pop("datasets").values()
        # The bars only: the stand-in's unseen marks (it has no values) are not shared.
        self.shared_rows = [_without_nulls(row) for row in rows if row["layer"] == "all"]
        spec["data"] = {"name": DISTRIBUTION_DATASET}
        self.template = spec
        # What _distribution_rows computes per metric for the marks: values and the clip.
        recent = data.table(f"{kind}_recent")
        keys = (recent["state"] + recent[kind]).to_numpy()
        self.position = {}
        for number, key in enumerate(keys):
            self.position.setdefault(key, number)  # the first row, as values[keys == key]
        self.marks = [
            (comparison_charts.panel_label(metric), values.to_numpy(), low, high)
            for metric, values, low, high in comparison_charts.distribution_panels(
                data, variables, kind
            )
        ]

    def spec(self, comparison: Comparison) -> dict:
        """The grid's spec for one page: the template with its title and its own marks."""
        spec = dict(self.template)
        label = comparison.place.label
        spec["title"] = copy.deepcopy(spec["title"])
        spec["title"]["text"] = spec["title"]["text"].replace(self.stand_in, label)
        spec["description"] = spec["description"].replace(self.stand_in, label)
        roles = [("you", comparison.place.key)] + [("peer", k) for k in comparison.peers.keys]
        positions = [(role, self.position.get(key)) for role, key in roles]
        rows = []
        for name, values, low, high in self.marks:
            drawn = 0
            for role, position in positions:
                if position is None:
                    continue
                value = values[position]
                if not pd.isna(value):
                    drawn += 1
                    rows.append(
                        {
                            "metric": name,
                            "layer": "mark",
                            "value": float(np.clip(value, low, high)),
                            "role": role,
                        }
                    )
            if not drawn:  # the unseen line the notebook's grid draws (no empty layer)
                rows.append({"metric": name, "layer": "mark", "value": float(low), "role": "none"})
        spec["datasets"] = {DISTRIBUTION_DATASET: rows}
        return spec

    def asset(self) -> str:
        """The shared bars as a script that files them under ``distribution-<kind>``."""
        return (
            "(window.WB_SHARED = window.WB_SHARED || {})"
            f"[{script_json(f'distribution-{self.kind}')}] = {script_json(self.shared_rows)};\n"
        )


def _without_nulls(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None}


# HTML -------------------------------------------------------------------------------------


@cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


# Tables in the notebook repeat this cell style; the stylesheet says it once per batch.
_CELL_STYLE = ' style="text-align:left;vertical-align:top"'
_HEAD_STYLE = ' style="text-align:left"'


def _compact(table_html: str) -> str:
    return table_html.replace(_CELL_STYLE, "").replace(_HEAD_STYLE, "")


# The report --------------------------------------------------------------------------------


@dataclass
class ReportFiles:
    """What one report wrote."""

    csv: Path
    html: Path

    @property
    def paths(self) -> list[Path]:
        return [self.csv, self.html]


class Reporter:
    """Renders Step 2 reports for any number of jurisdictions of one open Dataset.

    Create one per process: the first report of each kind pays for the shared figures
    (a second or two), the rest reuse them.
    """

    def __init__(self, data: Dataset, framework: Framework | None = None) -> None:
        theme.register()  # the charts' config, as in the notebooks
        self.data = data
        self.framework = framework or load_framework()
        self._peers: dict[str, PeerIndex] = {}
        self._comparisons: dict[str, ComparisonIndex] = {}
        self._grids: dict[str, DistributionGrid] = {}

    # Shared, per kind

    def peer_index(self, kind: str) -> PeerIndex:
        if kind not in self._peers:
            self._peers[kind] = PeerIndex(self.data, kind)
        return self._peers[kind]

    def comparison_index(self, kind: str) -> ComparisonIndex:
        if kind not in self._comparisons:
            self._comparisons[kind] = ComparisonIndex(self.data, kind)
        return self._comparisons[kind]

    def grid(self, kind: str) -> DistributionGrid:
        if kind not in self._grids:
            self._grids[kind] = DistributionGrid(self.data, kind)
        return self._grids[kind]

    @cached_property
    def _race_rows(self) -> dict[str, tuple[pd.DataFrame, dict[str, np.ndarray]]]:
        """Per race/ethnicity table: the frame and the row positions of each jurisdiction."""
        result = {}
        for kind in ("county", "place"):
            name = f"{kind}_race_ethnicity"
            if self.data.has(name):
                frame = self.data.table(name)
                keys = frame["state"] + frame[kind]
                result[name] = (frame, keys.groupby(keys.to_numpy(), sort=False).indices)
        return result

    def place_data(self, place: Jurisdiction) -> PlaceData:
        tables = {}
        for name, (frame, positions) in self._race_rows.items():
            if name.startswith(place.kind):
                rows = positions.get(place.key, np.array([], dtype="int64"))
                tables[name] = frame.take(rows)
        return PlaceData(self.data, tables)

    # Per jurisdiction

    def suggest_peers(self, place: Jurisdiction) -> PeerGroup:
        """Equal to ``compare.suggest_peers(data, place)``."""
        return self.peer_index(place.kind).suggest(place)

    def compare(self, place: Jurisdiction, peers: PeerGroup | None = None) -> Comparison:
        """Equal to ``compare.compare(data, place, peers)`` (suggested peers by default)."""
        peers = peers if peers is not None else self.suggest_peers(place)
        return self.comparison_index(place.kind).compare(place, peers)

    def specs(
        self, comparison: Comparison, place_data: PlaceData, values: pd.DataFrame
    ) -> list[tuple[str, dict, str]]:
        """(section, Vega-Lite spec, shared datasets) of each chart on the page.

        ``values`` are the place's group values (:func:`disparities.group_values`).
        """
        place = comparison.place
        overview = comparison_charts.overview(comparison, self.framework)
        charts = [("overview", overview.to_dict(validate=False), "")]
        grid = self.grid(place.kind)
        charts.append(
            (
                "distributions",
                grid.spec(comparison),
                f"{DISTRIBUTION_DATASET}=distribution-{place.kind}",
            )
        )
        chart = comparison_charts.disparities(place_data, values, place.label)
        if chart is not None:
            charts.append(("disparities", chart.to_dict(validate=False), ""))
        return charts

    def disparity_table_html(
        self, gap_table: pd.DataFrame, values: pd.DataFrame | None = None
    ) -> str:
        """How each gap moved, as in the notebook's table (also when no metric has a gap)."""
        if gap_table.empty:
            if values is not None:
                return views.paragraph(step2.no_gap_text(values))
            return views.paragraph(
                "No metric has values for two or more racial or ethnic groups here."
            )
        catalog = self.data.catalog
        rows = []
        for r in gap_trends(gap_table).itertuples(index=False):
            fmt = catalog[r.variable].format
            rows.append([
                r.name, f"{r.first_year}: {step2.format_value(r.first_gap, fmt)}",
                f"{r.latest_year}: {step2.format_value(r.latest_gap, fmt)}",
                r.movement, r.latest_worst_group or "(no direction)",
            ])  # fmt: skip
        header = [
            "Metric", "Gap, first year", "Gap, latest year", "Movement",
            "Group doing worst (latest)",
        ]  # fmt: skip
        return views.table(rows, header)

    def page(self, comparison: Comparison) -> str:
        """The report page's HTML (links to ``../assets/``)."""
        place = comparison.place
        place_data = self.place_data(place)
        # Step 2's own views, of the comparison this worker made with its shared indexes.
        session = start_unattended(STEP, self.data, place, self.framework)
        review = step2.MetricsReview(session, comparison=comparison)
        values = group_values(place_data, place)
        figures = {
            section: figure_html(for_bundle(spec), number, inline=False, shared=shared)
            for number, (section, spec, shared) in enumerate(
                self.specs(comparison, place_data, values), start=1
            )
        }
        kind_plural = KIND_PLURAL[place.kind]
        # Without a gap the table's note says why; no chart, and nothing to contradict it.
        no_disparity_chart = ""
        fields = {
            "title": escape(session.page_title),
            "label": escape(place.label),
            "header": session.header_html(),
            "kind_plural": escape(kind_plural),
            "peers": _compact(review.peers_html()),
            "overview": figures["overview"],
            "metrics": _compact(review.metrics_table_html()),
            "distributions": figures["distributions"],
            "disparity_chart": figures.get("disparities", no_disparity_chart),
            "disparity_table": _compact(self.disparity_table_html(gaps(values), values)),
            "csv": escape(CSV_FILE),
            "distribution_asset": escape(distribution_asset(place.kind)),
            "credit": escape(
                "Data: Urban Institute, Mobility Metrics (Boosting Upward Mobility from "
                "Poverty), Urban Institute Data Catalog."
            ),
        }
        return string.Template(_template("page.html")).substitute(fields)

    def write(self, place: Jurisdiction, folder: Path) -> ReportFiles:
        """Write ``comparison.csv`` and ``report.html`` for ``place`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        comparison = self.compare(place)
        files = ReportFiles(folder / CSV_FILE, folder / REPORT_FILE)
        comparison.write_csv(files.csv)
        files.html.write_text(self.page(comparison), encoding="utf-8")
        return files


def shared_assets(data: Dataset, kinds: list[str], reporter: Reporter | None = None) -> dict:
    """File name -> text of every file the pages load from ``assets/``."""
    from workbook.display.html import vega_bundle

    reporter = reporter or Reporter(data)
    script = _template("report.js").replace("__EMBED_OPTIONS__", script_json(EMBED_OPTIONS))
    files = {
        VEGA_FILE: vega_bundle(),
        SCRIPT_FILE: script,
        STYLE_FILE: _template("report.css"),
    }
    for kind in kinds:
        files[distribution_asset(kind)] = reporter.grid(kind).asset()
    return files
