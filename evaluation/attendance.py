"""Attendance from the patrol tracks (考勤): on-duty time, grids covered, time outside the assigned
responsibility grid and shifts without positions, per supervisor and local day.

`rollup_day` writes one AttendanceDay row per supervisor for a day: shift time is a SQL aggregate
over the shifts; the point figures need each point's unit grid, which comes from
geo.spatial.locate_many in one vectorised call for the whole day (no per-row Python loop). Month
figures are SQL aggregates over the AttendanceDay rows. This module never writes shifts or points.

Time outside: each good point stands for the time until the next point of the same supervisor,
unless that gap is longer than max_gap_seconds (the phone was off: no time counted).
"""

import datetime

import numpy as np
from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from accounts.models import Role, User
from geo.models import UnitGrid

from .models import AttendanceDay
from .rules import DEFAULT_RULES, rules_for


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def attendance_rules(day: datetime.date) -> dict:
    return {**DEFAULT_RULES["attendance"], **rules_for(day).rules.get("attendance", {})}


def _shift_figures(start, end, now) -> dict[int, dict]:
    from patrol.models import Shift

    stop = min(now, end)
    rows = (
        Shift.objects.filter(started_at__lt=stop)
        .filter(Q(ended_at__gt=start) | Q(ended_at__isnull=True))
        .annotate(
            clipped_start=Greatest("started_at", Value(start)),
            clipped_end=Least(Coalesce("ended_at", Value(stop)), Value(stop)),
        )
        .values("supervisor_id")
        .annotate(
            shifts=Count("id"),
            no_positions=Count("id", filter=Q(no_positions=True)),
            on_duty=Sum(
                ExpressionWrapper(F("clipped_end") - F("clipped_start"), output_field=DurationField())
            ),
        )
    )
    return {row["supervisor_id"]: row for row in rows}


def _point_figures(start, end, max_gap_seconds: int) -> dict[int, dict]:
    """Per supervisor: points, unit grids covered (set), seconds spent on each grid id."""
    from geo.spatial import locate_many
    from patrol.models import TrackPoint

    rows = list(
        TrackPoint.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .annotate(speed_flag=F("flags").bitand(TrackPoint.IMPOSSIBLE_SPEED))
        .filter(speed_flag=0)
        .order_by("supervisor_id", "recorded_at")
        .values_list("supervisor_id", "recorded_at", "lon", "lat")
    )
    all_points = dict(
        TrackPoint.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .values("supervisor_id")
        .annotate(n=Count("recorded_at"))
        .values_list("supervisor_id", "n")
    )
    if not rows:
        return {
            sid: {"points": n, "grids": np.array([], dtype=np.int64), "seconds": np.array([])}
            for sid, n in all_points.items()
        }
    supervisors = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    seconds = np.fromiter((r[1].timestamp() for r in rows), dtype=np.float64, count=len(rows))
    lons = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    lats = np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows))
    grids = locate_many(lons, lats)
    # Time each point stands for: until the next point of the same supervisor, if the gap is short.
    following = np.append(np.diff(seconds), 0.0)
    last_of_supervisor = np.append(supervisors[1:] != supervisors[:-1], True)
    following[last_of_supervisor | (following > max_gap_seconds)] = 0.0
    figures = {}
    boundaries = np.flatnonzero(np.append(True, supervisors[1:] != supervisors[:-1]))
    for begin, finish in zip(boundaries, np.append(boundaries[1:], len(rows)), strict=True):
        sid = int(supervisors[begin])
        figures[sid] = {
            "points": all_points.get(sid, 0),
            "grids": grids[begin:finish],
            "seconds": following[begin:finish],
        }
    for sid, n in all_points.items():
        figures.setdefault(sid, {"points": n, "grids": np.array([], dtype=np.int64), "seconds": np.array([])})
    return figures


@transaction.atomic
def rollup_day(day: datetime.date, *, now=None) -> int:
    """(Re)write the AttendanceDay rows of one day; returns how many rows were written.

    A day without a single shift or track point gets no rows (no data rather than all absent).
    """
    now = now or timezone.now()
    start, end = day_bounds(day)
    rules = attendance_rules(day)
    shifts = _shift_figures(start, end, now)
    points = _point_figures(start, end, int(rules["max_gap_seconds"]))
    if not shifts and not points:
        # Nobody patrolled at all: no patrol data that day (before the system was in use, or the
        # data is missing), which is not the same as every supervisor being absent.
        AttendanceDay.objects.filter(day=day).delete()
        return 0
    own: dict[int, set[int]] = {}
    for supervisor_id, grid_id in UnitGrid.objects.filter(
        responsibility_grid__supervisors__isnull=False
    ).values_list("responsibility_grid__supervisors", "id"):
        own.setdefault(supervisor_id, set()).add(grid_id)
    active = set(User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list("id", flat=True))
    rows = []
    for supervisor_id in sorted(active | set(shifts) | set(points)):
        shift = shifts.get(supervisor_id, {})
        track = points.get(
            supervisor_id, {"points": 0, "grids": np.array([], dtype=np.int64), "seconds": np.array([])}
        )
        own_grids = own.get(supervisor_id, set())
        covered = {int(g) for g in np.unique(track["grids"]) if g >= 0}
        if own_grids:
            outside_mask = ~np.isin(track["grids"], np.fromiter(own_grids, dtype=np.int64))
            outside_seconds = float(track["seconds"][outside_mask].sum())
        else:
            outside_seconds = 0.0
        on_duty = shift.get("on_duty") or datetime.timedelta()
        on_duty_minutes = max(0, int(on_duty.total_seconds() // 60))
        rows.append(
            AttendanceDay(
                supervisor_id=supervisor_id,
                day=day,
                shifts=shift.get("shifts", 0),
                on_duty_minutes=on_duty_minutes,
                shifts_without_positions=shift.get("no_positions", 0),
                points=track["points"],
                grids_covered=len(covered),
                own_grids_covered=len(covered & own_grids),
                own_grids_total=len(own_grids),
                outside_minutes=int(outside_seconds // 60),
                present=on_duty_minutes >= int(rules["min_on_duty_minutes"]),
            )
        )
    AttendanceDay.objects.filter(day=day).delete()
    AttendanceDay.objects.bulk_create(rows)
    return len(rows)


def ensure_rolled_up(start: datetime.date, end: datetime.date, *, now=None) -> None:
    """Roll up every day of [start, end) up to today that has no rows yet; today is always redone."""
    from patrol.models import Shift, TrackPoint

    now = now or timezone.now()
    today = timezone.localdate(now)
    since, _ = day_bounds(start)
    until, _ = day_bounds(end)
    if not (
        Shift.objects.filter(started_at__lt=until)
        .filter(Q(ended_at__gte=since) | Q(ended_at__isnull=True))
        .exists()
        or TrackPoint.objects.filter(recorded_at__gte=since, recorded_at__lt=until).exists()
    ):
        return  # no patrol data at all in the period
    done = set(
        AttendanceDay.objects.filter(day__gte=start, day__lt=end).values_list("day", flat=True).distinct()
    )
    day = start
    while day < end and day <= today:
        if day == today or day not in done:
            rollup_day(day, now=now)
        day += datetime.timedelta(days=1)
