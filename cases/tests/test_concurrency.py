"""Two operators acting on one case at once: exactly one succeeds, the other gets a clear 409.

Runs on PostgreSQL (two real connections, row locks); SQLite serialises writers anyway.
"""

import threading

import pytest
from django.db import connection, connections

from cases import workflow
from cases.models import CaseEvent, Source, State

from .conftest import WEST_POINT

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def race(*actions):
    """Run the actions at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            results[i] = ("ok", action())
        except Exception as exc:  # noqa: BLE001 - the loser's error is the result under test
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_dispatchers_dispatching_one_case_at_once_cannot_both_succeed(people, catalogue, photo):
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
    results = race(
        lambda: workflow.dispatch(people.dan, case, people.city_management),
        lambda: workflow.dispatch(people.sam, case, people.water_company, reason="供水"),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, workflow.DomainError) and loser.status == 409
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.dispatch_count == 1
    assert CaseEvent.objects.filter(case=case, action__in=["dispatch", "reassign"]).count() == 1


def test_two_shift_leaders_closing_and_voiding_at_once_leave_one_story(people, catalogue, photo):
    case = workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=catalogue.cover,
        lon=WEST_POINT[0],
        lat=WEST_POINT[1],
        photos=[photo()],
    )
    workflow.accept(people.carol, case)
    results = race(
        lambda: workflow.register(people.sam, case),
        lambda: workflow.refuse_registration(people.sam, case, reason="不属于城管范围"),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    case.refresh_from_db()
    assert case.events.exclude(action__in=["report", "accept"]).count() == 1


def test_concurrent_reports_get_distinct_consecutive_numbers(people, catalogue, photo):
    photos = [photo() for _ in range(6)]
    results = race(
        *[
            (
                lambda i=i: workflow.report(
                    people.alice,
                    source=Source.SUPERVISOR,
                    category=catalogue.cover,
                    lon=WEST_POINT[0],
                    lat=WEST_POINT[1],
                    photos=[photos[i]],
                )
            )
            for i in range(6)
        ]
    )
    assert all(kind == "ok" for kind, _ in results), results
    serials = sorted(int(case.number.rsplit("-", 1)[1]) for _, case in results)
    assert serials == [1, 2, 3, 4, 5, 6]


def test_the_same_client_id_sent_twice_at_once_makes_one_case(people, catalogue, photo):
    first, second = photo(), photo()
    results = race(
        lambda: workflow.report(
            people.alice,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=WEST_POINT[0],
            lat=WEST_POINT[1],
            photos=[first],
            client_id="dup-1",
        ),
        lambda: workflow.report(
            people.alice,
            source=Source.SUPERVISOR,
            category=catalogue.cover,
            lon=WEST_POINT[0],
            lat=WEST_POINT[1],
            photos=[second],
            client_id="dup-1",
        ),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert results[0][1].pk == results[1][1].pk
