"""S2 cell ids for GeoJSON particles: a node prefixes a stored point with its leaf cell id.

Only points get a cell (level 30, the leaf); other shapes are sent with no cells, which clients
accept since they skip the cell list when reading.
"""

from __future__ import annotations

import json
import math

_MAX_IJ = 1 << 30
_IJ_TO_POS = ((0, 1, 3, 2), (0, 3, 1, 2), (2, 3, 1, 0), (2, 1, 3, 0))
_POS_TO_ORIENTATION = (1, 0, 0, 3)


def cell_ids(geojson: str) -> list[int]:
    """The cell ids a node stores with this GeoJSON value."""
    try:
        doc = json.loads(geojson)
        if doc.get("type") != "Point":
            return []
        lng, lat = (float(c) for c in doc["coordinates"][:2])
    except (ValueError, TypeError, KeyError, AttributeError):
        return []
    return [leaf_cell_id(lng, lat)]


def _face_uv(x: float, y: float, z: float) -> tuple[int, float, float]:
    components = (x, y, z)
    face = max(range(3), key=lambda n: abs(components[n]))
    if components[face] < 0:
        face += 3
    return face, *_UV[face](x, y, z)


_UV = (
    lambda x, y, z: (y / x, z / x),
    lambda x, y, z: (-x / y, z / y),
    lambda x, y, z: (-x / z, -y / z),
    lambda x, y, z: (z / x, y / x),
    lambda x, y, z: (z / y, -x / y),
    lambda x, y, z: (-y / z, -x / z),
)


def _st_to_ij(u: float) -> int:
    s = 0.5 * math.sqrt(1 + 3 * u) if u >= 0 else 1 - 0.5 * math.sqrt(1 - 3 * u)
    return min(max(math.floor(s * _MAX_IJ), 0), _MAX_IJ - 1)


def leaf_cell_id(lng: float, lat: float) -> int:
    """The 64-bit id of the level-30 S2 cell holding a point (Hilbert order within the cube face)."""
    phi, theta = math.radians(lat), math.radians(lng)
    face, u, v = _face_uv(math.cos(phi) * math.cos(theta), math.cos(phi) * math.sin(theta), math.sin(phi))
    i, j = _st_to_ij(u), _st_to_ij(v)
    orientation = face & 1
    position = 0
    for level in range(29, -1, -1):
        quadrant = _IJ_TO_POS[orientation][(((i >> level) & 1) << 1) | ((j >> level) & 1)]
        position = (position << 2) | quadrant
        orientation ^= _POS_TO_ORIENTATION[quadrant]
    return (face << 61) | (position << 1) | 1
