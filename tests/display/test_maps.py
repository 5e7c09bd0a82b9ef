"""County boundaries (workbook.geo) and the choropleth maps drawn from them (workbook.maps)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from workbook.data import geo
from workbook.display import render
from workbook.display.maps import MapResult, county_map
from workbook.display.theme import QUALITY_OPACITY
from workbook.errors import ParameterError

CT_REGIONS = {"09110", "09120", "09130", "09140", "09150", "09160", "09170", "09180", "09190"}
CT_OLD_COUNTIES = {"09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015"}
# The 2016 boundaries predate two changes the 2025 data follow: Connecticut's planning
# regions (2022) and the split of Alaska's Valdez-Cordova Census Area (2019).
EXPECTED_WITHOUT_SHAPE = CT_REGIONS | {"02063", "02066"}
EXPECTED_WITHOUT_DATA = CT_OLD_COUNTIES | {"02261"}
TEXAS_LIMIT = 400_000  # bytes of a state map's spec (Texas has the most counties, 254)
NATION_LIMIT = 1_200_000  # bytes of the national map's spec (about 0.99 MB when written)


@pytest.fixture(scope="module")
def recent(real_dir: Path) -> pd.DataFrame:
    """The real county file, read-only, with zero-padded codes."""
    return pd.read_csv(
        real_dir / "county_recent.csv", dtype={"state": str, "county": str}, low_memory=False
    )


def values_of(recent: pd.DataFrame, variable: str) -> pd.DataFrame:
    """The table county_map takes, for one variable of the real file."""
    return pd.DataFrame(
        {
            "key": recent["state"] + recent["county"],
            "value": recent[variable],
            "quality": recent[f"{variable}_quality"],
            "name": recent["county_name"],
        }
    )


def spec_of(result: MapResult) -> dict:
    render.setup()
    return result.chart.to_dict()


def spec_bytes(spec: dict) -> int:
    return len(json.dumps(spec, separators=(",", ":"), ensure_ascii=False).encode())


def embedded_topology(spec: dict) -> dict:
    """The one TopoJSON a map carries (as text, which Vega parses by the format)."""
    (text,) = spec["datasets"].values()
    assert spec["data"]["format"] == {"type": "topojson", "feature": geo.OBJECT_NAME}
    return json.loads(text)


def properties_by_key(spec: dict) -> dict[str, dict]:
    geometries = embedded_topology(spec)["objects"][geo.OBJECT_NAME]["geometries"]
    return {g["id"]: g["properties"] for g in geometries}


def layer_with_filter(spec: dict, text: str) -> dict:
    return next(layer for layer in spec["layer"] if text in json.dumps(layer.get("transform")))


def signed_area(ring: list[list[float]]) -> float:
    points = np.asarray(ring)
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


# --- the boundary file -------------------------------------------------------------


def test_boundary_file_loads_and_records_its_source():
    boundaries = geo.load_boundaries()
    meta = boundaries.metadata
    assert meta["vintage"] == 2016
    assert "cb_2016_us_county_500k" in meta["source"] and "1:500,000" in meta["source"]
    assert meta["via"].startswith("plotly-geo 1.0.0")
    assert len(boundaries.geometries) == 3142  # 50 states and DC as of 2016
    assert len(boundaries.states) == 51 and "72" not in boundaries.states  # no Puerto Rico
    assert geo.BOUNDARY_FILE.stat().st_size < 2_000_000
    assert boundaries.geometries["06037"]["properties"] == {
        "name": "Los Angeles County",
        "state": "06",
    }


def test_real_keys_have_shapes_except_the_documented_boundary_changes(recent):
    keys = recent["state"] + recent["county"]
    covered = geo.coverage(keys)
    assert set(covered.keys_without_shape) == EXPECTED_WITHOUT_SHAPE
    assert set(covered.shapes_without_data) == EXPECTED_WITHOUT_DATA
    # Every gap is explained by a recorded change, on both sides.
    assert {k for c in geo.BOUNDARY_CHANGES for k in c.new} == EXPECTED_WITHOUT_SHAPE
    assert {k for c in geo.BOUNDARY_CHANGES for k in c.old} == EXPECTED_WITHOUT_DATA


def test_coverage_of_one_state_compares_that_state_only():
    covered = geo.coverage(["06037", "09110", "09120"], state="CT")
    assert covered.keys_without_shape == ("09110", "09120")
    assert set(covered.shapes_without_data) == CT_OLD_COUNTIES


@pytest.mark.parametrize("given", ["06", "6", 6, "CA", "ca", "California"])
def test_state_is_accepted_as_code_postal_code_or_name(given):
    assert geo.state_fips(given) == "06"


@pytest.mark.parametrize("given", ["72", "XX", "Atlantis", None])
def test_a_place_without_boundaries_is_refused_with_the_fix(given):
    with pytest.raises(ParameterError, match="2-digit state FIPS code"):
        geo.state_fips(given)


def test_a_state_topology_holds_only_its_counties_with_shared_borders():
    topology = geo.shapes_for_state("48")
    ids = [g["id"] for g in topology["objects"][geo.OBJECT_NAME]["geometries"]]
    assert len(ids) == 254 and all(k.startswith("48") for k in ids)
    uses: dict[int, int] = {}
    for geometry in topology["objects"][geo.OBJECT_NAME]["geometries"]:
        for ref in geo._arc_refs(geometry):
            index = ref if ref >= 0 else ~ref
            uses[index] = uses.get(index, 0) + 1
    # A border between two counties is one arc used twice, so neighbours never gap; the
    # rest (about a fifth in Texas) are the state line and the coast.
    assert sum(1 for n in uses.values() if n == 2) > 0.7 * len(uses)
    assert set(uses) == set(range(len(topology["arcs"])))


@pytest.mark.parametrize("state", [None, "02", "15", "23", "48", "51"])
def test_every_ring_keeps_its_winding_so_no_shape_turns_inside_out(state):
    topology = geo.shapes_for_nation() if state is None else geo.shapes_for_state(state)
    for feature in geo.features(topology):
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            assert signed_area(polygon[0]) < 0, feature["id"]  # clockwise outline
            assert all(signed_area(hole) > 0 for hole in polygon[1:]), feature["id"]


def test_hawaii_leaves_out_the_northwestern_islands_and_alaska_is_one_piece():
    boundaries = geo.load_boundaries()
    assert boundaries.extent(boundaries.keys("15"))[0] > -161
    west, _, east, _ = boundaries.extent(boundaries.keys("02"))
    assert west < -180 < east < -129  # the western Aleutians counted west of -180


# --- the map -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def california(recent) -> MapResult:
    values = values_of(recent, "share_employed")
    return county_map(values, "Share employed", "06037", "06", "higher")


def test_a_state_map_embeds_only_that_state_and_no_url(california):
    spec = spec_of(california)
    properties = properties_by_key(spec)
    assert len(properties) == 58 and all(k.startswith("06") for k in properties)
    assert '"url"' not in json.dumps(spec)
    assert california.note == "" and california.not_drawn == ()
    assert "Los Angeles County is outlined" in spec["description"]
    assert spec["title"]["text"] == "Share employed, by county: California"
    assert spec["projection"]["type"] == "conicEqualArea"
    assert "scale" not in spec["projection"]  # Vega-Lite fits it to the state


def test_the_highlighted_county_is_outlined_in_black(california):
    spec = spec_of(california)
    outline = layer_with_filter(spec, "06037")
    assert outline["transform"] == [{"filter": {"field": "id", "equal": "06037"}}]
    mark = outline["mark"]
    assert mark["filled"] is False and mark["stroke"] == "#000000"
    assert mark["strokeWidth"] > 2 * layer_with_filter(spec, "== 'value'")["mark"]["strokeWidth"]


def test_weak_values_are_muted_and_counties_without_data_are_grey(california, recent):
    spec = spec_of(california)
    shaded = layer_with_filter(spec, "== 'value'")
    scale = shaded["encoding"]["opacity"]["scale"]
    opacity = dict(zip(scale["domain"], scale["range"], strict=True))
    assert opacity["Weak"] == QUALITY_OPACITY["Weak"] < opacity["Marginal"] < opacity["Strong"]
    # Faded alone, a Weak high value would look like a Strong low one: Weak is striped too.
    stripes = layer_with_filter(spec, "quality == 'Weak'")
    assert stripes["mark"]["fill"]["gradient"] == "linear"
    assert stripes["encoding"]["tooltip"] == shaded["encoding"]["tooltip"]
    properties = properties_by_key(spec)
    ca = recent[recent["state"] == "06"]
    weak = ca.loc[ca["share_employed_quality"] == "Weak", "county"].iloc[0]
    assert properties[f"06{weak}"]["quality"] == "Weak"
    empty = ["06" + c for c in ca.loc[ca["share_employed"].isna(), "county"]]
    assert empty and all(properties[k]["status"] == "no data" for k in empty)
    assert all(
        properties[k]["reading"] == "no data" and "value" not in properties[k] for k in empty
    )
    grey = layer_with_filter(spec, "!= 'value'")["encoding"]
    assert grey["color"]["scale"]["range"] == ["#BDBDBD"]
    assert {"field": "properties.reading", "title": "Share employed", "type": "nominal"} in (
        grey["tooltip"]
    )


def test_the_map_renders_offline_to_svg_with_paths(california):
    svg = vlc.vegalite_to_svg(spec_of(california))
    paths = re.findall(r"<path[^>]*>", svg)
    assert len(paths) >= 58 * 2  # the shaded counties and their borders
    assert 'stroke="#000000"' in svg and 'stroke-width="2.5"' in svg
    assert f'opacity="{QUALITY_OPACITY["Weak"]}"' in svg and "<linearGradient" in svg
    assert "Share employed" in svg


def test_texas_stays_light(recent):
    values = values_of(recent, "rate_crime_violent")
    result = county_map(values, "Violent crime", "48201", "TX", "lower")
    spec = spec_of(result)
    assert len(properties_by_key(spec)) == 254
    assert spec_bytes(spec) < TEXAS_LIMIT
    colour = layer_with_filter(spec, "== 'value'")["encoding"]["color"]
    assert colour["scale"]["reverse"] is True  # lower is better: darkest is lowest
    assert "darker = better (lower)" in colour["legend"]["title"]


def test_the_nation_uses_albers_usa_and_marks_connecticut_not_drawn(recent):
    values = values_of(recent, "share_employed")
    result = county_map(values, "Share employed", "06037", None, "higher")
    spec = spec_of(result)
    assert spec["projection"] == {"type": "albersUsa"}
    properties = properties_by_key(spec)
    assert len(properties) == 3142
    assert spec_bytes(spec) < NATION_LIMIT
    for key in CT_OLD_COUNTIES | {"02261"}:
        assert properties[key]["status"] == "not drawn" and "value" not in properties[key]
    assert set(result.not_drawn) == EXPECTED_WITHOUT_SHAPE
    assert "Capitol Planning Region" in result.note and "Copper River" in result.note
    svg = vlc.vegalite_to_svg(spec)
    assert svg.count("<path") > 3000


def test_connecticut_returns_a_note_naming_the_regions_and_draws_no_wrong_shape(recent):
    values = values_of(recent, "share_employed")
    names = recent.loc[recent["state"] == "09", "county_name"].tolist()
    result = county_map(values, "Share employed", "09110", "09", "higher")
    assert set(result.not_drawn) == CT_REGIONS
    assert all(name in result.note for name in names) and len(names) == 9
    assert "2022" in result.note and "2016" in result.note
    assert "Capitol Planning Region is one of them, so it is not outlined" in result.note
    spec = spec_of(result)
    assert "geoshape" not in json.dumps(spec)  # no old county drawn in place of a region
    assert "Capitol Planning Region" in spec["description"]
    vlc.vegalite_to_svg(spec)


def test_a_city_map_has_no_outline_and_a_city_key_is_refused(recent):
    values = values_of(recent, "share_employed")
    result = county_map(values, "Share employed", None, "42", "higher")
    assert "outlined" not in spec_of(result)["description"]
    with pytest.raises(ParameterError, match="city key"):
        county_map(values, "Share employed", "4260000", "42", "higher")
    with pytest.raises(ParameterError, match="not in the mapped state"):
        county_map(values, "Share employed", "06037", "42", "higher")


def test_the_synthetic_sample_gets_a_note_instead_of_a_map():
    values = pd.DataFrame(
        {"key": ["98031"], "value": [0.5], "quality": ["Strong"], "name": ["Invented County"]}
    )
    for state in ("98", None):
        result = county_map(values, "Share employed", "98031", state, "higher", synthetic=True)
        assert "invented" in result.note
        assert spec_of(result)["title"]["subtitle"]  # the synthetic-data warning


def test_bad_values_are_refused_with_the_column_named():
    with pytest.raises(ParameterError, match="quality"):
        county_map(pd.DataFrame({"key": ["06037"], "value": [1.0]}), "X", state="06")
    frame = pd.DataFrame(
        {"key": ["06037"], "value": [1.0], "quality": ["Great"], "name": ["Los Angeles"]}
    )
    with pytest.raises(ParameterError, match="values.quality"):
        county_map(frame, "X", state="06")
    with pytest.raises(ParameterError, match="direction"):
        county_map(frame.assign(quality="Strong"), "X", state="06", direction="up")
