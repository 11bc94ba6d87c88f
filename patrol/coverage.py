"""Coverage: which unit grids of a responsibility grid its supervisors walked on a day (巡查覆盖)."""

from dataclasses import dataclass

import numpy as np

from geo.models import ResponsibilityGrid, UnitGrid

from .tracks import day_bounds, track_between


@dataclass
class Coverage:
    responsibility_grid: str
    day: object
    unit_grids: int
    walked: int
    not_walked_codes: list[str]  # the grids nobody walked, for the shift leader to follow up

    @property
    def percent(self) -> float:
        return round(100 * self.walked / self.unit_grids, 1) if self.unit_grids else 0.0


def responsibility_grid_coverage(grid: ResponsibilityGrid, day) -> Coverage:
    from geo.spatial import locate_many

    start, end = day_bounds(day)
    walked: set[int] = set()
    for supervisor in grid.supervisors.all():
        good = track_between(supervisor, start, end, good_only=True)
        if good:
            ids = locate_many(np.array([p.lon for p in good]), np.array([p.lat for p in good]))
            walked.update(int(i) for i in np.unique(ids) if i >= 0)
    units = list(UnitGrid.objects.filter(responsibility_grid=grid).order_by("code").values_list("id", "code"))
    return Coverage(
        responsibility_grid=grid.code,
        day=day,
        unit_grids=len(units),
        walked=sum(1 for pk, _ in units if pk in walked),
        not_walked_codes=[code for pk, code in units if pk not in walked],
    )
