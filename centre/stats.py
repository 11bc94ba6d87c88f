"""Figures of the big-screen overview (指挥大屏) and of a department's own statistics.

Every figure is an aggregate over an indexed range (reported_at of today or this month, the open
states, the step deadline); the month's figures move slowly and are cached for a few minutes, today's
for half a minute, so a wall of screens polling together costs the database one computation.
This module only reads.
"""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import OPEN_STATES, Case, CaseEvent, Source, State
from catalog.models import Step

TODAY_SECONDS = 30
MONTH_SECONDS = 300
TREND_DAYS = 30


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _counts(rows, field: str, labels: dict | None = None, top: int | None = None) -> list[dict]:
    data = rows.values(field).annotate(n=Count("id")).order_by("-n")
    if top:
        data = data[:top]
    return [
        {"key": row[field], "name": str((labels or {}).get(row[field], row[field] or "—")), "value": row["n"]}
        for row in data
    ]


def _period(rows) -> dict:
    """Counts of the cases reported in a period, by source, state, category and street."""
    states = dict(State.choices)
    return {
        "total": rows.count(),
        "by_source": _counts(rows, "source", dict(Source.choices)),
        "by_state": _counts(rows, "state", states),
        "by_category": _counts(rows, "category__minor_name", top=10),
        "by_street": _counts(rows, "street__name"),
    }


def _on_time(since, until) -> list[dict]:
    """Share of steps done on time, per step, from the case events of [since, until)."""
    rows = (
        CaseEvent.objects.filter(at__gte=since, at__lt=until, on_time__isnull=False)
        .values("step")
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    )
    labels = dict(Step.choices)
    order = {step: i for i, step in enumerate(labels)}
    result = [
        {
            "step": row["step"],
            "name": str(labels.get(row["step"], row["step"])),
            "total": row["total"],
            "on_time": row["on_time"],
            "rate": round(100 * row["on_time"] / row["total"], 1) if row["total"] else None,
        }
        for row in rows
    ]
    return sorted(result, key=lambda r: order.get(r["step"], 99))


def _trend(start, end) -> list[dict]:
    tz = timezone.get_current_timezone()
    reported = dict(
        Case.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .annotate(day=TruncDate("reported_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    closed = dict(
        Case.objects.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(day=TruncDate("closed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    days = []
    day = timezone.localdate(start)
    while _local_midnight(day) < end:
        days.append({"day": day.isoformat(), "reported": reported.get(day, 0), "closed": closed.get(day, 0)})
        day += timedelta(days=1)
    return days


def _cached(key: str, seconds: int, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def overview(now=None) -> dict:
    """Everything the big screen shows. Keys are stable: the page's script reads them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = _local_midnight(today)
    month_start = _local_midnight(today.replace(day=1))

    def today_figures():
        open_cases = Case.objects.filter(state__in=OPEN_STATES)
        return {
            "today": _period(Case.objects.filter(reported_at__gte=day_start, reported_at__lt=now)),
            "open": {
                "total": open_cases.count(),
                "overdue": open_cases.filter(due_at__lt=now).count(),
                "due_soon": open_cases.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=2)).count(),
                "key": open_cases.filter(Q(key_case=True) | Q(supervised=True)).count(),
                "by_state": _counts(open_cases, "state", dict(State.choices)),
            },
            "closed_today": Case.objects.filter(closed_at__gte=day_start, closed_at__lt=now).count(),
            "on_time_today": _on_time(day_start, now),
        }

    def month_figures():
        return {
            "month": _period(Case.objects.filter(reported_at__gte=month_start, reported_at__lt=now)),
            "on_time_month": _on_time(month_start, now),
            "trend": _trend(day_start - timedelta(days=TREND_DAYS - 1), now),
        }

    result = {"at": now.isoformat(), "day": today.isoformat()}
    result |= _cached("centre:overview:today", TODAY_SECONDS, today_figures)
    result |= _cached(f"centre:overview:month:{today.isoformat()}", MONTH_SECONDS, month_figures)
    return result


def department_figures(department, now=None) -> dict:
    """A department's own figures for this month: received, handled on time, returned, extended, reworked."""
    now = now or timezone.now()
    month_start = _local_midnight(timezone.localdate(now).replace(day=1))
    events = CaseEvent.objects.filter(department=department, at__gte=month_start, at__lt=now)
    by_action = dict(events.values("action").annotate(n=Count("id")).values_list("action", "n"))
    handled = events.filter(step=Step.HANDLE, on_time__isnull=False).aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(on_time=True))
    )
    open_cases = Case.objects.filter(department=department, state__in=(State.DISPATCHED, State.HANDLING))
    return {
        "month_start": timezone.localdate(month_start),
        "by_action": by_action,
        "handled": handled["total"],
        "handled_on_time": handled["on_time"],
        "on_time_rate": round(100 * handled["on_time"] / handled["total"], 1) if handled["total"] else None,
        "open": open_cases.count(),
        "overdue": open_cases.filter(Q(handle_due_at__lt=now) | Q(due_at__lt=now)).count(),
    }
