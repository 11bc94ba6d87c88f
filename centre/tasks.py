"""Celery tasks of the centre's pages. Without a broker, `manage.py runtasks` runs them in-process."""

from celery import shared_task


@shared_task(name="centre.refresh_overview")
def refresh_overview_task():
    """Keep the big screen's day summaries stored and today's fresh (see centre.stats)."""
    from .stats import refresh_overview

    return refresh_overview()
