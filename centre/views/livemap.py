"""The live map (实时地图): grids, open cases, supervisors on duty, tracks and patrol coverage.

The page is Leaflet; every layer comes from a JSON endpoint here, sized for the whole district.
"""

import gzip
import json
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CENTRE_ROLES, Role, User
from geo.models import District

from .. import layers, patrolview, queries
from ..access import roles_required

centre_only = roles_required(*CENTRE_ROLES)


def _json_bytes(request, body: bytes, *, compressed: bool, max_age: int = 0) -> HttpResponse:
    """A JSON response, gzip-compressed when the browser accepts it."""
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    if compressed and not accepts_gzip:
        body, compressed = gzip.decompress(body), False
    elif not compressed and accepts_gzip and len(body) > 1024:
        body, compressed = gzip.compress(body, compresslevel=5), True
    response = HttpResponse(body, content_type="application/json")
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"private, max-age={max_age}" if max_age else "no-cache"
    return response


@centre_only
def map_page(request):
    district = District.objects.order_by("code").first()
    bounds = (
        [[district.min_lat, district.min_lon], [district.max_lat, district.max_lon]]
        if district and district.min_lat is not None
        else None
    )
    return render(
        request,
        "centre/map.html",
        {
            "bounds": bounds,
            "tile_url": settings.URBANGRID_TILE_URL,
            "supervisors": User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("username"),
            "today": timezone.localdate(),
        },
    )


# Handlers see the unit grids around their case on the case page's small map.
@roles_required(*CENTRE_ROLES, Role.DEPARTMENT)
def grid_layer(request):
    """Unit grids in the viewport (street zoom). 413 when the viewport holds too many."""
    try:
        bbox = layers.parse_bbox(request.GET.get("bbox", ""))
    except ValueError:
        return HttpResponseBadRequest(_("bbox应为“最小经度,最小纬度,最大经度,最大纬度”"))
    walked = None
    if request.GET.get("coverage"):
        walked = _walked(_day_from(request.GET["coverage"]))
    try:
        body = layers.unit_grids_in_viewport(bbox, walked=walked).encode()
    except layers.TooManyGrids:
        return JsonResponse({"detail": _("范围内网格过多，请放大地图。")}, status=413)
    return _json_bytes(request, body, compressed=False)


@centre_only
def district_layer(request):
    """Responsibility grids, communities and streets of the whole district (low zoom), cached."""
    return _json_bytes(request, layers.district_layer(), compressed=True, max_age=300)


@centre_only
def supervisors_on_duty(request):
    return JsonResponse({"supervisors": patrolview.on_duty_positions(timezone.now())})


def _day_from(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return timezone.localdate()


def _day(request) -> date:
    return _day_from(request.GET.get("day", ""))


@centre_only
def track(request, supervisor_id: int):
    supervisor = get_object_or_404(User, pk=supervisor_id, role=Role.SUPERVISOR)
    return JsonResponse(patrolview.track_for_day(supervisor, _day(request)))


def _walked(day) -> set[int]:
    key = f"centre:walked:{day.isoformat()}"
    walked = cache.get(key)
    if walked is None:
        walked = patrolview.walked_unit_grids(day)
        # Today's coverage grows as people walk; a past day's is settled.
        cache.set(key, walked, 60 if day >= timezone.localdate() - timedelta(days=1) else 3600)
    return walked


@centre_only
def coverage(request):
    """Per responsibility grid: share of its unit grids walked on the day (今日巡查覆盖)."""
    day = _day(request)
    return JsonResponse({"day": day.isoformat(), "grids": patrolview.coverage_for_day(_walked(day))})


MAP_CASE_LIMIT = 3000


@centre_only
def cases_layer(request):
    """Open cases in the viewport, the most pressing first (overdue, then by deadline)."""
    from cases.models import OPEN_STATES, Case, State

    rows = Case.objects.filter(state__in=OPEN_STATES)
    if request.GET.get("bbox"):
        try:
            min_lon, min_lat, max_lon, max_lat = layers.parse_bbox(request.GET["bbox"])
        except ValueError:
            return HttpResponseBadRequest(_("bbox应为“最小经度,最小纬度,最大经度,最大纬度”"))
        rows = rows.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
    now = timezone.now()
    soon = now + queries.DUE_SOON
    states = dict(State.choices)
    page = list(
        rows.order_by(F("due_at").asc(nulls_last=True), "id").values(
            "number", "lon", "lat", "state", "due_at", "urgency", "category__minor_name"
        )[: MAP_CASE_LIMIT + 1]
    )
    cases = [
        {
            "number": c["number"],
            "url": reverse("centre:case", args=[c["number"]]),
            "lon": round(c["lon"], 6),
            "lat": round(c["lat"], 6),
            "state": c["state"],
            "state_label": str(states.get(c["state"], c["state"])),
            "category": c["category__minor_name"],
            "urgent": c["urgency"] == "urgent",
            "overdue": bool(c["due_at"] and c["due_at"] < now),
            "due_soon": bool(c["due_at"] and now <= c["due_at"] < soon),
        }
        for c in page[:MAP_CASE_LIMIT]
    ]
    body = json.dumps({"cases": cases, "truncated": len(page) > MAP_CASE_LIMIT}, ensure_ascii=False).encode()
    return _json_bytes(request, body, compressed=False)
