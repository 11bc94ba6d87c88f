"""Merging duplicate reports (合并): what may be merged, and what the merge keeps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Source, State, Task

from .conftest import WEST_POINT

pytestmark = pytest.mark.django_db


def supervisor_report(people, category, photo, at, who=None):
    return workflow.report(
        who or people.alice,
        source=Source.SUPERVISOR,
        category=category,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        at=at,
    )


def test_merging_keeps_both_reports_photos_and_cancels_the_later_reports_task(people, catalogue, photo):
    t0 = timezone.now()
    first = supervisor_report(people, catalogue.garbage, photo, t0)
    second = workflow.report(
        people.carol,
        source=Source.PUBLIC,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
        at=t0 + timedelta(minutes=5),
    )
    task = workflow.send_verification(people.carol, second, at=t0 + timedelta(minutes=6))
    # Called with the arguments the other way round: the earlier report still survives.
    kept = workflow.merge(people.carol, first, second, reason="同一处垃圾")
    assert kept.pk == first.pk and kept.reporter == people.alice
    second.refresh_from_db()
    task.refresh_from_db()
    assert second.state == State.MERGED and second.due_at is None
    assert task.status == Task.Status.CANCELLED
    assert first.attachments.count() == 1 and second.attachments.count() == 1
    assert first.events.filter(action="merge").get().details == {"merged": second.number}
    assert second.events.filter(action="merged").get().details == {"into": first.number}


def test_a_case_cannot_be_merged_with_itself(people, catalogue, photo):
    case = supervisor_report(people, catalogue.garbage, photo, timezone.now())
    with pytest.raises(workflow.DomainError, match="自身"):
        workflow.merge(people.carol, case, case)


def test_reports_of_different_sub_types_cannot_be_merged(people, catalogue, photo):
    t0 = timezone.now()
    garbage = supervisor_report(people, catalogue.garbage, photo, t0)
    cover = supervisor_report(people, catalogue.cover, photo, t0 + timedelta(minutes=1))
    with pytest.raises(workflow.DomainError, match="同一类别"):
        workflow.merge(people.carol, cover, garbage)
    cover.refresh_from_db()
    assert cover.state == State.REPORTED


def test_a_later_report_already_registered_cannot_be_merged_away(people, catalogue, photo):
    t0 = timezone.now()
    first = supervisor_report(people, catalogue.garbage, photo, t0)
    later = supervisor_report(people, catalogue.garbage, photo, t0 + timedelta(minutes=1), who=people.bob)
    workflow.accept(people.carol, later)
    workflow.register(people.sam, later)
    with pytest.raises(workflow.Conflict, match="已立案"):
        workflow.merge(people.carol, later, first)
    assert later.events.filter(action="merged").count() == 0


def test_nothing_merges_into_a_closed_case(people, catalogue, photo):
    t0 = timezone.now()
    done = workflow.report_self_handled(
        people.alice,
        category=catalogue.garbage,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        before=[photo()],
        after=[photo()],
        at=t0,
    )
    later = supervisor_report(people, catalogue.garbage, photo, t0 + timedelta(minutes=1))
    with pytest.raises(workflow.Conflict, match="已办结"):
        workflow.merge(people.carol, later, done)


def test_only_intake_staff_merge(people, catalogue, photo):
    t0 = timezone.now()
    first = supervisor_report(people, catalogue.garbage, photo, t0)
    second = supervisor_report(people, catalogue.garbage, photo, t0 + timedelta(minutes=1))
    for outsider in (people.alice, people.dan, people.dora):
        with pytest.raises(workflow.NotAllowed):
            workflow.merge(outsider, second, first)
    second.refresh_from_db()
    assert second.state == State.REPORTED
