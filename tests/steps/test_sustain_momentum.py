"""Step 10: the status rule, actuals and their checks, releases, documents, the MAP part."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html import unescape
from pathlib import Path

import docx
import nbformat
import pytest

from workbook.analysis import scorecard as sc
from workbook.data.importer import import_folder
from workbook.data.sources import SAMPLE_DIR
from workbook.display.document import Block, Table
from workbook.map.render import render
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore, import_plan
from workbook.steps import registry
from workbook.steps import sustain_momentum as step10
from workbook.steps.sustain_momentum import SustainMomentum

TODAY = dt.date(2026, 11, 1)
HOSTILE = "<script>window.__wbInjected = 1</script> & Co"
SECRET_EMAIL = "grants.officer@funder.example"
MEASURES = [
    {"id": "m-emp", "element": {"kind": "outcome", "id": "o1"}, "name": "Share employed",
     "unit": "share", "direction": "higher", "metric": "share_employed", "local_measure": None,
     "subgroup": None, "rba": "better_off", "source": "Mobility Metrics",
     "owners": ["s-lib"], "frequency": "annual", "reported_to": "Council",
     "baseline": {"value": 0.788743, "year": 2018, "low": None, "high": None,
                  "quality": "Weak", "source": "Urban", "date": None, "collect_by": None},
     "target": {"value": 0.85, "year": 2030}, "headline": True},
    {"id": "m-jobs", "element": {"kind": "output", "id": "x1"}, "name": "People placed in jobs",
     "unit": "people", "direction": "higher", "metric": None,
     "local_measure": "d1/placed", "subgroup": None, "rba": "how_much", "source": "Job centre",
     "owners": ["t-1"], "frequency": "quarterly", "reported_to": "Board",
     "baseline": {"value": 100, "year": 2025, "date": "2025-06-30"},
     "target": {"value": 300, "year": 2027}, "headline": False},
    {"id": "m-wait", "element": {"kind": "activity", "id": "a1"}, "name": "Days waiting",
     "unit": "days", "direction": "lower", "metric": None, "local_measure": None,
     "subgroup": None, "rba": "how_well", "source": "Agency", "owners": [],
     "frequency": "monthly", "reported_to": "", "baseline": None, "target": None,
     "headline": False},
]  # fmt: skip


def save(store, section, value):
    store.save(section, value, store.get(section).version)


@pytest.fixture
def plan(tmp_path):
    """A plan with the upstream sections Step 10 reads, written as the contracts say."""
    path = tmp_path / "plan.sqlite"
    with PlanStore.open(path, author="test") as store:
        save(store, "step4.stakeholders", [{"id": "s-lib", "organisation": "City Library",
                                            "status": "accepted", "contact": {}}])  # fmt: skip
        save(store, "step4.team", [{"id": "t-1", "person": {"name": "Ana", "organisation":
                                    "Job Centre"}, "role": "lead"}])  # fmt: skip
        save(store, "step8.measures", MEASURES)
        save(store, "step8.resources", [
            {"id": "r1", "item": "Coordinator", "needed": 80000, "secured": 20000,
             "source": "City", "status": "asked", "date": "2026-01-15"}])  # fmt: skip
        save(store, "step6.sustain", [
            {"id": "p1", "activity": "Resident council", "rhythm": "every month", "owner": "s-lib",
             "budget": 500, "start": "2026-08-01"}])  # fmt: skip
    return path


@pytest.fixture
def session(plan, tmp_path, monkeypatch):
    from workbook.session import READ_ONLY_ENV, start

    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    monkeypatch.setenv("WORKBOOK_AUTHOR", "Ana")
    return start(10, "98031", "", str(plan), str(tmp_path / "out"), show=False)


# --- the status rule -------------------------------------------------------------------------


def measure(direction="higher", base=(10, "2024-12-31"), target=(20, 2026), frequency="annual"):
    return {
        "id": "m", "direction": direction, "frequency": frequency,
        "baseline": None if base is None else {"value": base[0], "date": base[1]},
        "target": None if target is None else {"value": target[0], "year": target[1]},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "values", "expected"),
    [
        ({}, [], sc.NO_NEW_DATA),
        ({}, [("2024-06-01", 12)], sc.NO_NEW_DATA),  # only values up to the baseline
        ({}, [("2026-06-30", 19)], sc.ON_TRACK),  # ahead of the line (about 17.5)
        ({}, [("2026-06-30", 14)], sc.OFF_TRACK),
        ({}, [("2025-06-30", 15)], sc.STALE),  # more than a year old on 1 Nov 2026
        ({"frequency": "monthly"}, [("2026-10-15", 30)], sc.ON_TRACK),
        ({"frequency": "monthly"}, [("2026-08-15", 30)], sc.STALE),
        ({"direction": "lower", "target": (5, 2026)}, [("2026-06-30", 6)], sc.ON_TRACK),
        ({"direction": "lower", "target": (5, 2026)}, [("2026-06-30", 9)], sc.OFF_TRACK),
        ({"target": None}, [("2026-06-30", 10)], sc.ON_TRACK),  # not worse than baseline
        ({"target": None}, [("2026-06-30", 9)], sc.OFF_TRACK),
        ({"direction": "neither"}, [("2026-10-30", 19.5)], sc.ON_TRACK),  # within 5%
        ({"direction": "neither"}, [("2026-10-30", 15)], sc.OFF_TRACK),
        ({"base": None, "target": None}, [("2026-01-01", 5), ("2026-06-01", 6)], sc.ON_TRACK),
        ({"base": None}, [("2026-06-01", 6)], sc.NO_NEW_DATA),  # one value: nothing to compare
    ],
)
def test_the_status_rule(kwargs, values, expected):
    status, reason = sc.measure_status(measure(**kwargs), values, TODAY)
    assert status == expected, reason
    assert reason


def test_the_rule_is_written_out_for_every_status():
    for label in sc.STATUS_LABELS.values():
        assert label in sc.STATUS_RULE


def test_forecast_is_step8s_when_stored_else_a_straight_line():
    m = measure(base=(10, "2024-12-31"), target=(20, 2026))
    frame = sc.actuals_frame([{"measure_id": "m", "date": "2025-12-31", "value": 12}])
    assert sc.trend_forecast(m, frame) == pytest.approx(14, abs=0.05)
    card = sc.scorecard(
        [{**m, "forecast": {"value": 18, "year": 2026}}],
        [{"measure_id": "m", "date": "2025-12-31", "value": 12}],
        TODAY,
    )
    assert card.iloc[0]["forecast"] == 18 and card.iloc[0]["forecast_source"] == "Step 8"
    lone = sc.scorecard([measure(base=None)], [], TODAY).iloc[0]
    assert lone["forecast_source"] == "" and lone["status"] == sc.NO_NEW_DATA


# --- actuals: the form, the file import, the checks --------------------------------------------


def test_actuals_are_checked_against_the_measures(session):
    views = SustainMomentum(session, today=TODAY)
    table = views.actuals_table
    table.add({"measure_id": "m-jobs", "date": "2026-09-30", "value": 180, "source": "Centre"})
    with pytest.raises(Exception, match="before the baseline of 'People placed in jobs'"):
        table.add({"measure_id": "m-jobs", "date": "2025-01-31", "value": 90})
    with pytest.raises(Exception, match="Choose one of the listed options"):
        table.add({"measure_id": "nope", "date": "2026-01-31", "value": 1})
    assert len(table.records()) == 1


def test_an_actuals_file_names_each_bad_row_and_imports_nothing(session):
    table = SustainMomentum(session, today=TODAY).actuals_table
    text = (
        "measure,date,value,source,note\n"
        "People placed in jobs,2026-03-31,150,Centre,\n"
        "Bus punctuality,2026-03-31,12,Agency,\n"
        "People placed in jobs,2024-12-31,80,Centre,\n"
        "Share employed,2021-12-31,lots,Urban,\n"
    )
    report = table.import_csv(text.encode())
    assert not report.ok and report.added == 0 and table.records() == []
    problems = {(p.row, p.column): p.problem for p in report.problems}
    # rows as the spreadsheet numbers them (the header is row 1)
    assert "'Bus punctuality' is not one of the choices" in problems[(3, "measure")]
    assert "before the baseline" in problems[(4, "date")]
    assert "Enter a number" in problems[(5, "value")]
    assert len(problems) == 3
    good = table.import_csv(text.encode(), import_valid_only=True)
    assert good.added == 1 and table.records()[0]["value"] == 150


def test_scorecard_views_by_pillar_owner_and_level(session, plan):
    views = SustainMomentum(session, today=TODAY)
    views.actuals_table.add({"measure_id": "m-jobs", "date": "2026-09-30", "value": 250})
    card = views.card()
    assert card.set_index("measure_id").loc["m-jobs", "status"] == sc.ON_TRACK
    assert card.set_index("measure_id").loc["m-emp", "status"] == sc.NO_NEW_DATA
    pillars = sc.by_view(card, "pillar").set_index("pillar")
    assert pillars["total"].sum() == 3 and "no pillar" in pillars.index
    owners = sc.by_view(card, "owners").set_index("owners")
    assert owners.loc["Job Centre", "On track"] == 1 and "City Library" in owners.index
    levels = sc.by_view(card, "level").set_index("level")
    assert set(levels.index) == {"outcome", "output", "activity"}


# --- a new release ---------------------------------------------------------------------------


def two_releases(tmp_path):
    import pandas as pd

    first = import_folder(SAMPLE_DIR, tmp_path / "r1")
    folder = tmp_path / "download-2"
    folder.mkdir()
    for path in SAMPLE_DIR.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    frame = pd.read_csv(folder / "county_longitudinal.csv", dtype={"state": str, "county": str})
    row = (frame["state"] + frame["county"] == "98031") & (frame["year"] == 2018)
    frame.loc[row, "share_employed"] = 0.70
    extra = frame[frame["year"] == 2023].assign(year=2024)
    pd.concat([frame, extra]).to_csv(folder / "county_longitudinal.csv", index=False)
    second = import_folder(folder, tmp_path / "r2", release="2026")
    from workbook.data.dataset import Dataset
    from workbook.data.sources import DataSource

    return (Dataset(first.folder, DataSource(first.folder, "release")),
            Dataset(second.folder, DataSource(second.folder, "release")))  # fmt: skip


def test_a_release_brings_new_values_and_asks_about_the_revised_baseline(session, tmp_path):
    old, new = two_releases(tmp_path)
    views = SustainMomentum(session, today=TODAY)
    refresh = step10.refresh_from_release(session.plan, "98031", "county", old, new, "2025",
                                          "2026")  # fmt: skip
    assert refresh.touched["measure_id"].tolist() == ["m-emp"]
    assert refresh.touched.iloc[0]["new"] == pytest.approx(0.70)
    years = sorted(a["date"][:4] for a in refresh.actuals)
    assert years == [str(y) for y in range(2019, 2025) if y != 2020]  # 2020 has no value
    assert all(a["release"] == "2026" and a["measure_id"] == "m-emp" for a in refresh.actuals)
    assert step10.save_release_actuals(views.actuals_table, refresh) == len(years)
    again = step10.refresh_from_release(session.plan, "98031", "county", old, new, "2025",
                                        "2026")  # fmt: skip
    assert again.actuals == []  # recorded once per release
    # the baseline stays until the coalition decides; then the decision is recorded
    card = views.card().set_index("measure_id")
    assert card.loc["m-emp", "baseline"] == pytest.approx(0.788743)
    views.baselines_table.add(
        {
            "measure_id": "m-emp",
            "release": "2026",
            "old": 0.788743,
            "new": 0.70,
            "decision": "accept",
            "decided_on": "2026-10-01",
        }
    )
    assert views.card().set_index("measure_id").loc["m-emp", "baseline"] == pytest.approx(0.70)
    decided = step10.refresh_from_release(session.plan, "98031", "county", old, new, "2025",
                                          "2026")  # fmt: skip
    assert decided.touched.empty
    views.last_refresh = refresh
    assert isinstance(views.baseline_decisions(), __import__("ipywidgets").VBox)
    views.decide_baseline("m-emp", "keep", "2026-10-02")
    kept = step10.records(session.plan, step10.BASELINES_SECTION)[-1]
    assert (kept["decision"], kept["release"], kept["old"]) == ("keep", "2026", 0.788743)
    assert kept["new"] == pytest.approx(0.70)
    # the latest decision counts: keeping it brings the old baseline back
    card = views.card().set_index("measure_id")
    assert card.loc["m-emp", "baseline"] == pytest.approx(0.788743)
    html = step10.release_report_html(refresh, "98031")
    assert "New years: 2024" in html and "Share employed" in html


def test_keeping_the_old_baseline_keeps_it():
    decisions = [{"measure_id": "m-emp", "release": "2026", "old": 0.78, "new": 0.7,
                  "decision": "keep", "decided_on": "2026-10-01"}]  # fmt: skip
    kept = step10.effective_measures(MEASURES, decisions)
    assert kept[0]["baseline"]["value"] == 0.788743


# --- sustaining: engagement, funding, documents, the MAP ---------------------------------------


def fill(views):
    views.wins_table.add({"what": HOSTILE, "date": "2026-05-01", "measure_id": "m-jobs",
                          "evidence": "Placements up", "thanks": "City Library"})  # fmt: skip
    views.calendar_table.add({"event": "Mayoral election", "kind": "election",
                              "date": "2027-11-02", "ask": "Keep the coordinator"})  # fmt: skip
    views.engagement_table.add({"activity": "August council", "date": "2026-08-20",
                                "planned_id": "p1", "reached": 25})  # fmt: skip
    views.funding_table.add({"item": "Coordinator", "date": "2026-06-01", "needed": 0,
                             "secured": 40000, "funder": "Foundation", "status": "secured",
                             "contact": {"name": "Grace Hill", "email": SECRET_EMAIL}})  # fmt: skip


def test_engagement_planned_against_happened_and_funding_over_time(session):
    views = SustainMomentum(session, today=TODAY)
    fill(views)
    compared = step10.engagement_compared(views.planned, step10.records(session.plan,
                                          step10.ENGAGEMENT_SECTION), TODAY)  # fmt: skip
    row = compared.iloc[0]
    assert (row["expected"], row["happened"], row["reached"]) == (4, 1, 25)
    money = step10.funding_over_time(
        step10.records(session.plan, step10.RESOURCES_SECTION),
        step10.records(session.plan, step10.FUNDING_SECTION),
    )
    assert money["needed_total"].iloc[-1] == 80000 and money["secured_total"].iloc[-1] == 60000


def test_documents_build_offline_without_private_data(session, tmp_path):
    save(session.plan, "step5.priorities", {"predictors": ["Housing stability"]})
    save(
        session.plan,
        "step7.vision",
        {
            "drafts": [],
            "vote_id": None,
            "adopted": {
                "text": "Together we keep Linden moving",
                "date": "2026-09-01",
                "draft_id": "d1",
            },
        },
    )
    views = SustainMomentum(session, today=TODAY)
    fill(views)
    views.actuals_table.add({"measure_id": "m-jobs", "date": "2026-09-30", "value": 250})
    docs = views.documents()
    assert set(docs) == {"win-brief", "briefing-packet", "funding-case", "annual-report",
                         "scorecard"}  # fmt: skip
    for stem, doc in docs.items():
        files = render(doc, tmp_path / "docs", ("html", "docx"), stem=stem)
        page = files["html"].read_text(encoding="utf-8")
        assert SECRET_EMAIL not in page and "Grace Hill" not in page
        assert "<script>window.__wbInjected" not in page
        assert "http://" not in page.replace("http://www.w3.org", "")
        text = "\n".join(p.text for p in docx.Document(files["docx"]).paragraphs)
        assert SECRET_EMAIL not in text
    wins = (tmp_path / "docs" / "win-brief.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in wins and "City Library" in wins
    packet = (tmp_path / "docs" / "briefing-packet.html").read_text(encoding="utf-8")
    assert "Keep the coordinator" in packet and "On track" in packet
    assert "Where the plan focuses" in packet and "Housing stability" in packet
    assert "Together we keep Linden moving" in packet
    case = (tmp_path / "docs" / "funding-case.html").read_text(encoding="utf-8")
    assert "60,000 dollars secured of 80,000 dollars needed" in case


def test_pdf_of_the_annual_report(session, tmp_path):
    views = SustainMomentum(session, today=TODAY)
    fill(views)
    files = render(views.documents()["annual-report"], tmp_path, ("pdf",), stem="annual")
    assert files["pdf"].read_bytes().startswith(b"%PDF")


def test_map_part_shows_progress_wins_and_funding(session, plan):
    assert step10.map_sustainability(PublicPlan(session.plan, registry.private_paths),
                                     session) == []  # fmt: skip
    views = SustainMomentum(session, today=TODAY)
    fill(views)
    blocks = step10.map_sustainability(PublicPlan(session.plan, registry.private_paths), session)
    assert blocks and all(isinstance(b, Block) for b in blocks)
    text = repr(blocks)
    assert "Early wins" in text and "Funding" in text and SECRET_EMAIL not in text
    tables = [b for b in blocks if isinstance(b, Table)]
    assert any(t.caption == "Progress by measure" for t in tables)


def test_without_step8_measures_the_step_still_runs(tmp_path, monkeypatch):
    from workbook.session import READ_ONLY_ENV, start

    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    session = start(10, "98031", "", str(tmp_path / "empty.sqlite"), str(tmp_path), show=False)
    views = SustainMomentum(session, today=TODAY)
    assert views.actuals_table is None and views.card().empty
    assert "Step 8" in views.actuals().data
    docs = views.documents()
    render(docs["scorecard"], tmp_path, ("html",), stem="scorecard")


def test_the_published_site_gets_a_public_scorecard_page(session, plan, tmp_path):
    from workbook.run import publish

    views = SustainMomentum(session, today=TODAY)
    fill(views)
    views.actuals_table.add({"measure_id": "m-jobs", "date": "2026-09-30", "value": 250})
    site = publish.SitePlan(plan, tmp_path / "site", session.jurisdiction, session.data, None,
                            {}, False)  # fmt: skip
    folder = tmp_path / "staging"
    page = publish.build_scorecard(site, plan, folder, "2026-11-01")
    html = page.read_text(encoding="utf-8")
    assert page.name == "scorecard.html" and "People placed in jobs" in html
    assert "On track" in html and "How the status is decided" in html
    assert SECRET_EMAIL not in html and "Grace Hill" not in html
    assert "<script src=" not in html  # nothing fetched: the page is whole
    result = publish.MapResult({}, 1, "draft", 0, "")
    index = publish.index_html(site, {}, result, "2026-11-01", page.name)
    assert 'href="scorecard.html"' in index and "Progress scorecard" in index


def test_the_example_plan_script_fills_step10_from_the_plans_measures(plan):
    import importlib.util

    from workbook.data.catalog import load_framework
    from workbook.data.sources import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location(
        "make_example_plan", PROJECT_ROOT / "scripts" / "make_example_plan.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    with PlanStore.open(plan, author="test") as store:
        script.fill_step10(store, load_framework())
        actuals = step10.records(store, step10.ACTUALS_SECTION)
        # two values for each measure with a baseline, none for the one without
        assert sorted(a["measure_id"] for a in actuals) == ["m-emp", "m-emp", "m-jobs", "m-jobs"]
        assert len(step10.records(store, step10.WINS_SECTION)) == 2
        assert step10.records(store, step10.ENGAGEMENT_SECTION)[0]["planned_id"] == "p1"
        assert store.get(step10.FUNDING_SECTION).value[0]["contact"]["email"]


# --- the notebook -------------------------------------------------------------------------------


def run_notebook(tmp_path, plan_path, *options, env=None):
    import os
    import subprocess
    import sys

    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "10", "--plan-path",
         str(plan_path), "--output-dir", str(out), *options],
        capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out, (out / "10_sustain_momentum.ipynb").read_text(encoding="utf-8")


def test_the_notebook_runs_on_an_empty_plan(tmp_path):
    out, text = run_notebook(tmp_path, tmp_path / "empty.sqlite", "--jurisdiction", "98031")
    assert "No measures yet." in text and "Step 6 has not planned ongoing engagement" in text
    assert "Only one release of the Mobility Metrics is kept so far" in text
    assert (out / "scorecard.html").exists() and (out / "annual-report.html").exists()


def test_the_notebook_on_a_real_county_with_two_releases(tmp_path, real_dir, monkeypatch):
    """Two releases made from a slice of the real files (California's counties): the second
    revises Los Angeles' 2018 employment share, adds a year and renames a column."""
    home = tmp_path / "home"
    monkeypatch.setenv("WORKBOOK_HOME", str(home))
    ids = {"state": str, "county": str}
    import pandas as pd

    from workbook.data.sources import import_release

    frame = pd.read_csv(real_dir / "county_longitudinal.csv", dtype=ids, low_memory=False)
    frame = frame[frame["state"] == "06"]
    first, second = tmp_path / "r1", tmp_path / "r2"
    first.mkdir()
    second.mkdir()
    frame.to_csv(first / "county_longitudinal.csv", index=False)
    la_2018 = (frame["county"] == "037") & (frame["year"] == 2018)
    changed = frame.copy()
    changed.loc[la_2018, "share_employed"] = changed.loc[la_2018, "share_employed"] - 0.05
    later = changed[changed["year"] == changed["year"].max()].assign(year=changed["year"].max() + 1)
    changed = pd.concat([changed, later]).rename(columns={"share_homeless": "share_homeless_all"})
    changed.to_csv(second / "county_longitudinal.csv", index=False)
    import_release(first, "2025")
    import_release(second, "2026")
    plan = tmp_path / "plan.sqlite"
    with PlanStore.open(plan, author="test") as store:
        baseline = float(frame.loc[la_2018, "share_employed"].iloc[0])
        measures = [dict(MEASURES[0], baseline={**MEASURES[0]["baseline"], "value": baseline}),
                    *MEASURES[1:]]  # fmt: skip
        save(store, "step8.measures", measures)
        save(store, step10.ACTUALS_SECTION, [
            {"id": "a1", "measure_id": "m-jobs", "date": "2026-09-30", "value": 260,
             "source": "Centre", "note": "", "release": None}])  # fmt: skip
    out, text = run_notebook(tmp_path, plan, "--jurisdiction", "06037", "--data-dir",
                             str(real_dir), env={"WORKBOOK_HOME": str(home)})  # fmt: skip
    assert "What changed from release 2025 to 2026" in text
    assert "share_homeless -&gt; share_homeless_all" in text or "share_homeless -> " in text
    assert "Baselines this release revised" in text and "Share employed" in text
    assert "new values from release 2026" in text
    assert "Los Angeles County" in text and "On track" in text
    assert (out / "briefing-packet.html").exists()


def test_in_view_mode_the_documents_are_not_written(plan, tmp_path, monkeypatch):
    from workbook.session import READ_ONLY_ENV, start

    monkeypatch.setenv(READ_ONLY_ENV, "1")
    session = start(10, "98031", "", str(plan), str(tmp_path / "view"), show=False)
    views = SustainMomentum(session, today=TODAY)
    shown = views.write_documents(render)
    assert "written when the notebook runs in edit mode" in shown.data
    assert not list((tmp_path / "view").glob("*.html"))
    assert views.actuals_table.read_only


def test_progress_and_funding_charts():
    from workbook.data.catalog import load_catalog
    from workbook.steps.sustain_momentum.records import scale_of

    actuals = [{"measure_id": "m-jobs", "date": "2026-03-31", "value": 150}]
    card = sc.scorecard(MEASURES, actuals, TODAY)
    card = card.assign(scale=[scale_of(m, load_catalog()) for m in MEASURES])
    spec = step10.progress_chart(card, actuals).to_dict()
    values = [v for d in spec["datasets"].values() for v in d]
    # Each panel names its measure and unit.
    jobs = {(v["kind"], v["date"]) for v in values
            if v["measure"] == "People placed in jobs (people)"}  # fmt: skip
    # the baseline at its own date, the target at the end of its year, each actual
    assert jobs == {("Baseline", "2025-06-30"), ("Actual", "2026-03-31"),
                    ("Target", "2027-12-31")}  # fmt: skip
    # A share of a Mobility Metric is drawn in percent, as the tables show it.
    shares = {v["kind"]: v["value"] for v in values if v["measure"] == "Share employed (%)"}
    assert shares["Target"] == pytest.approx(85.0)
    assert "dashed straight line" in spec["description"]
    empty = step10.progress_chart(card.iloc[0:0], []).to_dict()
    assert "Nothing to show yet" in empty["description"]
    money = step10.funding_over_time([], [])
    assert "No funding recorded yet" in step10.funding_chart(money).to_dict()["description"]


def test_actuals_from_an_excel_file(session, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Measure", "Date", "Value", "Source", "Note"])
    sheet.append(["People placed in jobs", dt.date(2026, 6, 30), 210, "Centre", "Q2"])
    sheet.append(["m-jobs", "2026-09-30", 240, "Centre", "Q3 (by id)"])
    path = tmp_path / "actuals.xlsx"
    book.save(path)
    table = SustainMomentum(session, today=TODAY).actuals_table
    report = table.import_csv(path.read_bytes())
    assert report.ok, report.problems
    saved = sorted((r["date"], r["value"]) for r in table.records())
    assert saved == [("2026-06-30", 210), ("2026-09-30", 240)]


def test_a_later_release_records_revisions_not_repetitions():
    import pandas as pd

    table = pd.DataFrame({"year": [2019, 2020, 2021], "state": "98", "county": "031",
                          "share_employed": [0.80, 0.81, 0.82]})  # fmt: skip
    measures = [MEASURES[0]]
    first = sc.metric_actuals(measures, table, "county", "98031", "2025")
    assert [(a["date"], a["release"]) for a in first] == [
        ("2019-12-31", "2025"), ("2020-12-31", "2025"), ("2021-12-31", "2025")]  # fmt: skip
    table.loc[1, "share_employed"] = 0.79  # 2020 revised
    table.loc[2, "share_employed"] = 0.82001  # 2021 re-rounded only
    later = sc.metric_actuals(measures, table, "county", "98031", "2026", first)
    assert [(a["date"], a["value"], a["release"]) for a in later] == [
        ("2020-12-31", 0.79, "2026")]  # fmt: skip


def test_a_revised_value_is_the_latest_for_its_date():
    m = measure(base=(10, "2024-12-31"), target=(20, 2026))
    actuals = [{"measure_id": "m", "date": "2026-06-30", "value": v, "release": r}
               for v, r in ((19, "2025"), (12, "2026"))]  # fmt: skip
    row = sc.scorecard([m], actuals, TODAY).iloc[0]
    assert row["latest"] == 12 and row["status"] == sc.OFF_TRACK


def test_scorecard_rows_read_as_a_person_writes_them():
    from workbook.data.catalog import load_catalog
    from workbook.steps.sustain_momentum.records import scale_of

    actuals = [{"measure_id": "m-jobs", "date": "2026-09-30", "value": 250}]
    card = sc.scorecard(MEASURES, actuals, TODAY)
    # The share of a Mobility Metric reads as a percentage, other measures in their unit.
    card = card.assign(scale=[scale_of(m, load_catalog()) for m in MEASURES])
    rows = step10.scorecard_rows(card)
    assert rows[0][2:5] == ("78.9% (2018)", "", "85.0% (2030)")
    assert rows[1][2:5] == ("100 (2025)", "250 (30 September 2026)", "300 (2027)")
    assert rows[2][2:5] == ("", "", "")
    gap = {**MEASURES[0], "subgroup": "gap:Black|White"}
    assert scale_of(gap, load_catalog()) == "points"
    assert step10.value_text(-0.052, "points") == "-5.2 percentage points"


def test_the_release_report_escapes_what_the_files_say():
    import pandas as pd

    from workbook.analysis import releases as rel

    changes = pd.DataFrame({
        "change": ["metric_added", "value_revised"], "table": ["county_longitudinal"] * 2,
        "geography": [None, "98031"], "year": [None, 2019], "subgroup": [None, None],
        "variable": ["<script>x</script>", "<b>share</b>"], "old": [None, 1.0], "new": [None, 2.0],
    })  # fmt: skip
    refresh = step10.ReleaseRefresh("2025", "2026", changes, rel.baselines_touched(
        changes, [], "98031"), [])  # fmt: skip
    html = step10.release_report_html(refresh, "98031")
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "<b>share" not in html and "&lt;b&gt;share" in html


# --- the page's headline -----------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "sample_plan.json"
EXAMPLE_TODAY = dt.date(2026, 11, 27)


def words(html: str) -> str:
    """What a reader sees of some HTML: its text, with spaces tidied."""
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([.,;:)])", r"\1", text).strip()


def example_session(tmp_path, monkeypatch):
    from workbook.session import READ_ONLY_ENV, start

    monkeypatch.setenv(READ_ONLY_ENV, "1")  # as dashboards and copies show it
    path = import_plan(EXAMPLE, tmp_path / "example.sqlite")
    return start(10, "98031", "", str(path), str(tmp_path / "out"), show=False)


def test_the_headline_of_an_empty_plan_says_nothing_is_decided(tmp_path, monkeypatch):
    from workbook.session import start

    monkeypatch.setattr(step10, "previous_and_latest_release", lambda: None)
    session = start(10, "98031", "", str(tmp_path / "empty.sqlite"), str(tmp_path), show=False)
    html = SustainMomentum(session, today=TODAY).headline_html()
    assert html.startswith('<div class="wb-headline">')
    text = words(html)
    assert "nothing decided yet" in text and "Step 8 chooses them" in text
    assert not re.search(r"\b0 measures|\b0 of\b|records", text)


def test_the_headline_gives_the_scorecard_in_words_first(tmp_path, monkeypatch):
    monkeypatch.setattr(step10, "previous_and_latest_release", lambda: None)
    session = example_session(tmp_path, monkeypatch)
    text = words(SustainMomentum(session, today=EXAMPLE_TODAY).headline_html())
    assert text.startswith(
        "Linden County, Calderra, on 27 November 2026: 2 of the plan's 17 measures of progress "
        "are on track and 0 behind; 2 are due for a newer value and 13 have no new value since "
        "the baseline yet."
    )
    assert ("Affordable homes per household up to 80% of AMI: 1.463 units per household on "
            "31 December 2025; target 1.532 by 2030 (on track)") in text  # fmt: skip
    assert "2 early wins; the latest on 3 May 2027: Bus route 7 runs every 15 minutes" in text
    assert "one release of the Mobility Metrics is kept so far" in text
    assert "2 November 2027: County board election (our ask: Keep the coalition's" in text
    assert "Funding: 210,000 dollars secured of 380,000 dollars needed." in text
    # the funder's contact is private: never on the page
    assert "Maren Oduya" not in text and "lindenfoundation.example" not in text


def test_the_headline_says_what_the_newest_release_changed(session, tmp_path):
    old, new = two_releases(tmp_path)
    refresh = step10.refresh_from_release(session.plan, "98031", "county", old, new, "2025",
                                          "2026")  # fmt: skip
    public = PublicPlan(session.plan, registry.private_paths)
    text = words(step10.headline_html(public, session, TODAY, refresh))
    assert "Newest data release: 2026 (against 2025):" in text
    assert "1 baseline of the plan revised, waiting for the coalition's decision" in text
    assert f"{len(refresh.actuals)} new values for the measures linked to a metric" in text


def test_the_headline_escapes_what_people_typed(session, monkeypatch):
    monkeypatch.setattr(step10, "previous_and_latest_release", lambda: None)
    views = SustainMomentum(session, today=TODAY)
    views.wins().add({"what": HOSTILE, "date": "2026-10-01"})
    views.calendar().add({"event": HOSTILE, "kind": "election", "date": "2027-11-02",
                          "ask": HOSTILE})  # fmt: skip
    contact = {"name": "Gina", "email": SECRET_EMAIL}
    views.funding().add({"item": "Coordinator", "date": "2026-02-01", "needed": 10,
                         "secured": 5, "contact": contact})  # fmt: skip
    html = views.headline_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert SECRET_EMAIL not in html and "Gina" not in html
    assert "&lt;script&gt;window.__wbInjected = 1&lt;/script&gt; &amp; Co" in html


def test_the_notebook_opens_with_the_headline():
    notebook = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks"
                             / "10_sustain_momentum.ipynb", as_version=4)  # fmt: skip
    sources = [c.source.strip() for c in notebook.cells]
    setup = next(i for i, s in enumerate(sources) if "start(10," in s)
    heading = next(i for i, s in enumerate(sources) if s.startswith("## "))
    assert sources[setup + 1] == "sustain.headline()" and setup + 1 < heading
    # how-to text is for editing only: a dashboard leaves it out
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and "import a CSV" in cell.source:
            assert "workbook-editing" in cell.metadata.get("tags", [])
