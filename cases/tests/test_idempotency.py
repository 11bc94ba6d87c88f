"""Retries from the phone: a report, a self-handled report or a task answer sent twice with the
same client id counts once, and another user cannot reuse that id."""

from pathlib import Path

import pytest
from django.db import connection

from cases import workflow
from cases.models import Attachment, Case, CaseEvent, CaseNumberSequence, Source, State, Task

from .conftest import WEST_POINT

pytestmark = pytest.mark.django_db


def public_report_to_verify(people, catalogue):
    case = workflow.report(
        people.carol, source=Source.PUBLIC, category=catalogue.garbage, lon=WEST_POINT[0], lat=WEST_POINT[1]
    )
    return case, workflow.send_verification(people.carol, case)


def test_a_verification_answer_sent_twice_is_recorded_once(people, catalogue, photo):
    case, task = public_report_to_verify(people, catalogue)
    first = workflow.answer_task(
        people.alice, task, passed=True, note="现场确有垃圾", photos=[photo()], client_id="alice-answer-1"
    )
    again = workflow.answer_task(
        people.alice, task, passed=False, note="重发", photos=[photo()], client_id="alice-answer-1"
    )
    assert again.pk == first.pk and again.passed is True and again.note == "现场确有垃圾"
    assert case.events.filter(action="verify").count() == 1
    assert Attachment.objects.filter(case=case, purpose=Attachment.Purpose.VERIFY).count() == 1
    case.refresh_from_db()
    assert case.state == State.REPORTED


def test_an_answer_id_used_by_another_supervisor_is_a_conflict(people, catalogue, photo):
    case, task = public_report_to_verify(people, catalogue)
    workflow.answer_task(people.alice, task, passed=True, photos=[photo()], client_id="shared-id")
    other_case, other_task = public_report_to_verify(people, catalogue)
    with pytest.raises(workflow.Conflict, match="其他用户"):
        workflow.answer_task(people.bob, other_task, passed=True, photos=[photo()], client_id="shared-id")
    other_task.refresh_from_db()
    assert other_task.status == Task.Status.OPEN


def test_an_answer_to_a_task_already_answered_is_refused(people, catalogue, photo):
    case, task = public_report_to_verify(people, catalogue)
    workflow.answer_task(people.alice, task, passed=True, photos=[photo()], client_id="first")
    with pytest.raises(workflow.Conflict, match="已完成"):
        workflow.answer_task(people.alice, task, passed=False, photos=[photo()], client_id="second")
    assert CaseEvent.objects.filter(case=case, action="verify").count() == 1


def test_a_self_handled_report_sent_twice_makes_one_closed_case(people, catalogue, photo):
    kwargs = dict(
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        description="路边垃圾已清理",
        client_id="alice-self-7",
    )
    first = workflow.report_self_handled(people.alice, before=[photo()], after=[photo()], **kwargs)
    again = workflow.report_self_handled(people.alice, before=[photo()], after=[photo()], **kwargs)
    assert again.pk == first.pk and again.number == first.number
    assert Case.objects.count() == 1 and first.attachments.count() == 2
    assert first.state == State.CLOSED


def test_a_self_handled_report_id_used_by_another_supervisor_is_a_conflict(people, catalogue, photo):
    workflow.report_self_handled(
        people.alice,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        before=[photo()],
        after=[photo()],
        client_id="phone-42",
    )
    with pytest.raises(workflow.Conflict):
        workflow.report_self_handled(
            people.bob,
            category=catalogue.garbage,
            lon=WEST_POINT[0],
            lat=WEST_POINT[1],
            before=[photo()],
            after=[photo()],
            client_id="phone-42",
        )
    assert Case.objects.count() == 1


def report_twice_at_once(people, catalogue, photo, client_id):
    from .test_concurrency import race

    def send():
        return workflow.receive_report(
            people.alice,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=WEST_POINT[0],
            lat=WEST_POINT[1],
            photos=[photo()],
            client_id=client_id,
        )

    return race(send, send)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (two connections at once)")
def test_a_report_and_its_retry_arriving_at_once_make_one_case_and_leave_one_file(
    people, catalogue, photo, settings
):
    """Both pass the client_id check and write their photo before either commits; the second
    insert then meets the unique client_id, answers with the first case and removes its file."""
    results = report_twice_at_once(people, catalogue, photo, "alice-phone-77")
    assert [kind for kind, _ in results] == ["ok", "ok"]
    received = [value for _, value in results]
    assert sorted(r.created for r in received) == [False, True]
    assert received[0].case.pk == received[1].case.pk
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1
    stored = Attachment.objects.get()
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in files] == [stored.file.name]
    # The loser's number was rolled back with it: the next report gets the next serial.
    case = received[0].case
    serial = int(case.number.rsplit("-", 1)[1])
    assert CaseNumberSequence.objects.get().last == serial
