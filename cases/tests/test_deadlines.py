"""Deadline arithmetic on the working calendar: working hours 09:00-12:00 and 13:30-17:30
(7 h a day), chinesecalendar's holidays and make-up working days, CalendarDay overrides."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.deadlines import CalendarError, add_limit, due_for, is_workday, working_time_between
from cases.models import CalendarDay
from catalog.models import LimitUnit, Step, TimeLimit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


pytestmark = pytest.mark.django_db


def test_working_hours_skip_the_lunch_break():
    # 11:00 + 2 h: one hour to 12:00, then 13:30 + 1 h.
    assert add_limit(at("2026-11-24 11:00"), 2, LimitUnit.WORKING_HOURS) == at("2026-11-24 14:30")


def test_a_start_outside_working_hours_starts_at_the_next_period():
    assert add_limit(at("2026-11-24 07:10"), 1, LimitUnit.WORKING_HOURS) == at("2026-11-24 10:00")
    assert add_limit(at("2026-11-24 20:00"), 1, LimitUnit.WORKING_HOURS) == at("2026-11-25 10:00")


def test_working_hours_run_across_a_weekend():
    # Friday 17:00 + 2 h: half an hour on Friday, then Monday 09:00 + 1.5 h.
    assert add_limit(at("2026-11-27 17:00"), 2, LimitUnit.WORKING_HOURS) == at("2026-11-30 10:30")


def test_one_working_day_from_friday_afternoon_ends_on_monday_afternoon():
    # 1 working day = 7 working hours: Friday 15:00-17:30 (2.5 h), Monday 09:00-12:00 (3 h), 13:30 + 1.5 h.
    assert add_limit(at("2026-11-27 15:00"), 1, LimitUnit.WORKING_DAYS) == at("2026-11-30 15:00")


def test_the_national_day_holiday_is_skipped_and_the_make_up_saturday_counts():
    # 2026: Oct 1-7 holiday, Sat Oct 10 a make-up working day (调休), Sun Oct 11 off.
    assert not is_workday(date(2026, 10, 1))
    assert is_workday(date(2026, 10, 10)) and not is_workday(date(2026, 10, 11))
    # Wed Sep 30 17:00 + 1 working day: 0.5 h on Sep 30, then Thu Oct 8 09:00 + 6.5 h = 17:00.
    assert add_limit(at("2026-09-30 17:00"), 1, LimitUnit.WORKING_DAYS) == at("2026-10-08 17:00")
    # Fri Oct 9 17:00 + 2 working hours: 0.5 h on Friday, then the make-up Saturday 09:00 + 1.5 h.
    assert add_limit(at("2026-10-09 17:00"), 2, LimitUnit.WORKING_HOURS) == at("2026-10-10 10:30")


def test_the_mid_autumn_holiday_on_a_friday_is_skipped():
    # Thu Sep 24 17:00 + 1 h: 0.5 h on Thursday; Fri Sep 25 is 中秋, so Mon Sep 28 09:30.
    assert add_limit(at("2026-09-24 17:00"), 1, LimitUnit.WORKING_HOURS) == at("2026-09-28 09:30")


def test_clock_limits_ignore_the_calendar():
    assert add_limit(at("2026-10-01 23:00"), 90, LimitUnit.CLOCK_MINUTES) == at("2026-10-02 00:30")
    assert add_limit(at("2026-10-01 23:00"), 2, LimitUnit.CLOCK_HOURS) == at("2026-10-02 01:00")


def test_an_urgent_case_counts_working_limits_in_clock_time():
    assert add_limit(at("2026-10-01 23:00"), 2, LimitUnit.WORKING_HOURS, urgent=True) == at(
        "2026-10-02 01:00"
    )
    assert add_limit(at("2026-10-01 23:00"), 1, LimitUnit.WORKING_DAYS, urgent=True) == at("2026-10-02 23:00")


def test_a_calendar_day_overrides_the_package():
    assert is_workday(date(2026, 11, 25))
    CalendarDay.objects.create(date=date(2026, 11, 25), is_workday=False, note="临时放假")
    assert not is_workday(date(2026, 11, 25))
    assert add_limit(at("2026-11-24 17:00"), 1, LimitUnit.WORKING_HOURS) == at("2026-11-26 09:30")


def test_a_year_the_package_does_not_know_falls_back_to_weekdays_and_can_be_completed():
    assert is_workday(date(2031, 1, 1))  # a Wednesday, unknown to chinesecalendar
    CalendarDay.objects.create(date=date(2031, 1, 1), is_workday=False, note="元旦")
    assert not is_workday(date(2031, 1, 1))


def test_working_time_between_counts_only_working_hours():
    assert working_time_between(at("2026-11-27 17:00"), at("2026-11-30 10:30")) == timedelta(hours=2)
    assert working_time_between(at("2026-11-30 10:30"), at("2026-11-27 17:00")) == -timedelta(hours=2)


def test_due_for_uses_the_sub_type_limit_for_the_area_class(settings):
    TimeLimit.objects.create(
        category=None, step=Step.HANDLE, area_class="A", amount=Decimal(2), unit=LimitUnit.WORKING_HOURS
    )
    TimeLimit.objects.create(
        category=None, step=Step.HANDLE, area_class="C", amount=Decimal(1), unit=LimitUnit.WORKING_DAYS
    )
    start = at("2026-11-24 09:00")
    assert due_for(None, Step.HANDLE, "A", start) == at("2026-11-24 11:00")
    assert due_for(None, Step.HANDLE, "C", start) == at("2026-11-24 17:30")
    assert due_for(None, Step.CHECK, "A", start) is None


def test_bad_working_hours_are_a_clear_error(settings):
    settings.URBANGRID_WORKING_HOURS = ["9-12"]
    with pytest.raises(CalendarError, match="HH:MM"):
        add_limit(at("2026-11-24 09:00"), 1, LimitUnit.WORKING_HOURS)
