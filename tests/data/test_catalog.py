"""The catalog and framework are one consistent source of truth, and match the real files."""

import csv

import pytest

from workbook.data.catalog import load_catalog, load_framework
from workbook.data.schema import IDENTIFIER_COLUMNS, TABLES

ID_COLUMNS = set(IDENTIFIER_COLUMNS)


def real_columns(real_dir, file_name):
    with open(real_dir / file_name, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_every_real_metric_column_is_in_the_catalog_and_back(real_dir):
    catalog = load_catalog()
    seen = set()
    for spec in TABLES.values():
        for column in real_columns(real_dir, spec.default_file_name):
            if column in ID_COLUMNS:
                continue
            role = catalog.role_of(column)
            assert role is not None, f"{spec.default_file_name}: column {column} not in catalog"
            variable, kind = role
            seen.add(variable)
            if kind == "year":
                assert spec.shape == "recent"
    assert seen == set(catalog.metrics), "catalog variables missing from every real file"


def test_geography_and_subgroup_availability_match_the_real_files(real_dir):
    catalog = load_catalog()
    for kind in ("county", "place"):
        longitudinal = set(real_columns(real_dir, f"{kind}_longitudinal.csv"))
        subgroup = set(real_columns(real_dir, f"{kind}_race-ethnicity_longitudinal.csv"))
        for metric in catalog:
            assert (metric.variable in longitudinal) == metric.applies_to(kind), metric.variable
            assert (metric.variable in subgroup) == metric.has_race_ethnicity(kind), metric.variable
            # Quality flags always travel with a metric; bounds exist for some geographies
            # only (cities have no bounds for economic connectedness or debt).
            assert (metric.quality_variable in longitudinal) == (
                metric.applies_to(kind) and bool(metric.quality_variable)
            ), metric.quality_variable
            for column in (metric.lower_bound, metric.upper_bound):
                if column in longitudinal:
                    assert metric.applies_to(kind), column


def test_catalog_rows_are_complete():
    catalog = load_catalog()
    framework = load_framework()
    pillar_ids = {p["id"] for p in framework.pillars}
    for metric in catalog:
        assert metric.name and metric.unit and metric.description and metric.source
        assert metric.direction in ("higher", "lower", "none")
        if metric.is_metric:
            assert metric.pillar in pillar_ids and metric.predictor
            assert metric.quality_variable == f"{metric.variable}_quality" or (
                metric.variable == "count_homeless"
            )


def test_directionless_metrics_are_the_descriptive_ones():
    catalog = load_catalog()
    none = {m.variable for m in catalog if m.is_metric and m.direction == "none"}
    assert {
        "share_black_nh_exposure",
        "share_desc_rep_hispanic",
        "ratio_white_nh_house_value_households",
    } <= none
    assert catalog["share_employed"].direction == "higher"
    assert catalog["rate_crime_violent"].direction == "lower"


def test_predictors_agree_between_catalog_and_framework():
    catalog = load_catalog()
    framework = load_framework()
    from_catalog = {(m.pillar, m.predictor) for m in catalog if m.is_metric}
    from_framework = {(p["id"], q["name"]) for p in framework.pillars for q in p["predictors"]}
    assert from_catalog == from_framework


def test_framework_has_what_every_step_needs():
    fw = load_framework()
    assert [d["id"] for d in fw["dimensions"]] == [
        "economic_success",
        "power_and_autonomy",
        "being_valued_in_community",
    ]
    assert len(fw.pillars) == 5 and len(fw["principles"]) == 5
    assert len(fw["actor_types"]) == 8 and len(fw["metric_uses"]) == 6
    assert [s["number"] for s in fw.steps] == list(range(1, 11))
    assert len(fw["readiness_conditions"]) == 9
    for step in fw.steps:
        assert step["checklist"], f"step {step['number']} has no review checklist"
        ids = [item["id"] for item in step["checklist"]]
        assert len(ids) == len(set(ids))
    sections = fw["map_sections"]
    assert [s["number"] for s in sections] == [1, 2, 3, 4, 5]
    fed = {n for s in sections for n in s["steps"]}
    assert fed <= set(range(1, 11))
    assert fw.sections_fed_by(7)[0]["id"] == "theory_of_change"


def test_unknown_pillar_and_step_say_what_exists():
    fw = load_framework()
    with pytest.raises(KeyError, match="neighborhoods"):
        fw.pillar("housing")
    with pytest.raises(KeyError, match="1 to 10"):
        fw.step(11)
