"""The periodic deadline scan: due-soon and overdue reminders, escalation, no duplicates."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import workflow
from cases.models import CaseEvent, Reminder, Source
from cases.reminders import scan_deadlines

from .conftest import WEST_POINT

pytestmark = pytest.mark.django_db


def dispatched_at(people, catalogue, photo, at):
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        at=at,
    )
    workflow.accept(people.carol, case, at=at)
    workflow.register(people.sam, case, at=at)
    return workflow.dispatch(people.dan, case, people.city_management, at=at)  # handling limit 240 min


def test_a_case_due_within_the_hour_gets_one_due_soon_reminder_for_its_department(people, catalogue, photo):
    now = timezone.now()
    case = dispatched_at(people, catalogue, photo, now - timedelta(minutes=200))  # due in 40 min
    assert scan_deadlines(now) == {"due_soon": 1, "overdue": 0, "escalated": 0}
    reminder = Reminder.objects.get()
    assert (reminder.case, reminder.kind, reminder.step, reminder.department) == (
        case,
        "due_soon",
        "handle",
        people.city_management,
    )
    assert scan_deadlines(now) == {"due_soon": 0, "overdue": 0, "escalated": 0}


def test_an_overdue_case_is_reminded_then_escalated_to_the_leaders_once(people, catalogue, photo):
    now = timezone.now()
    case = dispatched_at(people, catalogue, photo, now - timedelta(minutes=300))  # 60 min overdue
    assert scan_deadlines(now) == {"due_soon": 0, "overdue": 1, "escalated": 0}
    later = now + timedelta(minutes=200)  # 260 min overdue: past the 240-minute escalation limit
    assert scan_deadlines(later) == {"due_soon": 0, "overdue": 0, "escalated": 1}
    assert scan_deadlines(later)["escalated"] == 0
    case.refresh_from_db()
    assert case.supervised
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1
    assert Reminder.objects.filter(kind="escalated").count() == 1


def test_a_new_deadline_after_an_extension_is_reminded_again(people, catalogue, photo):
    now = timezone.now()
    case = dispatched_at(people, catalogue, photo, now - timedelta(minutes=300))
    scan_deadlines(now)
    extension = workflow.request_extension(
        people.dora, case, until=now + timedelta(minutes=30), reason="待料"
    )
    workflow.decide_extension(people.sam, extension, approve=True)
    assert scan_deadlines(now)["due_soon"] == 1


def test_closed_and_parked_cases_are_never_reminded(people, catalogue, photo):
    now = timezone.now()
    case = dispatched_at(people, catalogue, photo, now - timedelta(days=2))
    workflow.park(people.sam, case, reason="季节性问题")
    workflow.report_self_handled(
        people.alice,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        before=[photo()],
        after=[photo()],
        at=now - timedelta(days=2),
    )
    assert scan_deadlines(now) == {"due_soon": 0, "overdue": 0, "escalated": 0}


def test_runtasks_once_runs_the_scan_without_a_broker(people, catalogue, photo, capsys):
    dispatched_at(people, catalogue, photo, timezone.now() - timedelta(minutes=300))
    call_command("runtasks", "--once")
    assert "scan-deadlines: {'due_soon': 0, 'overdue': 1, 'escalated': 0}" in capsys.readouterr().out
    assert Reminder.objects.filter(kind="overdue").count() == 1
