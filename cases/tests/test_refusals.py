"""Illegal transitions and actions outside one's role or scope are refused with a clear error."""

import pytest

from cases import workflow
from cases.models import CaseEvent, Source, State

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(people, catalogue, photo):
    return workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )


@pytest.mark.parametrize(
    "action",
    [
        lambda p, c: workflow.register(p.sam, c),
        lambda p, c: workflow.dispatch(p.dan, c, p.city_management),
        lambda p, c: workflow.accept_by_department(p.dora, c),
        lambda p, c: workflow.send_check(p.carol, c),
        lambda p, c: workflow.close(p.sam, c),
        lambda p, c: workflow.rework(p.dan, c, reason="x"),
        lambda p, c: workflow.park(p.sam, c, reason="x"),
        lambda p, c: workflow.unpark(p.sam, c),
    ],
    ids=["register", "dispatch", "department-accept", "send-check", "close", "rework", "park", "unpark"],
)
def test_a_just_reported_case_refuses_every_later_step(people, reported, action):
    events = CaseEvent.objects.count()
    with pytest.raises(workflow.DomainError):
        action(people, reported)
    reported.refresh_from_db()
    assert reported.state == State.REPORTED
    assert CaseEvent.objects.count() == events  # nothing half-written


@pytest.mark.parametrize(
    "who, action",
    [
        ("alice", lambda u, p, c: workflow.accept(u, c)),
        ("dora", lambda u, p, c: workflow.accept(u, c)),
        ("carol", lambda u, p, c: workflow.void(u, c, reason="x")),
        ("dan", lambda u, p, c: workflow.park(u, c, reason="x")),
        ("connie", lambda u, p, c: workflow.send_verification(u, c)),
    ],
)
def test_each_step_is_refused_to_the_wrong_role(people, reported, who, action):
    with pytest.raises(workflow.NotAllowed):
        action(getattr(people, who), people, reported)


def test_only_the_handling_department_may_act_on_its_case(people, reported, photo):
    workflow.accept(people.carol, reported)
    workflow.register(people.sam, reported)
    workflow.dispatch(people.dan, reported, people.city_management)
    with pytest.raises(workflow.NotAllowed, match="部门"):
        workflow.accept_by_department(people.erin, reported)
    with pytest.raises(workflow.NotAllowed):
        workflow.give_feedback(people.erin, reported, note="done", photos=[photo()])


def test_only_a_supervisor_of_the_grid_may_answer_its_task(people, catalogue, photo):
    case = workflow.report(
        people.carol, source=Source.PUBLIC, category=catalogue.garbage, lon=WEST_POINT[0], lat=WEST_POINT[1]
    )
    task = workflow.send_verification(people.carol, case)
    with pytest.raises(workflow.NotAllowed, match="网格"):
        workflow.answer_task(people.bob, task, passed=True, photos=[photo()])
    workflow.answer_task(people.alice, task, passed=True, photos=[photo()])
    with pytest.raises(workflow.Conflict):
        workflow.answer_task(people.alice, task, passed=True, photos=[photo()])


def test_a_report_outside_the_district_is_refused_and_writes_nothing(people, catalogue, photo):
    with pytest.raises(workflow.DomainError, match="不在"):
        workflow.report(
            people.alice,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=100.0,
            lat=25.0,
            photos=[photo()],
        )
    assert not CaseEvent.objects.exists()


def test_a_supervisor_cannot_pose_as_the_public_or_report_without_a_photo(people, catalogue):
    with pytest.raises(workflow.NotAllowed):
        workflow.report(
            people.alice, source=Source.PUBLIC, category=catalogue.cover, lon=EAST_POINT[0], lat=EAST_POINT[1]
        )
    with pytest.raises(workflow.DomainError, match="照片"):
        workflow.report(
            people.alice,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=EAST_POINT[0],
            lat=EAST_POINT[1],
        )


def test_the_same_client_id_twice_gives_the_first_case(people, catalogue, photo):
    first = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        client_id="phone-1-0001",
    )
    again = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        client_id="phone-1-0001",
    )
    assert again.pk == first.pk
    assert CaseEvent.objects.count() == 1
    with pytest.raises(workflow.Conflict):
        workflow.report(
            people.bob,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=EAST_POINT[0],
            lat=EAST_POINT[1],
            photos=[photo()],
            client_id="phone-1-0001",
        )
