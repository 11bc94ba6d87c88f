"""Hand-built case histories for the indicator tests: cases and their events written as rows, so
every figure's expected value can be worked out by hand from the story.

This is the one place that knows how cases and case events are stored (besides evaluation/facts.py).
"""

import datetime
import itertools

from django.utils import timezone

from evaluation import facts as f

_numbers = itertools.count(1)


def at(month, day, hour, minute=0, year=2024):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def default_category():
    from catalog.models import Category

    category, _created = Category.objects.get_or_create(
        scheme="GB/T 47678.5-2026",
        minor_code="06001",
        defaults={"kind": "event", "major_code": "06", "major_name": "市容环境", "minor_name": "暴露垃圾"},
    )
    return category


def new_case(grid, reported_at, *, source="supervisor", reporter=None, category=None, number=None):
    category = category or default_category()
    return f.Case().objects.create(
        number=number or f"2024{next(_numbers):08d}",
        source=source,
        kind=category.kind,
        category=category,
        lon=grid.centroid_lon,
        lat=grid.centroid_lat,
        unit_grid=grid,
        community=grid.community,
        street=grid.street,
        responsibility_grid=grid.responsibility_grid,
        reporter=reporter,
        address=grid.name,
        reported_at=reported_at,
    )


def step(case, action, actor, when, *, on_time=None, department=None, due_at=None, **details):
    return f.CaseEvent().objects.create(
        case=case,
        action=action,
        actor=actor,
        role=getattr(actor, "role", "") or "",
        at=when,
        on_time=on_time,
        department=department,
        due_at=due_at,
        details=details,
    )
