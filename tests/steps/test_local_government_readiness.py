"""Step 3: the readiness statistics and rule, the forms, the survey import, the notebook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.display.test_export import external_references
from workbook.data.catalog import load_framework
from workbook.forms import RecordError
from workbook.forms.messages import plain
from workbook.plan.store import PlanStore, import_plan
from workbook.session import READ_ONLY_ENV, start
from workbook.steps import local_government_readiness as readiness
from workbook.steps.local_government_readiness import (
    ACTIONS_SECTION,
    RESPONSES_SECTION,
    ReadinessReview,
    condition_stats,
    judge,
)

EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"
TEMPLATE = ROOT / "data" / "templates" / readiness.TEMPLATE_NAME
FRAMEWORK = load_framework()
CONDITIONS = readiness.conditions_of(FRAMEWORK)
IDS = [c["id"] for c in CONDITIONS]


def three(**ratings):
    """Three respondents; each keyword gives one condition's three ratings."""
    return [
        {"role": f"R{n}", **{k: v[n] for k, v in ratings.items() if v[n] is not None}}
        for n in range(3)
    ]


def every(rating_triple):
    """Three respondents who rate every condition the same way."""
    return three(**{i: rating_triple for i in IDS})


def row(stats, condition):
    """One condition's statistics, as attributes."""
    return SimpleNamespace(**stats.set_index("condition").loc[condition].to_dict())


# --- statistics -----------------------------------------------------------------------


def test_median_spread_and_answers_per_condition():
    records = three(leadership_commitment=(4, 2, 3), data_skills=(1, None, 2))
    stats = condition_stats(records, CONDITIONS)
    assert list(stats["condition"]) == IDS  # framework order, every condition
    lead = row(stats, "leadership_commitment")
    assert (lead.answered, lead.median, lead.lowest, lead.highest, lead.spread) == (3, 3, 2, 4, 2)
    data = row(stats, "data_skills")
    assert (data.answered, data.median, data.spread) == (2, 1.5, 1)
    assert data.weak and not data.contested and data.judgement == "weak"
    none = row(stats, "ongoing_learning")
    assert none.answered == 0 and pd.isna(none.median) and none.judgement == "too few answers"


def test_values_off_the_scale_are_not_counted():
    records = [
        {"leadership_commitment": 7},
        {"leadership_commitment": True},
        {"leadership_commitment": "3"},
        {"leadership_commitment": 3},
    ]
    lead = row(condition_stats(records, CONDITIONS), "leadership_commitment")
    assert lead.answered == 1 and lead.judgement == "too few answers"


@pytest.mark.parametrize(
    ("ratings", "weak", "contested", "judgement"),
    [
        ((2, 3), False, False, "in place"),  # median 2.5 is on the line, not below it
        ((2, 2, 3), True, False, "weak"),
        ((1, 2, 4), True, True, "weak"),  # weak wins, contested still flagged
        ((2, 4, 3), False, True, "contested"),
        ((3, 4, 4), False, False, "in place"),
        ((1,), False, False, "too few answers"),
    ],
)
def test_weak_and_contested_thresholds(ratings, weak, contested, judgement):
    records = [{"staff_buy_in": r} for r in ratings]
    got = row(condition_stats(records, CONDITIONS), "staff_buy_in")
    assert (bool(got.weak), bool(got.contested), got.judgement) == (weak, contested, judgement)


# --- the overall rule -----------------------------------------------------------------


def test_no_ratings_is_not_assessed():
    assert judge(condition_stats([], CONDITIONS)).level == "not_assessed"
    one_each = [{i: 4 for i in IDS}]  # a single respondent: no condition has 2 ratings
    assert judge(condition_stats(one_each, CONDITIONS)).level == "not_assessed"


def test_ready_allows_one_contested_condition():
    records = every((3, 4, 3))
    assert judge(condition_stats(records, CONDITIONS)).level == "ready"
    records = every((3, 4, 3))
    for r, value in zip(records, (2, 4, 3), strict=True):
        r["data_skills"] = value
    result = judge(condition_stats(records, CONDITIONS))
    assert result.level == "ready" and "Contested (1): Data skills." in result.reasons


def test_two_contested_or_one_weak_is_ready_with_gaps():
    records = every((3, 3, 3))
    for r, value in zip(records, (2, 4, 3), strict=True):
        r["data_skills"] = r["staff_buy_in"] = value
    assert judge(condition_stats(records, CONDITIONS)).level == "ready_with_gaps"
    records = every((3, 3, 3))
    for r in records:
        r["engagement_resources"] = 2
    result = judge(condition_stats(records, CONDITIONS))
    assert result.level == "ready_with_gaps"
    assert result.reasons == ["Weak (1): Resources for community engagement."]


def test_three_weak_conditions_or_weak_leadership_is_not_ready():
    records = every((3, 3, 3))
    for r in records:
        r["data_skills"] = r["staff_buy_in"] = r["engagement_resources"] = 1
    assert judge(condition_stats(records, CONDITIONS)).level == "not_ready"
    records = every((3, 3, 3))
    for r in records:
        r["leadership_commitment"] = 2
    result = judge(condition_stats(records, CONDITIONS))
    assert result.level == "not_ready" and result.reasons[0].startswith("Leadership commitment")


def test_missing_ratings_make_it_not_fully_assessed_unless_clearly_not_ready():
    records = every((4, 4, 4))
    for r in records[1:]:
        del r["data_skills"]
    result = judge(condition_stats(records, CONDITIONS))
    assert result.level == "incomplete" and "Data skills" in result.reasons[-1]
    for r in records:
        r["leadership_commitment"] = 1
    assert judge(condition_stats(records, CONDITIONS)).level == "not_ready"


def test_the_rule_in_words_names_the_thresholds():
    terms, outcomes = readiness.rule_lines()
    text = " ".join(terms + outcomes)
    assert f"below {readiness.WEAK_BELOW:g}" in text and "leadership" in text
    assert [o.split(":")[0] for o in outcomes] == [
        readiness.OUTCOMES[level][0]
        for level in ("not_assessed", "not_ready", "incomplete", "ready", "ready_with_gaps")
    ]


# --- forms ----------------------------------------------------------------------------


@pytest.fixture
def session(edit_session):
    return edit_session(3)


def test_a_response_typed_into_the_form_is_saved_and_summarised(session):
    review = ReadinessReview(session)
    table = review.responses()
    table.controls["respondent"].inputs["value"].value = "Lee Private"
    table.controls["role"].inputs["value"].value = "Housing department"
    table.controls["leadership_commitment"].inputs["value"].value = 2
    table.controls["evidence_leadership_commitment"].inputs["value"].value = "No budget line"
    # The other conditions are blank: the first Save names them, the second keeps them blank.
    assert not table.save_editor()
    assert "8 conditions are not rated" in table.message_text
    assert session.plan.get(RESPONSES_SECTION).value is None
    assert table.save_editor(), table.message_text
    saved = session.plan.get(RESPONSES_SECTION).value
    assert saved[0]["leadership_commitment"] == 2 and saved[0]["respondent"] == "Lee Private"
    assert "Lee Private" not in table.table_html()  # names stay private in every view
    assert "Housing department" in review.evidence_html()
    table.add({"role": "Parks", "leadership_commitment": 1})
    assert row(review.stats(), "leadership_commitment").judgement == "weak"


def test_each_rating_sits_beside_its_evidence_and_blank_ones_are_named_before_saving(session):
    table = ReadinessReview(session).responses()
    grid = table.fieldset.box.children[1]
    conditions = CONDITIONS
    # One row per condition: the rating, then its evidence, in two columns.
    assert len(grid.children) == 2 * len(conditions)
    assert "minmax" in grid.layout.grid_template_columns
    first = conditions[0]["id"]
    assert grid.children[0] is table.controls[first].box
    assert grid.children[1] is table.controls[f"evidence_{first}"].box
    names = [readiness.short_name(c) for c in conditions]
    assert all(name in plain(table.unrated_note.value) for name in names)
    table.controls["role"].inputs["value"].value = "Parks"
    for condition in conditions[:-1]:
        table.controls[condition["id"]].inputs["value"].value = 3
    note = plain(table.unrated_note.value)
    assert names[-1] in note and names[0] not in note and f"1 of {len(conditions)}" in note
    assert not table.save_editor() and names[-1] in table.message_text
    # Rating the last one saves at the first press.
    table.controls[conditions[-1]["id"]].inputs["value"].value = 4
    assert table.unrated_note.value == ""
    assert table.save_editor(), table.message_text
    assert len(session.plan.get(RESPONSES_SECTION).value) == 1


def test_bad_input_is_refused_with_a_message_and_nothing_is_lost(session):
    table = ReadinessReview(session).responses()
    table.controls["evidence_data_skills"].inputs["value"].value = "x" * 1001
    table.controls["data_skills"].inputs["value"].value = 3
    assert not table.save_editor()
    assert table.controls["role"].error_text == "Please fill this in."
    assert table.controls["evidence_data_skills"].error_text.startswith("Too long: 1001")
    assert "fix the fields in red" in table.message_text
    assert session.plan.get(RESPONSES_SECTION).value is None
    # What was typed is still there to fix.
    assert table.controls["data_skills"].inputs["value"].value == 3
    with pytest.raises(RecordError, match="role"):
        table.add({"data_skills": 3})


def test_typed_html_is_shown_as_text(session):
    review = ReadinessReview(session)
    hostile = "<script>alert(1)</script>"
    review.responses().add(
        {"role": hostile, "culture_for_change": 2, "evidence_culture_for_change": hostile}
    )
    review.responses().add({"role": "B", "culture_for_change": 2})
    for html in (
        review.responses().table_html(),
        review.evidence_html(),
        review.responses().static_html(),
    ):
        assert "<script>" not in html and "&lt;script&gt;" in html
    review.actions().add(
        {"condition": "culture_for_change", "action": hostile, "due": "2027-01-31",
         "status": "not_started", "owner": {"name": "<b>Ana</b>"}}
    )  # fmt: skip
    check = review.action_check_html()
    assert "<script>" not in check and "&lt;b&gt;Ana&lt;/b&gt;" in check


def test_actions_list_weak_conditions_first_and_flag_those_without_action(session):
    review = ReadinessReview(session)
    for value in (1, 2):
        review.responses().add({"role": "x", "data_skills": value, "staff_buy_in": 4})
    fresh = ReadinessReview(session)  # the choices are set when the notebook starts
    choices = [value for _, value in fresh.actions().by_name["condition"].options]
    assert choices[0] == "data_skills" and choices[-1] == readiness.OVERALL
    assert "Still without an action: Data skills." in fresh.action_check_html()
    fresh.actions().add(
        {"condition": "data_skills", "action": "Hire an analyst", "due": "2027-03-01",
         "status": "under_way", "owner": {"name": "Ben", "organisation": "HR"}}
    )  # fmt: skip
    assert "Every weak condition has at least one action" in fresh.action_check_html()
    with pytest.raises(RecordError, match="due"):
        fresh.actions().add(
            {"condition": "data_skills", "action": "x", "status": "done", "owner": "Ben"}
        )
    assert len(session.plan.get(ACTIONS_SECTION).value) == 1


def test_views_redraw_when_a_response_is_saved(session):
    review = ReadinessReview(session)
    judgement, chart = review.judgement(), review.chart()
    assert "Not assessed yet" in judgement.static_html()
    table = review.responses()
    for department in ("Parks", "Housing"):
        table.new_button.click()
        table.controls["role"].inputs["value"].value = department
        for condition in IDS:
            table.controls[condition].inputs["value"].value = 4
        assert table.save_editor(), table.message_text
    assert len(table.records()) == 2
    assert "Overall: Ready" in judgement.static_html()
    assert "No ratings yet" not in json.dumps(chart.current.to_dict())


def test_view_mode_shows_no_inputs_and_no_names(session, monkeypatch):
    review = ReadinessReview(session)
    review.responses().add({"respondent": "Lee Private", "role": "Parks", "data_skills": 2})
    session.plan.close()
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    viewer = start(3, "98031", output_dir=str(session.output_dir), show=False)
    shown = ReadinessReview(viewer)
    for item in (shown.responses(), shown.actions()):
        bundle = item._repr_mimebundle_()
        assert set(bundle) == {"text/html", "text/plain"}
        assert "<input" not in bundle["text/html"] and "Lee Private" not in bundle["text/html"]
    assert "Parks" in shown.responses()._repr_mimebundle_()["text/html"]


# --- survey import --------------------------------------------------------------------


def survey(*rows: str, header: str | None = None) -> bytes:
    head = header or TEMPLATE.read_text(encoding="utf-8").strip()
    return ("\r\n".join([head, *rows]) + "\r\n").encode("utf-8")


def cells(**values) -> str:
    """One CSV row in the template's column order."""
    names = TEMPLATE.read_text(encoding="utf-8").strip().split(",")
    return ",".join(values.get(n, "") for n in names)


def test_the_template_matches_the_form_and_is_documented():
    assert TEMPLATE.read_text(encoding="utf-8") == readiness.csv_template(FRAMEWORK)
    doc = TEMPLATE.with_suffix(".md").read_text(encoding="utf-8")
    for condition in IDS:
        assert f"`{condition}`" in doc
    assert "`respondent`" in doc and "`role`" in doc


def test_a_survey_export_is_imported(session):
    table = ReadinessReview(session).responses()
    data = survey(
        cells(respondent="R1", role="Parks", leadership_commitment="3",
              data_skills="2. Emerging", evidence_data_skills='"One analyst, shared"'),
        cells(role="Housing", leadership_commitment="Strong", data_skills="1.0"),
    )  # fmt: skip
    report = table.import_csv(data)
    assert report.ok and report.added == 2, report.summary()
    first, second = table.records()
    assert (first["leadership_commitment"], first["data_skills"]) == (3, 2)
    assert first["evidence_data_skills"] == "One analyst, shared"
    assert (second["leadership_commitment"], second["data_skills"]) == (4, 1)


def test_headers_may_be_the_labels_the_notebook_shows(session):
    table = ReadinessReview(session).responses()
    header = "Timestamp,Role or department,Leadership commitment,Data skills"
    report = table.import_csv(survey("2026-10-01,Parks,2,3", header=header))
    assert report.added == 1
    assert any("Timestamp" == w.column for w in report.warnings)  # ignored, with a note
    assert table.records()[0]["leadership_commitment"] == 2


def test_a_hostile_or_malformed_survey_is_refused_row_by_row(session):
    review = ReadinessReview(session)
    table = review.responses()
    data = survey(
        cells(role="Parks", leadership_commitment="7"),
        cells(role="", data_skills="3"),
        cells(role='=HYPERLINK("http://evil")', data_skills="2",
              evidence_data_skills="<img src=x onerror=alert(1)>"),
        cells(role="Housing", ongoing_learning="high-ish"),
        cells(role="Budget", data_skills="3", evidence_data_skills="y" * 1001),
        "Parks,too,few",
    )  # fmt: skip
    report = table.import_csv(data)
    assert report.added == 0 and table.records() == []  # nothing imported while rows are bad
    problems = {(p.row, p.column): p.problem for p in report.problems}
    assert problems[(2, "leadership_commitment")].startswith("'7' is not a level")
    assert problems[(3, "role")] == "Please fill this in."
    assert "'high-ish' is not a level" in problems[(5, "ongoing_learning")]
    assert problems[(6, "evidence_data_skills")].startswith("Too long")
    assert "values but the header has" in problems[(7, "")]
    assert any(w.row == 4 and "kept as plain text" in w.problem for w in report.warnings)
    assert "<img" not in report.html()
    kept = table.import_csv(data, import_valid_only=True)
    assert kept.added == 1
    (record,) = table.records()
    assert record["role"].startswith("=HYPERLINK")  # stored as text, never run
    shown = table.static_html() + review.evidence_html()
    assert "<img" not in shown and "&lt;img" in shown


def test_files_that_are_not_csv_are_refused(session):
    table = ReadinessReview(session).responses()
    excel = table.import_csv(b"PK\x03\x04 rest of a zip file")
    assert "Excel workbook" in excel.problems[0].problem
    binary = table.import_csv(b"role\x00\x01\x02")
    assert "not a text file" in binary.problems[0].problem
    empty = table.import_csv(b"")
    assert "empty" in empty.problems[0].problem
    no_role = table.import_csv(b"respondent,data_skills\r\nR1,3\r\n")
    assert "Missing column for 'Role or department'" in no_role.problems[0].problem
    assert table.records() == []


# --- the chart ------------------------------------------------------------------------


def test_the_chart_marks_weak_and_contested_conditions():
    records = three(
        leadership_commitment=(4, 4, 3), data_skills=(1, 2, 2), culture_for_change=(1, 4, 3)
    )
    stats = condition_stats(records, CONDITIONS)
    chart = readiness.readiness_chart(stats, readiness.rating_counts(records, CONDITIONS), True)
    spec = chart.to_dict()
    assert spec["title"]["text"].startswith("Readiness by condition")
    assert "Weak conditions (median below 2.5, the shaded area): 1." in spec["description"]
    rows = [r for values in spec["datasets"].values() for r in values]
    judged = {r["name"]: r["judgement"] for r in rows if "judgement" in r}
    assert (
        judged["Data skills"] == "weak" and judged["Culture for large-scale change"] == "contested"
    )
    assert {r["flags"] for r in rows if "flags" in r and r["name"] == "Data skills"} == {
        "3 rated, weak"
    }
    # Only the drawn columns go to Altair: no roles, no names, no evidence.
    columns = {k for r in rows for k in r}
    assert columns <= {"name", "answered", "median", "lowest", "highest", "judgement", "flags",
                       "rating", "count", "start", "end", "x", "label"}  # fmt: skip


def test_with_no_ratings_the_chart_says_so():
    stats = condition_stats([], CONDITIONS)
    spec = readiness.readiness_chart(stats, readiness.rating_counts([], CONDITIONS)).to_dict()
    assert "No ratings yet" in json.dumps(spec) and spec["description"].startswith("Nothing")


# --- the notebook ---------------------------------------------------------------------


def run_step(tmp_path, plan_path, steps="3", env=None):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "run", "--steps", steps, "--plan-path",
         str(plan_path), "--output-dir", str(out)],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def outputs_text(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


def test_step3_on_the_example_plan(tmp_path):
    plan = import_plan(EXAMPLE, tmp_path / "plan.sqlite")
    with PlanStore.open(plan, author="test") as store:  # someone typed HTML as evidence
        responses = readiness.ResponsesTable(store, load_framework())
        responses.add({"role": "Library staff", "staff_buy_in": 3,
                       "evidence_staff_buy_in": "Nobody asked us <em>at all</em>."})  # fmt: skip
    out = run_step(tmp_path, plan)
    text = outputs_text(out / "03_local_government_readiness.ipynb")
    assert "Overall: Ready with gaps" in text
    assert "Resources for community engagement" in text and "Every weak condition" in text
    assert "Marisol Vega, Office of the County Executive" in text  # an action's owner
    page = (out / "03_local_government_readiness.html").read_text(encoding="utf-8")
    assert external_references(page) == [] and "Synthetic sample" in page
    assert page.count('class="wb-chart"') == 1
    assert "&lt;em&gt;at all&lt;/em&gt;" in page  # typed HTML in the evidence, shown as text


def test_step3_on_an_empty_plan(tmp_path):
    out = run_step(tmp_path, tmp_path / "new" / "plan.sqlite")
    text = outputs_text(out / "03_local_government_readiness.ipynb")
    assert "No responses yet." in text and "No ratings yet" in text
    assert "Overall: Not assessed yet" in text


def test_the_example_plan_is_up_to_date(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_example_plan
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    written = make_example_plan.main(tmp_path / "plan.json")
    assert written.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8"), (
        "data/examples/sample_plan.json is out of date: run scripts/make_example_plan.py"
    )
    with PlanStore.open(import_plan(written, tmp_path / "p.sqlite"), read_only=True) as plan:
        assert plan.private_paths(RESPONSES_SECTION) == ["respondent"]


def test_with_nothing_rated_the_page_says_nothing_is_assessed(edit_session):
    """Not 'No condition is weak': with no ratings nothing is known either way."""
    review = readiness.ReadinessReview(edit_session(3))
    text = review.action_check_html()
    assert "Nothing is assessed yet" in text and "No condition is weak" not in text


def test_a_weak_racial_equity_condition_is_named_in_the_judgement():
    conditions = readiness.conditions_of(load_framework())
    ratings = {c["id"]: [3, 3] for c in conditions}
    ratings[readiness.EQUITY_CONDITION] = [2, 2]
    records = [{k: v[i] for k, v in ratings.items()} for i in range(2)]
    result = readiness.judge(readiness.condition_stats(records, conditions))
    assert result.title == "Ready with gaps" and result.reasons[0] == readiness.EQUITY_WEAK
    html = readiness.judgement_html(result)
    assert "racial equity at the centre" in html
