"""Step 5's local data: the sources inventory, imports, what the data show, the MAP part."""

from __future__ import annotations

import json
import random

import pytest
from IPython.display import HTML

from workbook.display.document import Callout, Figure, Table
from workbook.display.local_charts import embedded_rows
from workbook.plan import tables
from workbook.plan.public import PublicPlan
from workbook.session import start_unattended
from workbook.steps.initial_understanding import local
from workbook.steps.initial_understanding.local import (
    FINDINGS_SECTION,
    LOCAL_SECTION,
    SOURCE_PRIVATE,
    SOURCES_SECTION,
    LocalData,
    map_local_findings,
)

MEASURE = "Eviction filings per 100 renters"
CONTACT = {"name": "Jo Smithers", "organisation": "Court records unit",
           "email": "jo.smithers@example.org", "phone": "555 0134"}  # fmt: skip


def tract_csv(tracts: int = 12, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    lines = ["tract,year,measure,race,value,moe"]
    for n in range(tracts):
        key = f"98031{n:06d}"
        for year in (2021, 2022):
            for group in ("All", "Black", "White"):
                value = (
                    "*" if (n, year, group) == (1, 2021, "Black") else f"{rng.uniform(2, 30):.1f}"
                )
                lines.append(f"{key},{year},{MEASURE},{group},{value},{rng.uniform(0.5, 2):.1f}")
    return "\n".join(lines).encode()


def public(session) -> PublicPlan:
    return PublicPlan(session.plan, lambda s: SOURCE_PRIVATE if s == SOURCES_SECTION else ())


@pytest.fixture
def step(edit_session):
    return LocalData(edit_session(5))


def add_evictions(step: LocalData, data: bytes | None = None, **kwargs):
    options = {
        "name": "Evictions",
        "geography": "tract",
        "percent": {MEASURE: False},
        "measures": {MEASURE: {"unit": "rate", "direction": "lower", "quality": "Strong",
                               "predictor": "Housing stability", "notes": "Court filings"}},
    }  # fmt: skip
    options.update(kwargs)
    return step.add(data or tract_csv(), **options)


def test_the_inventory_keeps_a_contacts_name_email_and_phone_private(step):
    table = step.inventory()
    assert {p for f in table.fields for p in f.private_paths()} == set(SOURCE_PRIVATE)
    table.add(
        {
            "name": "Eviction court filings",
            "holder": "County court",
            "geography": "tract",
            "access": "have",
            "predictors": ["Housing stability"],
            "contact": CONTACT,
        }
    )
    saved = step.session.plan.get(SOURCES_SECTION)
    assert saved.value[0]["contact"]["email"] == CONTACT["email"]  # kept in the plan
    shown = table.records(public=True)[0]
    assert shown["contact"] == {"organisation": "Court records unit"}
    html = table.static_html()
    for secret in ("Jo Smithers", "jo.smithers", "555 0134"):
        assert secret not in html
    assert "Court records unit" in html


def test_an_import_saves_the_description_and_its_rows_together(step):
    result = add_evictions(step)
    assert result.ok, result.html()
    record = step.session.plan.get(LOCAL_SECTION).value[0]
    assert {"id", "name", "source_id", "geography", "file_name", "imported_on", "rows",
            "measures"} <= set(record)  # fmt: skip
    measure = record["measures"][0]
    assert measure["id"] == "eviction_filings_per_100_renters" and measure["name"] == MEASURE
    assert (measure["unit"], measure["direction"], measure["quality"]) == (
        "rate",
        "lower",
        "Strong",
    )
    values = tables.local_values(step.session.plan, record["id"])
    assert len(values) == record["rows"] == 72
    assert set(values["measure"]) == {measure["id"]}
    assert values["place"].str.len().eq(11).all()
    assert values["suppressed"].sum() == 1 and record["suppressed"] == 1


def test_a_refused_file_saves_nothing(step):
    add_evictions(step)
    before = step.session.plan.get(LOCAL_SECTION)
    counts = tables.counts(step.session.plan)
    no_place = b"year,measure,value\n2021,Renters,3\n"
    result = step.add(no_place, name="Broken", geography="tract")
    assert not result.ok and "no place column" in result.html()
    county_keys = tract_csv().replace(b"98031000002,", b"98031,")
    result = add_evictions(step, county_keys, name="Wrong level")
    assert not result.ok and "looks like a county code" in result.html()
    assert step.session.plan.get(LOCAL_SECTION).version == before.version
    assert tables.counts(step.session.plan) == counts


def test_rows_are_removed_when_the_description_cannot_be_saved(step, monkeypatch):
    def fail(store, record):
        raise OSError("disk full")

    monkeypatch.setattr(local, "_append", fail)
    with pytest.raises(OSError):
        add_evictions(step)
    assert tables.counts(step.session.plan) == {}


def test_charts_carry_aggregated_rows_with_the_metric_as_reference(step):
    shares = {MEASURE: {"unit": "share", "predictor": "Housing stability"}}
    add_evictions(step, tract_csv(tracts=200), percent={MEASURE: True}, measures=shares)
    view = step._datasets_view()
    charts = [item for item in view.items if hasattr(item, "to_dict")]
    assert len(charts) == 3  # trend, gaps between groups, spread
    assert all(embedded_rows(chart) < 60 for chart in charts)  # of 1,200 rows
    spread = charts[2].to_dict()
    # The place's own Mobility Metric of the predictor in the same unit: a share.
    assert "Linden County: Students experiencing homelessness (share)" in json.dumps(spread)
    assert "200 sub-areas" in spread["description"]


def test_a_metric_in_other_units_is_named_not_drawn(step):
    add_evictions(step)  # a rate; the predictor's metrics are a count and a share
    view = step._datasets_view()
    text = "".join(item.data for item in view.items if isinstance(item, HTML))
    assert "it is in other units than this measure (rate)" in text
    spread = [item for item in view.items if hasattr(item, "to_dict")][2].to_dict()
    assert "Mobility Metrics" not in json.dumps(spread)


def test_boundaries_add_a_map_and_bad_ones_are_refused(step):
    record = add_evictions(step).record
    keys = sorted(tables.local_values(step.session.plan, record["id"])["place"].unique())
    features = [
        {"type": "Feature", "properties": {"GEOID": key},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[n, 0], [n + 1, 0], [n + 1, 1], [n, 1], [n, 0]]]}}
        for n, key in enumerate(keys[:-1])
    ]  # fmt: skip
    geo = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    panel = step.datasets().items[0]
    assert panel.use(geo)
    said = panel.message.value.replace("&#x27;", "'")
    assert "11 shapes matched on 'GEOID'; places without a shape: 1" in said
    chart = step.map(record["id"], record["measures"][0]["id"])
    assert embedded_rows(chart) == 11
    # Kept in the plan: the view draws the map too, and the shapes are simplified GeoJSON.
    kept = tables.boundaries(step.session.plan, record["id"])
    assert len(kept["features"]) == 11 and kept["features"][0]["properties"] == {"key": keys[0]}
    specs = [json.dumps(i.to_dict()) for i in step._datasets_view().items if hasattr(i, "to_dict")]
    assert sum("geoshape" in spec for spec in specs) == 1
    assert not panel.use(b"not json") and "not GeoJSON" in panel.message.value
    with pytest.raises(local.LocalDataError, match="not GeoJSON"):
        step.add_boundaries(record["id"], b"not json")
    elsewhere = geo.replace(b'"98031', b'"48301')
    with pytest.raises(local.LocalDataError, match="no shape in the boundary file matches"):
        step.add_boundaries(record["id"], elsewhere)


def test_the_import_panel_reads_maps_checks_and_imports(step):
    panel = step.import_data()
    panel.read(tract_csv())
    assert panel.roles["place"].value == "tract" and panel.roles["subgroup"].value == "race"
    panel.name.value = "Evictions from the panel"
    assert not panel.check()  # values 2-30 raise the percentage question
    assert MEASURE in panel.percent_inputs
    panel.percent_inputs[MEASURE].value = "no"
    assert panel.check()
    panel.measure_inputs[MEASURE]["quality"].value = "Weak"
    result = panel.save()
    assert result.ok, result.html()
    assert result.record["measures"][0]["quality"] == "Weak"


def test_findings_link_statements_to_measures(step, edit_session):
    record = add_evictions(step).record
    step = LocalData(step.session)  # the findings' choices are the data sets present
    ref = f"{record['id']}/{record['measures'][0]['id']}"
    step.findings().add({"statement": "Filings are highest in three tracts.",
                         "measures": [ref], "predictors": ["Housing stability"]})  # fmt: skip
    saved = step.session.plan.get(FINDINGS_SECTION).value[0]
    assert saved["measures"] == [ref] and saved["predictors"] == ["Housing stability"]


def test_the_map_part_says_what_the_local_data_add_and_never_names_the_contact(step):
    session = step.session
    unattended = start_unattended(5, session.data, session.jurisdiction)
    assert map_local_findings(public(session), unattended) == []
    step.inventory().add({"name": "Eviction court filings", "holder": "County court",
                          "geography": "tract", "access": "have", "contact": CONTACT})  # fmt: skip
    step.inventory().add({"name": "School mobility records", "holder": "District",
                          "access": "requested"})  # fmt: skip
    source_id = step.inventory().records()[0]["id"]
    record = add_evictions(step, source_id=source_id).record
    step = LocalData(session)
    step.findings().add(
        {
            "statement": "Filings <b>cluster</b> in three tracts.",
            "measures": [f"{record['id']}/{record['measures'][0]['id']}"],
        }
    )
    blocks = map_local_findings(public(session), unattended)
    text = repr(blocks)
    assert "Filings <b>cluster</b> in three tracts. (from: Evictions: " + MEASURE in text
    assert any(isinstance(b, Figure) for b in blocks)
    used = next(b for b in blocks if isinstance(b, Table) and b.caption == "Local data sets used")
    assert used.rows[0][1] == "Eviction court filings (County court)"
    other = next(b for b in blocks if isinstance(b, Table) and b.caption.startswith("Other"))
    assert other.rows[0][0] == "School mobility records"
    limits = next(b for b in blocks if isinstance(b, Callout))
    assert "suppressed" in limits.text
    for secret in ("Jo Smithers", "jo.smithers", "555 0134"):
        assert secret not in text


def test_view_mode_shows_the_data_sets_and_offers_no_import(step, monkeypatch):
    add_evictions(step)
    step.session.plan.close()
    monkeypatch.setenv("WORKBOOK_READ_ONLY", "1")
    from workbook.session import start

    session = start(5, "98031", output_dir=str(step.session.output_dir), show=False)
    assert session.read_only
    view = LocalData(session)
    shown = view.import_data().static_html()
    assert "Evictions" in shown and "Census tract" in shown
    with pytest.raises(Exception, match="view mode"):
        add_evictions(view)


def test_removing_a_data_set_removes_its_rows_and_keeps_its_history(step):
    record = add_evictions(step).record
    step.remove(record["id"])
    assert step.session.plan.get(LOCAL_SECTION).value == []
    assert tables.counts(step.session.plan) == {}
    assert step.session.plan.get_version(LOCAL_SECTION, 1).value[0]["id"] == record["id"]
