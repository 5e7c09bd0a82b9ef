"""The in-process Step 2 report: the same numbers as compare(), the notebook's charts and
the notebook's own Step 2 views, made with an unattended session."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from tests.run.helpers import REAL_KEYS, SAMPLE_KEYS, csv_text
from workbook.analysis.compare import compare, suggest_peers
from workbook.data.catalog import load_framework
from workbook.display import comparison_charts
from workbook.errors import ParameterError
from workbook.run import report
from workbook.session import start_unattended
from workbook.steps.use_the_metrics import MetricsReview

# Shared precomputation gives the same answers ---------------------------------------------


@pytest.mark.parametrize("which", ["sample", "real"])
def test_peer_index_and_comparison_index_equal_compare(which, request):
    data = request.getfixturevalue(which)
    keys = SAMPLE_KEYS if which == "sample" else REAL_KEYS
    reporter = report.Reporter(data)
    for key in keys:
        place = data.find(key)
        peers = suggest_peers(data, place)
        assert reporter.suggest_peers(place) == peers, key
        fast, slow = reporter.compare(place, peers), compare(data, place, peers)
        pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=True)
        assert csv_text(fast) == csv_text(slow)


def test_chart_specs_are_valid_and_the_split_grid_is_the_notebooks(sample, real):
    schema = alt.vegalite.v5.schema.core.load_schema()
    from altair.utils.schemapi import validate_jsonschema

    for data, key in ((sample, "98031"), (real, "06037"), (real, "4260000")):
        reporter = report.Reporter(data)
        place = data.find(key)
        comparison = reporter.compare(place)
        values = report.group_values(reporter.place_data(place), place)
        specs = reporter.specs(comparison, reporter.place_data(place), values)
        assert [s[0] for s in specs] == ["overview", "distributions", "disparities"]
        # The overview and disparities specs are the builders' own: validate them once.
        comparison_charts.overview(comparison, load_framework()).to_dict(validate=True)
        comparison_charts.disparities(data, values, place.label).to_dict(validate=True)
        # The grid: the template plus the page's marks equals the notebook's grid.
        _, grid, shared = specs[1]
        name, asset = shared.split("=")
        notebook = comparison_charts.distribution_grid(data, comparison).to_dict()
        rows = [report._without_nulls(r) for r in notebook.pop("datasets").popitem()[1]]
        shared_rows = reporter.grid(place.kind).shared_rows
        assert asset == f"distribution-{place.kind}"
        assert [r for r in rows if r["layer"] == "all"] == shared_rows
        assert [r for r in rows if r["layer"] == "mark"] == grid["datasets"][name]
        merged = dict(grid, datasets={name: shared_rows + grid["datasets"][name]})
        validate_jsonschema(merged, schema)
        assert {k: v for k, v in grid.items() if k not in ("data", "datasets")} == {
            k: v for k, v in notebook.items() if k != "data"
        }


# Step 2's own views, with an unattended session ---------------------------------------------


def test_the_page_shows_step2s_views_of_the_workers_comparison(edit_session, tmp_path, monkeypatch):
    notebook = MetricsReview(edit_session(2))  # the notebook's review: suggested peers
    data, place = notebook.session.data, notebook.place
    reporter = report.Reporter(data)
    session = start_unattended(report.STEP, data, place)
    review = MetricsReview(session, comparison=reporter.compare(place))
    assert review.peer_group == notebook.peer_group
    assert review.peers_html() == notebook.peers_html()
    assert review.metrics_table_html() == notebook.metrics_table_html()
    # Unattended: nothing that writes, no plan opened, no file written for the page.
    assert session.unattended and session.read_only
    with pytest.raises(ParameterError, match="keeps no plan"):
        session.plan  # noqa: B018
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    page = reporter.page(review.comparison)
    assert report._compact(notebook.metrics_table_html()) in page
    assert report._compact(notebook.peers_html()) in page
    assert session.header_html() in page
    assert list(elsewhere.iterdir()) == []


def test_a_comparison_of_another_place_is_refused(sample):
    reporter = report.Reporter(sample)
    session = start_unattended(report.STEP, sample, sample.find("98031"))
    with pytest.raises(ParameterError, match="comparison"):
        MetricsReview(session, comparison=reporter.compare(sample.find("98001")))
