"""督办, 催办 and 紧盯重点: who may press on a case, and when there is nothing left to press on."""

import pytest

from cases import workflow
from cases.models import Reminder, Source

from .conftest import WEST_POINT

pytestmark = pytest.mark.django_db


def dispatched(people, catalogue, photo):
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    return workflow.dispatch(people.dan, case, people.water_company)


def closed_self_handled(people, catalogue, photo):
    return workflow.report_self_handled(
        people.alice,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        before=[photo()],
        after=[photo()],
    )


def test_a_safety_hazard_is_a_key_case_from_its_report(people, catalogue, photo):
    cover = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )
    assert cover.key_case is True


def test_a_leader_marks_a_key_case_and_the_shift_leader_clears_it(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    case = workflow.set_key_case(people.leo, case, key=True, note="涉及学校门口安全")
    assert case.key_case is True
    workflow.set_key_case(people.leo, case, key=True)  # a second tap records nothing
    case = workflow.set_key_case(people.sam, case, key=False, note="已处置完毕")
    assert case.key_case is False
    assert list(
        case.events.filter(action__in=["key_case", "unkey_case"]).values_list("action", "reason")
    ) == [
        ("key_case", "涉及学校门口安全"),
        ("unkey_case", "已处置完毕"),
    ]


def test_dispatchers_departments_and_supervisors_cannot_mark_key_cases(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    for outsider in (people.dan, people.erin, people.alice):
        with pytest.raises(workflow.NotAllowed):
            workflow.set_key_case(outsider, case, key=True)
    case.refresh_from_db()
    assert case.key_case is False


def test_a_closed_case_is_not_marked_key_supervised_or_urged(people, catalogue, photo):
    case = closed_self_handled(people, catalogue, photo)
    with pytest.raises(workflow.Conflict, match="已办结"):
        workflow.set_key_case(people.leo, case, key=True)
    with pytest.raises(workflow.Conflict, match="已办结"):
        workflow.supervise(people.leo, case, note="请处理")
    with pytest.raises(workflow.Conflict, match="不在办理中"):
        workflow.urge(people.carol, case, note="催办")
    assert Reminder.objects.count() == 0
    assert case.events.count() == 1


def test_a_parked_case_is_not_urged(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    case = workflow.park(people.sam, case, reason="雨季后统一处理")
    with pytest.raises(workflow.Conflict, match="不在办理中"):
        workflow.urge(people.carol, case, note="催办")


def test_supervision_and_urging_need_a_note_and_the_right_role(people, catalogue, photo):
    case = dispatched(people, catalogue, photo)
    with pytest.raises(workflow.DomainError):
        workflow.supervise(people.leo, case, note="  ")
    with pytest.raises(workflow.DomainError):
        workflow.urge(people.carol, case, note="")
    with pytest.raises(workflow.NotAllowed):
        workflow.urge(people.erin, case, note="催办")
    with pytest.raises(workflow.NotAllowed):
        workflow.supervise(people.carol, case, note="督办")
    assert Reminder.objects.count() == 0
