"""Celery tasks of the closed loop. Without a broker, `manage.py runtasks` runs them in-process."""

from celery import shared_task


@shared_task(name="cases.scan_deadlines")
def scan_deadlines_task():
    from .reminders import scan_deadlines

    return scan_deadlines()
