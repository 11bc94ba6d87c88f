"""Geography API (/api/geo/...): locate a point, list the areas, unit grids by code or by map box.

Read-only and for signed-in users (the project-wide API auth). Edits go through Django admin and
the import_grids command. Handlers only parse and translate; the lookups live in geo.spatial.
"""

import json
from typing import Literal

import shapely
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from urbangrid.errors import DomainError, NotFound

from .codes import normalize_unit_grid_code
from .coords import gcj02_to_wgs84
from .models import Community, District, ResponsibilityGrid, Street, UnitGrid
from .spatial import locate

router = Router(tags=["geo"])

MAP_GRID_LIMIT = 5000  # unit grids per bbox request at most (a ~7 km × 7 km window at 100 m)


class AreaRef(Schema):
    id: int
    code: str
    name: str


class LocateOut(Schema):
    lon: float  # WGS84, converted when the request was in GCJ-02
    lat: float
    unit_grid: AreaRef
    area_class: str
    community: AreaRef
    street: AreaRef
    district: AreaRef
    responsibility_grid: AreaRef | None


class AreaOut(Schema):
    id: int
    code: str
    name: str
    bbox: list[float] | None
    demo_boundary: bool = False


class StreetOut(AreaOut):
    district: str
    communities: int


class CommunityOut(AreaOut):
    street: str
    unit_grids: int


class ResponsibilityGridOut(Schema):
    id: int
    code: str
    name: str
    street: str | None
    unit_grids: int
    supervisor_ids: list[int]


class UnitGridOut(Schema):
    id: int
    code: str
    name: str
    area_class: str
    community: AreaRef
    street: AreaRef
    responsibility_grid: AreaRef | None
    centroid: list[float] | None
    area_m2: float | None
    bbox: list[float] | None
    geometry: dict | None


def _ref(area):
    return {"id": area.id, "code": area.code, "name": area.name} if area is not None else None


def _bbox(area):
    if area.min_lon is None:
        return None
    return [area.min_lon, area.min_lat, area.max_lon, area.max_lat]


def _geometry(area):
    return json.loads(shapely.to_geojson(area.shape)) if area.geometry_wkb else None


@router.get(
    "/locate", response=LocateOut, summary="The unit grid at a point (WGS84, or GCJ-02 with crs=gcj02)"
)
def locate_point(request, lon: float, lat: float, crs: Literal["wgs84", "gcj02"] = "wgs84"):
    if crs == "gcj02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    hit = locate(lon, lat)
    if hit is None:
        raise NotFound(_("该位置不在本区网格范围内（经度%(lon)s，纬度%(lat)s）") % {"lon": lon, "lat": lat})
    grid = UnitGrid.objects.select_related("community", "street__district", "responsibility_grid").get(
        pk=hit.unit_grid_id
    )
    return {
        "lon": lon,
        "lat": lat,
        "unit_grid": _ref(grid),
        "area_class": grid.area_class,
        "community": _ref(grid.community),
        "street": _ref(grid.street),
        "district": _ref(grid.street.district),
        "responsibility_grid": _ref(grid.responsibility_grid),
    }


@router.get("/districts", response=list[AreaOut])
def list_districts(request):
    return [{**_ref(d), "bbox": _bbox(d)} for d in District.objects.all()]


@router.get("/streets", response=list[StreetOut])
def list_streets(request, district: str | None = None):
    streets = Street.objects.select_related("district").annotate(n=Count("communities"))
    if district:
        streets = streets.filter(district__code=district)
    return [
        {
            **_ref(s),
            "bbox": _bbox(s),
            "demo_boundary": s.demo_boundary,
            "district": s.district.code,
            "communities": s.n,
        }
        for s in streets
    ]


@router.get("/communities", response=list[CommunityOut])
def list_communities(request, street: str | None = None):
    communities = Community.objects.select_related("street").annotate(n=Count("unit_grids"))
    if street:
        communities = communities.filter(street__code=street)
    return [
        {
            **_ref(c),
            "bbox": _bbox(c),
            "demo_boundary": c.demo_boundary,
            "street": c.street.code,
            "unit_grids": c.n,
        }
        for c in communities
    ]


@router.get("/responsibility-grids", response=list[ResponsibilityGridOut])
def list_responsibility_grids(request, street: str | None = None):
    grids = ResponsibilityGrid.objects.select_related("street").annotate(n=Count("unit_grids", distinct=True))
    if street:
        grids = grids.filter(street__code=street)
    grids = grids.prefetch_related("supervisors")
    return [
        {
            "id": g.id,
            "code": g.code,
            "name": g.name,
            "street": g.street.code if g.street_id else None,
            "unit_grids": g.n,
            "supervisor_ids": sorted(u.id for u in g.supervisors.all()),
        }
        for g in grids
    ]


@router.get(
    "/responsibility-grids/{code}/outline",
    summary="The outline of a responsibility grid (the union of its unit grids) as a GeoJSON Feature",
)
def responsibility_grid_outline(request, code: str):
    grid = get_object_or_404(ResponsibilityGrid.objects.select_related("street"), code=code)
    wkbs = [
        bytes(w) for w in grid.unit_grids.exclude(geometry_wkb=None).values_list("geometry_wkb", flat=True)
    ]
    outline = shapely.union_all(shapely.from_wkb(wkbs)) if wkbs else None
    return {
        "type": "Feature",
        "id": grid.code,
        "properties": {
            "code": grid.code,
            "name": grid.name,
            "street": grid.street.code if grid.street_id else None,
            "unit_grids": len(wkbs),
        },
        "geometry": json.loads(shapely.to_geojson(outline)) if outline is not None else None,
    }


def _areas_geojson(rows, properties):
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": row.code, "properties": properties(row), "geometry": _geometry(row)}
            for row in rows
        ],
    }


@router.get("/streets.geojson", summary="Street boundaries as GeoJSON (demo boundaries are flagged)")
def streets_geojson(request):
    return _areas_geojson(
        Street.objects.all(),
        lambda s: {"code": s.code, "name": s.name, "demo_boundary": s.demo_boundary},
    )


@router.get("/communities.geojson", summary="Community boundaries as GeoJSON")
def communities_geojson(request, street: str | None = None):
    rows = Community.objects.select_related("street")
    if street:
        rows = rows.filter(street__code=street)
    return _areas_geojson(
        rows,
        lambda c: {"code": c.code, "name": c.name, "street": c.street.code, "demo_boundary": c.demo_boundary},
    )


class BoxQuery(Schema):
    bbox: str  # "min_lon,min_lat,max_lon,max_lat"
    limit: int = 2000
    community: str | None = None
    responsibility_grid: str | None = None


@router.get("/unit-grids.geojson", summary="Unit grids inside a map box, as GeoJSON (capped)")
def unit_grids_in_box(request, query: Query[BoxQuery]):
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in query.bbox.split(","))
    except ValueError:
        raise DomainError(_("bbox应为“最小经度,最小纬度,最大经度,最大纬度”")) from None
    if not (min_lon <= max_lon and min_lat <= max_lat):
        raise DomainError(_("bbox的最小值不能大于最大值"))
    if not 1 <= query.limit <= MAP_GRID_LIMIT:
        raise DomainError(_("limit应在1到%(max)d之间") % {"max": MAP_GRID_LIMIT})
    rows = UnitGrid.objects.filter(
        max_lon__gte=min_lon, min_lon__lte=max_lon, max_lat__gte=min_lat, min_lat__lte=max_lat
    )
    if query.community:
        rows = rows.filter(community__code=query.community)
    if query.responsibility_grid:
        rows = rows.filter(responsibility_grid__code=query.responsibility_grid)
    rows = rows.select_related("responsibility_grid").only(
        "code", "name", "area_class", "geometry_wkb", "responsibility_grid__code"
    )
    page = list(rows.order_by("code")[: query.limit + 1])
    truncated = len(page) > query.limit
    page = page[: query.limit]
    collection = _areas_geojson(
        page,
        lambda g: {
            "code": g.code,
            "name": g.name,
            "area_class": g.area_class,
            "responsibility_grid": g.responsibility_grid.code if g.responsibility_grid_id else None,
        },
    )
    collection["truncated"] = truncated
    return collection


@router.get(
    "/unit-grids/{code}", response=UnitGridOut, summary="One unit grid by code (14-digit legacy codes too)"
)
def unit_grid_by_code(request, code: str):
    code = normalize_unit_grid_code(code)
    grid = get_object_or_404(
        UnitGrid.objects.select_related("community", "street", "responsibility_grid"), code=code
    )
    return {
        **_ref(grid),
        "area_class": grid.area_class,
        "community": _ref(grid.community),
        "street": _ref(grid.street),
        "responsibility_grid": _ref(grid.responsibility_grid),
        "centroid": [grid.centroid_lon, grid.centroid_lat] if grid.centroid_lon is not None else None,
        "area_m2": grid.area_m2,
        "bbox": _bbox(grid),
        "geometry": _geometry(grid),
    }
