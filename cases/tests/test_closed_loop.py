"""One case walks the whole closed loop: report → 受理 → 立案 → 派遣 → 签收 → 反馈 → 核查 → 结案."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Attachment, CaseEvent, Source, State, Task

from .conftest import WEST_POINT

pytestmark = pytest.mark.django_db


def test_a_supervisor_report_is_located_numbered_and_due_for_intake(people, catalogue, photo):
    at = timezone.now()
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        description="井盖破损",
        photos=[photo()],
        at=at,
    )
    assert case.state == State.REPORTED
    assert case.unit_grid.code == "530114001001003"
    assert case.community.code == "530114001001"
    assert case.responsibility_grid.code == "RG01"
    assert case.area_class == "A"
    assert case.number == f"530114-{timezone.localtime(at).year}-0000001"
    assert case.step == "accept"
    assert case.due_at == at + timedelta(minutes=10)
    assert case.key_case is True  # a safety hazard is watched closely from the start
    event = case.events.get()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "report",
        people.alice,
        "",
        "reported",
    )
    assert case.attachments.get().purpose == Attachment.Purpose.REPORT


def test_the_whole_loop_records_every_step_and_whether_it_was_on_time(people, catalogue, photo):
    t0 = timezone.now() - timedelta(hours=6)
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        at=t0,
    )
    workflow.accept(people.carol, case, at=t0 + timedelta(minutes=5))  # limit 10 min: on time
    workflow.register(people.sam, case, at=t0 + timedelta(minutes=50))  # limit 30 min: late
    case = workflow.dispatch(people.dan, case, people.city_management, at=t0 + timedelta(minutes=60))
    assert case.department == people.city_management
    assert case.handle_due_at == t0 + timedelta(minutes=60 + 240)
    workflow.accept_by_department(people.dora, case, at=t0 + timedelta(minutes=70))
    workflow.give_feedback(
        people.dora, case, note="已更换井盖", photos=[photo()], at=t0 + timedelta(minutes=200)
    )
    task = workflow.send_check(people.carol, case, at=t0 + timedelta(minutes=205))
    assert task.kind == Task.Kind.CHECK and task.responsibility_grid.code == "RG01"
    workflow.answer_task(
        people.alice, task, passed=True, note="已修复", photos=[photo()], at=t0 + timedelta(minutes=230)
    )
    case = workflow.close(people.sam, case, at=t0 + timedelta(minutes=240))
    assert case.state == State.CLOSED and case.due_at is None and case.step == ""
    steps = list(case.events.order_by("at", "id").values_list("action", "from_state", "to_state", "on_time"))
    assert steps == [
        ("report", "", "reported", None),
        ("accept", "reported", "accepted", True),
        ("register", "accepted", "registered", False),
        ("dispatch", "registered", "dispatched", True),
        ("department_accept", "dispatched", "handling", None),
        ("feedback", "handling", "feedback", True),
        ("send_check", "feedback", "checking", None),
        ("check", "checking", "checked", True),
        ("close", "checked", "closed", True),
    ]
    purposes = sorted(case.attachments.values_list("purpose", flat=True))
    assert purposes == ["check", "feedback", "report"]


def test_a_public_report_needs_verification_before_intake(people, catalogue, photo):
    case = workflow.report(
        people.carol,
        source=Source.PUBLIC,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        reporter_name="市民张三",
        reporter_phone="13800000000",
    )
    with pytest.raises(workflow.Conflict):
        workflow.accept(people.carol, case)
    task = workflow.send_verification(people.carol, case)
    case.refresh_from_db()
    assert case.state == State.VERIFYING and case.step == "verify"
    workflow.answer_task(people.alice, task, passed=True, photos=[photo()])
    case.refresh_from_db()
    assert case.state == State.REPORTED
    case = workflow.accept(people.carol, case)
    assert case.state == State.ACCEPTED


def test_a_failed_verification_leads_to_refusal_with_a_reason(people, catalogue, photo):
    case = workflow.report(
        people.carol, source=Source.PUBLIC, category=catalogue.garbage, lon=WEST_POINT[0], lat=WEST_POINT[1]
    )
    task = workflow.send_verification(people.carol, case)
    workflow.answer_task(people.alice, task, passed=False, note="现场无垃圾", photos=[photo()])
    with pytest.raises(workflow.DomainError):
        workflow.refuse_registration(people.carol, case, reason=" ")
    case = workflow.refuse_registration(people.carol, case, reason="核实不属实")
    assert case.state == State.NOT_REGISTERED and case.due_at is None


def test_a_self_handled_report_is_closed_at_once_with_before_and_after_photos(people, catalogue, photo):
    case = workflow.report_self_handled(
        people.alice,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        before=[photo()],
        after=[photo()],
    )
    assert case.state == State.CLOSED and case.source == Source.SELF_HANDLED
    assert sorted(case.attachments.values_list("purpose", flat=True)) == ["after", "before"]
    assert case.events.get().action == "self_handled"


def test_a_self_handled_report_without_an_after_photo_is_refused_and_writes_nothing(people, catalogue, photo):
    with pytest.raises(workflow.DomainError):
        workflow.report_self_handled(
            people.alice,
            category=catalogue.garbage,
            lon=WEST_POINT[0],
            lat=WEST_POINT[1],
            before=[photo()],
            after=[],
        )
    assert not CaseEvent.objects.exists()


def test_events_can_never_be_edited_or_deleted(people, catalogue, photo):
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )
    event = case.events.get()
    event.reason = "changed"
    with pytest.raises(Exception, match="immutable"):
        event.save()
    with pytest.raises(Exception, match="immutable"):
        event.delete()
