"""How figure_counts_many shares the work between figures (evaluation/indicators.py): every sharing
must give exactly what counting each figure of each object on its own gives.

Counted on its own, a figure of one object is what its drill-down reads: the cases behind it
(case-counted figures) or the events meeting its condition (event-counted figures).
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from evaluation import facts as f
from evaluation import indicators
from evaluation.indicators import Period
from evaluation.session import aggregate_queries
from patrol.models import Shift

from .history import at, new_case, step
from .test_indicators import APRIL, MARCH, story  # noqa: F401 - the March 2024 history

pytestmark = pytest.mark.django_db
DAY = Period(datetime.date(2024, 3, 10), datetime.date(2024, 3, 11))


@pytest.fixture
def crowd(story):  # noqa: F811
    """The story, plus carol, a supervisor of both responsibility grids (with alice in the west and
    bob in the east), on duty 12 Mar 14:00–16:00; and C10, reported twice by alice (the same
    case, two report events) on 15 Mar and accepted."""
    carol = User.objects.create_user("carol", role=Role.SUPERVISOR, full_name="Carol")
    town = story["town"]
    town.rg_west.supervisors.add(carol)
    town.rg_east.supervisors.add(carol)
    Shift.objects.create(supervisor=carol, started_at=at(3, 12, 14), ended_at=at(3, 12, 16))
    c10 = new_case(town.grids["530114001001004"], at(3, 15, 10), reporter=story["alice"], number="C10")
    step(c10, f.REPORT, story["alice"], at(3, 15, 10))
    step(c10, f.REPORT, story["alice"], at(3, 15, 10, 1))
    step(c10, f.ACCEPT, story["ivy"], at(3, 15, 10, 5), on_time=True)
    return {**story, "carol": carol}


def counted_alone(kind, fig, object_id, period) -> int:
    if fig.base == "case" or fig.count == "case":
        return indicators.cases_behind(kind.key, object_id, fig.key, period).count()
    return indicators._base(fig, period).filter(fig.condition(period), **{fig.group: object_id}).count()


@pytest.mark.parametrize("period", [MARCH, APRIL, DAY], ids=["march", "april", "one day"])
def test_every_figure_counted_together_equals_the_figure_counted_alone(crowd, period):
    together = indicators.figure_counts_many(list(indicators.OBJECT_TYPES), period, hidden=True)
    checked = 0
    for key, kind in indicators.OBJECT_TYPES.items():
        objects = set(indicators.objects_of(key)) | set(together[key])
        for object_id in objects:
            for fig in kind.figures:
                expected = counted_alone(kind, fig, object_id, period)
                assert together[key].get(object_id, {}).get(fig.key, 0) == expected, (key, object_id, fig.key)
                checked += expected
    assert checked > 0 or period is not MARCH


def test_a_supervisor_of_two_grids_gets_both_grids_cases_and_only_their_own_misses(crowd):
    rows = {row["name"]: row["all_figures"] for row in indicators.evaluate("supervisor", MARCH)["rows"]}
    # registered in the grids in March, parked ones left out: RG01 C1, C4 (C6 parked) = 2;
    # RG02 C5 (voided, stays), C8 = 2. Carol has both grids: 2 + 2 = 4.
    assert (rows["Alice"]["registered_in_grid"], rows["Bob"]["registered_in_grid"]) == (2, 2)
    assert rows["Carol"]["registered_in_grid"] == 4
    # misses: C4 (public, RG01, 10 Mar 10:00) while alice was on duty, carol not;
    # C5 (public, RG02, 12 Mar 15:00) while carol was on duty, bob not (his shift ended at 12:00).
    assert (rows["Alice"]["missed"], rows["Bob"]["missed"], rows["Carol"]["missed"]) == (1, 0, 1)
    # C10's two report events are one case: alice's reports C1, C2, C3, C6, C7, C10 = 6, of which
    # valid (accepted or self-handled) C1, C3, C6, C7, C10 = 5.
    assert (rows["Alice"]["reports"], rows["Alice"]["valid_reports"]) == (6, 5)


def test_grid_supervisors_are_counted_per_grid_unless_the_condition_looks_at_the_supervisor():
    event, case = f.CaseEvent(), f.Case()
    registered = next(fig for fig in indicators.SUPERVISOR.figures if fig.key == "registered_in_grid")
    missed = next(fig for fig in indicators.SUPERVISOR.figures if fig.key == "missed")
    prefix, _spread = indicators._many_to_many_tail(event, registered.group)
    assert prefix == "case__responsibility_grid"
    assert not any(
        path.startswith(registered.group)
        for path in indicators._referenced_paths(registered.condition(MARCH))
    )
    # 漏报 asks whether *that* supervisor was on duty: it cannot be counted per grid.
    assert indicators._many_to_many_tail(case, missed.group)[0] == "responsibility_grid"
    assert any(
        path.startswith(missed.group) for path in indicators._referenced_paths(missed.condition(MARCH))
    )
    assert indicators._single_valued(event, "case__street") and not indicators._single_valued(
        case, "responsibility_grid__supervisors__shifts__started_at__lte"
    )


def test_figures_of_disjoint_actions_are_counted_apart():
    a = (1, Q(action__in=["report", "self_handled"]) & Q(role="supervisor"))
    b = (2, Q(action="self_handled"))
    c = (3, Q(action__in=["check"]) & (Q(on_time=True) | Q(on_time__isnull=True)))
    d = (4, Q(action__in=["check", "verify"]))
    e = (5, Q(action="register"))

    def parts(*entries):
        found = indicators._by_actions([(key, None, None, q) for key, q in entries])
        return sorted(sorted(entry[0] for entry in part) for part in found)

    assert parts(a, b, c, d, e) == [[1, 2], [3, 4], [5]]
    # a condition whose actions cannot be read keeps everything in one query
    assert parts(a, e, (6, Q(on_time=True))) == [[1, 5, 6]]
    assert parts(a, (7, ~Q(action="report"))) == [[1, 7]]


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(crowd):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            indicators.evaluate_many(list(indicators.OBJECT_TYPES), MARCH)
        return len(captured.captured_queries)

    before = queries()
    for i in range(10):
        supervisor = User.objects.create_user(f"extra{i}", role=Role.SUPERVISOR)
        crowd["town"].rg_west.supervisors.add(supervisor)
        step(
            new_case(crowd["town"].grids["530114001001001"], at(3, 20, 10), reporter=supervisor),
            f.REPORT,
            supervisor,
            at(3, 20, 10),
        )
    assert queries() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL session settings")
@pytest.mark.django_db(transaction=True)
def test_the_aggregate_session_settings_last_one_transaction_only():
    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    outside = setting("jit"), setting("work_mem")
    with aggregate_queries():
        assert (setting("jit"), setting("work_mem")) == ("off", "64MB")
    assert (setting("jit"), setting("work_mem")) == outside


def test_what_every_condition_of_a_query_requires_becomes_its_where():
    parked = ~Q(action="park")  # stands for a shared sub-condition (one object, as _shared gives)
    registered = Q(action__in=["register"]) & parked
    closed = registered & Q(on_time=True)
    common, rest = indicators._common_conjuncts({"a": (registered, False), "b": (closed, True)})
    assert common == Q(("action__in", ["register"]), parked)
    assert rest == {"a": (Q(), False), "b": (Q(on_time=True), True)}
    # nothing in common: nothing moves
    other = Q(action="close")
    assert indicators._common_conjuncts({"a": (registered, False), "b": (other, False)}) == (
        Q(),
        {"a": (registered, False), "b": (other, False)},
    )
    # a shared condition is one object for a period, so that it is seen as common
    assert indicators._registered_not_parked(MARCH) is indicators._registered_not_parked(MARCH)
