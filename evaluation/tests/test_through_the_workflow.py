"""The indicators read what cases/workflow.py really records: one closed loop and one public report
driven through the workflow functions, then evaluated. (The other indicator tests write event
rows by hand to control every edge case; this one checks the names and fields they rely on.)"""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Source
from cases.tests.conftest import WEST_POINT, catalogue, people, photo  # noqa: F401 - fixtures
from evaluation import indicators, measures
from evaluation.indicators import Period
from patrol.models import Shift

pytestmark = pytest.mark.django_db
MARCH = Period(datetime.date(2024, 3, 1), datetime.date(2024, 4, 1))


def row_of(object_type, object_id):
    return next(r for r in indicators.evaluate(object_type, MARCH)["rows"] if r["id"] == object_id)


def test_a_closed_loop_and_a_missed_report_as_the_workflow_records_them(people, catalogue, photo):  # noqa: F811
    t0 = timezone.make_aware(datetime.datetime(2024, 3, 5, 9, 0))
    # alice reports a broken cover (a safety hazard); everything on time but registration (50 > 30 min)
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        at=t0,
    )
    workflow.accept(people.carol, case, at=t0 + timedelta(minutes=5))
    workflow.register(people.sam, case, at=t0 + timedelta(minutes=50))
    case = workflow.dispatch(people.dan, case, people.city_management, at=t0 + timedelta(minutes=60))
    workflow.accept_by_department(people.dora, case, at=t0 + timedelta(minutes=70))
    workflow.give_feedback(
        people.dora, case, note="已更换井盖", photos=[photo()], at=t0 + timedelta(minutes=200)
    )
    task = workflow.send_check(people.carol, case, at=t0 + timedelta(minutes=205))
    workflow.answer_task(
        people.alice, task, passed=True, note="已修复", photos=[photo()], at=t0 + timedelta(minutes=230)
    )
    workflow.close(people.sam, case, at=t0 + timedelta(minutes=240))
    # the public reports garbage in alice's grid on the 6th while she is on duty: a miss
    Shift.objects.create(
        supervisor=people.alice,
        started_at=t0 + timedelta(days=1, hours=-1),
        ended_at=t0 + timedelta(days=1, hours=3),
    )
    public = workflow.report(
        people.carol,
        source=Source.PUBLIC,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        at=t0 + timedelta(days=1),
    )
    assert public.responsibility_grid.code == "RG01"

    alice = row_of("supervisor", people.alice.pk)
    # 1 report, valid; the public report is carol's entry, not alice's; 1 miss; RG01 registered 1;
    # 1 check on time
    assert {
        k: alice["figures"][k]
        for k in ("reports", "valid_reports", "missed", "registered_in_grid", "checks", "checks_on_time")
    } == {
        "reports": 1,
        "valid_reports": 1,
        "missed": 1,
        "registered_in_grid": 1,
        "checks": 1,
        "checks_on_time": 1,
    }
    carol = row_of("intake", people.carol.pk)
    # accepted 1; sending the check records its deadline (the check step's) but no verdict: sent
    # 5 min after feedback, well within the 120-minute check limit → on time
    assert carol["figures"] == {
        "accepted": 1,
        "verify_sent": 0,
        "verify_sent_on_time": 0,
        "check_sent": 1,
        "check_sent_on_time": 1,
    }
    sam = row_of("shift_leader", people.sam.pk)
    assert sam["figures"] == {
        "registered": 1,
        "registered_on_time": 0,
        "voided": 0,
        "closed": 1,
        "closed_on_time": 1,
    }
    dan = row_of("dispatcher", people.dan.pk)
    assert dan["figures"] == {"dispatched": 1, "dispatched_on_time": 1, "returned": 0}
    bureau = row_of("department", people.city_management.pk)
    assert bureau["figures"] == {
        "assigned": 1,
        "handled": 1,
        "handled_on_time": 1,
        "reworked": 0,
        "overdue_pending": 0,
        "extended": 0,
    }
    # the cover was handled within its limit: 1 of 1 safety hazards
    assert measures.hazards_removed_within_limit(MARCH.start, MARCH.end) == 1
