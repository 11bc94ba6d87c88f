"""The supervisors' phone app (PWA) at /m/: the app shell, its service worker and manifest, and the
few read-only JSON views the phone needs that belong to no domain API (who am I, my grids as
GeoJSON, where is this point). Presentation only: every write goes through the domain APIs.

The shell HTML holds nothing user-specific (the CSRF token is read from its cookie, the user from
/m/api/me), so the service worker can serve it from its cache and the phone works offline.
"""

import hashlib
import json
from datetime import timedelta
from functools import cache
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db.models import Count, Max
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import condition

from cases.models import Case
from geo.models import UnitGrid
from geo.spatial import locate as locate_point
from patrol.tracks import day_bounds
from urbangrid.errors import DomainError

SHELL_STATIC = [
    "mobile/app.css",
    "mobile/app.js",
    "mobile/icon.svg",
    "vendor/leaflet/dist/leaflet.css",
    "vendor/leaflet/dist/leaflet.js",
]


@cache
def shell_version() -> str:
    """A hash of the shell's files: a new version makes every phone fetch the shell once."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        digest.update(Path(path).read_bytes() if path else name.encode())
    digest.update((Path(__file__).parent / "templates/mobile/app.html").read_bytes())
    digest.update((Path(__file__).parent / "templates/mobile/sw.js").read_bytes())
    return digest.hexdigest()[:12]


def current_version() -> str:
    """The shell's version as this request sees it: the files' hash and the active language.

    The shell and its JavaScript catalogue are rendered in the user's language and cached by the
    service worker, so a language switch must look like a new version (new ETag, new sw.js bytes,
    new cache) or the phone would keep showing the old language."""
    return f"{shell_version()}-{get_language()}"


def shell_urls() -> list[str]:
    version = current_version()
    return ["/m/", f"/m/jsi18n/?v={version}"] + [f"{static(name)}?v={version}" for name in SHELL_STATIC]


def _etag(request, *args, **kwargs):
    return current_version()


@login_required
@ensure_csrf_cookie
@condition(etag_func=_etag)
def app_shell(request):
    response = render(
        request,
        "mobile/app.html",
        {
            "v": current_version(),
            "tile_url": settings.URBANGRID_TILE_URL,
            "task_poll_ms": settings.MOBILE_TASK_POLL_SECONDS * 1000,
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


def _worker_language(request) -> str:
    """The page registers /m/sw.js?lang=<its language>: the worker caches the shell in the language
    the page shows, whatever cookie or Accept-Language the worker's own requests carry."""
    language = request.GET.get("lang", "")
    return language if language in dict(settings.LANGUAGES) else get_language()


def _worker_etag(request, *args, **kwargs):
    with translation.override(_worker_language(request)):
        return current_version()


@condition(etag_func=_worker_etag)
def service_worker(request):
    language = _worker_language(request)
    with translation.override(language):
        response = render(
            request,
            "mobile/sw.js",
            {"version": current_version(), "language": language, "shell_urls": json.dumps(shell_urls())},
            content_type="text/javascript",
        )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/m/"
    return response


def manifest(request):
    body = {
        "name": _("城市网格化管理 · 监督员"),
        "short_name": _("网格巡查"),
        "lang": get_language(),
        "start_url": "/m/",
        "scope": "/m/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3d91",
        "icons": [{"src": static("mobile/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def _json_login_required(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("请先登录")}, status=401)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@_json_login_required
def me(request):
    # The app asks this on every start: renewing the session here keeps a phone in daily use logged
    # in (SESSION_COOKIE_AGE from its last use, not from the login).
    request.session.modified = True
    user = request.user
    grids = list(user.responsibility_grids.values_list("code", "name"))
    return JsonResponse(
        {
            "id": user.pk,
            "username": user.username,
            "name": str(user),
            "role": user.role,
            "role_display": user.get_role_display(),
            "responsibility_grids": [{"code": c, "name": n} for c, n in grids],
            "track_interval_seconds": settings.PATROL_TRACK_INTERVAL_SECONDS,
        }
    )


@_json_login_required
def my_grids(request):
    """The unit grids of the user's responsibility grids as GeoJSON (simplified to ~1 m)."""
    features = []
    grids = UnitGrid.objects.filter(responsibility_grid__supervisors=request.user).select_related("community")
    for grid in grids.only("id", "code", "geometry_wkb", "community__name", "responsibility_grid_id"):
        shape = grid.shape
        if shape is None:
            continue
        shape = shapely.set_precision(shape.simplify(0.00001), 0.000001)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(shape)),
                "properties": {"id": grid.pk, "code": grid.code, "community": grid.community.name},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@_json_login_required
def locate(request):
    """The unit grid, community and street of a point, for showing under the map at once."""
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
        hit = locate_point(lon, lat)
    except (KeyError, ValueError):
        return JsonResponse({"detail": _("坐标格式不正确")}, status=400)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message}, status=400)
    if hit is None:
        return JsonResponse({"inside": False, "detail": _("该位置不在本区网格范围内")})
    grid = UnitGrid.objects.select_related("community", "street", "responsibility_grid").get(
        pk=hit.unit_grid_id
    )
    own = (
        grid.responsibility_grid is not None
        and grid.responsibility_grid.supervisors.filter(pk=request.user.pk).exists()
    )
    return JsonResponse(
        {
            "inside": True,
            "unit_grid": {"id": grid.pk, "code": grid.code},
            "community": grid.community.name,
            "street": grid.street.name,
            "area_class": grid.area_class,
            "responsibility_grid": grid.responsibility_grid.code if grid.responsibility_grid else None,
            "own": own,
            "address": _("%(street)s%(community)s 网格%(code)s")
            % {"street": grid.street.name, "community": grid.community.name, "code": grid.code},
        }
    )


@_json_login_required
def my_categories(request):
    """The sub-types the user reported most in the last 90 days (then most recently), at most 8."""
    since = timezone.now() - timedelta(days=90)
    rows = (
        Case.objects.filter(reporter=request.user, reported_at__gte=since)
        .values("category_id", "category__minor_code", "category__minor_name", "category__pinyin_initials")
        .annotate(times=Count("id"), last=Max("reported_at"))
        .order_by("-times", "-last")[:8]
    )
    return JsonResponse(
        [
            {
                "id": row["category_id"],
                "minor_code": row["category__minor_code"],
                "minor_name": row["category__minor_name"],
                "pinyin_initials": row["category__pinyin_initials"],
                "times": row["times"],
            }
            for row in rows
        ],
        safe=False,
    )


@_json_login_required
def my_reports(request):
    """The user's reports of today with their current state (for 我的一天)."""
    start, end = day_bounds(timezone.localdate())
    cases = (
        Case.objects.filter(reporter=request.user, reported_at__gte=start, reported_at__lt=end)
        .select_related("category")
        .order_by("-reported_at")[:100]
    )
    return JsonResponse(
        [
            {
                "number": case.number,
                "category_name": case.category.minor_name,
                "state": case.state,
                "state_display": case.get_state_display(),
                "source": case.source,
                "address": case.address,
                "reported_at": case.reported_at.isoformat(),
            }
            for case in cases
        ],
        safe=False,
    )
