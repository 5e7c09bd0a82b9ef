"""Boundaries of a local data set's sub-areas, from a GeoJSON file a coalition supplies.

Tract or ZIP code boundaries come from many places (the Census Bureau's cartographic
files converted to GeoJSON, a city's open-data portal). This checks that a file is
GeoJSON with polygons, finds the property that holds the same keys as the data set,
simplifies the shapes for a page (a map of a county's tracts need not carry survey-grade
borders) and says which keys have no shape. Drawn offline by
:mod:`workbook.display.local_charts`: nothing is fetched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbook.data.local_files import (
    MAX_LOCAL_BYTES,
    LocalDataError,
    normalise_keys,
    read_source,
)

MAX_GEOJSON_BYTES = MAX_LOCAL_BYTES
DIGITS = 5  # decimal places kept in coordinates: about a metre
TOLERANCE_SHARE = 1 / 1500  # simplification tolerance, as a share of the map's extent
POLYGONS = ("Polygon", "MultiPolygon")


class LocalGeoError(LocalDataError):
    """A boundary file that cannot be used, with what to do about it."""


@dataclass
class Boundaries:
    """Simplified shapes keyed like the data set, and what did not match."""

    features: list[dict[str, Any]]  # GeoJSON features with properties {"key": ...}
    key_property: str
    unmatched_keys: list[str] = field(default_factory=list)  # data keys with no shape
    extra_shapes: int = 0  # shapes of places the data set does not have

    def collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on one closed ring; a ring keeps at least four points."""
    if len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular(ring[i], ring[first], ring[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    out = [p for p, k in zip(ring, keep, strict=True) if k]
    if len(out) < 4:
        step = max(1, len(ring) // 4)
        out = ring[::step][:3] + [ring[0]]
    return out


def _rings(geometry: dict[str, Any]) -> Iterable[list]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    else:
        for polygon in geometry["coordinates"]:
            yield from polygon


def _simplified(geometry: dict[str, Any], tolerance: float) -> dict[str, Any]:
    def ring(r: list) -> list:
        rounded = [[round(float(x), DIGITS), round(float(y), DIGITS)] for x, y, *_ in r]
        return simplify_ring(rounded, tolerance)

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[ring(r) for r in polygon] for polygon in geometry["coordinates"]],
    }


def _not_geojson(why: str) -> LocalGeoError:
    return LocalGeoError(
        f"the boundary file is not GeoJSON ({why}). Give a .geojson file of polygons, one "
        "feature per sub-area with its code in a property (e.g. GEOID); a shapefile can be "
        "converted with QGIS or mapshaper"
    )


def parse_geojson(source: Any, max_bytes: int = MAX_GEOJSON_BYTES) -> list[dict[str, Any]]:
    """The polygon features of a GeoJSON file (a path, bytes or upload)."""
    _, data = read_source(source, max_bytes)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _not_geojson(f"it cannot be read as JSON: {exc}") from None
    if not isinstance(document, dict):
        raise _not_geojson("it is JSON, but not an object")
    kind = document.get("type")
    if kind == "Topology":
        raise _not_geojson("it is TopoJSON; export GeoJSON instead")
    if kind == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    elif kind != "FeatureCollection":
        raise _not_geojson(f"its type is {kind!r}, not 'FeatureCollection'")
    features = document.get("features")
    if not isinstance(features, list):
        raise _not_geojson("it has no list of features")
    polygons = [
        f
        for f in features
        if isinstance(f, dict)
        and isinstance(f.get("geometry"), dict)
        and f["geometry"].get("type") in POLYGONS
        and isinstance(f["geometry"].get("coordinates"), list)
    ]
    if not polygons:
        raise _not_geojson("none of its features is a polygon with coordinates")
    return polygons


def _candidates(feature: dict[str, Any]) -> dict[str, str]:
    props = feature.get("properties") or {}
    found = {k: str(v) for k, v in props.items() if isinstance(v, str | int)}
    if "id" in feature and isinstance(feature["id"], str | int):
        found.setdefault("id", str(feature["id"]))
    return found


def match_boundaries(
    features: list[dict[str, Any]], keys: Iterable[str], geography: str
) -> Boundaries:
    """Shapes for the data set's ``keys``: the property whose values match most keys is
    the key; shapes are simplified. Raises when no shape matches any key."""
    wanted = set(keys)
    best, best_hits = None, 0
    names = list(dict.fromkeys(n for f in features for n in _candidates(f)))
    for name in names:
        values = pd.Series([_candidates(f).get(name, "") for f in features])
        normalised, _ = normalise_keys(values, geography)
        hits = len(wanted & set(normalised))
        if hits > best_hits:
            best, best_hits = name, hits
    if best is None:
        sample_key = next(iter(sorted(wanted)), "(none)")
        sample_props = ", ".join(names[:6]) or "none"
        raise LocalGeoError(
            f"no shape in the boundary file matches a place of the data set (e.g. "
            f"'{sample_key}'); its properties are: {sample_props}. Use boundaries of the same "
            "kind and year as the data (tracts for tract data), with the code in a property"
        )
    values = pd.Series([_candidates(f).get(best, "") for f in features])
    normalised, _ = normalise_keys(values, geography)
    xs, ys = [], []
    for feature in features:
        for ring in _rings(feature["geometry"]):
            for point in ring:
                xs.append(float(point[0]))
                ys.append(float(point[1]))
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    tolerance = extent * TOLERANCE_SHARE
    kept, seen = [], set()
    for feature, key in zip(features, normalised, strict=True):
        if key not in wanted or key in seen:
            continue
        seen.add(key)
        kept.append(
            {
                "type": "Feature",
                "properties": {"key": key},
                "geometry": _simplified(feature["geometry"], tolerance),
            }
        )
    return Boundaries(
        features=kept,
        key_property=best,
        unmatched_keys=sorted(wanted - seen),
        extra_shapes=len(features) - len(kept),
    )
