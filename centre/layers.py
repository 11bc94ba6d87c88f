"""Map layers of the live map, built for 50,000 unit grids at every zoom.

Street zoom: the unit grids inside the viewport, found by the indexed bounding-box columns of
geo.UnitGrid, coordinates rounded to 1e-5° (about 1 m) and written as compact GeoJSON.
Low zoom: never the unit grids; one pre-simplified layer of responsibility grids (their outlines,
the union of their unit grids) and communities for the whole district, computed once per
geo.GridVersion and cached, since dissolving 50,000 cells costs seconds.

This module only reads; it never changes geography.
"""

import gzip
import json

import shapely
from django.core.cache import cache

from geo.models import Community, GridVersion, ResponsibilityGrid, Street, UnitGrid

PRECISION = 1e-5  # degrees; about 1 m, far below a unit grid's 100 m
# A street-zoom viewport of a 1920×1080 screen at zoom 16 holds about 1,000 unit grids; more than
# this means the client asked at a zoom where it should draw the district layer instead.
VIEWPORT_GRID_LIMIT = 5000
DISTRICT_TOLERANCE = 0.0002  # degrees (about 20 m) of simplification for the low-zoom layer


class TooManyGrids(Exception):
    pass


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """ "min_lon,min_lat,max_lon,max_lat" → floats, or ValueError."""
    parts = [float(p) for p in (text or "").split(",")]
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise ValueError(text)
    return parts[0], parts[1], parts[2], parts[3]


def _geojson(geometries) -> list[str]:
    """GeoJSON geometry strings, coordinates rounded to PRECISION (vectorised in GEOS)."""
    if not len(geometries):
        return []
    return list(shapely.to_geojson(shapely.set_precision(geometries, PRECISION)))


def _collection(features: list[tuple[dict, str]], extra: dict | None = None) -> str:
    # The geometry strings come from GEOS already serialised: splice them in instead of parsing.
    body = ",".join(
        '{"type":"Feature","properties":'
        + json.dumps(props, ensure_ascii=False)
        + ',"geometry":'
        + geom
        + "}"
        for props, geom in features
    )
    head = "".join(f'"{k}":{json.dumps(v)},' for k, v in (extra or {}).items())
    return '{"type":"FeatureCollection",' + head + '"features":[' + body + "]}"


def unit_grids_in_viewport(bbox: tuple[float, float, float, float], *, walked: set[int] | None = None) -> str:
    """Unit grids whose bounding box meets the viewport, as a GeoJSON string.

    Properties are kept short (c code, a area class, r responsibility grid; w walked today, 0 or 1,
    when `walked` ids are given) since a viewport holds hundreds of grids and the payload goes to a
    browser on every pan.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    rows = list(
        UnitGrid.objects.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )
        .exclude(geometry_wkb=None)
        .values_list("id", "code", "area_class", "responsibility_grid__code", "geometry_wkb")[
            : VIEWPORT_GRID_LIMIT + 1
        ]
    )
    if len(rows) > VIEWPORT_GRID_LIMIT:
        raise TooManyGrids(len(rows))
    geometries = shapely.from_wkb([bytes(r[4]) for r in rows])
    features = []
    for (pk, code, area_class, rg, _wkb), geom in zip(rows, _geojson(geometries), strict=True):
        props = {"c": code, "a": area_class, "r": rg}
        if walked is not None:
            props["w"] = 1 if pk in walked else 0
        features.append((props, geom))
    return _collection(features)


def _grid_version() -> int:
    return GridVersion.objects.order_by("-version").values_list("version", flat=True).first() or 0


def district_layer() -> bytes:
    """The whole district at low zoom (gzip-compressed GeoJSON), cached per grid version.

    Features: one per responsibility grid (kind "rg", the dissolved outline of its unit grids) and
    one per community (kind "community"), simplified to about 20 m, plus the streets.
    """
    key = f"centre:district-layer:{_grid_version()}:{UnitGrid.objects.count()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    features: list[tuple[dict, str]] = []

    rg_rows = list(
        UnitGrid.objects.exclude(geometry_wkb=None)
        .exclude(responsibility_grid=None)
        .order_by("responsibility_grid_id")
        .values_list("responsibility_grid_id", "geometry_wkb")
    )
    names = {g.id: g for g in ResponsibilityGrid.objects.all()}
    by_grid: dict[int, list[bytes]] = {}
    for rg_id, wkb in rg_rows:
        by_grid.setdefault(rg_id, []).append(bytes(wkb))
    outlines, props = [], []
    for rg_id, wkbs in by_grid.items():
        # Unit grids tile the district without gaps or overlaps: a coverage union (edge matching)
        # is two orders of magnitude faster than a general union.
        cells = shapely.from_wkb(wkbs)
        try:
            merged = shapely.coverage_union_all(cells)
        except shapely.errors.GEOSException:
            merged = shapely.union_all(cells)
        outlines.append(shapely.simplify(merged, DISTRICT_TOLERANCE))
        grid = names[rg_id]
        props.append({"k": "rg", "c": grid.code, "n": grid.name, "g": len(wkbs)})
    features += list(zip(props, _geojson(outlines), strict=True))

    for model, kind in ((Community, "community"), (Street, "street")):
        rows = list(model.objects.exclude(geometry_wkb=None).values_list("code", "name", "geometry_wkb"))
        shapes = shapely.simplify(shapely.from_wkb([bytes(r[2]) for r in rows]), DISTRICT_TOLERANCE)
        features += list(
            zip(({"k": kind, "c": c, "n": n} for c, n, _ in rows), _geojson(shapes), strict=True)
        )
    payload = gzip.compress(_collection(features).encode(), compresslevel=6)
    cache.set(key, payload, 24 * 3600)
    return payload
