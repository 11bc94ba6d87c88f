"""Periodic work of the evaluation: the nightly attendance roll-up of the day before."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="evaluation.rollup_attendance")
def rollup_attendance(days: int = 1) -> int:
    """Roll up the last `days` days before today (a late upload of tracks is picked up next night)."""
    from .attendance import rollup_day

    today = timezone.localdate()
    return sum(rollup_day(today - datetime.timedelta(days=back)) for back in range(1, days + 1))
