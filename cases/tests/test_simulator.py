"""The case simulator (through the real workflow) and the bulk writer for benchmarks.

On the small town: alice patrols RG01 (west, area A), bob RG02 (east, area B); carol takes reports,
sam is the shift leader, dan dispatches; dora (city management) and erin (water company) handle.
"""

import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases.bulk import bulk_cases
from cases.models import Attachment, Case, CaseEvent, CaseNumberSequence, Source, State, Task
from cases.queries import overdue
from cases.simulator import Rates, simulate

END = date(2026, 11, 20)  # a Friday
NOW = timezone.make_aware(datetime(2026, 11, 20, 15, 0))


@pytest.fixture
def world(people, catalogue):
    return people


def run(seed=7, days=3):
    return simulate(days=days, end=END, seed=seed, rates=Rates(per_day=(12, 16)), now=NOW)


def test_the_simulator_writes_every_case_and_event_through_the_workflow(world):
    stats = run()

    assert Case.objects.count() == stats.cases
    assert CaseEvent.objects.count() == stats.events
    assert stats.cases > 25
    assert Case.objects.filter(reported_at__gt=NOW).count() == 0
    assert CaseEvent.objects.filter(at__gt=NOW).count() == 0


def test_events_of_each_case_are_in_time_order_and_start_with_the_report(world):
    run()

    for case in Case.objects.all():
        events = list(case.events.order_by("id"))
        assert events[0].action in ("report", "self_handled")
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[0].at == case.reported_at


def test_final_and_parked_cases_have_no_deadline_and_open_ones_have_one(world):
    run()

    finished = Case.objects.filter(state__in=[State.CLOSED, State.NOT_REGISTERED, State.VOIDED, State.PARKED])
    assert finished.filter(due_at__isnull=False).count() == 0
    assert Case.objects.filter(state=State.CLOSED).count() > 0
    still_open = Case.objects.exclude(
        state__in=[State.CLOSED, State.NOT_REGISTERED, State.VOIDED, State.PARKED]
    )
    assert still_open.count() > 0  # the afternoon's reports are still on their way
    assert still_open.filter(due_at__isnull=True).count() == 0


def test_supervisors_report_only_in_their_own_responsibility_grids(world):
    run()

    for case in Case.objects.filter(source__in=[Source.SUPERVISOR, Source.SELF_HANDLED]):
        assert case.reporter.responsibility_grids.filter(pk=case.responsibility_grid_id).exists()


def test_self_handled_cases_carry_before_and_after_photos_and_reports_a_photo(world):
    run()

    self_handled = Case.objects.filter(source=Source.SELF_HANDLED)
    assert self_handled.exists()
    for case in self_handled:
        purposes = sorted(case.attachments.values_list("purpose", flat=True))
        assert purposes == [Attachment.Purpose.AFTER, Attachment.Purpose.BEFORE]
        assert case.state == State.CLOSED
    for case in Case.objects.filter(source=Source.SUPERVISOR):
        assert case.attachments.filter(purpose=Attachment.Purpose.REPORT).count() == 1
    assert Attachment.objects.filter(size__gt=3000).count() == 0  # tiny photos


def test_public_reports_are_verified_by_the_grid_supervisor_before_acceptance(world):
    simulate(days=3, end=END, seed=3, rates=Rates(per_day=(12, 16), public=0.5), now=NOW)

    public = Case.objects.filter(source=Source.PUBLIC).exclude(state=State.REPORTED, accepted_at=None)
    accepted = [c for c in public if c.accepted_at is not None]
    assert accepted
    for case in accepted:
        task = case.tasks.get(kind=Task.Kind.VERIFY)
        assert task.passed is True
        assert task.answered_by.responsibility_grids.filter(pk=case.responsibility_grid_id).exists()


def test_returns_extensions_and_rework_happen_when_their_rates_are_high(world):
    rates = Rates(per_day=(12, 16), returned=0.3, reassigned=0.1, extension=0.5, rework=0.5, late=0.3)
    stats = simulate(days=3, end=END, seed=5, rates=rates, now=NOW)

    for action in ("return", "request_extension", "rework", "close"):
        assert stats.by_action.get(action, 0) > 0, action
    assert Case.objects.filter(rework_count__gt=0, state=State.CLOSED).exists()
    late = CaseEvent.objects.filter(on_time=False).count()
    assert late > 0
    assert CaseEvent.objects.filter(on_time=True).count() > late


def test_the_same_seed_gives_the_same_history(world):
    def snapshot():
        with transaction.atomic():
            run(seed=11, days=2)
            rows = list(
                Case.objects.order_by("number").values_list("number", "state", "category_id", "reporter_id")
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot() == snapshot()


def test_the_command_skips_when_cases_already_exist(world):
    run(days=1)
    out = io.StringIO()

    call_command("simulate_cases", "--days", "2", stdout=out)

    assert "nothing simulated" in out.getvalue()


def test_bulk_writes_consistent_rows_and_advances_the_number_sequence(world):
    written = bulk_cases(600, days=10, end=END, seed=2)

    assert written["cases"] == 600 == Case.objects.count()
    assert written["events"] == CaseEvent.objects.count() > 600 * 3
    assert written["tasks"] == Task.objects.count() > 0
    assert CaseNumberSequence.objects.get(district_code="530114", year=2026).last == 600
    numbers = list(Case.objects.order_by("reported_at", "id").values_list("number", flat=True))
    assert numbers == [f"530114-2026-{i:07d}" for i in range(1, 601)]
    assert (
        Case.objects.filter(
            state__in=[State.CLOSED, State.NOT_REGISTERED, State.PARKED], due_at__isnull=False
        ).count()
        == 0
    )
    assert Case.objects.filter(state=State.CLOSED).count() > 400
    assert overdue(now=timezone.make_aware(datetime(2026, 11, 20, 23, 59))).count() > 0


def test_a_report_after_bulk_gets_the_next_number_and_a_fresh_id(world, photo):
    from cases import workflow

    bulk_cases(50, days=2, end=END, seed=2)
    case = workflow.report(
        world.alice,
        source=Source.SUPERVISOR,
        category=Case.objects.first().category,
        lon=102.8505,
        lat=24.8805,
        photos=[photo()],
        at=timezone.make_aware(datetime(2026, 11, 21, 9, 0)),
    )

    assert case.number == "530114-2026-0000051"
    assert case.pk > max(Case.objects.exclude(pk=case.pk).values_list("pk", flat=True))
