"""Working-time arithmetic on the Chinese calendar (工作时间计算).

Workdays: a CalendarDay row overrides everything; else the chinesecalendar package (statutory
holidays and make-up working days 调休); for a year the package does not know yet, Monday to
Friday (a warning is logged once per year; add the real days with `manage.py calendar_days add`).

Working hours: settings.URBANGRID_WORKING_HOURS, a list of "HH:MM-HH:MM" periods (default
09:00-12:00 and 13:30-17:30), read at call time.

Rules (all datetimes aware, in settings.TIME_ZONE):
- clock_minutes / clock_hours: plain clock time.
- working_hours: only time inside the working periods of working days counts; a start outside
  working time starts at the beginning of the next working period.
- working_days: the start is first moved to the next working moment (as for working hours);
  N whole working days end at the same time of day on the N-th following working day (started
  15:00 Friday, 1 day ends 15:00 on the next working day; started Saturday, the clock starts
  09:00 Monday, 1 day ends 09:00 Tuesday). A fractional part is counted as that fraction of one
  day's working hours, in working hours.
- urgent cases (due_for(..., urgent=True)): working units are counted as clock units: a working
  hour is a clock hour and a working day is 24 clock hours, from the start itself.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from catalog.models import LimitUnit

logger = logging.getLogger(__name__)

_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_MAX_DAYS = 3660  # never walk more than ten years


def working_periods() -> list[tuple[int, int]]:
    """The working periods of a day as (start, end) minutes after midnight, sorted, validated."""
    raw = getattr(settings, "URBANGRID_WORKING_HOURS", None) or ["09:00-12:00", "13:30-17:30"]
    if isinstance(raw, str):
        raw = [p for p in raw.split(",") if p.strip()]
    return _parse_periods(tuple(raw))


@lru_cache(maxsize=16)
def _parse_periods(raw: tuple[str, ...]) -> list[tuple[int, int]]:
    periods = []
    for item in raw:
        m = _PERIOD_RE.match(item)
        if not m:
            raise ImproperlyConfigured(
                f"URBANGRID_WORKING_HOURS: {item!r} is not a period like '09:00-12:00'"
            )
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ImproperlyConfigured(f"URBANGRID_WORKING_HOURS: {item!r} is not a valid time")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise ImproperlyConfigured(f"URBANGRID_WORKING_HOURS: {item!r} ends before it starts")
        periods.append((start, end))
    if not periods:
        raise ImproperlyConfigured("URBANGRID_WORKING_HOURS: no working period configured")
    periods.sort()
    for (_, e1), (s2, _) in zip(periods, periods[1:], strict=False):
        if s2 < e1:
            raise ImproperlyConfigured("URBANGRID_WORKING_HOURS: periods overlap")
    return periods


def _day_minutes() -> int:
    return sum(e - s for s, e in working_periods())


# ---- workdays -------------------------------------------------------------------------------

_warned_years: set[int] = set()


@lru_cache(maxsize=1)
def _overrides() -> dict[date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.values_list("date", "is_workday"))


@lru_cache(maxsize=8192)
def _is_workday_cached(d: date) -> bool:
    override = _overrides().get(d)
    if override is not None:
        return override
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        if d.year not in _warned_years:
            _warned_years.add(d.year)
            logger.warning(
                "chinesecalendar does not know %s: counting Monday-Friday as workdays; "
                "add the holidays with `manage.py calendar_days add`",
                d.year,
            )
        return d.weekday() < 5


def is_workday(d: date) -> bool:
    if isinstance(d, datetime):
        d = _local(d).date()
    return _is_workday_cached(d)


def clear_cache(*args, **kwargs) -> None:
    """Forget cached workday answers (called when a CalendarDay changes)."""
    _overrides.cache_clear()
    _is_workday_cached.cache_clear()


def _connect_signals():
    from .models import CalendarDay

    post_save.connect(clear_cache, sender=CalendarDay, dispatch_uid="deadlines_calendar_save")
    post_delete.connect(clear_cache, sender=CalendarDay, dispatch_uid="deadlines_calendar_delete")


_connect_signals()


# ---- helpers --------------------------------------------------------------------------------


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(dt: datetime) -> datetime:
    if timezone.is_naive(dt):
        return dt.replace(tzinfo=_tz())
    return dt.astimezone(_tz())


def _at(d: date, minutes: int) -> datetime:
    return datetime.combine(d, time(0), tzinfo=_tz()) + timedelta(minutes=minutes)


def _minute_of_day(dt: datetime) -> float:
    return dt.hour * 60 + dt.minute + dt.second / 60 + dt.microsecond / 60e6


def next_working_moment(dt: datetime) -> datetime:
    """dt itself when inside working time, else the start of the next working period."""
    dt = _local(dt)
    d = dt.date()
    minute = _minute_of_day(dt)
    periods = working_periods()
    for _ in range(_MAX_DAYS):
        if is_workday(d):
            for s, e in periods:
                if minute < e:
                    return dt if minute >= s else _at(d, s)
        d += timedelta(days=1)
        minute = -1.0
        dt = _at(d, 0)
    raise ValueError("no working day within ten years")


# ---- limits ---------------------------------------------------------------------------------


def _add_working_minutes(start: datetime, minutes: float) -> datetime:
    cur = next_working_moment(start)
    if minutes <= 0:
        return cur
    periods = working_periods()
    remaining = minutes
    d = cur.date()
    minute = _minute_of_day(cur)
    for _ in range(_MAX_DAYS):
        if is_workday(d):
            for s, e in periods:
                if minute >= e:
                    continue
                begin = max(minute, s)
                available = e - begin
                if remaining <= available:
                    return _at(d, 0) + timedelta(minutes=begin + remaining)
                remaining -= available
        d += timedelta(days=1)
        minute = 0.0
    raise ValueError("limit too long")


def _add_working_days(start: datetime, days: float) -> datetime:
    cur = next_working_moment(start)
    whole = int(days)
    fraction = days - whole
    d = cur.date()
    count = 0
    for _ in range(_MAX_DAYS):
        if count == whole:
            break
        d += timedelta(days=1)
        if is_workday(d):
            count += 1
    else:
        raise ValueError("limit too long")
    end = datetime.combine(d, cur.timetz().replace(tzinfo=None), tzinfo=_tz())
    if fraction:
        end = _add_working_minutes(end, fraction * _day_minutes())
    return end


def add_limit(start: datetime, amount, unit: str) -> datetime:
    """The deadline of a limit of `amount` `unit` (catalog.models.LimitUnit) started at `start`."""
    amount = float(Decimal(str(amount)))
    if amount < 0:
        raise ValueError("a limit cannot be negative")
    start = _local(start)
    if unit == LimitUnit.CLOCK_MINUTES:
        return start + timedelta(minutes=amount)
    if unit == LimitUnit.CLOCK_HOURS:
        return start + timedelta(hours=amount)
    if unit == LimitUnit.WORKING_HOURS:
        return _add_working_minutes(start, amount * 60)
    if unit == LimitUnit.WORKING_DAYS:
        return _add_working_days(start, amount)
    raise ValueError(f"unknown limit unit {unit!r}")


def to_clock(amount, unit: str) -> tuple[float, str]:
    """An urgent limit in clock units: working hours as clock hours, working days as 24 h each."""
    amount = float(Decimal(str(amount)))
    if unit == LimitUnit.WORKING_HOURS:
        return amount, LimitUnit.CLOCK_HOURS
    if unit == LimitUnit.WORKING_DAYS:
        return amount * 24, LimitUnit.CLOCK_HOURS
    return amount, unit


def due_for(category, step: str, area_class: str, start: datetime, urgent: bool = False) -> datetime | None:
    """The deadline of `step` started at `start`; None when no limit is configured."""
    from catalog.limits import time_limit_for

    limit = time_limit_for(category, step, area_class or "")
    if limit is None:
        return None
    amount, unit = limit.amount, limit.unit
    if urgent:
        amount, unit = to_clock(amount, unit)
    return add_limit(start, amount, unit)


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Working time elapsed from a to b (negative when b is before a)."""
    a, b = _local(a), _local(b)
    if b < a:
        return -working_time_between(b, a)
    periods = working_periods()
    total = 0.0
    d = a.date()
    last = b.date()
    while d <= last:
        if is_workday(d):
            lo = _minute_of_day(a) if d == a.date() else 0.0
            hi = _minute_of_day(b) if d == last else 24 * 60.0
            for s, e in periods:
                total += max(0.0, min(e, hi) - max(s, lo))
        d += timedelta(days=1)
    return timedelta(minutes=total)
