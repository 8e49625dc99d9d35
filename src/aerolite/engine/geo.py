"""GeoJSON geometry for geo2dsphere indexes and queries: points, polygons and AeroCircle regions.

Distances use the haversine formula on a sphere of the Earth's mean radius; polygon containment uses
ray casting in longitude/latitude, which is exact enough for the small regions typical queries use.
"""

from __future__ import annotations

import json
import math
from typing import Any

EARTH_RADIUS_M = 6_371_000.0

Point = tuple[float, float]


def parse(text: str) -> dict[str, Any] | None:
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _point(doc: dict[str, Any]) -> Point | None:
    try:
        lng, lat = doc["coordinates"][:2]
        return float(lng), float(lat)
    except (KeyError, TypeError, ValueError):
        return None


def _distance_m(a: Point, b: Point) -> float:
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _in_ring(p: Point, ring: list[list[float]]) -> bool:
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _polygons(doc: dict[str, Any]) -> list[list[list[list[float]]]]:
    kind = doc.get("type")
    coords = doc.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list):
        return [coords]
    if kind == "MultiPolygon" and isinstance(coords, list):
        return coords
    return []


def point_in_region(point: Point, region: dict[str, Any]) -> bool:
    """Whether a point lies inside a Polygon, MultiPolygon or AeroCircle region."""
    if region.get("type") == "AeroCircle":
        try:
            (lng, lat), radius = region["coordinates"]
            return _distance_m(point, (float(lng), float(lat))) <= float(radius)
        except (KeyError, TypeError, ValueError):
            return False
    for polygon in _polygons(region):
        if polygon and _in_ring(point, polygon[0]) and not any(_in_ring(point, hole) for hole in polygon[1:]):
            return True
    return False


def matches(stored: str, query: str) -> bool:
    """A stored value matches a geo query when its point lies in the query region, or its region
    contains the query point."""
    stored_doc, query_doc = parse(stored), parse(query)
    if stored_doc is None or query_doc is None:
        return False
    if stored_doc.get("type") == "Point":
        point = _point(stored_doc)
        return point is not None and point_in_region(point, query_doc)
    if query_doc.get("type") == "Point":
        point = _point(query_doc)
        return point is not None and point_in_region(point, stored_doc)
    return False
