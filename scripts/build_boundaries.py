"""Build ``workbook/data/framework/county_boundaries.topo.json`` from the Census Bureau's shapefile.

Run once, by a maintainer, when the boundaries should change (the workbook only reads the
result; neither package below is needed at run time)::

    .venv/bin/pip install plotly-geo==1.0.0 pyshp==3.1.6
    .venv/bin/python scripts/build_boundaries.py

Source: the US Census Bureau's cartographic boundary file of counties, 2016 vintage, at
1:500,000 (``cb_2016_us_county_500k``; state names from ``cb_2016_us_state_500k``), as
shipped in the package data of ``plotly-geo`` on PyPI. Cartographic boundary files are
clipped to the shoreline, which is what a choropleth wants.

What the script does, and why:

1. Keeps the 50 states and DC (3,142 county shapes of 2016). Puerto Rico and the Island
   Areas are left out: the Mobility Metrics do not cover them and Vega's ``albersUsa``
   projection has no place for them. Honolulu County's Northwestern Hawaiian Islands
   (west of 161 W, uninhabited) are left out so that a map of Hawaii is not a thin chain.
2. Snaps coordinates to a grid of 0.0005 degrees (about 50 m), the TopoJSON quantisation.
3. Splits every ring into arcs at the points where neighbouring counties meet, so that a
   border shared by two counties is stored once and simplified once: simplifying each
   polygon on its own would open slivers between neighbours.
4. Ranks every point of every arc by Douglas-Peucker (the distance at which it would be
   dropped) and stores that rank as a level, so that the workbook can draw a state at
   full detail and the nation coarser without running the algorithm again.
5. Writes TopoJSON with the source in ``metadata``.
"""

from __future__ import annotations

import importlib.metadata
import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import shapefile  # pyshp

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "workbook" / "data" / "framework" / "county_boundaries.topo.json"

QUANTUM = 0.0005  # degrees per grid step
TOLERANCE = 0.003  # degrees: points closer than this to the simplified line are dropped
MAX_LEVEL = 9  # level of points that are always kept (arc ends, the minimum shape)
MIN_ISLAND = 1e-5  # square degrees (about 0.1 km2): smaller unshared islands are dropped
HAWAII_WEST = -161.0
INCLUDED_STATES = {f"{n:02d}" for n in range(1, 57)}  # 50 states + DC; no territories
# The county file's legal/statistical area codes, turned into the usual name endings.
LSAD_SUFFIX = {
    "00": "",
    "03": "City and Borough",
    "04": "Borough",
    "05": "Census Area",
    "06": "County",
    "12": "Municipality",
    "15": "Parish",
    "25": "city",
}

Point = tuple[int, int]
Ring = list[Point]


def source_dir() -> Path:
    """The folder of shapefiles inside the installed plotly-geo."""
    import _plotly_geo  # plotly-geo's namespace package (data only)

    return Path(next(iter(_plotly_geo.__path__))) / "package_data"


def read_states(folder: Path) -> dict[str, dict[str, str]]:
    """State FIPS -> name and postal code, for the included states."""
    reader = shapefile.Reader(str(folder / "cb_2016_us_state_500k"))
    return {
        rec["STATEFP"]: {"name": rec["NAME"], "abbr": rec["STUSPS"]}
        for rec in sorted(reader.records(), key=lambda r: r["STATEFP"])
        if rec["STATEFP"] in INCLUDED_STATES
    }


def quantize(ring: list[tuple[float, float]], origin: tuple[float, float]) -> Ring:
    """A ring on the integer grid, without repeated points or the closing point."""
    out: Ring = []
    for x, y in ring:
        point = (round((x - origin[0]) / QUANTUM), round((y - origin[1]) / QUANTUM))
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def read_counties(folder: Path) -> tuple[dict[str, dict], tuple[float, float]]:
    """County key -> name, state and polygons (lists of quantised rings)."""
    reader = shapefile.Reader(str(folder / "cb_2016_us_county_500k"))
    west, south = reader.bbox[0], reader.bbox[1]
    origin = (math.floor(west / QUANTUM) * QUANTUM, math.floor(south / QUANTUM) * QUANTUM)
    counties: dict[str, dict] = {}
    for item in reader.iterShapeRecords():
        rec = item.record
        if rec["STATEFP"] not in INCLUDED_STATES:
            continue
        geo = item.shape.__geo_interface__  # keeps the shapefile's clockwise outer rings
        polygons = geo["coordinates"] if geo["type"] == "MultiPolygon" else [geo["coordinates"]]
        kept = []
        for polygon in polygons:
            if rec["STATEFP"] == "15" and max(x for x, _ in polygon[0]) < HAWAII_WEST:
                continue
            rings = [quantize(ring, origin) for ring in polygon]
            rings = [r for r in rings if len(set(r)) >= 3]
            if rings:
                kept.append(rings)
        suffix = LSAD_SUFFIX[rec["LSAD"]]
        counties[rec["GEOID"]] = {
            "name": f"{rec['NAME']} {suffix}".strip(),
            "state": rec["STATEFP"],
            "polygons": kept,
        }
    return dict(sorted(counties.items())), origin


def area(ring: Ring, origin_lat: float) -> float:
    """Area in square degrees of longitude-scaled-by-latitude (shoelace; sign = winding)."""
    total = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    lat = origin_lat + ring[0][1] * QUANTUM
    return total / 2 * QUANTUM * QUANTUM * math.cos(math.radians(lat))


def drop_small_islands(counties: dict[str, dict], origin_lat: float) -> int:
    """Drop tiny islands no other county touches, keeping each county's largest polygon."""
    owners: dict[Point, set[str]] = {}
    for key, county in counties.items():
        for polygon in county["polygons"]:
            for ring in polygon:
                for point in ring:
                    owners.setdefault(point, set()).add(key)
    dropped = 0
    for county in counties.values():
        polygons = county["polygons"]
        largest = max(polygons, key=lambda p: abs(area(p[0], origin_lat)))
        kept = []
        for polygon in polygons:
            shared = any(len(owners[p]) > 1 for ring in polygon for p in ring)
            small = len(polygon) == 1 and abs(area(polygon[0], origin_lat)) < MIN_ISLAND
            if polygon is largest or shared or not small:
                kept.append(polygon)
            else:
                dropped += 1
        county["polygons"] = kept
    return dropped


def all_rings(counties: dict[str, dict]) -> Iterator[Ring]:
    for county in counties.values():
        for polygon in county["polygons"]:
            yield from polygon


def find_junctions(counties: dict[str, dict]) -> set[Point]:
    """Points where the neighbours change: a border between two counties starts or ends.

    A point inside a shared border has the same two neighbours in both rings (in
    opposite order); where three counties meet, or a border meets the coast, the
    neighbours differ.
    """
    neighbours: dict[Point, tuple[Point, Point]] = {}
    junctions: set[Point] = set()
    for ring in all_rings(counties):
        n = len(ring)
        for i, point in enumerate(ring):
            a, b = ring[i - 1], ring[(i + 1) % n]
            pair = (a, b) if a < b else (b, a)
            seen = neighbours.setdefault(point, pair)
            if seen != pair:
                junctions.add(point)
    return junctions


class ArcStore:
    """Arcs stored once; a ring refers to an arc by index, or ~index when reversed."""

    def __init__(self) -> None:
        self.arcs: list[tuple[Point, ...]] = []
        self._index: dict[tuple[Point, ...], int] = {}

    def add(self, points: list[Point]) -> int:
        key = tuple(points)
        if key in self._index:
            return self._index[key]
        reverse = key[::-1]
        if reverse in self._index:
            return ~self._index[reverse]
        self._index[key] = len(self.arcs)
        self.arcs.append(key)
        return self._index[key]

    def ring(self, ring: Ring, junctions: set[Point]) -> list[int]:
        """Cut a ring at its junctions and return its arc references."""
        cuts = [i for i, p in enumerate(ring) if p in junctions]
        if not cuts:
            # No neighbour changes: an island, or an enclave and the hole around it.
            # Start both at the same (smallest) point so that they share one arc.
            start = ring.index(min(ring))
            closed = ring[start:] + ring[:start]
            return [self.add(closed + closed[:1])]
        closed = ring[cuts[0] :] + ring[: cuts[0]]
        closed.append(closed[0])
        bounds = [i - cuts[0] for i in cuts] + [len(closed) - 1]
        return [self.add(closed[a : b + 1]) for a, b in zip(bounds, bounds[1:], strict=False)]


def levels(points: np.ndarray, x_scale: float, forced: int) -> np.ndarray:
    """Douglas-Peucker level of every point of an arc (see the module docstring).

    A point's importance is its distance to the simplified line at the moment
    Douglas-Peucker would keep it, capped by its parent's so that filtering by a
    tolerance gives exactly the Douglas-Peucker result at that tolerance. The first
    ``forced`` splits are always kept, so that no ring collapses to a line.
    """
    n = len(points)
    importance = np.full(n, np.inf)
    if n > 2:
        importance[1:-1] = 0.0
        x = points[:, 0] * x_scale  # so that a degree east counts like a degree north
        y = points[:, 1].astype(float)
        base = TOLERANCE / QUANTUM
        stack = [(0, n - 1, np.inf, forced)]
        while stack:
            i, j, cap, must = stack.pop()
            if j - i < 2 or (cap <= base and must <= 0):
                continue  # below the stored tolerance everything in between is dropped
            px, py = x[i + 1 : j], y[i + 1 : j]
            dx, dy = x[j] - x[i], y[j] - y[i]
            length = dx * dx + dy * dy
            t = 0.0
            if length:  # the foot of the perpendicular, kept on the segment
                t = np.clip(((px - x[i]) * dx + (py - y[i]) * dy) / length, 0, 1)
            distance = np.hypot(px - x[i] - t * dx, py - y[i] - t * dy)
            k = int(np.argmax(distance))
            m = i + 1 + k
            importance[m] = np.inf if must > 0 else min(cap, distance[k])
            stack.append((i, m, importance[m], must - 1))
            stack.append((m, j, importance[m], must - 1))
    base = TOLERANCE / QUANTUM
    with np.errstate(divide="ignore"):
        level = np.floor(np.log2(np.maximum(importance, 1e-9) / base))
    level = np.where(importance <= base, -1, np.clip(level, 0, MAX_LEVEL))
    return level.astype(int)


def forced_splits(rings: list[list[int]], arc_count: int) -> list[int]:
    """How many interior points each arc must keep so that every ring stays a polygon.

    A ring of three or more arcs keeps its three or more junctions, so it needs nothing;
    a ring of two arcs needs one point on each; a ring that is one closed arc needs two.
    """
    forced = [0] * arc_count
    for refs in rings:
        need = {1: 2, 2: 1}.get(len(refs), 0)
        for ref in refs:
            index = ref if ref >= 0 else ~ref
            forced[index] = max(forced[index], need)
    return forced


def arc_levels(points: tuple[Point, ...], origin_lat: float, forced: int) -> np.ndarray:
    """Levels of an arc's points, with longitude scaled for the arc's latitude."""
    array = np.array(points, dtype=np.int64)
    lat = origin_lat + array[:, 1].mean() * QUANTUM
    return levels(array, math.cos(math.radians(lat)), forced)


def ring_points(refs: list[int], arcs: list[np.ndarray], marks: list[np.ndarray], level: int):
    """The ring's points kept at ``level`` (arcs joined, reversed ones turned round)."""
    parts = []
    for ref in refs:
        index = ref if ref >= 0 else ~ref
        points = arcs[index][marks[index] >= level]
        parts.append(points if ref >= 0 else points[::-1])
    return np.concatenate(parts)


def signed_area(points: np.ndarray) -> float:
    """Shoelace area on the grid: negative for clockwise rings (outer rings here)."""
    x, y = points[:, 0].astype(float), points[:, 1].astype(float)
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def keep_orientation(
    rings: list[tuple[list[int], bool]], arcs: list[np.ndarray], marks: list[np.ndarray]
) -> int:
    """Raise point levels where simplification would turn a ring inside out.

    Vega (d3-geo) reads a clockwise ring as the inside of a county and a counter-clockwise
    one as its outside, so a small island flipped or flattened by simplification would
    paint the whole rest of the globe. Level by level, such a ring gets back the points
    it had one level finer (on all its arcs, so that neighbours stay seamless); at the
    finest level (-1, before simplification) every ring is right. Returns the points kept.
    """
    raised = 0
    for level in range(0, MAX_LEVEL + 1):
        changed = True
        while changed:
            changed = False
            for refs, hole in rings:
                area_now = signed_area(ring_points(refs, arcs, marks, level))
                if (area_now > 0) if hole else (area_now < 0):
                    continue
                lifted = 0
                for ref in refs:
                    mark = marks[ref if ref >= 0 else ~ref]
                    lift = (mark >= level - 1) & (mark < level)
                    lifted += int(lift.sum())
                    mark[lift] = level
                if not lifted:
                    raise RuntimeError(f"ring {refs} is the wrong way round even unsimplified")
                raised += lifted
                changed = True
    return raised


def encode_arc(points: np.ndarray, mark: np.ndarray) -> list[list[int]]:
    """The kept points of an arc, delta-encoded, each with its level as third number."""
    kept = points[mark >= 0]
    deltas = np.diff(kept, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    levels_kept = mark[mark >= 0]
    return [[int(d[0]), int(d[1]), int(lv)] for d, lv in zip(deltas, levels_kept, strict=True)]


def _polygons(geometry: dict) -> list:
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]


def build() -> dict:
    folder = source_dir()
    states = read_states(folder)
    counties, origin = read_counties(folder)
    dropped = drop_small_islands(counties, origin[1])
    junctions = find_junctions(counties)
    store = ArcStore()
    geometries = []
    for key, county in counties.items():
        polygons = [[store.ring(ring, junctions) for ring in poly] for poly in county["polygons"]]
        geometry: dict = {"type": "MultiPolygon", "arcs": polygons}
        if len(polygons) == 1:
            geometry = {"type": "Polygon", "arcs": polygons[0]}
        geometry["id"] = key
        geometry["properties"] = {"name": county["name"], "state": county["state"]}
        geometries.append(geometry)
    # (arc references, is a hole): the first ring of a polygon is its outline.
    rings = [(r, i > 0) for g in geometries for poly in _polygons(g) for i, r in enumerate(poly)]
    forced = forced_splits([ring for ring, _ in rings], len(store.arcs))
    points = [np.array(arc, dtype=np.int64) for arc in store.arcs]
    marks = [arc_levels(arc, origin[1], n) for arc, n in zip(store.arcs, forced, strict=True)]
    raised = keep_orientation(rings, points, marks)
    arcs = [encode_arc(p, m) for p, m in zip(points, marks, strict=True)]
    versions = {name: importlib.metadata.version(name) for name in ("plotly-geo", "pyshp")}
    metadata = {
        "title": "US county boundaries for the workbook's choropleth maps",
        "source": (
            "US Census Bureau, Cartographic Boundary File, counties, 2016 vintage, "
            "1:500,000 (cb_2016_us_county_500k); state names from cb_2016_us_state_500k"
        ),
        "vintage": 2016,
        "resolution": "1:500,000",
        "via": f"plotly-geo {versions['plotly-geo']} (PyPI), _plotly_geo/package_data",
        "reader": f"pyshp {versions['pyshp']}",
        "built_by": "scripts/build_boundaries.py",
        "coverage": (
            f"{len(geometries)} counties and county-equivalents of the 50 states and DC as "
            "of 2016. Left out: Puerto Rico and the Island Areas; Honolulu County's "
            f"Northwestern Hawaiian Islands (west of {abs(HAWAII_WEST):g} W); {dropped} "
            f"islands under {MIN_ISLAND:g} square degrees that touch no other county"
        ),
        "quantization_degrees": QUANTUM,
        "simplification": {
            "method": "Douglas-Peucker on shared arcs, longitude scaled by cos(latitude)",
            "tolerance_degrees": TOLERANCE,
            "levels": (
                "third number of every arc position: level L keeps the point at tolerances "
                f"up to {TOLERANCE:g} * 2**L degrees; {MAX_LEVEL} means always kept"
            ),
            "max_level": MAX_LEVEL,
            "points_restored": (
                f"{raised} points keep a level finer than Douglas-Peucker gives them, so "
                "that no ring turns inside out or flat at any level"
            ),
        },
        "states": states,
    }
    return {
        "type": "Topology",
        "metadata": metadata,
        "transform": {"scale": [QUANTUM, QUANTUM], "translate": [origin[0], origin[1]]},
        "objects": {"counties": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


def main() -> None:
    topology = build()
    text = json.dumps(topology, ensure_ascii=False, separators=(",", ":"))
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    points = sum(len(arc) for arc in topology["arcs"])
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {len(text.encode()) / 1e6:.2f} MB, "
        f"{len(topology['objects']['counties']['geometries'])} counties, "
        f"{len(topology['arcs'])} arcs, {points} points"
    )


if __name__ == "__main__":
    main()
