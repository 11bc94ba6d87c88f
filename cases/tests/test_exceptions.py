"""The exceptions of the loop: 回退/改派, 延期, 返工, 挂账, 作废, 督办/催办, merging duplicates."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Extension, Reminder, Source, State

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.django_db


def dispatched(people, catalogue, photo, department=None, at=None):
    at = at or timezone.now()
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
    return workflow.dispatch(people.dan, case, department or people.city_management, at=at)


def test_a_department_returns_a_case_that_is_not_theirs_and_the_dispatcher_reassigns_it(
    people, catalogue, photo
):
    case = dispatched(people, catalogue, photo)
    with pytest.raises(workflow.DomainError):
        workflow.return_to_centre(people.dora, case, reason="")
    case = workflow.return_to_centre(people.dora, case, reason="属自来水公司管辖")
    assert case.state == State.RETURNED and case.department is None and case.return_count == 1
    assert case.step == "dispatch"
    with pytest.raises(workflow.DomainError):  # 改派 needs a reason
        workflow.dispatch(people.dan, case, people.water_company)
    case = workflow.dispatch(people.dan, case, people.water_company, reason="按回退意见改派")
    assert case.department == people.water_company and case.dispatch_count == 2
    assert case.events.filter(action="reassign").get().details["previous"] is None


def test_overriding_the_suggested_department_needs_a_reason(people, catalogue, photo):
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    assert workflow.suggest_department(case) == people.city_management
    with pytest.raises(workflow.DomainError, match="原因"):
        workflow.dispatch(people.dan, case, people.water_company)
    case = workflow.dispatch(people.dan, case, people.water_company, reason="现场为供水井盖")
    assert case.events.get(action="dispatch").details["suggested"] == people.city_management.pk


def test_a_street_rule_refines_the_suggestion_for_its_territory(people, catalogue, town, photo):
    from cases.models import DispatchRule

    DispatchRule.objects.create(category=catalogue.cover, street=town.street, department=people.water_company)
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )
    assert workflow.suggest_department(case) == people.water_company


def test_an_approved_extension_moves_the_handling_deadline(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    until = case.handle_due_at + timedelta(days=2)
    extension = workflow.request_extension(people.dora, case, until=until, reason="需采购新井盖")
    with pytest.raises(workflow.Conflict):
        workflow.request_extension(people.dora, case, until=until + timedelta(days=1), reason="again")
    with pytest.raises(workflow.NotAllowed):
        workflow.decide_extension(people.dan, extension, approve=True)
    workflow.decide_extension(people.sam, extension, approve=True)
    case.refresh_from_db()
    assert case.handle_due_at == until and case.due_at == until and case.extension_count == 1
    with pytest.raises(workflow.Conflict):
        workflow.decide_extension(people.sam, extension, approve=False, note="no")


def test_a_refused_extension_needs_a_note_and_keeps_the_deadline(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    due = case.handle_due_at
    extension = workflow.request_extension(
        people.dora, case, until=due + timedelta(days=1), reason="人手不足"
    )
    with pytest.raises(workflow.DomainError):
        workflow.decide_extension(people.sam, extension, approve=False)
    workflow.decide_extension(people.sam, extension, approve=False, note="理由不充分")
    case.refresh_from_db()
    assert case.handle_due_at == due
    assert Extension.objects.get().status == Extension.Status.REJECTED


def test_a_failed_check_cannot_be_closed_and_goes_back_for_rework(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    workflow.give_feedback(people.dora, case, note="已处理", photos=[photo()])
    task = workflow.send_check(people.carol, case)
    workflow.answer_task(people.alice, task, passed=False, note="井盖仍缺失", photos=[photo()])
    with pytest.raises(workflow.Conflict, match="返工"):
        workflow.close(people.sam, case)
    case = workflow.rework(people.dan, case, reason="核查未通过")
    assert case.state == State.HANDLING and case.rework_count == 1 and case.step == "handle"
    workflow.give_feedback(people.dora, case, note="已重新安装", photos=[photo()])
    task = workflow.send_check(people.carol, case)
    workflow.answer_task(people.alice, task, passed=True, photos=[photo()])
    assert workflow.close(people.sam, case).state == State.CLOSED


def test_a_parked_case_has_no_deadline_and_returns_to_its_state_when_unparked(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    workflow.accept_by_department(people.dora, case)
    case = workflow.park(people.sam, case, reason="雨季后统一处理")
    assert case.state == State.PARKED and case.due_at is None
    case = workflow.unpark(people.sam, case)
    assert case.state == State.HANDLING and case.due_at is not None


def test_a_voided_case_cancels_its_open_tasks(people, catalogue, photo):
    case = workflow.report(
        people.carol, source=Source.PUBLIC, category=catalogue.garbage, lon=WEST_POINT[0], lat=WEST_POINT[1]
    )
    task = workflow.send_verification(people.carol, case)
    case = workflow.void(people.sam, case, reason="测试数据")
    task.refresh_from_db()
    assert case.state == State.VOIDED and task.status == "cancelled"
    with pytest.raises(workflow.Conflict):
        workflow.void(people.sam, case, reason="again")


def test_a_leader_supervises_and_the_department_gets_the_note(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    with pytest.raises(workflow.NotAllowed):
        workflow.supervise(people.dan, case, note="尽快")
    case = workflow.supervise(people.leo, case, note="请今日内处理完毕")
    assert case.supervised
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.department, reminder.note) == (
        "supervised",
        people.city_management,
        "请今日内处理完毕",
    )
    workflow.urge(people.carol, case, note="催办")
    assert Reminder.objects.filter(kind="urged").count() == 1


def test_duplicates_nearby_are_offered_and_merging_credits_the_first_reporter(people, catalogue, photo):
    t0 = timezone.now()
    first = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        at=t0,
    )
    second = workflow.report(
        people.carol,
        source=Source.PUBLIC,
        category=catalogue.cover,
        lon=WEST_POINT[0] + 0.0001,
        lat=WEST_POINT[1],
        at=t0 + timedelta(minutes=3),
    )
    far = workflow.report(
        people.bob,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=EAST_POINT[0],
        lat=EAST_POINT[1],
        photos=[photo()],
        at=t0 + timedelta(minutes=4),
    )
    assert workflow.duplicate_candidates(second) == [first]
    assert far not in workflow.duplicate_candidates(first)
    kept = workflow.merge(people.carol, second, first, reason="同一井盖")
    assert kept == first and kept.reporter == people.alice
    second.refresh_from_db()
    assert second.state == State.MERGED and second.merged_into == first
    assert first.attachments.count() == 1 and second.events.filter(action="merged").exists()


def test_an_overdue_case_is_escalated_once(people, catalogue, photo):
    t0 = timezone.now() - timedelta(days=1)
    case = dispatched(people, catalogue, photo, at=t0)
    assert workflow.escalate(case) is True
    assert workflow.escalate(case) is False
    case.refresh_from_db()
    assert case.supervised and case.events.filter(action="escalate", actor=None).count() == 1


def test_the_centre_reassigns_a_case_a_department_holds_with_a_reason(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    with pytest.raises(workflow.Conflict):  # a held case is not dispatched again
        workflow.dispatch(people.dan, case, people.water_company, reason="x")
    with pytest.raises(workflow.DomainError):
        workflow.reassign(people.dan, case, people.water_company, reason="")
    case = workflow.reassign(people.dan, case, people.water_company, reason="派错部门")
    assert case.department == people.water_company and case.state == State.DISPATCHED
    assert case.events.get(action="reassign").details["previous"] == people.city_management.pk
