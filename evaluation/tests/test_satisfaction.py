"""Satisfaction answers: who records which kind, and the rates per kind and overall."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Department, Role, User
from evaluation import measures, satisfaction
from urbangrid.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 5)


@pytest.fixture
def people():
    roads = Department.objects.create(code="roads", name="市政道路")
    return {
        "ivy": User.objects.create_user("ivy", role=Role.INTAKE),
        "dan": User.objects.create_user("dan", role=Role.DISPATCHER),
        "hank": User.objects.create_user("hank", role=Role.DEPARTMENT, department=roads),
        "sam": User.objects.create_user("sam", role=Role.SUPERVISOR),
        "roads": roads,
    }


def noon(day=DAY):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_the_rate_counts_satisfied_and_fairly_satisfied_answers(people):
    for level in ("satisfied", "satisfied", "fairly_satisfied", "dissatisfied"):
        satisfaction.record(people["ivy"], "citizen", level, at=noon())
    satisfaction.record(people["hank"], "department_on_dispatch", "satisfied", at=noon())
    satisfaction.record(
        people["dan"], "dispatcher_on_department", "dissatisfied", department=people["roads"], at=noon()
    )
    satisfaction.record(people["ivy"], "citizen", "dissatisfied", at=noon(DAY + datetime.timedelta(days=1)))
    figures = measures.satisfaction_figures(DAY, DAY + datetime.timedelta(days=1))
    # citizens 3 of 4, departments 1 of 1, dispatchers 0 of 1 → 4 of 6 = 0.6667 (the next day's answer is outside)
    assert figures["per_kind"]["citizen"] == {"answers": 4, "satisfied": 3}
    assert figures["answers"] == 6
    assert figures["rate"] == Decimal("0.6667")


def test_no_answers_is_no_rate_rather_than_zero(people):
    assert measures.satisfaction_rate(DAY, DAY + datetime.timedelta(days=1)) is None


def test_each_kind_has_its_recorders(people):
    with pytest.raises(NotAllowed):
        satisfaction.record(people["sam"], "citizen", "satisfied")
    with pytest.raises(NotAllowed):
        satisfaction.record(people["ivy"], "department_on_dispatch", "satisfied")
    with pytest.raises(DomainError):
        satisfaction.record(people["dan"], "dispatcher_on_department", "satisfied")
    rated = satisfaction.record(people["hank"], "department_on_dispatch", "fairly_satisfied")
    assert rated.department == people["roads"]


def test_a_dispatcher_rating_a_case_rates_the_department_that_handled_it(people, town):
    from .history import at, new_case

    case = new_case(town.grids["530114001001001"], at(3, 5, 9), number="C1")
    case.department = people["roads"]
    case.save()
    answer = satisfaction.record(people["dan"], "dispatcher_on_department", "satisfied", case=case)
    assert (answer.case, answer.department) == (case, people["roads"])
