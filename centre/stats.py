"""Figures of the big-screen overview (指挥大屏) and of a department's own statistics.

The overview is built from one summary per calendar day: the cases reported that day by source,
sub-type and street, the cases closed that day and the steps done on time. Each summary is a few
index range scans over one day. A past day's summary hardly changes and is cached for hours; today's
is recomputed at most every TODAY_SECONDS, so a wall of screens polling together costs the database
one small computation, and the month and the 30-day trend are sums of cached days.
This module only reads.
"""

from collections import Counter
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import OPEN_STATES, Case, CaseEvent, Source, State
from catalog.models import Step

TODAY_SECONDS = 30
PAST_DAY_SECONDS = 6 * 3600
TREND_DAYS = 30
NOT_OPEN = sorted(set(State.values) - set(OPEN_STATES))


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _summary(start, end) -> dict:
    """What happened in [start, end): reports by source, sub-type and street; closures; on-time steps."""
    source, category, street = Counter(), Counter(), Counter()
    rows = (
        Case.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .values_list("source", "category__minor_name", "street__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for src, cat, st, n in rows:
        source[src] += n
        category[cat or "—"] += n
        street[st or "—"] += n
    on_time = {
        step: [total, good]
        for step, total, good in CaseEvent.objects.filter(at__gte=start, at__lt=end, on_time__isnull=False)
        .values("step")
        .annotate(total=Count("id"), good=Count("id", filter=Q(on_time=True)))
        .values_list("step", "total", "good")
        .order_by()
    }
    return {
        "total": sum(source.values()),
        "source": dict(source),
        "category": dict(category),
        "street": dict(street),
        # The 结案 event (index on action and time), not Case.closed_at, which has no index.
        "closed": CaseEvent.objects.filter(action="close", at__gte=start, at__lt=end).count(),
        "on_time": on_time,
    }


def _day_summary(day, today, now) -> dict:
    if day == today:
        return _cached(
            "centre:overview:today-summary", TODAY_SECONDS, lambda: _summary(_local_midnight(day), now)
        )
    start = _local_midnight(day)
    return _cached(
        f"centre:overview:day:{day.isoformat()}",
        PAST_DAY_SECONDS,
        lambda: _summary(start, start + timedelta(days=1)),
    )


def _merge(summaries) -> dict:
    merged = {
        "total": 0,
        "closed": 0,
        "source": Counter(),
        "category": Counter(),
        "street": Counter(),
        "on_time": {},
    }
    for summary in summaries:
        merged["total"] += summary["total"]
        merged["closed"] += summary["closed"]
        for key in ("source", "category", "street"):
            merged[key].update(summary[key])
        for step, (total, good) in summary["on_time"].items():
            entry = merged["on_time"].setdefault(step, [0, 0])
            entry[0] += total
            entry[1] += good
    return merged


def _ranked(counter, labels=None, top=None) -> list[dict]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    if top:
        items = items[:top]
    return [{"key": k, "name": str((labels or {}).get(k, k)), "value": n} for k, n in items]


def _rates(on_time: dict) -> list[dict]:
    labels = dict(Step.choices)
    return [
        {
            "step": step,
            "name": str(label),
            "total": on_time[step][0],
            "on_time": on_time[step][1],
            "rate": round(100 * on_time[step][1] / on_time[step][0], 1) if on_time[step][0] else None,
        }
        for step, label in labels.items()
        if step in on_time
    ]


def _period(summary, *, top=10) -> dict:
    sources = dict(Source.choices)
    return {
        "total": summary["total"],
        "by_source": _ranked(summary["source"], sources),
        "by_category": _ranked(summary["category"], top=top),
        "by_street": _ranked(summary["street"]),
    }


def _cached(key: str, seconds: int, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _open_figures(now) -> dict:
    open_cases = Case.objects.filter(state__in=OPEN_STATES)
    # Only open cases carry a deadline: range scans of the due_at index, no state sort.
    with_deadline = Case.objects.exclude(state__in=NOT_OPEN)
    states = dict(State.choices)
    by_state = Counter(dict(open_cases.values_list("state").annotate(n=Count("id")).order_by()))
    return {
        "total": sum(by_state.values()),
        "overdue": with_deadline.filter(due_at__lt=now).count(),
        "due_soon": with_deadline.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=2)).count(),
        "key": open_cases.filter(Q(key_case=True) | Q(supervised=True)).count(),
        "by_state": _ranked(by_state, states),
    }


def overview(now=None) -> dict:
    """Everything the big screen shows. Keys are stable: the page's script reads them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    month_days = [today - timedelta(days=n) for n in range(today.day - 1, -1, -1)]
    summaries = {day: _day_summary(day, today, now) for day in sorted(set(days) | set(month_days))}
    today_summary = summaries[today]
    month = _merge(summaries[d] for d in month_days)
    today_states = dict(State.choices)
    today_by_state = _cached(
        "centre:overview:today-states",
        TODAY_SECONDS,
        lambda: Counter(
            dict(
                Case.objects.filter(reported_at__gte=_local_midnight(today), reported_at__lt=now)
                .values_list("state")
                .annotate(n=Count("id"))
                .order_by()
            )
        ),
    )
    return {
        "at": now.isoformat(),
        "day": today.isoformat(),
        "today": {**_period(today_summary), "by_state": _ranked(today_by_state, today_states)},
        "month": _period(month),
        "open": _cached("centre:overview:open", TODAY_SECONDS, lambda: _open_figures(now)),
        "closed_today": today_summary["closed"],
        "on_time_today": _rates(today_summary["on_time"]),
        "on_time_month": _rates(month["on_time"]),
        "trend": [
            {"day": d.isoformat(), "reported": summaries[d]["total"], "closed": summaries[d]["closed"]}
            for d in days
        ],
    }


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
