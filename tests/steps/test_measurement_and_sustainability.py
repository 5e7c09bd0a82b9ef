"""Step 8: measures of the approved logic model, baselines equal to the data, targets, checks."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import docx
import nbformat
import pandas as pd
import pypdf
import pytest

from workbook.analysis import measures as ms
from workbook.data.catalog import load_catalog
from workbook.display.document import Figure, Paragraph, Table
from workbook.forms import RecordError
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import start
from workbook.steps import measurement_and_sustainability as step8
from workbook.steps import registry

CATALOG = load_catalog()
SECT_PR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"
HOSTILE = "<script>window.__wbInjected = 1</script>"
EMAIL = "rosa.private@example.org"
TEAM = [
    {"id": "t1", "role": "data", "person": {"name": "Rosa Diaz", "organisation": "County data "
     "office", "email": EMAIL, "phone": "555-0101"}},
]  # fmt: skip
STAKEHOLDERS = [
    {"id": "s1", "organisation": "Linden Housing Trust", "status": "accepted",
     "contact": {"name": "Hidden Person", "email": "hidden@example.org"}},
    {"id": "s2", "organisation": "Old Partner Inc", "status": "declined"},
]  # fmt: skip
MODEL = {
    "inputs": [{"id": "in1", "name": "Staff time for outreach", "stakeholders": ["s1"]}],
    "activities": [{"id": "ac1", "name": "Door-to-door outreach", "population": "renters",
                    "stakeholders": [], "conditions": []}],
    "outputs": [{"id": "out1", "name": "Households reached"}],
    "outcomes": [
        {"id": "oc1", "name": "Fewer people live in high-poverty neighbourhoods",
         "term": "long", "pillars": ["neighborhoods"], "predictors": [],
         "metrics": ["share_poverty_exposure"], "local_measures": []},
        {"id": "oc2", "name": "Fewer deaths from injury", "term": "long", "pillars": [],
         "predictors": [], "metrics": ["rate_injury_death"], "local_measures": ["d1/m1"]},
    ],
}  # fmt: skip
APPROVAL = {"versions": [
    {"number": 1, "hash": "a", "status": "superseded", "snapshot": {"logic_model": {"outputs": [
        {"id": "old", "name": "An old output"}]}}},
    {"number": 2, "hash": "b", "status": "approved", "approved_on": "2027-01-10",
     "snapshot": {"vision": None, "toc": None, "logic_model": MODEL}},
    {"number": 3, "hash": "c", "status": "in_review", "snapshot": {"logic_model": {}}},
]}  # fmt: skip


def upstream(path) -> PlanStore:
    """A plan with Step 4's people and Step 7's approved model, saved as the contracts say."""
    store = PlanStore.open(path, author="Test")
    store.save("step4.team", TEAM, 0, private=registry.private_paths("step4.team"))
    store.save(
        "step4.stakeholders", STAKEHOLDERS, 0, private=registry.private_paths("step4.stakeholders")
    )
    store.save("step7.approval", APPROVAL, 0)
    return store


@pytest.fixture
def plan(tmp_path):
    store = upstream(tmp_path / "plan.sqlite")
    yield store
    store.close()


@pytest.fixture
def session(tmp_path, monkeypatch, plan):
    monkeypatch.delenv("WORKBOOK_READ_ONLY", raising=False)
    made = start(8, "98031", plan_path=str(plan.path), output_dir=str(tmp_path / "out"),
                 show=False)  # fmt: skip
    yield made
    made.plan.close()


def table_of(store: PlanStore):
    model = step8.logic_model(store)
    return step8.measures_table(store, ms.elements(model), step8.owner_choices(store), CATALOG)


# --- the approved logic model and the proposals ------------------------------------------


def test_the_latest_approved_version_is_read_not_one_in_review():
    assert ms.approved_logic_model(APPROVAL) == MODEL
    assert ms.approved_logic_model({"versions": [{"number": 1, "status": "in_review"}]}) is None
    assert ms.approved_logic_model(None) is None


def test_every_input_output_and_outcome_gets_a_measure_from_the_catalog():
    proposals = ms.propose(MODEL, CATALOG)
    by_element = {}
    for p in proposals:
        by_element.setdefault(p["element"]["id"], []).append(p)
    assert set(by_element) == {"in1", "out1", "oc1", "oc2"}  # activities are not required
    poverty = by_element["oc1"][0]
    metric = CATALOG["share_poverty_exposure"]
    assert (poverty["name"], poverty["unit"], poverty["direction"]) == (
        metric.name,
        metric.unit,
        "lower",
    )
    assert poverty["rba"] == "better_off" and poverty["metric"] == "share_poverty_exposure"
    assert {p["local_measure"] for p in by_element["oc2"]} == {None, "d1/m1"}
    assert by_element["in1"][0]["rba"] == "how_much"
    # Proposing again over what is saved adds nothing.
    assert ms.propose(MODEL, CATALOG, proposals) == []


def test_proposals_are_saved_with_baselines_from_the_data(session):
    table = table_of(session.plan)
    added = step8.add_proposals(table, session, collect_by="2027-06-30")
    assert len(added) == 7  # five from the model, two gaps between groups for its metrics
    records = {r["name"]: r for r in table.records()}
    gaps = [r for r in records.values() if ms.is_gap(r["subgroup"])]
    assert {g["metric"] for g in gaps} == {"share_poverty_exposure", "rate_injury_death"}
    for gap in gaps:
        assert gap["direction"] == "lower" and gap["name"].endswith(
            ms.subgroup_label(gap["subgroup"])
        )
        rows = ms.history(session.data, session.jurisdiction, gap["metric"], gap["subgroup"])
        assert gap["baseline"]["value"] == pytest.approx(rows["value"].iloc[-1])
    poverty = records[CATALOG["share_poverty_exposure"].name]
    rows = ms.history(session.data, session.jurisdiction, "share_poverty_exposure")
    assert poverty["baseline"]["year"] == int(rows["year"].max())
    staff = records["Resources in place for Staff time for outreach"]
    assert staff["baseline"]["collect_by"] == "2027-06-30" and staff["baseline"]["value"] is None
    assert ms.baseline_text(staff["baseline"]) == "No baseline yet: collect by 2027-06-30"


# --- baselines equal the data ------------------------------------------------------------


def test_baselines_equal_the_published_values_for_los_angeles(real):
    place = real.find("06037")
    frame = real.table("county_longitudinal")
    own = frame[(frame["state"] + frame["county"]) == "06037"]
    for variable in ("rate_injury_death", "share_debt_coll", "pctl_income_20"):
        metric = CATALOG[variable]
        published = own.dropna(subset=[variable]).sort_values("year").iloc[-1]
        result = ms.baseline_from(ms.history(real, place, variable), metric.source)
        base = result.baseline
        assert base["year"] == int(published["year"]), variable
        assert base["value"] == pytest.approx(float(published[variable])), variable
        assert base["quality"] == published[metric.quality_variable], variable
        for key, column in (("low", metric.lower_bound), ("high", metric.upper_bound)):
            expected = published[column] if column else None
            if expected is None or pd.isna(expected):
                assert base[key] is None, (variable, key)
            else:
                assert base[key] == pytest.approx(float(expected)), (variable, key)
    injury = ms.baseline_from(ms.history(real, place, "rate_injury_death")).baseline
    assert (injury["value"], injury["year"], injury["low"], injury["high"]) == (
        pytest.approx(56.9),
        2023,
        pytest.approx(56.2),
        pytest.approx(57.5),
    )


def test_baselines_by_group_and_for_a_gap_between_groups(sample):
    place = sample.find("98031")
    groups = ms.groups_of(sample, place, "share_poverty_exposure")
    assert "Black" in groups and "White, Non-Hispanic" in groups
    race = sample.table("county_race_ethnicity")
    own = race[(race["state"] + race["county"]) == "98031"]
    black = own[own["subgroup"] == "Black"].dropna(subset=["share_poverty_exposure"])
    latest = black.sort_values("year").iloc[-1]
    base = ms.baseline_from(ms.history(sample, place, "share_poverty_exposure", "Black")).baseline
    assert (base["year"], base["value"]) == (
        int(latest["year"]),
        pytest.approx(latest["share_poverty_exposure"]),
    )
    gap = "gap:Black|White, Non-Hispanic"
    white = own[own["subgroup"] == "White, Non-Hispanic"].set_index("year")
    gap_base = ms.baseline_from(ms.history(sample, place, "share_poverty_exposure", gap)).baseline
    expected = abs(
        latest["share_poverty_exposure"] - white.loc[latest["year"], "share_poverty_exposure"]
    )
    assert gap_base["value"] == pytest.approx(expected) and gap_base["low"] is None
    assert ms.subgroup_label(gap) == "gap between Black and White, Non-Hispanic"


def history_frame(values, suppressed=(), quality="Strong"):
    return pd.DataFrame({
        "year": list(values), "value": [v if y not in suppressed else math.nan
                                        for y, v in values.items()],
        "low": math.nan, "high": math.nan, "quality": quality,
        "suppressed": [y in suppressed for y in values],
    })  # fmt: skip


def test_a_suppressed_value_is_never_a_baseline(sample):
    rows = history_frame({2020: 0.30, 2021: 0.31, 2022: 0.0}, suppressed={2022})
    result = ms.baseline_from(rows)
    assert result.baseline["year"] == 2021 and result.baseline["value"] == 0.31
    assert "2022 value was withheld (suppressed) and is not a baseline" in result.note
    nothing = ms.baseline_from(
        history_frame({2022: 0.0}, suppressed={2022}), collect_by="2027-03-01"
    )
    assert nothing.baseline is None
    assert nothing.note.startswith("No baseline yet: collect by 2027-03-01")
    assert "withheld value is not a baseline" in nothing.note
    # In the sample, Urban-style: a quality flag without a value is marked suppressed.
    rows = ms.history(sample, sample.find("98045"), "share_debt_coll")
    assert rows.set_index("year").loc[2022, "suppressed"]


def test_a_weak_baseline_is_flagged():
    result = ms.baseline_from(history_frame({2021: 0.2, 2022: 0.25}, quality="Weak"))
    assert "Weak" in result.note
    measure = {"element": {"kind": "outcome", "id": "oc1"}, "owners": ["t1"],
               "baseline": result.baseline, "direction": "lower"}  # fmt: skip
    assert "The baseline's data quality is Weak." in ms.flags(
        measure, ms.elements(MODEL), STAKEHOLDERS, TEAM
    )


# --- the baseline forecast -----------------------------------------------------------------


def test_forecast_is_a_least_squares_line_with_a_prediction_band():
    rows = history_frame({2018: 1.0, 2019: 2.1, 2020: 2.9, 2021: 4.2, 2022: 4.8})
    fc = ms.forecast(rows, 2025)
    slope, intercept = pd.Series([1.0, 2.1, 2.9, 4.2, 4.8]).pipe(
        lambda y: __import__("numpy").polyfit([2018, 2019, 2020, 2021, 2022], y, 1)
    )
    assert fc.slope == pytest.approx(slope)
    end = fc.rows.set_index("year").loc[2025]
    assert end["fit"] == pytest.approx(intercept + slope * 2025)
    assert end["low"] < end["fit"] < end["high"]
    assert list(fc.rows["year"]) == [2022, 2023, 2024, 2025]
    width = (fc.rows["high"] - fc.rows["low"]).to_list()
    assert width == sorted(width)  # the band widens with distance


def test_too_few_years_is_said_plainly():
    fc = ms.forecast(history_frame({2022: 1.0, 2023: 2.0}), 2030)
    assert not fc.possible
    assert (
        fc.note == "Too few years for a forecast: 2 published values, and a trend needs at least 3."
    )


# --- bad input ------------------------------------------------------------------------------


def measure(**extra):
    values = {"name": "Injury deaths", "element": {"kind": "outcome", "id": "oc2"},
              "rba": "better_off", "direction": "lower", "metric": "rate_injury_death",
              "owners": ["t1"], "frequency": "annual",
              "baseline": {"value": 80.0, "year": 2022}}  # fmt: skip
    return {**values, **extra}


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"target": {"value": 70, "year": 2020}},
         "The target year 2020 is before the baseline year 2022"),
        ({"target": {"value": "much lower", "year": 2030}}, "'much lower' is not a number"),
        ({"direction": "neither", "target": {"value": 70, "year": 2030}},
         "no better direction, so no target"),
    ],
)  # fmt: skip
def test_bad_targets_are_refused_and_nothing_saved_is_lost(plan, extra, says):
    table = table_of(plan)
    kept = table.add(measure(name="Kept"))
    with pytest.raises(RecordError) as caught:
        table.add(measure(**extra))
    assert "target" in caught.value.errors and says in caught.value.errors["target"]
    with pytest.raises(RecordError):
        table.update(kept, extra)
    assert [r["name"] for r in table.records()] == ["Kept"]
    assert table.get(kept).get("target") is None


def test_a_target_that_moves_the_wrong_way_is_flagged_not_refused(plan):
    table = table_of(plan)
    table.add(measure(target={"value": 90, "year": 2030}))
    saved = table.records()[0]
    assert ms.wrong_way(saved)
    flags = ms.flags(saved, ms.elements(MODEL), STAKEHOLDERS, TEAM)
    assert any("moves the wrong way" in f for f in flags)


def test_an_owner_who_left_and_a_deleted_element_are_flagged(plan):
    table = table_of(plan)
    table.add(measure(owners=["s2", "gone1"], element={"kind": "output", "id": "deleted"}))
    flags = ms.flags(table.records()[0], ms.elements(MODEL), STAKEHOLDERS, TEAM)
    assert any("Old Partner Inc has not accepted or has left" in f for f in flags)
    assert any("Owner 'gone1' is no longer in the coalition" in f for f in flags)
    assert any("no longer in the approved model (output 'deleted')" in f for f in flags)
    assert ms.flags(measure(), ms.elements(MODEL), STAKEHOLDERS, TEAM) == []
    rows = step8.document.measure_rows(
        table.records(), ms.elements(MODEL), {i: n for n, i in step8.owner_choices(plan)}
    )
    assert rows[0][1] == "(element removed)"
    assert rows[0][7] == "(no longer in the coalition); (no longer in the coalition)"


def test_a_gap_must_name_two_groups(plan):
    with pytest.raises(RecordError) as caught:
        table_of(plan).add(measure(subgroup="gap:Black"))
    assert "gap:<group a>|<group b>" in caught.value.errors["subgroup"]


# --- export ---------------------------------------------------------------------------------


def test_export_is_one_flat_row_per_measure_without_contact_details(plan, tmp_path):
    table = table_of(plan)
    table.add(measure(name="=HYPERLINK(\"http://x\")", owners=["t1", "s1"],
                      target={"value": 70, "year": 2030}, headline=True))  # fmt: skip
    names = ms.owner_names(STAKEHOLDERS, TEAM)
    frame = ms.export_frame(table.records(public=True), ms.elements(MODEL), names)
    paths = step8.export_measures(frame, tmp_path / "export")
    csv = pd.read_csv(paths[0])
    xlsx = pd.read_excel(paths[1])
    for loaded in (csv, xlsx):
        assert list(loaded.columns) == ms.EXPORT_COLUMNS and len(loaded) == 1
        row = loaded.iloc[0]
        assert row["element"] == "Fewer deaths from injury" and row["target_year"] == 2030
        # Organisations and roles, never a person's name (the file leaves the coalition).
        assert row["owners"] == "County data office (data); Linden Housing Trust"
        assert row["rba_category"] == "Is anyone better off?" and row["baseline_value"] == 80
        assert not str(row["name"]).startswith("=")
    text = paths[0].read_text(encoding="utf-8")
    assert "Rosa Diaz" not in text
    # The coalition's own editing view names the team member.
    assert ms.owner_names(STAKEHOLDERS, TEAM, people=True)["t1"].startswith("Rosa Diaz, ")
    assert EMAIL not in text and "Hidden Person" not in text


# --- the MAP ------------------------------------------------------------------------------


def fill(store: PlanStore) -> None:
    table = table_of(store)
    table.add(measure(headline=True, target={"value": 50, "year": 2030},
                      reported_to=f"Board {HOSTILE}"))  # fmt: skip
    form = step8.reporting_form(store)
    for name, value in {"cadence": "quarterly", "first_report": "2027-03-01",
                        "scorecard": "A public scorecard online.", "chain": "Owners to the board.",
                        "off_track": "The board meets within a month."}.items():  # fmt: skip
        form.set_value(name, value)
    assert form.save(), form.validate()
    form = step8.sustainability_form(store)
    for key, _, _ in step8.choices.BLOCKS:
        form.set_value(f"{key}_rating", 3)
        form.set_value(f"{key}_evidence", f"Evidence for {key}.")
        form.set_value(f"{key}_actors", "Linden Housing Trust")
    assert form.save(), form.validate()
    step8.resources_table(store).add(
        {
            "item": "Data analyst",
            "needed": 90000,
            "secured": 30000,
            "source": "County budget",
            "status": "requested",
        }
    )
    step8.community_table(store, step8.owner_choices(store)).add(
        {"event": "Library open house", "date": "2027-02-10", "owners": ["s1"]}
    )
    step8.learning_table(store, step8.owner_choices(store)).add(
        {"question": "Did outreach reach renters?", "method": "Survey", "data_sharing": True,
         "agreement_with": "Housing authority"})  # fmt: skip


def test_map_parts_from_the_plan(plan, session, tmp_path):
    view = PublicPlan(plan, registry.private_paths)
    assert step8.map_measurement_plan(view, session) == []
    assert step8.map_sustainability(view, session) == []
    fill(plan)
    blocks = step8.map_measurement_plan(view, session)
    assert isinstance(blocks[0], Paragraph) and blocks[0].lead
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.wide and table.header == step8.choices.HEADER  # landscape in PDF and DOCX
    assert table.rows[0][1] == "Outcome: Fewer deaths from injury"
    assert table.rows[0][6] == "50 by 2030"
    assert table.rows[0][7] == "County data office (data)"  # the MAP names no person
    assert any(isinstance(b, Figure) and "Turn the curve" in b.caption for b in blocks)
    assert any(isinstance(b, Table) and b.caption.startswith("Reporting calendar") for b in blocks)
    sustain = step8.map_sustainability(view, session)
    assert sustain[0].lead
    blocks_table = next(b for b in sustain if isinstance(b, Table))
    assert [r[0] for r in blocks_table.rows] == [n for _, n, _ in step8.choices.BLOCKS]
    assert blocks_table.rows[0][1] == "3. In place, fragile"
    assert any(isinstance(b, Figure) and "needed and secured" in b.caption for b in sustain)
    text = str(blocks + sustain)
    assert EMAIL not in text and "Hidden Person" not in text and "555-0101" not in text


# --- the notebook, end to end ------------------------------------------------------------


def run_step8(tmp_path, plan_path, *extra, env=None):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", "8", "--plan-path",
         str(plan_path), "--output-dir", str(out), *extra],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def shown(notebook) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


NOTEBOOK = "08_measurement_and_sustainability.ipynb"


def test_step8_on_an_empty_plan(tmp_path):
    out = run_step8(tmp_path, tmp_path / "new" / "plan.sqlite")
    text = shown(out / NOTEBOOK)
    assert "There is no approved logic model yet" in text and "No measures yet." in text
    assert "The reporting calendar appears once the date of the first report" in text
    page = (out / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert "Synthetic sample" in page


def test_step8_on_a_plan_with_measures_in_edit_and_view_mode(tmp_path):
    path = tmp_path / "plan.sqlite"
    with upstream(path) as store:
        fill(store)
    out = run_step8(tmp_path, path)
    text = shown(out / NOTEBOOK)
    assert "Turn the curve: Injury deaths" in text and "Resources needed and secured" in text
    assert (out / "step8_measures.csv").exists() and (out / "step8_measures.xlsx").exists()
    page = (out / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    for source in (page, text):
        assert EMAIL not in source and "Hidden Person" not in source
    assert "window.__wbInjected = 1</script>" not in page
    before = path.read_bytes()
    viewed = run_step8(tmp_path / "view", path, env={**os.environ, "WORKBOOK_READ_ONLY": "1"})
    assert path.read_bytes() == before and not (viewed / "step8_measures.csv").exists()
    assert EMAIL not in shown(viewed / NOTEBOOK)


def test_step8_on_los_angeles_with_the_real_data(tmp_path, real_dir):
    path = tmp_path / "plan.sqlite"
    upstream(path).close()
    out = run_step8(tmp_path, path, "--jurisdiction", "06037", "--data-dir", str(real_dir))
    text = shown(out / NOTEBOOK)
    assert "Los Angeles County" in text and "suggests 5 more measures not in the plan yet" in text


def test_the_measurement_table_prints_on_landscape_pages(tmp_path):
    path = tmp_path / "plan.sqlite"
    with upstream(path) as store:
        fill(store)
    out = tmp_path / "map"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "map", "--plan-path", str(path), "--output-dir",
         str(out), "--format", "docx,pdf"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    word = docx.Document(str(out / "map.docx"))
    body = list(word.element.body.iterchildren())
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Measure")
    at = body.index(table._tbl)
    # The section holding the table is the first one whose properties follow it.
    ends = [i for i, e in enumerate(body) if e.tag.endswith("}p") and e.find(".//" + SECT_PR)
            is not None]  # fmt: skip
    holder = sum(1 for i in ends if i < at)
    section = word.sections[holder]
    assert section.page_width > section.page_height
    reader = pypdf.PdfReader(str(out / "map.pdf"))
    pages = [p for p in reader.pages if "Reported to" in p.extract_text()]
    assert pages and all(p.mediabox.width > p.mediabox.height for p in pages)


def test_saved_measures_have_the_contract_shape(plan):
    table = table_of(plan)
    table.add(
        {
            "name": "Renters reached",
            "element": {"kind": "output", "id": "out1"},
            "rba": "how_much",
            "direction": "higher",
            "local_measure": "d1/m1",
            "baseline": {"value": "12", "date": "2026-09-01", "source": "Tenant survey"},
        }
    )
    saved = table.records()[0]
    contract = {"id", "element", "name", "unit", "direction", "metric", "local_measure",
                "subgroup", "rba", "source", "owners", "frequency", "reported_to",
                "baseline", "target", "headline"}  # fmt: skip
    assert contract <= set(saved)
    assert saved["element"] == {"kind": "output", "id": "out1"} and saved["owners"] == []
    assert saved["baseline"]["value"] == 12 and saved["baseline"]["source"] == "Tenant survey"
    assert set(saved["baseline"]) == {"value", "year", "low", "high", "quality", "source",
                                      "date", "collect_by"}  # fmt: skip
    assert ms.baseline_text(saved["baseline"]) == "12 (2026)"


def test_shares_read_as_percentages_and_gaps_in_points():
    share = {"metric": "share_poverty_exposure"}
    assert ms.is_share(share, CATALOG) and not ms.is_share({"metric": "rate_injury_death"}, CATALOG)
    assert ms.baseline_text({"value": 0.2644, "year": 2023}, share=True) == "26.4% (2023)"
    assert ms.number_text(0.0345, share=True, gap=True) == "3.5 percentage points"
    assert ms.baseline_text({"value": 82.2, "year": 2023}) == "82.2 (2023)"


def test_a_typed_baseline_date_sets_the_earliest_target_year():
    local = {"direction": "higher", "baseline": {"value": 12, "date": "2026-09-01"},
             "target": {"value": 20, "year": 2025}}  # fmt: skip
    assert "before the baseline year 2026" in ms.target_problems(local)["target"]
    assert ms.target_problems({**local, "target": {"value": 20, "year": 2028}}) == {}


LOCAL_DATA = [{"id": "d1", "name": "Tenant survey", "source_id": "src1", "geography": "county",
               "file_name": "survey.csv", "imported_on": "2026-12-01", "rows": 4,
               "measures": [{"id": "m1", "name": "Renters behind on rent", "unit": "share",
                             "direction": "lower", "quality": "Marginal", "notes": "",
                             "predictor": None, "metric": None}]}]  # fmt: skip
LOCAL_ROWS = pd.DataFrame({
    "place": ["98031"] * 4, "year": [2022, 2023, 2024, 2025], "measure": ["m1"] * 4,
    "subgroup": [None] * 4, "value": [0.21, 0.19, 0.18, None], "moe": [0.02] * 4,
    "suppressed": [False, False, False, True],
})  # fmt: skip


def test_local_measures_are_described_and_based_on_step5_data(session, monkeypatch):
    session.plan.save("step5.local_data", LOCAL_DATA, 0)
    monkeypatch.setattr(step8.views, "local_values", lambda plan, dataset: LOCAL_ROWS)
    proposals = ms.propose(MODEL, CATALOG, local_data=LOCAL_DATA)
    local = next(p for p in proposals if p["local_measure"] == "d1/m1")
    assert (local["name"], local["unit"], local["direction"], local["source"]) == (
        "Renters behind on rent",
        "share",
        "lower",
        "Tenant survey",
    )
    result = step8.data_baseline(session, local)
    assert result.baseline["year"] == 2024 and result.baseline["value"] == 0.18
    assert (
        result.baseline["low"] == pytest.approx(0.16) and result.baseline["quality"] == "Marginal"
    )
    assert "2025 value was withheld (suppressed)" in result.note
    assert ms.forecast(ms.local_history(LOCAL_ROWS, "m1"), 2030).possible
