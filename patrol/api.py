"""Patrol API: 上岗/下岗, track uploads, one day's track and figures. Handlers only translate."""

from datetime import date, datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from accounts.models import Role, User
from urbangrid.errors import NotAllowed

from . import shifts, tracks
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
        raise NotAllowed("只能查看自己的巡查轨迹")
    return get_object_or_404(User, pk=supervisor_id, role=Role.SUPERVISOR)


@router.get("/shift", response=ShiftState, summary="当前班次")
def shift_state(request):
    return _state(request.user)


@router.post("/shift/start", response=ShiftState, summary="上岗")
def shift_start(request):
    shifts.start_shift(request.user)
    return _state(request.user)


@router.post("/shift/end", response={200: ShiftOut}, summary="下岗")
def shift_end(request):
    return shifts.end_shift(request.user)


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
        raise NotAllowed("只有监督员可以上传巡查轨迹")
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
