from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cases import deadlines
from cases.deadlines import add_limit, due_for, is_workday, working_time_between
from cases.models import CalendarDay
from catalog.models import LimitUnit, TimeLimit

SH = ZoneInfo("Asia/Shanghai")


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=SH)


@pytest.fixture(autouse=True)
def fresh_cache():
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


pytestmark = pytest.mark.django_db


def test_national_day_2026_holidays_and_the_make_up_saturday():
    assert is_workday(date(2026, 9, 30)) is True
    assert is_workday(date(2026, 10, 1)) is False
    assert is_workday(date(2026, 10, 7)) is False
    assert is_workday(date(2026, 10, 8)) is True
    assert is_workday(date(2026, 10, 10)) is True  # Saturday 调休


def test_working_hours_limit_skips_the_weekend():
    # Friday 2026-11-27 16:30, 4 working hours: 1 h Friday, 3 h Monday morning.
    assert add_limit(at(2026, 11, 27, 16, 30), 4, LimitUnit.WORKING_HOURS) == at(2026, 11, 30, 12, 0)


def test_working_hours_skip_the_lunch_break():
    assert add_limit(at(2026, 11, 30, 11, 0), 2, LimitUnit.WORKING_HOURS) == at(2026, 11, 30, 14, 30)


def test_a_start_outside_working_hours_starts_at_the_next_period():
    assert add_limit(at(2026, 11, 30, 20, 0), 1, LimitUnit.WORKING_HOURS) == at(2026, 12, 1, 10, 0)
    assert add_limit(at(2026, 11, 30, 12, 30), Decimal("0.5"), LimitUnit.WORKING_HOURS) == at(
        2026, 11, 30, 14, 0
    )


def test_working_hours_across_national_day_2026():
    # Wednesday 2026-09-30 17:00: 0.5 h that day, then Oct 1-7 off, Oct 8 from 09:00.
    assert add_limit(at(2026, 9, 30, 17, 0), 2, LimitUnit.WORKING_HOURS) == at(2026, 10, 8, 10, 30)


def test_the_make_up_saturday_counts_as_a_working_day():
    # Friday 2026-10-09 15:00, 1 working day: Saturday 10-10 is a working day.
    assert add_limit(at(2026, 10, 9, 15, 0), 1, LimitUnit.WORKING_DAYS) == at(2026, 10, 10, 15, 0)
    assert add_limit(at(2026, 10, 10, 17, 0), 1, LimitUnit.WORKING_HOURS) == at(2026, 10, 12, 9, 30)


def test_working_days_from_friday_afternoon_end_on_monday_same_time():
    assert add_limit(at(2026, 11, 27, 15, 0), 1, LimitUnit.WORKING_DAYS) == at(2026, 11, 30, 15, 0)
    assert add_limit(at(2026, 11, 28, 10, 0), 1, LimitUnit.WORKING_DAYS) == at(2026, 12, 1, 9, 0)


def test_working_days_across_national_day():
    assert add_limit(at(2026, 9, 30, 10, 0), 2, LimitUnit.WORKING_DAYS) == at(2026, 10, 9, 10, 0)


def test_clock_limits_are_plain_clock_time():
    assert add_limit(at(2026, 10, 1, 23, 30), 45, LimitUnit.CLOCK_MINUTES) == at(2026, 10, 2, 0, 15)
    assert add_limit(at(2026, 10, 3, 8, 0), 2, LimitUnit.CLOCK_HOURS) == at(2026, 10, 3, 10, 0)


def test_urgent_due_for_counts_working_units_as_clock_time():
    TimeLimit.objects.create(step="handle", area_class="", amount=Decimal("2"), unit=LimitUnit.WORKING_HOURS)
    TimeLimit.objects.create(step="check", area_class="", amount=Decimal("1"), unit=LimitUnit.WORKING_DAYS)
    saturday_night = at(2026, 11, 28, 22, 0)
    assert due_for(None, "handle", "A", saturday_night) == at(2026, 11, 30, 11, 0)
    assert due_for(None, "handle", "A", saturday_night, urgent=True) == at(2026, 11, 29, 0, 0)
    assert due_for(None, "check", "A", saturday_night, urgent=True) == at(2026, 11, 29, 22, 0)


def test_due_for_without_a_limit_is_none():
    assert due_for(None, "handle", "A", at(2026, 11, 30, 9, 0)) is None


def test_an_added_calendar_day_overrides_the_package():
    assert add_limit(at(2026, 11, 27, 16, 30), 4, LimitUnit.WORKING_HOURS) == at(2026, 11, 30, 12, 0)
    CalendarDay.objects.create(date=date(2026, 11, 28), is_workday=True, note="加班")
    assert is_workday(date(2026, 11, 28)) is True
    assert add_limit(at(2026, 11, 27, 16, 30), 4, LimitUnit.WORKING_HOURS) == at(2026, 11, 28, 12, 0)


def test_an_unknown_year_falls_back_to_monday_to_friday(caplog):
    assert is_workday(date(2031, 1, 1)) is True  # a Wednesday, New Year unknown to the package
    assert is_workday(date(2031, 1, 4)) is False  # Saturday
    assert "2031" in caplog.text


def test_calendar_days_command_adds_and_lists_a_year():
    out = StringIO()
    call_command("calendar_days", "add", "2031-01-01", "--holiday", "--note", "元旦", stdout=out)
    assert is_workday(date(2031, 1, 1)) is False
    out = StringIO()
    call_command("calendar_days", "list", "--year", "2031", stdout=out)
    assert out.getvalue().strip() == "2031-01-01 holiday 元旦"


def test_working_time_between_counts_only_working_periods():
    assert working_time_between(at(2026, 11, 27, 16, 30), at(2026, 11, 30, 12, 0)) == timedelta(hours=4)
    assert working_time_between(at(2026, 9, 30, 17, 0), at(2026, 10, 8, 10, 30)) == timedelta(hours=2)


def test_working_hours_setting_is_read_at_call_time_and_validated(settings):
    settings.URBANGRID_WORKING_HOURS = ["08:00-12:00"]
    assert add_limit(at(2026, 11, 30, 11, 0), 2, LimitUnit.WORKING_HOURS) == at(2026, 12, 1, 9, 0)
    settings.URBANGRID_WORKING_HOURS = ["12:00-08:00"]
    with pytest.raises(ImproperlyConfigured):
        add_limit(at(2026, 11, 30, 11, 0), 2, LimitUnit.WORKING_HOURS)
