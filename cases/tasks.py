"""Periodic tasks of the cases app (scheduled by CELERY_BEAT_SCHEDULE; `manage.py runtasks`
runs them in-process without a broker)."""

from celery import shared_task


@shared_task(name="cases.tasks.scan_deadlines_task")
def scan_deadlines_task() -> dict:
    from .reminders import scan_deadlines

    return scan_deadlines()
