"""Patrol API: 上岗/下岗, track uploads, one day's track and figures. Handlers only translate."""

from datetime import date, datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from accounts.models import Role, User
from geo.models import ResponsibilityGrid
from urbangrid.errors import DomainError, NotAllowed

from . import shifts, tracks
from .coverage import responsibility_grid_coverage
from .day import patrol_day
from .models import Shift

router = Router(tags=["patrol"])


class ShiftOut(Schema):
    id: int
    started_at: datetime
    ended_at: datetime | None
    point_count: int
    distance_m: float
    no_positions: bool


class ShiftState(Schema):
    on_duty: bool
    shift: ShiftOut | None
    track_interval_seconds: int


class ShiftIn(Schema):
    client_id: str = ""
    at: datetime | None = None  # when the supervisor tapped 上岗/下岗 (the phone may send it later)


class TrackBatchIn(Schema):
    client_batch_id: str
    points: list[dict]


class Rejected(Schema):
    index: int
    reason: str


class TrackBatchOut(Schema):
    client_batch_id: str
    received: int
    stored: int
    duplicates: int
    speed_flagged: int
    rejected: list[Rejected]
    replayed: bool


class PointOut(Schema):
    t: datetime
    lon: float
    lat: float
    acc: int | None
    flags: int


class DayOut(Schema):
    day: date
    shifts: int
    on_duty_minutes: int
    shifts_without_positions: int
    points: int
    speed_flagged: int
    km: float
    grids_covered: int
    own_grids_covered: int
    own_grids_total: int
    own_coverage_percent: float


def _state(user) -> dict:
    shift = shifts.current_shift(user)
    return {
        "on_duty": shift is not None,
        "shift": shift,
        "track_interval_seconds": settings.PATROL_TRACK_INTERVAL_SECONDS,
    }


def _whose(request, supervisor_id: int | None) -> User:
    """Supervisors see their own patrol; centre staff and the contractor see any supervisor's."""
    user = request.user
    if supervisor_id is None or supervisor_id == user.pk:
        return user
    if not (user.is_centre_staff or user.role == Role.CONTRACTOR):
        raise NotAllowed(_("只能查看自己的巡查轨迹"))
    return get_object_or_404(User, pk=supervisor_id, role=Role.SUPERVISOR)


def _tap(request) -> ShiftIn:
    """The optional JSON body of 上岗/下岗 ({"client_id", "at"}); an empty body is fine."""
    if request.content_type != "application/json" or not request.body.strip():
        return ShiftIn()
    try:
        return ShiftIn.model_validate_json(request.body)
    except ValueError:
        raise DomainError(_("上岗/下岗请求格式不正确")) from None


@router.get("/shift", response=ShiftState, summary="当前班次")
def shift_state(request):
    return _state(request.user)


@router.post("/shift/start", response=ShiftState, summary="上岗")
def shift_start(request):
    shifts.start_shift(request.user, now=shifts.tapped_at(_tap(request).at))
    return _state(request.user)


@router.post("/shift/end", response={200: ShiftOut}, summary="下岗")
def shift_end(request):
    return shifts.end_shift(request.user, now=shifts.tapped_at(_tap(request).at))


@router.get("/shifts", response=list[ShiftOut], summary="某日的班次")
def shift_list(request, day: date, supervisor: int | None = None):
    start, end = tracks.day_bounds(day)
    who = _whose(request, supervisor)
    return (
        Shift.objects.filter(supervisor=who, started_at__lt=end)
        .exclude(ended_at__lt=start)
        .order_by("started_at")
    )


@router.post("/tracks", response=TrackBatchOut, summary="上传一批轨迹点")
def track_upload(request, payload: TrackBatchIn):
    if request.user.role != Role.SUPERVISOR:
        raise NotAllowed(_("只有监督员可以上传巡查轨迹"))
    return tracks.ingest_batch(request.user, payload.client_batch_id, payload.points).as_dict()


@router.get("/tracks", response=list[PointOut], summary="回放某人某日的轨迹")
def track_replay(request, day: date, supervisor: int | None = None):
    who = _whose(request, supervisor)
    start, end = tracks.day_bounds(day)
    return [
        {"t": p.recorded_at, "lon": p.lon, "lat": p.lat, "acc": p.accuracy_m, "flags": p.flags}
        for p in tracks.track_between(who, start, end)
    ]


@router.get("/day", response=DayOut, summary="某日巡查统计（里程、覆盖网格）")
def day_figures(request, day: date | None = None, supervisor: int | None = None):
    figures = patrol_day(_whose(request, supervisor), day)
    return {**figures.__dict__, "own_coverage_percent": figures.own_coverage_percent}


class CoverageOut(Schema):
    responsibility_grid: str
    day: date
    unit_grids: int
    walked: int
    percent: float
    not_walked_codes: list[str]


@router.get("/coverage", response=CoverageOut, summary="责任网格某日的巡查覆盖")
def coverage(request, grid: str, day: date):
    user = request.user
    found = get_object_or_404(ResponsibilityGrid, code=grid)
    if not (
        user.is_centre_staff or user.role == Role.CONTRACTOR or found.supervisors.filter(pk=user.pk).exists()
    ):
        raise NotAllowed(_("只能查看自己责任网格的巡查覆盖"))
    result = responsibility_grid_coverage(found, day)
    return {**result.__dict__, "percent": result.percent}
