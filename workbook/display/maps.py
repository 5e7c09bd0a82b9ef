"""Choropleth maps: the counties of a state (or the nation) shaded by one metric.

The shapes travel inside the chart as TopoJSON (see :mod:`workbook.geo`), so a map draws
with no network. Reading rules, the same as in every chart of the series:

* darker means better when the metric has a direction, and the legend says so;
* Weak values are drawn faded (``theme.QUALITY_OPACITY``) and striped, never as solid as
  Strong ones: fading alone would make a Weak high value look like a Strong low one;
* counties without a value are grey and say "no data" in the tooltip;
* the jurisdiction in focus is outlined in black;
* where the data's jurisdictions have no shape (boundaries changed after the boundary
  file's vintage), nothing wrong is drawn: the area stays light grey and the returned
  note says which jurisdictions are missing and why.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

from workbook.data import geo
from workbook.data.catalog import Direction
from workbook.data.fips import COUNTY_DIGITS, normalize_key
from workbook.display.charts import finish
from workbook.display.theme import (
    BLACK,
    BORDER_GREY,
    MAP_LEGEND_SWATCH,
    NO_DATA_GREY,
    NOT_DRAWN_GREY,
    QUALITY_OPACITY,
    WHITE,
)
from workbook.errors import ParameterError

QUALITIES = ("Strong", "Marginal", "Weak", "None")
NOT_RATED = "Not rated"  # a value published without a quality flag
NOT_RATED_OPACITY = 0.6  # between Marginal and Weak: unknown quality is not shown as solid
NO_DATA = "No data"
NOT_DRAWN = "Not drawn (boundaries changed)"
NO_DATA_FILL = NO_DATA_GREY
NOT_DRAWN_FILL = NOT_DRAWN_GREY
# Light grey rather than white: faded (Weak) pale counties are nearly white themselves.
BORDER = BORDER_GREY
OUTLINE = BLACK
# ColorBrewer "blues": one hue, so it reads the same for every kind of colour vision and
# in greyscale. The palest tenth is cut so that low values stay apart from the white
# page and the grey of "no data".
SCHEME = alt.SchemeParams(name="blues", extent=[0.12, 1.0])
LEGEND_SWATCH = MAP_LEGEND_SWATCH
STRIPES = 6  # white diagonal stripes across each Weak county (Vega has no fill patterns)
STRIPE_OPACITY = 0.6
STATE_WIDTH = 560
STATE_HEIGHT_RANGE = (260, 620)
NATION_SIZE = (760, 470)
SYNTHETIC_NO_MAP = (
    "The synthetic sample's places are invented, so they have no boundaries to map. "
    "With real data this map shows every county of the state."
)
NO_MAP_CHARACTERS = 90  # line length of the message shown instead of a map


@dataclass(frozen=True)
class MapResult:
    """A map, and what the reader must be told about it.

    ``note`` is empty when every jurisdiction of the data is drawn; otherwise it says, in
    plain words, which ones are not on the map and why. ``not_drawn`` holds their keys.
    """

    chart: alt.TopLevelMixin
    note: str = ""
    not_drawn: tuple[str, ...] = ()
    source: str = ""


def county_map(
    values: pd.DataFrame,
    variable_label: str,
    highlight: str | None = None,
    state: str | None = None,
    direction: Direction = "none",
    synthetic: bool = False,
    *,
    value_format: str = ",.3~r",
    title: str | None = None,
) -> MapResult:
    """Map of one metric for the counties of ``state`` (a FIPS or postal code), or the nation.

    ``values`` has one row per county: ``key`` (5-digit FIPS), ``value`` (missing for
    no data), ``quality`` (Strong, Marginal, Weak or None) and ``name``. Rows of other
    states are ignored when ``state`` is given. ``highlight`` is the county to outline
    (None for a city: pass its state). ``direction`` is the metric's ('higher', 'lower'
    or 'none'); ``value_format`` is a d3 format for the legend and tooltips.
    """
    if direction not in ("higher", "lower", "none"):
        raise ParameterError(
            "direction", direction, "is not a metric direction", "Use 'higher', 'lower' or 'none'"
        )
    frame = _prepare(values)
    if synthetic and state is not None and not _known_state(state):
        return _no_map(SYNTHETIC_NO_MAP, variable_label, title, synthetic)
    code = geo.state_fips(state) if state is not None else None
    rows = frame if code is None else frame[frame["key"].str[:2] == code]
    focus = _focus(highlight, code, rows)
    topology = geo.shapes_for_nation() if code is None else geo.shapes_for_state(code)
    covered = geo.coverage(rows["key"], code)
    if len(rows) and len(covered.keys_without_shape) == len(rows):
        # Nothing of the data has a shape (all of Connecticut, or the invented sample).
        message = SYNTHETIC_NO_MAP if synthetic else _note(covered.keys_without_shape, rows, focus)
        return _no_map(message, variable_label, title, synthetic, covered.keys_without_shape)

    counts = _attach(topology, rows, covered)
    place = "the United States" if code is None else geo.state_name(code)
    chart = _layers(topology, variable_label, direction, value_format, focus, counts)
    if code is None:
        width, height = NATION_SIZE
        chart = chart.project(type="albersUsa")
    else:
        width, height, projection = _state_frame(code)
        chart = chart.project(**projection)
    chart = chart.properties(width=width, height=height)
    note = _note(covered.keys_without_shape, rows, focus)
    description = _description(
        variable_label, direction, place, counts, focus, rows, covered.keys_without_shape, note
    )
    heading = title or f"{variable_label}, by county: {place.removeprefix('the ')}"
    return MapResult(
        chart=finish(chart, heading, description, synthetic),
        note=note,
        not_drawn=covered.keys_without_shape,
        source=geo.source_note(),
    )


def _prepare(values: pd.DataFrame) -> pd.DataFrame:
    """Check the table and return typed columns: key, value, quality, name."""
    missing = [c for c in ("key", "value", "quality", "name") if c not in values.columns]
    if missing:
        raise ParameterError(
            "values",
            f"columns {list(values.columns)}",
            f"lacks the column(s) {', '.join(missing)}",
            "Pass one row per county with key, value, quality and name",
        )
    frame = values[["key", "value", "quality", "name"]].copy()
    frame["key"] = [normalize_key(k, "values.key") for k in frame["key"]]
    not_county = frame.loc[frame["key"].str.len() != COUNTY_DIGITS, "key"]
    if len(not_county):
        raise ParameterError(
            "values.key",
            not_county.iloc[0],
            "is a city key, and the map draws counties",
            "Pass county rows (5-digit keys); for a city, map its state's counties",
        )
    duplicated = frame.loc[frame["key"].duplicated(), "key"]
    if len(duplicated):
        raise ParameterError(
            "values.key", duplicated.iloc[0], "appears twice", "Pass one row per county"
        )
    try:
        frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype(float)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            "values.value", str(error), "is not a number", "Leave a value empty for no data"
        ) from error
    quality = frame["quality"].astype(object).where(frame["quality"].notna(), "None")
    unknown = sorted(set(quality) - set(QUALITIES))
    if unknown:
        raise ParameterError(
            "values.quality", unknown[0], "is not a quality flag", "Use Strong, Marginal or Weak"
        )
    frame["quality"] = quality
    frame["name"] = frame["name"].fillna("").astype(str)
    return frame


def _known_state(state: object) -> bool:
    try:
        geo.state_fips(state)
    except ParameterError:
        return False
    return True


def _focus(highlight: str | None, code: str | None, rows: pd.DataFrame) -> str | None:
    """The normalised key of the county to outline, checked against the map's scope."""
    if highlight is None:
        return None
    key = normalize_key(highlight, "highlight")
    if len(key) != COUNTY_DIGITS:
        raise ParameterError(
            "highlight",
            highlight,
            "is a city key; a county map outlines counties",
            "Pass highlight=None and the city's state",
        )
    if code is not None and key[:2] != code:
        raise ParameterError(
            "highlight",
            highlight,
            f"is not in the mapped state ({geo.state_name(code)})",
            f"Pass state='{key[:2]}' or a county of state {code}",
        )
    if key not in set(rows["key"]) and key not in geo.load_boundaries().geometries:
        raise ParameterError(
            "highlight", highlight, "is neither in the values nor a county with a shape"
        )
    return key


def _attach(topology: dict, rows: pd.DataFrame, covered: geo.Coverage) -> dict[str, int]:
    """Put each county's value, quality and status into its shape; count the statuses.

    A shape without a row is "not drawn" when it is a county replaced by jurisdictions
    of the data that have no shape (say, Connecticut's old counties): shading it as
    "no data" would claim something wrong about a place that no longer exists.
    """
    by_key = {
        key: (name, value, quality)
        for key, name, value, quality in zip(
            rows["key"], rows["name"], rows["value"], rows["quality"], strict=True
        )
    }
    lacking = set(covered.keys_without_shape)
    counts = {"value": 0, "no data": 0, "not drawn": 0, "Weak": 0, NOT_RATED: 0}
    for geometry in topology["objects"][geo.OBJECT_NAME]["geometries"]:
        key = geometry["id"]
        shape_name = geometry["properties"]["name"]
        if key in by_key:
            name, value, quality = by_key[key]
            if math.isnan(value):
                status = "no data"
                properties = {"name": name or shape_name, "status": status, "reading": "no data"}
            else:
                status = "value"
                quality = quality if quality != "None" else NOT_RATED
                # Six significant digits are more than any legend or tooltip shows,
                # and keep a national map's page lighter.
                properties = {
                    "name": name or shape_name,
                    "status": status,
                    "value": float(f"{value:.6g}"),
                    "quality": quality,
                }
                if quality in ("Weak", NOT_RATED):
                    counts[quality] += 1
        else:
            change = geo.boundary_change(key)
            replaced = change is not None and bool(lacking & set(change.new))
            status = "not drawn" if replaced else "no data"
            reading = "no data"
            if replaced:
                reading = f"not drawn: replaced in {change.year} (see the note)"
            properties = {"name": shape_name, "status": status, "reading": reading}
        counts[status] += 1
        geometry["properties"] = properties
    return counts


def _layers(
    topology: dict,
    label: str,
    direction: Direction,
    value_format: str,
    focus: str | None,
    counts: dict[str, int],
) -> alt.LayerChart:
    """Grey shapes without values, shaded shapes with values, stripes over Weak ones,
    borders, the outlined focus."""
    # The topology goes in as JSON text, which Vega parses by the format: Altair copies
    # and checks nested values list by list (seconds for the nation), a string not at all.
    text = json.dumps(topology, separators=(",", ":"), ensure_ascii=False)
    data = alt.InlineData(
        values=text, format=alt.DataFormat(type="topojson", feature=geo.OBJECT_NAME)
    )
    base = alt.Chart(data)
    name = alt.Tooltip("properties.name:N", title="County")
    layers = []

    statuses = [(NO_DATA, "no data", NO_DATA_FILL, BORDER)]
    statuses.append((NOT_DRAWN, "not drawn", NOT_DRAWN_FILL, NOT_DRAWN_FILL))
    present = [s for s in statuses if counts[s[1]]]
    if present:
        # A not-drawn area gets borders of its own colour, so the old county lines that
        # no longer exist do not show.
        status_scale = {"domain": [s[1] for s in present]}
        layers.append(
            base.transform_filter("datum.properties.status != 'value'")
            .mark_geoshape(strokeWidth=0.5)
            .encode(
                color=alt.Color(
                    "properties.status:N",
                    scale=alt.Scale(**status_scale, range=[s[2] for s in present]),
                    legend=alt.Legend(
                        title=None,
                        labelExpr=_label_expr({s[1]: s[0] for s in present}),
                        symbolType="square",
                        labelLimit=320,
                    ),
                ),
                stroke=alt.Stroke(
                    "properties.status:N",
                    scale=alt.Scale(**status_scale, range=[s[3] for s in present]),
                    legend=None,
                ),
                tooltip=[name, alt.Tooltip("properties.reading:N", title=label)],
            )
        )

    tooltip = [
        name,
        alt.Tooltip("properties.value:Q", title=label, format=value_format),
        alt.Tooltip("properties.quality:N", title="Data quality"),
    ]
    qualities = ["Strong", "Marginal", "Weak", NOT_RATED]
    opacities = [QUALITY_OPACITY.get(q, NOT_RATED_OPACITY) for q in qualities]
    better = {"higher": "darker = better (higher)", "lower": "darker = better (lower)"}
    layers.append(
        base.transform_filter("datum.properties.status == 'value'")
        .mark_geoshape(stroke=BORDER, strokeWidth=0.5)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                # Reversed for 'lower' so that the darkest colour is always the best value.
                scale=alt.Scale(scheme=SCHEME, reverse=direction == "lower", zero=False),
                legend=alt.Legend(
                    title=f"{label}: {better.get(direction, 'darker = higher')}",
                    format=value_format,
                    titleLimit=520,
                    gradientLength=220,
                ),
            ),
            # opacity, not fillOpacity: Vega-Lite 5 draws no legend for fillOpacity. The
            # borders it fades are drawn again, solid, by the next layer.
            opacity=alt.Opacity(
                "properties.quality:O",  # ordered Strong to Weak: Vega-Lite warns on :N
                sort=qualities,
                scale=alt.Scale(type="ordinal", domain=qualities, range=opacities),
                legend=alt.Legend(
                    title="Data quality",
                    labelExpr=_label_expr({"Weak": "Weak (faded, striped)"}),
                    symbolType="square",
                    symbolFillColor=LEGEND_SWATCH,
                    symbolStrokeWidth=0,
                    values=qualities[:3] + ([NOT_RATED] if counts[NOT_RATED] else []),
                ),
            ),
            tooltip=tooltip,
        )
    )
    if counts["Weak"]:
        # Stripes drawn as a hard-stopped gradient over each Weak county; they carry the
        # same tooltip, since they lie on top.
        layers.append(
            base.transform_filter("datum.properties.quality == 'Weak'")
            .mark_geoshape(fill=_stripes(), fillOpacity=STRIPE_OPACITY, strokeWidth=0)
            .encode(tooltip=tooltip)
        )

    layers.append(
        base.transform_filter("datum.properties.status != 'not drawn'").mark_geoshape(
            filled=False, stroke=BORDER, strokeWidth=0.5
        )
    )
    if focus is not None:
        layers.append(
            base.transform_filter(alt.FieldEqualPredicate(field="id", equal=focus))
            .mark_geoshape(filled=False, stroke=OUTLINE, strokeWidth=2.5)
            .encode(tooltip=[name])
        )
    return alt.layer(*layers).resolve_scale(color="independent")


def _stripes() -> dict:
    """A Vega linear gradient of white and clear bands, corner to corner."""
    stops = []
    for k in range(STRIPES):
        start, middle, end = k / STRIPES, (k + 0.5) / STRIPES, (k + 1) / STRIPES
        stops += [
            {"offset": start, "color": WHITE},
            {"offset": middle, "color": WHITE},
            {"offset": middle, "color": "rgba(255,255,255,0)"},
            {"offset": end, "color": "rgba(255,255,255,0)"},
        ]
    return {"gradient": "linear", "x1": 0, "y1": 0, "x2": 1, "y2": 1, "stops": stops}


def _label_expr(labels: dict[str, str]) -> str:
    """A Vega expression that turns status codes into legend labels."""
    expression = "datum.label"
    for code, text in labels.items():  # JSON strings are valid Vega expression strings
        expression = f"datum.label == {json.dumps(code)} ? {json.dumps(text)} : {expression}"
    return expression


def _state_frame(code: str) -> tuple[int, int, dict]:
    """Width, height and an equal-area conic projection centred on the state.

    Vega-Lite fits a projection without scale or translate to the data; centring the
    cone on the state keeps its shape true, and it keeps Alaska in one piece across the
    180th meridian (whose western Aleutians have east longitudes).
    """
    boundaries = geo.load_boundaries()
    west, south, east, north = boundaries.extent(boundaries.keys(code))
    across = (east - west) * math.cos(math.radians((south + north) / 2))
    tall = north - south
    low, high = STATE_HEIGHT_RANGE
    width = STATE_WIDTH
    height = round(width * tall / across)
    if height > high:
        width, height = max(360, round(high * across / tall)), high
    height = max(low, height)
    projection = {
        "type": "conicEqualArea",
        "rotate": [-(west + east) / 2, 0, 0],
        "parallels": [south + tall / 6, north - tall / 6],
    }
    return width, height, projection


def _names(keys: tuple[str, ...] | list[str], rows: pd.DataFrame) -> str:
    """'A, B and C' from the data's names of ``keys``."""
    lookup = dict(zip(rows["key"], rows["name"], strict=True))
    names = [lookup.get(k) or k for k in keys]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _note(missing: tuple[str, ...], rows: pd.DataFrame, focus: str | None) -> str:
    """Plain words on which jurisdictions of the data are not on the map, and why."""
    if not missing:
        return ""
    vintage = geo.load_boundaries().metadata["vintage"]
    sentences = []
    explained: set[str] = set()
    for change in geo.BOUNDARY_CHANGES:
        keys = [k for k in missing if k in change.new]
        if keys:
            explained.update(keys)
            sentences.append(
                f"Not on the map: {_names(keys, rows)}. {change.summary}, and the map's "
                f"county boundaries are from {vintage}, so there is no shape to colour; "
                "their values are in the tables."
            )
    others = [k for k in missing if k not in explained]
    if others:
        sentences.append(
            f"Not on the map: {_names(others, rows)}: the county boundaries the map uses "
            f"({vintage}) have no shape for {'it' if len(others) == 1 else 'them'}."
        )
    if focus in missing:
        sentences.append(f"{_names([focus], rows)} is one of them, so it is not outlined.")
    return " ".join(sentences)


def _description(
    label: str,
    direction: Direction,
    place: str,
    counts: dict[str, int],
    focus: str | None,
    rows: pd.DataFrame,
    missing: tuple[str, ...],
    note: str,
) -> str:
    """What the map shows, in words, for screen readers."""
    reading = {
        "higher": "darker blue means a higher, better value",
        "lower": "darker blue means a lower, better value",
        "none": "darker blue means a higher value",
    }[direction]
    parts = [f"Map of the counties of {place} shaded by {label}: {reading}."]
    parts.append(f"{counts['value']} counties have a value, {counts['no data']} have none (grey).")
    if counts["Weak"]:
        parts.append(
            f"{counts['Weak']} values are of Weak quality and drawn faded, with white stripes."
        )
    if counts[NOT_RATED]:
        parts.append(f"{counts[NOT_RATED]} values have no quality flag and are drawn half-faded.")
    if focus is not None and focus not in missing:
        lookup = dict(zip(rows["key"], rows["name"], strict=True))
        parts.append(f"{lookup.get(focus) or focus} is outlined in black.")
    if note:
        parts.append(note)
    return " ".join(parts)


def _no_map(
    message: str,
    label: str,
    title: str | None,
    synthetic: bool,
    not_drawn: tuple[str, ...] = (),
) -> MapResult:
    """A short text in place of a map that cannot be drawn; the same text is the note."""
    lines = textwrap.wrap(message, width=NO_MAP_CHARACTERS)
    chart = (
        alt.Chart(pd.DataFrame({"text": ["\n".join(lines)]}))
        .mark_text(align="left", baseline="top", lineBreak="\n", fontSize=13, lineHeight=18)
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
        .properties(width=STATE_WIDTH, height=18 * len(lines))
    )
    heading = title or f"{label}, by county: no map"
    return MapResult(
        chart=finish(chart, heading, message, synthetic),
        note=message,
        not_drawn=not_drawn,
        source="",
    )
