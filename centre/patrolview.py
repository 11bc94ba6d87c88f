"""What the live map shows of patrol: who is on duty and where, a day's track, coverage.

Reads patrol's tables through patrol's own functions; writes nothing.
"""

import numpy as np

from geo.models import UnitGrid
from patrol.models import Shift, TrackPoint
from patrol.tracks import day_bounds, track_between


def on_duty_positions(now) -> list[dict]:
    """Every supervisor with an open shift (上岗), with the last recorded position and its time."""
    shifts = Shift.objects.filter(ended_at=None).select_related("supervisor").order_by("supervisor__username")
    result = []
    for shift in shifts:
        supervisor = shift.supervisor
        # The primary key (supervisor, recorded_at) makes this one index probe per person.
        last = (
            TrackPoint.objects.filter(supervisor=supervisor, recorded_at__gte=shift.started_at)
            .order_by("-recorded_at")
            .values_list("recorded_at", "lon", "lat")
            .first()
        )
        result.append(
            {
                "id": supervisor.id,
                "name": str(supervisor),
                "since": shift.started_at.isoformat(),
                "last_at": last[0].isoformat() if last else None,
                "minutes_since_fix": int((now - last[0]).total_seconds() // 60) if last else None,
                "lon": round(last[1], 6) if last else None,
                "lat": round(last[2], 6) if last else None,
                "grids": [g.code for g in supervisor.responsibility_grids.all()],
            }
        )
    return result


def reports_along(supervisor, start, end) -> list[dict]:
    """Cases the supervisor reported in [start, end), for the track replay (empty without cases)."""
    try:
        from cases.models import Case
    except ImportError:  # the case workflow is not installed in this build
        return []
    rows = (
        Case.objects.filter(reporter=supervisor, reported_at__gte=start, reported_at__lt=end)
        .order_by("reported_at")
        .values("id", "number", "reported_at", "lon", "lat", "state")
    )
    return [
        {
            "id": r["id"],
            "number": r["number"],
            "at": r["reported_at"].isoformat(),
            "lon": r["lon"],
            "lat": r["lat"],
            "state": r["state"],
        }
        for r in rows
    ]


def track_for_day(supervisor, day) -> dict:
    start, end = day_bounds(day)
    fixes = track_between(supervisor, start, end)
    return {
        "supervisor": {"id": supervisor.id, "name": str(supervisor)},
        "day": day.isoformat(),
        # [lon, lat, epoch seconds, good]: compact, a day is a few thousand points.
        "points": [
            [round(f.lon, 6), round(f.lat, 6), int(f.recorded_at.timestamp()), 1 if f.is_good else 0]
            for f in fixes
        ],
        "reports": reports_along(supervisor, start, end),
    }


def walked_unit_grids(day) -> set[int]:
    """Ids of the unit grids any supervisor walked on the day (good track points only)."""
    from geo.spatial import locate_many

    start, end = day_bounds(day)
    walked: set[int] = set()
    supervisor_ids = (
        Shift.objects.filter(started_at__lt=end)
        .exclude(ended_at__lt=start)
        .values_list("supervisor_id", flat=True)
    )
    for supervisor_id in set(supervisor_ids):
        good = track_between(supervisor_id, start, end, good_only=True)
        if good:
            ids = locate_many(np.array([p.lon for p in good]), np.array([p.lat for p in good]))
            walked.update(int(i) for i in np.unique(ids) if i >= 0)
    return walked


def coverage_for_day(walked: set[int]) -> dict:
    """Per responsibility grid: its unit grids, how many were walked, and the share."""
    totals: dict[str, list[int]] = {}
    for grid_id, code in UnitGrid.objects.exclude(responsibility_grid=None).values_list(
        "id", "responsibility_grid__code"
    ):
        entry = totals.setdefault(code, [0, 0])
        entry[0] += 1
        entry[1] += grid_id in walked
    return {
        code: {"unit_grids": n, "walked": w, "percent": round(100 * w / n, 1) if n else 0.0}
        for code, (n, w) in sorted(totals.items())
    }
