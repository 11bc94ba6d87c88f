from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from accounts.models import Department, Role
from accounts.testing import make_user
from cases.models import Case, Reminder, State
from cases.reminders import reminders_for, scan_deadlines
from catalog.models import Category

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roads():
    return Department.objects.create(code="roads", name="路政")


@pytest.fixture
def manhole():
    return Category.objects.create(
        scheme="gb",
        kind="component",
        major_code="01",
        major_name="公用设施",
        minor_code="01001",
        minor_name="井盖",
    )


def make_case(n, category, *, state=State.HANDLING, step="handle", due_at, department=None):
    return Case.objects.create(
        number=f"530114-2026-{n:07d}",
        source="supervisor",
        kind="component",
        category=category,
        lon=102.82,
        lat=24.88,
        state=state,
        step=step,
        due_at=due_at,
        department=department,
        reported_at=NOW - timedelta(days=1),
    )


def kinds(case):
    return sorted(case.reminders.values_list("kind", flat=True))


def test_a_case_due_within_the_hour_gets_a_due_soon_reminder_for_its_department(manhole, roads):
    case = make_case(1, manhole, due_at=NOW + timedelta(minutes=30), department=roads)
    later = make_case(2, manhole, due_at=NOW + timedelta(minutes=90), department=roads)
    assert scan_deadlines(NOW) == {"due_soon": 1, "overdue": 0, "escalated": 0}
    assert kinds(case) == ["due_soon"]
    assert kinds(later) == []
    bob = make_user("bob", Role.DEPARTMENT, department=roads)
    assert list(reminders_for(bob).values_list("case__number", flat=True)) == ["530114-2026-0000001"]


def test_an_overdue_case_gets_an_overdue_reminder_and_keeps_its_state(manhole, roads):
    case = make_case(1, manhole, due_at=NOW - timedelta(minutes=10), department=roads)
    assert scan_deadlines(NOW) == {"due_soon": 0, "overdue": 1, "escalated": 0}
    case.refresh_from_db()
    assert kinds(case) == ["overdue"]
    assert case.state == State.HANDLING
    assert case.supervised is False


def test_a_case_overdue_past_the_escalation_limit_is_supervised_for_the_leaders(manhole, roads):
    case = make_case(1, manhole, due_at=NOW - timedelta(minutes=241), department=roads)
    result = scan_deadlines(NOW)
    assert result["escalated"] == 1
    case.refresh_from_db()
    assert case.supervised is True
    assert case.state == State.HANDLING
    assert "escalated" in kinds(case)
    lily = make_user("lily", Role.LEADER)
    assert list(reminders_for(lily).values_list("kind", flat=True)) == ["escalated"]


def test_running_the_scan_twice_creates_no_duplicates(manhole, roads):
    make_case(1, manhole, due_at=NOW + timedelta(minutes=5), department=roads)
    make_case(2, manhole, due_at=NOW - timedelta(minutes=5), department=roads)
    make_case(3, manhole, due_at=NOW - timedelta(hours=5), department=roads)
    first = scan_deadlines(NOW)
    second = scan_deadlines(NOW + timedelta(minutes=1))
    assert first == {"due_soon": 1, "overdue": 2, "escalated": 1}
    assert second == {"due_soon": 0, "overdue": 0, "escalated": 0}
    assert Reminder.objects.count() == 4


def test_a_new_deadline_after_rework_gets_its_own_reminder(manhole, roads):
    case = make_case(1, manhole, due_at=NOW - timedelta(minutes=5), department=roads)
    scan_deadlines(NOW)
    Case.objects.filter(pk=case.pk).update(due_at=NOW - timedelta(minutes=1))
    assert scan_deadlines(NOW)["overdue"] == 1


def test_final_and_parked_cases_are_ignored(manhole):
    make_case(1, manhole, state=State.CLOSED, step="", due_at=NOW - timedelta(hours=9))
    make_case(2, manhole, state=State.PARKED, step="", due_at=NOW - timedelta(hours=9))
    make_case(3, manhole, state=State.VOIDED, step="handle", due_at=NOW - timedelta(hours=9))
    assert scan_deadlines(NOW) == {"due_soon": 0, "overdue": 0, "escalated": 0}
    assert Reminder.objects.count() == 0


def test_a_centre_step_reminder_goes_to_the_role_of_the_step(manhole):
    make_case(1, manhole, state=State.REGISTERED, step="dispatch", due_at=NOW + timedelta(minutes=10))
    scan_deadlines(NOW)
    dora = make_user("dora", Role.DISPATCHER)
    ian = make_user("ian", Role.INTAKE)
    assert reminders_for(dora).count() == 1
    assert reminders_for(ian).count() == 0


def test_runtasks_once_runs_the_deadline_scan(manhole, roads):
    case = make_case(1, manhole, due_at=datetime.now(SH) - timedelta(minutes=5), department=roads)
    out = StringIO()
    call_command("runtasks", "--once", stdout=out)
    assert kinds(case) == ["overdue"]
    assert "scan-deadlines: {'due_soon': 0, 'overdue': 1, 'escalated': 0}" in out.getvalue()


def test_runtasks_logs_a_failing_task_and_goes_on(settings, manhole, roads):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": "cases.tests.test_reminders.broken_task", "schedule": 60.0},
        "scan-deadlines": {"task": "cases.tasks.scan_deadlines_task", "schedule": 60.0},
    }
    out, err = StringIO(), StringIO()
    call_command("runtasks", "--once", stdout=out, stderr=err)
    assert "broken: failed" in err.getvalue()
    assert "scan-deadlines:" in out.getvalue()


def broken_task():
    raise RuntimeError("boom")
