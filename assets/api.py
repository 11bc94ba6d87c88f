"""Components API: list (by grid, category, state; paged), detail with state history, nearby
components for a point (the phone attaches a 部件 case to one), and a state change."""

import math
from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .actions import change_state
from .models import Component

router = Router(tags=["assets"])

METRES_PER_DEGREE_LAT = 110_574.0


class ComponentOut(Schema):
    id: int
    identifier: str
    name: str
    category_id: int
    category_code: str
    category_name: str
    state: str
    state_label: str
    unit_grid_id: int | None
    lon: float
    lat: float


class NearbyOut(ComponentOut):
    distance_m: float


class StateChangeOut(Schema):
    from_state: str
    to_state: str
    changed_at: datetime
    changed_by: str | None
    reason: str


class ComponentDetailOut(ComponentOut):
    scheme: str
    unit_grid_code: str | None
    competent_department: str
    owner: str
    maintainer: str
    first_recorded: date | None
    changed: date | None
    data_source: str
    note: str
    history: list[StateChangeOut]


class ComponentPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ComponentOut]


class StateIn(Schema):
    state: str
    reason: str = ""


def _out(c: Component) -> dict:
    return {
        "id": c.id,
        "identifier": c.identifier,
        "name": c.name,
        "category_id": c.category_id,
        "category_code": c.category.minor_code,
        "category_name": c.category.minor_name,
        "state": c.state,
        "state_label": str(c.get_state_display()),
        "unit_grid_id": c.unit_grid_id,
        "lon": c.lon,
        "lat": c.lat,
    }


def _detail(c: Component) -> dict:
    history = [
        {
            "from_state": h.from_state,
            "to_state": h.to_state,
            "changed_at": h.changed_at,
            "changed_by": str(h.changed_by) if h.changed_by_id else None,
            "reason": h.reason,
        }
        for h in c.state_changes.select_related("changed_by")
    ]
    return {
        **_out(c),
        "scheme": c.category.scheme,
        "unit_grid_code": c.unit_grid.code if c.unit_grid_id else None,
        "competent_department": c.competent_department,
        "owner": c.owner,
        "maintainer": c.maintainer,
        "first_recorded": c.first_recorded,
        "changed": c.changed,
        "data_source": c.data_source,
        "note": c.note,
        "history": history,
    }


@router.get("/components", response=ComponentPage, summary="Components by grid, category and state, paged")
def components(
    request,
    unit_grid_id: int | None = None,
    responsibility_grid_id: int | None = None,
    street_id: int | None = None,
    category_id: int | None = None,
    state: str = "",
    identifier: str = "",
    page: int = 1,
    page_size: int = 50,
):
    qs = Component.objects.select_related("category")
    if unit_grid_id:
        qs = qs.filter(unit_grid_id=unit_grid_id)
    if responsibility_grid_id:
        qs = qs.filter(unit_grid__responsibility_grid_id=responsibility_grid_id)
    if street_id:
        qs = qs.filter(unit_grid__street_id=street_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if state:
        qs = qs.filter(state=state)
    if identifier:
        qs = qs.filter(identifier__startswith=identifier.strip())
    page_size = max(1, min(page_size, 500))
    page = max(1, page)
    start = (page - 1) * page_size
    return {
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
        "items": [_out(c) for c in qs.order_by("identifier")[start : start + page_size]],
    }


@router.get("/components/nearby", response=list[NearbyOut], summary="Components near a point, nearest first")
def nearby(
    request, lon: float, lat: float, radius: float = 50.0, category_id: int | None = None, limit: int = 20
):
    radius = max(1.0, min(radius, 500.0))
    dlat = radius / METRES_PER_DEGREE_LAT
    metres_per_degree_lon = METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01)
    dlon = radius / metres_per_degree_lon
    qs = Component.objects.select_related("category").filter(
        lon__gte=lon - dlon, lon__lte=lon + dlon, lat__gte=lat - dlat, lat__lte=lat + dlat
    )
    if category_id:
        qs = qs.filter(category_id=category_id)
    found = []
    for c in qs[:5000]:
        distance = math.hypot((c.lon - lon) * metres_per_degree_lon, (c.lat - lat) * METRES_PER_DEGREE_LAT)
        if distance <= radius:
            found.append({**_out(c), "distance_m": round(distance, 1)})
    found.sort(key=lambda item: (item["distance_m"], item["identifier"]))
    return found[: max(1, min(limit, 100))]


@router.get(
    "/components/{component_id}", response=ComponentDetailOut, summary="A component with its state history"
)
def component_detail(request, component_id: int):
    return _detail(
        get_object_or_404(Component.objects.select_related("category", "unit_grid"), pk=component_id)
    )


@router.post(
    "/components/{component_id}/state", response=ComponentDetailOut, summary="Change a component's state"
)
def component_state(request, component_id: int, payload: StateIn):
    component = get_object_or_404(Component.objects.select_related("category", "unit_grid"), pk=component_id)
    change_state(component, payload.state, request.user, payload.reason)
    return _detail(component)
