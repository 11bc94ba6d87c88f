"""Periods of evaluation: a day, an ISO week, a month, a year, or any custom range of days."""

import datetime

from django.utils.translation import gettext as _

from urbangrid.errors import DomainError

from .indicators import Period

KINDS = ("day", "week", "month", "year", "custom")


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def parse_period(kind: str, value: str = "", start: str = "", end: str = "") -> Period:
    """kind day: 2024-03-05; week: 2024-W10; month: 2024-03; year: 2024; custom: start and end
    (both inclusive, YYYY-MM-DD)."""
    try:
        if kind == "day":
            day = datetime.date.fromisoformat(value)
            return Period(day, day + datetime.timedelta(days=1))
        if kind == "week":
            year, week = value.split("-W")
            monday = datetime.date.fromisocalendar(int(year), int(week), 1)
            return Period(monday, monday + datetime.timedelta(days=7))
        if kind == "month":
            first = datetime.datetime.strptime(value, "%Y-%m").date()
            return Period(first, next_month(first))
        if kind == "year":
            return Period(datetime.date(int(value), 1, 1), datetime.date(int(value) + 1, 1, 1))
        if kind == "custom":
            first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            if last < first:
                raise DomainError(_("结束日期不能早于开始日期"))
            return Period(first, last + datetime.timedelta(days=1))
    except (ValueError, TypeError):
        raise DomainError(_("考核期格式不正确")) from None
    raise DomainError(_("未知的考核期类型"))


def default_value(kind: str, today: datetime.date) -> str:
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return {
        "day": today.isoformat(),
        "week": f"{today.isocalendar().year}-W{today.isocalendar().week:02d}",
        "month": last_month.strftime("%Y-%m"),
        "year": str(today.year),
        "custom": "",
    }[kind]
