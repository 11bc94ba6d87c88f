from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import deadlines
from cases.deadlines import add_limit, is_workday
from catalog.models import LimitUnit

SH = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    deadlines.calendar_changed()
    yield
    deadlines.calendar_changed()


def test_adding_an_unknown_years_holidays_and_make_up_day_changes_deadlines():
    # 2031 is unknown to chinesecalendar: Monday to Friday until the real days are added.
    assert is_workday(date(2031, 1, 1)) is True
    call_command("calendar_days", "add", "2031-01-01", "--holiday", "--note", "元旦", stdout=StringIO())
    call_command("calendar_days", "add", "2031-01-04", "--workday", "--note", "元旦调休", stdout=StringIO())
    assert is_workday(date(2031, 1, 1)) is False
    assert is_workday(date(2031, 1, 4)) is True  # a Saturday
    start = datetime(2030, 12, 31, 17, 0, tzinfo=SH)
    assert add_limit(start, 1, LimitUnit.WORKING_HOURS) == datetime(2031, 1, 2, 9, 30, tzinfo=SH)


def test_calendar_days_list_shows_one_year():
    call_command("calendar_days", "add", "2031-01-01", "--holiday", "--note", "元旦", stdout=StringIO())
    call_command("calendar_days", "add", "2032-01-01", "--holiday", stdout=StringIO())
    out = StringIO()
    call_command("calendar_days", "list", "--year", "2031", stdout=out)
    assert out.getvalue().strip() == "2031-01-01 holiday 元旦"


def test_adding_a_day_again_replaces_it():
    call_command("calendar_days", "add", "2031-01-04", "--holiday", stdout=StringIO())
    call_command("calendar_days", "add", "2031-01-04", "--workday", "--note", "调休", stdout=StringIO())
    out = StringIO()
    call_command("calendar_days", "list", stdout=out)
    assert out.getvalue().strip() == "2031-01-04 workday 调休"


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        call_command("calendar_days", "add", "2031-02-30", "--holiday", stdout=StringIO())
