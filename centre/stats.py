"""Figures of the big-screen overview (指挥大屏) and of a department's own statistics.

The overview is built from one summary per calendar day: the cases reported that day by source,
sub-type and street, the cases closed that day and the steps done on time. Day summaries are stored
in centre.OverviewDay, so no screen (and no process after a restart) computes a month from scratch:

- the periodic task `centre.refresh_overview` (CELERY_BEAT_SCHEDULE; `manage.py runtasks` without a
  broker) recomputes today's summary every TODAY_SECONDS and stores every past day of the window
  once that day is over;
- a screen reads the stored days in one query and keeps them in the process cache; today's figures
  are recomputed live only when the stored ones are older than TODAY_SECONDS;
- days missing from the table (the task never ran) are computed together, one GROUP BY per
  dimension over the whole range, and stored.

A past day's row is final once it was computed after that day ended (plus FINAL_AFTER); before
that it is recomputed. Nothing here changes a case: it reads cases and events and writes only its
own derived rows.
"""

from collections import Counter
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, Value, When
from django.utils import timezone

from cases.models import OPEN_STATES, Case, CaseEvent, Source, State
from catalog.models import Category, Step
from geo.models import Street

from .models import OverviewDay

TODAY_SECONDS = 30
PAST_DAY_SECONDS = 6 * 3600
TREND_DAYS = 30
# A day's summary computed this long after the day ended is final (late transactions included).
FINAL_AFTER = timedelta(minutes=10)
NOT_OPEN = sorted(set(State.values) - set(OPEN_STATES))


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _empty() -> dict:
    return {"total": 0, "closed": 0, "source": {}, "category": {}, "street": {}, "on_time": {}}


def _bucket(field: str, days: list):
    """The index of the local day `field` falls in (days sorted and consecutive): comparisons with
    the days' midnights, nested as a binary search (five per row for a month), the same SQL on
    SQLite and PostgreSQL, with no per-row time-zone function."""

    def between(low: int, high: int):  # days[low..high]
        if low == high:
            return Value(low, output_field=IntegerField())
        middle = (low + high + 1) // 2
        return CaseWhen(
            When(**{f"{field}__lt": _local_midnight(days[middle])}, then=between(low, middle - 1)),
            default=between(middle, high),
            output_field=IntegerField(),
        )

    return between(0, len(days) - 1)


def _runs(days: list) -> list[list]:
    """Sorted days split into runs of consecutive days (each run is one range scan)."""
    runs = []
    for day in sorted(days):
        if runs and runs[-1][-1] + timedelta(days=1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def compute_summaries(days, now) -> dict:
    """{day: summary} for the given days (today's up to `now`): for each run of consecutive days,
    one GROUP BY per dimension (source, sub-type, street, on-time steps, closures) over the run."""
    result = {}
    for run in _runs(days):
        start = _local_midnight(run[0])
        end = min(_local_midnight(run[-1] + timedelta(days=1)), now)
        summaries = [_empty() for _ in run]
        reported = Case.objects.filter(reported_at__gte=start, reported_at__lt=end).annotate(
            d=_bucket("reported_at", run)
        )
        category_ids, street_ids = set(), set()
        for field, key in (("source", "source"), ("category_id", "category"), ("street_id", "street")):
            # Counting an indexed column, not id: PostgreSQL then answers from the index alone.
            for index, value, n in (
                reported.values_list("d", field).annotate(n=Count("reported_at")).order_by()
            ):
                summaries[index][key][value] = n
                if key == "source":
                    summaries[index]["total"] += n
                elif key == "category":
                    category_ids.add(value)
                elif value is not None:
                    street_ids.add(value)
        steps = (
            CaseEvent.objects.filter(at__gte=start, at__lt=end, on_time__isnull=False)
            .annotate(d=_bucket("at", run))
            .values_list("d", "step")
            .annotate(total=Count("on_time"), good=Count("on_time", filter=Q(on_time=True)))
            .order_by()
        )
        for index, step, total, good in steps:
            summaries[index]["on_time"][step] = [total, good]
        # The 结案 event (index on action and time), not Case.closed_at, which has no index.
        closed = (
            CaseEvent.objects.filter(action="close", at__gte=start, at__lt=end)
            .annotate(d=_bucket("at", run))
            .values_list("d")
            .annotate(n=Count("at"))
            .order_by()
        )
        for index, n in closed:
            summaries[index]["closed"] = n
        # Names, not ids: a summary outlives renumbering and reads the same in every process.
        categories = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "minor_name"))
        streets = dict(Street.objects.filter(pk__in=street_ids).values_list("pk", "name"))
        for day, summary in zip(run, summaries, strict=True):
            summary["category"] = _renamed(summary["category"], categories)
            summary["street"] = _renamed(summary["street"], streets)
            result[day] = summary
    return result


def _renamed(counts: dict, names: dict) -> dict:
    renamed = Counter()
    for key, n in counts.items():
        renamed[names.get(key) or "—"] += n
    return dict(renamed)


def _is_final(day, computed_at) -> bool:
    return computed_at >= _local_midnight(day + timedelta(days=1)) + FINAL_AFTER


def _store(summaries: dict, now) -> None:
    OverviewDay.objects.bulk_create(
        [OverviewDay(day=day, figures=summary, computed_at=now) for day, summary in summaries.items()],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["figures", "computed_at"],
    )


def _window(today) -> list:
    """The days the screen shows: the 30-day trend and every day of this month."""
    trend = {today - timedelta(days=n) for n in range(TREND_DAYS)}
    month = {today - timedelta(days=n) for n in range(today.day)}
    return sorted(trend | month)


def day_summaries(days, today, now) -> dict:
    """{day: summary}: from this process's cache, else the stored rows, else computed and stored."""
    keys = {day: f"centre:overview:day:{day.isoformat()}" for day in days if day != today}
    keys[today] = "centre:overview:today"
    found = cache.get_many(list(keys.values()))
    summaries = {day: found[key] for day, key in keys.items() if key in found}
    missing = [day for day in days if day not in summaries]
    if not missing:
        return summaries
    for row in OverviewDay.objects.filter(day__in=missing):
        fresh = (
            row.computed_at >= now - timedelta(seconds=TODAY_SECONDS)
            if row.day == today
            else _is_final(row.day, row.computed_at)
        )
        if fresh:
            summaries[row.day] = row.figures
    stale = [day for day in missing if day not in summaries]
    if stale:
        computed = compute_summaries(stale, now)
        _store(computed, now)
        summaries.update(computed)
    # A final day is kept for hours; today, and a day that just ended, only until the next poll.
    final = [day for day in missing if day != today and (day not in stale or _is_final(day, now))]
    cache.set_many({keys[day]: summaries[day] for day in final}, PAST_DAY_SECONDS)
    cache.set_many({keys[day]: summaries[day] for day in missing if day not in final}, TODAY_SECONDS)
    return summaries


def refresh_overview(now=None, *, rebuild: bool = False) -> dict:
    """The periodic task's work: store today's summary, and every day of the window whose stored
    summary is missing or not final (all of them with rebuild=True). Returns what it wrote."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = _window(today)
    final = set()
    if not rebuild:
        final = {
            day
            for day, computed_at in OverviewDay.objects.filter(day__in=days).values_list("day", "computed_at")
            if day != today and _is_final(day, computed_at)
        }
    todo = [day for day in days if day not in final]
    _store(compute_summaries(todo, now), now)
    return {"days": len(todo), "today": today.isoformat()}


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
        "by_source": _ranked(Counter(summary["source"]), sources),
        "by_category": _ranked(Counter(summary["category"]), top=top),
        "by_street": _ranked(Counter(summary["street"])),
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
    summaries = day_summaries(_window(today), today, now)
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
