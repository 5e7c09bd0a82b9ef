"""Local data files: read, mapped and checked; every bad input refused or flagged by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook.data.local_files import (
    ColumnMapping,
    LocalDataError,
    guess_mapping,
    parse_number,
    read_local,
    read_table,
)
from workbook.data.local_geo import LocalGeoError, match_boundaries, parse_geojson, simplify_ring

LONG = ColumnMapping(place="tract", year="year", measure="measure", value="value", moe="moe")


def csv_bytes(*rows: str, encoding: str = "utf-8") -> bytes:
    return "\n".join(rows).encode(encoding)


def problems(parsed) -> str:
    return "\n".join(str(p) for p in parsed.report.problems)


def notes(parsed) -> str:
    return "\n".join(str(p) for p in parsed.report.notes)


def test_a_long_file_becomes_tidy_values_with_keys_as_text():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,12,2"), LONG, "tract",
        percent={"Renters": False},
    )  # fmt: skip
    assert parsed.report.ok, problems(parsed)
    row = parsed.values.iloc[0]
    assert row["place"] == "06037101110" and row["year"] == 2021 and row["value"] == 12
    assert row["moe"] == 2 and not row["suppressed"]


def test_a_file_with_no_place_column_is_refused_naming_its_columns():
    data = csv_bytes("year,measure,value", "2021,Renters,0.4")
    with pytest.raises(LocalDataError, match="no place column.*'year', 'measure', 'value'"):
        read_local(data, ColumnMapping(place=None, year="year", measure="measure", value="value"),
                   "tract")  # fmt: skip
    # The guess finds no place either, and says so the same way.
    assert guess_mapping(["year", "measure", "value"]).place is None
    with pytest.raises(LocalDataError, match="no place column"):
        read_local(data, None, "tract")


def test_tract_keys_that_lost_their_leading_zero_get_it_back():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "6037101110,2021,Renters,0.4,",
                  "6037101111.0,2021,Renters,0.5,"),
        LONG, "tract",
    )  # fmt: skip
    assert parsed.report.ok, problems(parsed)
    assert list(parsed.values["place"]) == ["06037101110", "06037101111"]
    assert "Leading zeros restored in 2 key(s)" in notes(parsed)


def test_a_county_key_where_tracts_were_expected_is_refused_with_its_rows():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,0.4,",
                  "06037,2021,Renters,0.5,"),
        LONG, "tract",
    )  # fmt: skip
    assert parsed.values.empty
    assert "'06037' looks like a county code" in problems(parsed)
    assert "row 3" in problems(parsed)


def test_a_year_column_of_text_is_refused():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,FY twenty,Renters,0.4,",
                  "06037101111,FY twenty-one,Renters,0.4,"),
        LONG, "tract",
    )  # fmt: skip
    assert parsed.values.empty
    assert "the year column holds text" in problems(parsed)
    assert "rows 2 and 3" in problems(parsed)


def test_a_margin_of_error_larger_than_the_value_is_flagged_not_refused():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,0.1,0.3"),
        LONG, "tract",
    )  # fmt: skip
    assert parsed.report.ok
    assert "margin of error is larger than the value in row 2" in notes(parsed)


def test_a_measure_mixing_shares_and_percentages_is_refused():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,0.4,",
                  "06037101111,2021,Renters,45,", "06037101112,2021,Renters,52,"),
        LONG, "tract", percent={"Renters": True},
    )  # fmt: skip
    assert parsed.values.empty
    assert "mixes shares written 0-1 with percentages written 0-100" in problems(parsed)
    assert "row 2" in problems(parsed)


def test_rates_spread_across_1_are_not_mistaken_for_a_mix():
    rows = [
        f"0603710{n:04d},2021,Filings per 100,{v}," for n, v in enumerate((0.3, 0.8, 1.1, 4, 12))
    ]
    parsed = read_local(csv_bytes("tract,year,measure,value,moe", *rows), LONG, "tract")
    assert "mixes" not in problems(parsed)
    assert parsed.to_confirm == ["Filings per 100"]  # 0-100: asked, not refused


def test_percentages_written_0_100_must_be_confirmed_then_become_shares():
    data = csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,45,5")
    unconfirmed = read_local(data, LONG, "tract")
    assert unconfirmed.values.empty and unconfirmed.to_confirm == ["Renters"]
    assert "are these percentages (0-100)?" in problems(unconfirmed)
    confirmed = read_local(data, LONG, "tract", percent={"Renters": True})
    assert confirmed.values.iloc[0]["value"] == pytest.approx(0.45)
    assert confirmed.values.iloc[0]["moe"] == pytest.approx(0.05)
    numbers = read_local(data, LONG, "tract", percent={"Renters": False})
    assert numbers.values.iloc[0]["value"] == 45


def test_suppression_markers_are_suppressed_never_zero():
    markers = ["*", "<10", "N/A", "-", ""]
    rows = [f"0603710111{n},2021,Renters,{m}," for n, m in enumerate(markers)]
    parsed = read_local(csv_bytes("tract,year,measure,value,moe", *rows), LONG, "tract")
    assert parsed.report.ok, problems(parsed)
    assert parsed.values["suppressed"].all()
    assert parsed.values["value"].isna().all()  # not 0
    assert parse_number("<5") == (None, True) and parse_number("12.5%") == (0.125, False)
    assert parse_number("1,234") == (1234.0, False) and parse_number("abc") == (None, False)


def test_words_in_the_value_column_are_refused_with_their_rows():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,lots,"), LONG, "tract"
    )
    assert "'lots'" in problems(parsed) and "row 2" in problems(parsed)


def test_duplicate_rows_are_refused_with_their_row_numbers():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", "06037101110,2021,Renters,0.4,",
                  "06037101111,2021,Renters,0.3,", "06037101110,2021,Renters,0.5,"),
        LONG, "tract",
    )  # fmt: skip
    assert parsed.values.empty
    assert (
        "place 06037101110, year 2021, measure 'Renters' appears more than once (rows 2 and 4)"
        in problems(parsed)
    )


def test_the_same_place_and_year_in_two_subgroups_is_not_a_duplicate():
    mapping = ColumnMapping(place="zip", year="year", measure="m", value="v", subgroup="group")
    parsed = read_local(
        csv_bytes("zip,year,m,v,group", "02134,2021,Rent,900,All", "02134,2021,Rent,800,Black"),
        mapping, "zip",
    )  # fmt: skip
    assert parsed.report.ok and list(parsed.values["subgroup"]) == ["All", "Black"]


def test_utf8_with_a_byte_order_mark_and_windows_1252_are_read():
    rows = ("zip,year,Barrio,Renters", "2134,2021,Peñasco,300")
    bom = read_table(b"\xef\xbb\xbf" + csv_bytes(*rows))[0]
    assert list(bom.columns) == ["zip", "year", "Barrio", "Renters"]  # no BOM in 'zip'
    frame, report = read_table(csv_bytes(*rows, encoding="cp1252"))
    assert frame["Barrio"].iloc[0] == "Peñasco" and list(frame.index) == [2]
    assert report.encoding == "cp1252" and "not UTF-8" in str(report.notes[0])


def test_a_wide_file_with_margins_of_error_is_guessed_and_read():
    data = csv_bytes("ZIP,Year,Renters,Renters MOE,Median rent", "2134,2021,300,40,1200")
    frame, _ = read_table(data)
    mapping = guess_mapping(frame.columns)
    assert mapping.layout == "wide" and mapping.moes == (("Renters", "Renters MOE"),)
    parsed = read_local(data, mapping, "zip")
    assert parsed.report.ok, problems(parsed)
    by = parsed.values.set_index("measure")
    assert by.loc["Renters", "moe"] == 40 and by.loc["Median rent", "value"] == 1200


def test_an_excel_workbook_is_read_with_codes_as_text(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["tract", "year", "measure", "value", "moe"])
    sheet.append([6037101110, 2021, "Renters", 0.4, None])
    path = tmp_path / "local.xlsx"
    book.save(path)
    parsed = read_local(path, LONG, "tract")
    assert parsed.report.ok, problems(parsed)
    assert parsed.values.iloc[0]["place"] == "06037101110"


def test_100_mb_of_csv_is_refused_with_the_limit_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100_000_000)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(
        Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k)
    )
    with pytest.raises(LocalDataError, match=r"100.0 MB; the limit for local data is 50.0 MB"):
        read_local(big, LONG, "tract")
    assert big not in opened  # refused from its size, never opened
    # The same check with a lowered limit, on bytes in memory.
    with pytest.raises(LocalDataError, match="the limit for local data is 10 bytes"):
        read_table(b"tract,year\n1,2\n", max_bytes=10)


def test_too_many_rows_are_refused_whole():
    rows = [f"0603710{n:04d},2021,Renters,1," for n in range(20)]
    with pytest.raises(LocalDataError, match="more than 10 rows"):
        read_table(csv_bytes("tract,year,measure,value,moe", *rows), max_rows=10)


def square(x: float, y: float) -> list:
    return [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]


def geojson(keys: list[str], prop: str = "GEOID") -> bytes:
    features = [
        {"type": "Feature", "properties": {prop: k, "NAME": f"Tract {k}"},
         "geometry": {"type": "Polygon", "coordinates": square(n, 0)}}
        for n, k in enumerate(keys)
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_geojson_shapes_are_matched_to_keys_by_the_property_that_fits():
    # Keys stored as numbers in the file lose their zero too; they still match.
    features = parse_geojson(geojson(["6037101110", "06037101111", "06037999999"]))
    found = match_boundaries(features, ["06037101110", "06037101111", "06037101112"], "tract")
    assert found.key_property == "GEOID"
    assert [f["properties"]["key"] for f in found.features] == ["06037101110", "06037101111"]
    assert found.unmatched_keys == ["06037101112"] and found.extra_shapes == 1


def test_a_file_that_is_not_geojson_is_refused():
    with pytest.raises(LocalGeoError, match="not GeoJSON.*cannot be read as JSON"):
        parse_geojson(b"tract,year\n1,2\n")
    with pytest.raises(LocalGeoError, match="TopoJSON"):
        parse_geojson(json.dumps({"type": "Topology", "objects": {}}).encode())
    with pytest.raises(LocalGeoError, match="none of its features is a polygon"):
        point = {"type": "Point", "coordinates": [0, 0]}
        feature = {"type": "Feature", "properties": {}, "geometry": point}
        parse_geojson(json.dumps({"type": "FeatureCollection", "features": [feature]}).encode())


def test_geojson_whose_shapes_match_no_key_is_refused_with_what_it_holds():
    features = parse_geojson(geojson(["48301950100"]))
    with pytest.raises(LocalGeoError, match="no shape .* matches .*'06037101110'.*GEOID, NAME"):
        match_boundaries(features, ["06037101110"], "tract")


def test_shapes_are_simplified():
    ring = [[i / 100, (i % 2) * 1e-6] for i in range(200)] + [[0, 0]]
    assert len(simplify_ring(ring, 0.001)) < 10


def test_rows_of_empty_cells_are_skipped_and_row_numbers_stay_the_files():
    parsed = read_local(
        csv_bytes("tract,year,measure,value,moe", ",,,,", "", "06037,2021,Renters,0.4,", ",,,,"),
        LONG,
        "tract",
    )
    assert parsed.report.rows == 1
    assert "row 4" in problems(parsed)  # the county key, on the file's fourth line


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_unread(monkeypatch):
    import io
    import zipfile

    from workbook.data import local_files

    monkeypatch.setattr(local_files, "UNPACKED_LIMIT", 1_000_000)  # 200 MB in real use
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
    with pytest.raises(LocalDataError, match="unpacks to 3.0 MB"):
        read_table(packed.getvalue())
