"""County boundaries for the maps: which shapes exist, and a light TopoJSON for a map.

The shapes are the US Census Bureau's cartographic boundary file of counties, 2016
vintage, 1:500,000 (``cb_2016_us_county_500k``, as shipped by plotly-geo 1.0.0), turned
once by ``scripts/build_boundaries.py`` into ``framework/county_boundaries.topo.json``:
50 states and DC, simplified on shared borders, with the source in its ``metadata``.
Puerto Rico and the Island Areas are not included (the Mobility Metrics do not cover them).

Boundaries changed after 2016, so some keys of newer data have no shape (see
:data:`BOUNDARY_CHANGES`): Connecticut's nine planning regions (09110-09190, in the data
from 2022) and Alaska's Chugach and Copper River Census Areas (02063, 02066, from 2019).
:func:`coverage` reports such mismatches for any table; the maps leave those places out
and say so rather than drawing a wrong shape.

A map embeds only the counties it shows, at the detail its size needs: a state at full
stored detail, the nation coarser (the file stores, for every point, the coarsest
simplification that keeps it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from workbook.errors import ParameterError

BOUNDARY_FILE = Path(__file__).parent / "framework" / "county_boundaries.topo.json"
Extent = tuple[float, float, float, float]  # west, south, east, north in degrees
OBJECT_NAME = "counties"  # the TopoJSON object that holds the county geometries
MAP_SIZE = 600  # pixels along a map's longer side, for choosing the level of detail
MAX_ERROR_PIXELS = 0.75  # simplification may move a border by at most this much
# The lower 48 (west, south, east, north): albersUsa spreads them across a national map,
# and draws Alaska at about a third of their scale, so they set the map's detail.
LOWER_48 = (-124.8, 24.4, -66.9, 49.4)
NATION_SIZE = 700  # pixels across the lower 48 on a national map


@dataclass(frozen=True)
class BoundaryChange:
    """Counties replaced after the boundary file's vintage, so their successors have no shape."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    year: int
    summary: str


BOUNDARY_CHANGES: tuple[BoundaryChange, ...] = (
    BoundaryChange(
        old=("09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015"),
        new=("09110", "09120", "09130", "09140", "09150", "09160", "09170", "09180", "09190"),
        year=2022,
        summary="Connecticut's nine planning regions replaced its eight counties in 2022",
    ),
    BoundaryChange(
        old=("02261",),
        new=("02063", "02066"),
        year=2019,
        summary=(
            "Alaska's Valdez-Cordova Census Area was split into the Chugach and Copper "
            "River Census Areas in 2019"
        ),
    ),
)


class Coverage(NamedTuple):
    """How a table's county keys and the boundary file's shapes match up."""

    keys_without_shape: tuple[str, ...]
    shapes_without_data: tuple[str, ...]


class Boundaries:
    """The boundary file, with arcs decoded to absolute grid points (x, y, level)."""

    def __init__(self, topology: dict[str, Any]) -> None:
        self.metadata: dict[str, Any] = topology["metadata"]
        self.transform: dict[str, list[float]] = topology["transform"]
        self.states: dict[str, dict[str, str]] = self.metadata["states"]
        self.tolerance: float = self.metadata["simplification"]["tolerance_degrees"]
        self.max_level: int = self.metadata["simplification"]["max_level"]
        # Positions are delta-encoded in x and y; the third number (level) is not.
        self.arcs: list[np.ndarray] = []
        for arc in topology["arcs"]:
            array = np.asarray(arc, dtype=np.int64)
            array[:, :2] = np.cumsum(array[:, :2], axis=0)
            self.arcs.append(array)
        geometries = topology["objects"][OBJECT_NAME]["geometries"]
        self.geometries: dict[str, dict[str, Any]] = {g["id"]: g for g in geometries}

    def keys(self, state: str | None = None) -> list[str]:
        """County keys with a shape, for one state or all."""
        return [k for k in self.geometries if state is None or k[:2] == state]

    def to_degrees(self, points: np.ndarray) -> np.ndarray:
        """Grid points to (longitude, latitude)."""
        scale, translate = self.transform["scale"], self.transform["translate"]
        return points[:, :2] * np.asarray(scale) + np.asarray(translate)

    def extent(self, keys: Iterable[str]) -> Extent:
        """(west, south, east, north) in degrees of the given counties.

        Longitudes east of 0 (Alaska's western Aleutians, across the 180th meridian)
        are counted west of -180, so Alaska's extent is one piece.
        """
        indices = {_arc_index(ref) for key in keys for ref in _arc_refs(self.geometries[key])}
        points = self.to_degrees(np.concatenate([self.arcs[i] for i in sorted(indices)]))
        lon = np.where(points[:, 0] > 0, points[:, 0] - 360, points[:, 0])
        return (
            float(lon.min()),
            float(points[:, 1].min()),
            float(lon.max()),
            float(points[:, 1].max()),
        )


@cache
def load_boundaries() -> Boundaries:
    """The package's county boundaries (read once per process)."""
    with open(BOUNDARY_FILE, encoding="utf-8") as handle:
        return Boundaries(json.load(handle))


def source_note() -> str:
    """One line to credit the boundaries under a map."""
    meta = load_boundaries().metadata
    return f"Boundaries: {meta['source']}, via {meta['via']}; simplified."


def state_fips(state: object) -> str:
    """The 2-digit FIPS code of a state given as code ('06', 6), postal code or name."""
    states = load_boundaries().states
    text = str(state).strip() if isinstance(state, str | int) else ""
    if text.isdigit() and text.zfill(2) in states:
        return text.zfill(2)
    for code, info in states.items():
        if text.upper() == info["abbr"] or text.casefold() == info["name"].casefold():
            return code
    raise ParameterError(
        "state",
        state,
        "is not one of the 50 states or DC, which are the places with county boundaries",
        "Use a 2-digit state FIPS code such as '06', a postal code such as 'CA' or a name",
    )


def state_name(code: str) -> str:
    """The name of a state from its 2-digit FIPS code."""
    return load_boundaries().states[state_fips(code)]["name"]


def boundary_change(key: str) -> BoundaryChange | None:
    """The recorded boundary change that ``key`` is part of (old or new side), if any."""
    for change in BOUNDARY_CHANGES:
        if key in change.old or key in change.new:
            return change
    return None


def coverage(keys: Iterable[str], state: str | None = None) -> Coverage:
    """Which keys have no shape, and which shapes have no key.

    With ``state``, only that state's keys and shapes are compared; otherwise the
    nation's, so pass a whole table's keys.
    """
    code = state_fips(state) if state is not None else None
    wanted = {k for k in keys if code is None or k[:2] == code}
    shapes = set(load_boundaries().keys(code))
    return Coverage(tuple(sorted(wanted - shapes)), tuple(sorted(shapes - wanted)))


def shapes_for_state(state: str, size: int = MAP_SIZE) -> dict[str, Any]:
    """TopoJSON of one state's counties, detailed enough for a map ``size`` pixels across.

    Use it as ``alt.InlineData(values=topology, format=alt.DataFormat(type="topojson",
    feature="counties"))`` (or pass ``json.dumps(topology)`` as values, which Altair
    handles much faster); each county's key is the feature's ``id``, its name and state
    are in ``properties``.
    """
    code = state_fips(state)
    return _topology(tuple(load_boundaries().keys(code)), size)


def shapes_for_nation(size: int = NATION_SIZE) -> dict[str, Any]:
    """TopoJSON of every county of the 50 states and DC, for a map whose lower 48 are
    ``size`` pixels across (coarser than a state map: a county is a few pixels there)."""
    return _topology(tuple(load_boundaries().keys()), size, LOWER_48)


def features(topology: dict[str, Any]) -> list[dict[str, Any]]:
    """GeoJSON features of a topology made by this module (for checks and other tools)."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        points = np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate
        arcs.append(points.tolist())

    def ring(refs: list[int]) -> list[list[float]]:
        out: list[list[float]] = []
        for ref in refs:
            points = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
            out.extend(points if not out else points[1:])  # arcs share their end points
        return out

    result = []
    for geometry in topology["objects"][OBJECT_NAME]["geometries"]:
        if geometry["type"] == "Polygon":
            coordinates: list = [ring(r) for r in geometry["arcs"]]
        else:
            coordinates = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
        result.append(
            {
                "type": "Feature",
                "id": geometry["id"],
                "properties": dict(geometry.get("properties", {})),
                "geometry": {"type": geometry["type"], "coordinates": coordinates},
            }
        )
    return result


def detail_level(extent: Extent, size: int) -> int:
    """The stored simplification level whose error stays under a fraction of a pixel."""
    boundaries = load_boundaries()
    west, south, east, north = extent
    across = max((east - west) * math.cos(math.radians((south + north) / 2)), north - south)
    allowed = MAX_ERROR_PIXELS * across / max(size, 1)
    if allowed <= boundaries.tolerance:
        return 0
    level = int(math.floor(math.log2(allowed / boundaries.tolerance)))
    return min(level, boundaries.max_level)


def _arc_refs(geometry: dict[str, Any]) -> Iterable[int]:
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def _arc_index(ref: int) -> int:
    return ref if ref >= 0 else ~ref  # TopoJSON writes a reversed arc i as ~i


@lru_cache(maxsize=16)
def _simplified(
    keys: tuple[str, ...], size: int, extent: Extent | None
) -> tuple[list[int], list[np.ndarray]]:
    """The arcs used by ``keys`` (indices into the file) at the level the size needs."""
    boundaries = load_boundaries()
    level = detail_level(extent or boundaries.extent(keys), size)
    used = sorted({_arc_index(r) for k in keys for r in _arc_refs(boundaries.geometries[k])})
    # Filtering by level gives the Douglas-Peucker result at that tolerance, and a
    # shared border is one arc, so neighbours stay seamless.
    kept = [boundaries.arcs[i][boundaries.arcs[i][:, 2] >= level, :2] for i in used]
    return used, kept


def _topology(keys: tuple[str, ...], size: int, extent: Extent | None = None) -> dict[str, Any]:
    """A new TopoJSON dict of ``keys`` only (safe to modify; arcs re-numbered)."""
    boundaries = load_boundaries()
    used, kept = _simplified(keys, size, extent)
    renumber = {old: new for new, old in enumerate(used)}

    def remap(rings: list) -> list:
        if rings and isinstance(rings[0], int):
            return [renumber[r] if r >= 0 else ~renumber[~r] for r in rings]
        return [remap(r) for r in rings]

    geometries = []
    for key in keys:
        source = boundaries.geometries[key]
        geometries.append(
            {
                "type": source["type"],
                "id": key,
                "properties": dict(source["properties"]),
                "arcs": remap(source["arcs"]),
            }
        )
    arcs = [np.diff(points, axis=0, prepend=np.zeros((1, 2), np.int64)).tolist() for points in kept]
    return {
        "type": "Topology",
        "transform": {k: list(v) for k, v in boundaries.transform.items()},
        "objects": {OBJECT_NAME: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }
