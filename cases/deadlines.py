"""Deadlines on the working calendar (工作日历).

Limits come from the catalogue (catalog.limits.time_limit_for) and are counted:
- in clock time for clock_minutes / clock_hours, and for every limit of an urgent case;
- in working time for working_hours: only inside the working hours (settings.URBANGRID_WORKING_HOURS)
  of working days; a start outside working hours starts at the next working period;
- working_days are working hours too: one working day is the length of one day's working hours
  (7 h by default), so a 1-day limit started at 15:00 on a Friday ends at 15:00 on the next
  working day.

A working day is what a CalendarDay row says, else what the chinesecalendar package says
(public holidays and make-up working days), else, for a year the package does not know yet,
Monday to Friday (with a warning: add that year's days with `manage.py calendar_days`).
"""

import functools
import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from catalog.models import LimitUnit

log = logging.getLogger(__name__)

_MAX_DAYS = 3660  # never walk the calendar further than ten years


class CalendarError(ValueError):
    pass


@functools.cache
def _parse_hours(spec: tuple[str, ...]) -> tuple[tuple[time, time], ...]:
    periods = []
    for item in spec:
        try:
            start_text, end_text = item.split("-")
            start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        except ValueError:
            raise CalendarError(f"URBANGRID_WORKING_HOURS: {item!r} is not HH:MM-HH:MM") from None
        if start >= end or (periods and start < periods[-1][1]):
            raise CalendarError(f"URBANGRID_WORKING_HOURS: {item!r} must be in order and not overlap")
        periods.append((start, end))
    if not periods:
        raise CalendarError("URBANGRID_WORKING_HOURS is empty")
    return tuple(periods)


def working_periods() -> tuple[tuple[time, time], ...]:
    return _parse_hours(tuple(settings.URBANGRID_WORKING_HOURS))


def hours_per_working_day() -> float:
    return (
        sum(
            (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds()
            for start, end in working_periods()
        )
        / 3600
    )


@functools.cache
def _overrides() -> dict[date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.values_list("date", "is_workday"))


def calendar_changed() -> None:
    """Forget cached calendar answers (called when CalendarDay rows change)."""
    _overrides.cache_clear()
    _package_is_workday.cache_clear()


_warned_years: set[int] = set()


@functools.lru_cache(maxsize=8192)
def _package_is_workday(day: date) -> bool:
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning(
                "chinesecalendar does not know %s: Monday to Friday assumed; add the year's "
                "holidays with `manage.py calendar_days`",
                day.year,
            )
        return day.weekday() < 5


def is_workday(day: date) -> bool:
    override = _overrides().get(day)
    return override if override is not None else _package_is_workday(day)


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise CalendarError("deadlines need aware datetimes")
    return timezone.localtime(moment)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """The moment `amount` of working time after `start`."""
    remaining = amount
    moment = _local(start)
    day = moment.date()
    for _ in range(_MAX_DAYS):
        if is_workday(day):
            for period_start, period_end in working_periods():
                begin = max(moment, _aware(day, period_start))
                end = _aware(day, period_end)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += timedelta(days=1)
        moment = _aware(day, time.min)
    raise CalendarError("deadline more than ten years away")


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Working time elapsed from a to b (negative when b is before a)."""
    if b < a:
        return -working_time_between(b, a)
    total = timedelta()
    a, b = _local(a), _local(b)
    day = a.date()
    while day <= b.date():
        if is_workday(day):
            for period_start, period_end in working_periods():
                begin = max(a, _aware(day, period_start))
                end = min(b, _aware(day, period_end))
                if end > begin:
                    total += end - begin
        day += timedelta(days=1)
    return total


def add_limit(start: datetime, amount, unit: str, *, urgent: bool = False) -> datetime:
    """The deadline `amount` `unit`s after `start`. An urgent case counts every limit in clock time
    (working hours as clock hours, working days as 24-hour days)."""
    amount = Decimal(amount)
    if amount < 0:
        raise CalendarError("a time limit cannot be negative")
    seconds = float(amount)
    if unit == LimitUnit.CLOCK_MINUTES:
        return start + timedelta(minutes=seconds)
    if unit == LimitUnit.CLOCK_HOURS:
        return start + timedelta(hours=seconds)
    if unit == LimitUnit.WORKING_HOURS:
        return (
            start + timedelta(hours=seconds) if urgent else add_working_time(start, timedelta(hours=seconds))
        )
    if unit == LimitUnit.WORKING_DAYS:
        if urgent:
            return start + timedelta(days=seconds)
        return add_working_time(start, timedelta(hours=seconds * hours_per_working_day()))
    raise CalendarError(f"unknown time-limit unit {unit!r}")


def due_for(category, step: str, area_class: str, start: datetime, urgent: bool = False) -> datetime | None:
    """The deadline of `step` for a case of `category` in a grid of `area_class`, started at `start`;
    None when neither the sub-type nor the defaults set a limit for that step."""
    from catalog.limits import time_limit_for

    limit = time_limit_for(category, step, area_class)
    if limit is None:
        return None
    return add_limit(start, limit.amount, limit.unit, urgent=urgent)
