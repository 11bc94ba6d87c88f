"""A supervisor's patrol figures for one day: time on duty, kilometres, unit grids covered."""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils import timezone

from geo.models import UnitGrid

from .models import Shift
from .tracks import day_bounds, distance_m, track_between


@dataclass
class PatrolDay:
    day: object
    shifts: int
    on_duty_minutes: int
    shifts_without_positions: int
    points: int
    speed_flagged: int
    km: float
    grids_covered: int  # distinct unit grids with at least one good point
    own_grids_covered: int  # of those, the unit grids of the supervisor's responsibility grids
    own_grids_total: int

    @property
    def own_coverage_percent(self) -> float:
        return round(100 * self.own_grids_covered / self.own_grids_total, 1) if self.own_grids_total else 0.0


def patrol_day(supervisor, day=None, *, now=None) -> PatrolDay:
    from geo.spatial import locate_many

    now = now or timezone.now()
    day = day or timezone.localdate(now)
    start, end = day_bounds(day)
    points = track_between(supervisor, start, end)
    good = [p for p in points if p.is_good]

    shifts = list(Shift.objects.filter(supervisor=supervisor, started_at__lt=end).exclude(ended_at__lt=start))
    on_duty = timedelta()
    for shift in shifts:
        on_duty += min(shift.ended_at or now, end) - max(shift.started_at, start)

    covered: set[int] = set()
    if good:
        ids = locate_many(np.array([p.lon for p in good]), np.array([p.lat for p in good]))
        covered = {int(i) for i in np.unique(ids) if i >= 0}
    own = set(
        UnitGrid.objects.filter(responsibility_grid__supervisors=supervisor).values_list("id", flat=True)
    )
    return PatrolDay(
        day=day,
        shifts=len(shifts),
        on_duty_minutes=max(0, int(on_duty.total_seconds() // 60)),
        shifts_without_positions=sum(1 for s in shifts if s.no_positions),
        points=len(points),
        speed_flagged=len(points) - len(good),
        km=round(distance_m(good) / 1000, 2),
        grids_covered=len(covered),
        own_grids_covered=len(covered & own),
        own_grids_total=len(own),
    )
