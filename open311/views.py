"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for the public and other systems.

Services are the active sub-types of the current catalogue scheme; a service request is a case.
A service code is the kind's letter and the minor code ("E06001" 事件, "C01001" 部件), because the
scheme reuses a minor code for a component and an event (01001 供水井盖 / 供水井盖异常).
Posting a request needs an api_key (an accounts.ApiToken of a user allowed to take public reports,
i.e. an intake operator); it enters the closed loop as a public report through cases.workflow.report,
so it is verified (核实) before it is accepted. Reading is public and never shows who reported.

Errors follow the spec: a list of {code, description} with the HTTP status, in the asked format.
"""

from datetime import timedelta
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import ApiToken
from catalog.models import Category, Scheme
from urbangrid.errors import DomainError

CLOSED_STATES = {"closed", "not_registered", "voided", "merged"}
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _xml(root_name: str, item_name: str, items: list[dict]) -> bytes:
    root = ET.Element(root_name)
    for item in items:
        element = ET.SubElement(root, item_name)
        for key, value in item.items():
            child = ET.SubElement(element, key)
            if isinstance(value, list):
                for entry in value:
                    ET.SubElement(child, "keyword" if key == "keywords" else "item").text = str(entry)
            elif isinstance(value, bool):
                child.text = "true" if value else "false"
            elif value is not None:
                child.text = str(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def _respond(fmt: str, root: str, item: str, items: list[dict], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_xml(root, item, items), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(items, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", "error", [{"code": status, "description": description}], status=status)


def _handles_errors(view):
    def wrapped(request, *args, fmt="json", **kwargs):
        if fmt not in ("json", "xml"):
            return _error("json", 400, "format must be json or xml")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)
        except DomainError as exc:
            return _error(fmt, exc.status, exc.message)

    wrapped.__name__ = view.__name__
    return wrapped


def _services():
    return Category.objects.filter(scheme=Scheme.GB_2026, active=True).order_by("minor_code")


KIND_LETTERS = {"event": "E", "component": "C"}


def service_code(category: Category) -> str:
    return KIND_LETTERS[category.kind] + category.minor_code


def _by_service_code(categories, code: str):
    kind = {letter: kind for kind, letter in KIND_LETTERS.items()}.get(code[:1])
    if kind is None:
        return categories.none()
    return categories.filter(kind=kind, minor_code=code[1:])


def _service(category: Category) -> dict:
    return {
        "service_code": service_code(category),
        "service_name": category.minor_name,
        "description": f"{category.get_kind_display()} · {category.major_name} · {category.minor_name}",
        "metadata": False,
        "type": "realtime",
        "keywords": [category.pinyin_initials] if category.pinyin_initials else [],
        "group": category.major_name,
    }


@require_GET
@_handles_errors
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    body = {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": getattr(settings, "OPEN311_CONTACT", "数字城管指挥中心 12345"),
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "向指挥中心申请 api_key"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-01-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        return _respond(fmt, "discovery", "endpoint", body["endpoints"])
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
@_handles_errors
def services(request, fmt):
    return _respond(fmt, "services", "service", [_service(c) for c in _services()])


@require_GET
@_handles_errors
def service_definition(request, service_code, fmt):
    if not _by_service_code(_services(), service_code).exists():
        raise Open311Error(404, f"service_code {service_code} not found")
    # No service takes extra attributes (metadata is false for all): an empty definition.
    body = {"service_code": service_code, "attributes": []}
    if fmt == "xml":
        root = ET.Element("service_definition")
        ET.SubElement(root, "service_code").text = service_code
        ET.SubElement(root, "attributes")
        return HttpResponse(
            b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8"),
            content_type="text/xml; charset=utf-8",
        )
    return JsonResponse(body)


def _status(case) -> str:
    return "closed" if case.state in CLOSED_STATES else "open"


def _request_out(case, request) -> dict:
    last = case.public_events[-1] if getattr(case, "public_events", None) else None
    notes = ""
    if case.state in CLOSED_STATES and last is not None:
        notes = f"{case.get_state_display()}：{last.reason}" if last.reason else case.get_state_display()
    photo = next((a for a in case.attachments.all() if a.purpose in ("report", "before")), None)
    return {
        "service_request_id": case.number,
        "status": _status(case),
        "status_notes": notes or case.get_state_display(),
        "service_name": case.category.minor_name,
        "service_code": service_code(case.category),
        "description": case.description,
        "agency_responsible": case.department.name if case.department_id else "",
        "service_notice": "",
        "requested_datetime": timezone.localtime(case.reported_at).isoformat(),
        "updated_datetime": timezone.localtime(case.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(case.handle_due_at).isoformat()
        if case.handle_due_at
        else None,
        "address": case.address,
        "address_id": case.unit_grid.code if case.unit_grid_id else "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": request.build_absolute_uri(photo.file.url) if photo else "",
    }


def _cases():
    from cases.models import Attachment, Case, CaseEvent

    return (
        Case.objects.exclude(state__in=["voided", "merged"])
        .select_related("category", "department", "unit_grid")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id"), to_attr="public_events"),
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
        )
    )


def _parse_date(value: str, name: str):
    try:
        moment = parse_datetime(value) if value else None
    except ValueError:  # well formed but impossible, e.g. month 13
        moment = None
    if value and moment is None:
        raise Open311Error(400, f"{name} must be a w3 datetime such as 2026-11-01T00:00:00+08:00")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_handles_errors
def requests_(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    cases = _cases()
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # The spec: other parameters are ignored when ids are given.
        found = list(cases.filter(number__in=ids[:MAX_REQUESTS]))
        return _respond(fmt, "service_requests", "request", [_request_out(c, request) for c in found])
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        wanted = _services().none()
        for code in codes:
            wanted = wanted | _by_service_code(_services(), code)
        cases = cases.filter(category__in=wanted)
    start = _parse_date(request.GET.get("start_date", ""), "start_date")
    end = _parse_date(request.GET.get("end_date", ""), "end_date")
    if start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if start is not None:
        cases = cases.filter(reported_at__gte=start)
    if end is not None:
        cases = cases.filter(reported_at__lte=end)
    status = request.GET.get("status", "")
    wanted = {s.strip() for s in status.split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if wanted == {"open"}:
        cases = cases.exclude(state__in=CLOSED_STATES)
    elif wanted == {"closed"}:
        cases = cases.filter(state__in=CLOSED_STATES)
    found = list(cases.order_by("-reported_at", "-id")[:MAX_REQUESTS])
    return _respond(fmt, "service_requests", "request", [_request_out(c, request) for c in found])


@require_GET
@_handles_errors
def request_detail(request, request_id, fmt):
    found = list(_cases().filter(number=request_id))
    if not found:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return _respond(fmt, "service_requests", "request", [_request_out(found[0], request)])


def _float(value: str, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Open311Error(400, f"{name} must be a number") from None
    if number != number or abs(number) > 180:
        raise Open311Error(400, f"{name} is out of range")
    return number


def _post_request(request, fmt):
    from cases import workflow

    data = request.POST
    token = (
        ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(data.get("api_key", ""))).first()
    )
    if token is None or not token.user.is_active:
        raise Open311Error(403, "a valid api_key is required to post service requests")
    code = data.get("service_code", "").strip()
    category = _by_service_code(_services(), code).first()
    if category is None:
        raise Open311Error(400, f"service_code {code!r} not found")
    if not data.get("lat") or not data.get("long"):
        raise Open311Error(400, "lat and long are required (address_string alone is not located)")
    lat, lon = _float(data.get("lat"), "lat"), _float(data.get("long"), "long")
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p).strip()
    description = data.get("description", "").strip()[:4000]
    if data.get("media_url"):
        description = f"{description}\n照片：{data['media_url']}".strip()
    case = workflow.report(
        token.user,
        source="public",
        category=category,
        lon=lon,
        lat=lat,
        description=description,
        address=data.get("address_string", "")[:200],
        reporter_name=name[:60],
        reporter_phone=(data.get("phone", "") or data.get("email", ""))[:40],
        client_id=f"open311:{token.pk}:{data['client_request_id']}"
        if data.get("client_request_id")
        else None,
    )
    body = [
        {
            "service_request_id": case.number,
            "service_notice": _("已受理登记，将由网格监督员现场核实。"),
            "account_id": None,
        }
    ]
    return _respond(fmt, "service_requests", "request", body, status=201)
