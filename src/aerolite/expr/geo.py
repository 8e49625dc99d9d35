"""GEO compare: is a point inside a region, or does a region contain a point.

Contract: ``geo_match(a, b)`` takes two GeoJSON texts and answers True when one is a Point and the
other a Polygon, MultiPolygon or AeroCircle (``[[lon, lat], radius_m]``) that contains it, or both
are the same point; False for any other pair; None when a text is not GeoJSON it understands (the
compiler turns that into unknown). Polygons use planar ray casting on lon/lat, circles the haversine
distance, which is how a node answers for the small regions filters use.
"""

from __future__ import annotations

import json
import math
from typing import Any

_EARTH_RADIUS_M = 6371008.8


def parse(text: str) -> dict[str, Any] | None:
    """The GeoJSON object in ``text``, or None if it is not one."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("type"), str) else None


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(lon: float, lat: float, rings: list[list[list[float]]]) -> bool:
    return bool(rings) and _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, h) for h in rings[1:])


def _distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _contains(region: dict[str, Any], lon: float, lat: float) -> bool:
    kind: str = region["type"]
    coords: Any = region["coordinates"]
    if kind == "Polygon":
        return _in_polygon(lon, lat, coords)
    if kind == "MultiPolygon":
        return any(_in_polygon(lon, lat, poly) for poly in coords)
    if kind == "AeroCircle":
        (clon, clat), radius = coords
        return bool(_distance_m(clon, clat, lon, lat) <= radius)
    return False


def geo_match(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool | None:
    """True when a point of one argument lies in the region of the other."""
    if a is None or b is None:
        return None
    try:
        if a["type"] == "Point" and b["type"] == "Point":
            return bool(a["coordinates"] == b["coordinates"])
        if a["type"] == "Point":
            return _contains(b, *a["coordinates"])
        if b["type"] == "Point":
            return _contains(a, *b["coordinates"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return False
