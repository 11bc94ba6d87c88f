"""The suggested department (派遣建议): the sub-type's department, refined by 属地 rules for a street
or community. The most specific rule wins; rules elsewhere or for departments no longer active
do not apply."""

import pytest

from accounts.models import Department
from cases import workflow
from cases.models import DispatchRule, Source

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(db):
    street_office = Department.objects.create(
        code="lcjd", name="龙城街道办事处", kind=Department.Kind.STREET_OFFICE
    )
    west_community = Department.objects.create(
        code="xsq", name="西社区居委会", kind=Department.Kind.COMMUNITY
    )
    return street_office, west_community


def report_at(people, category, point, photo):
    return workflow.report(
        people.alice,
        source=Source.SUPERVISOR,
        category=category,
        lon=point[0],
        lat=point[1],
        photos=[photo()],
    )


def test_without_rules_the_sub_types_own_department_is_suggested(people, catalogue, photo):
    case = report_at(people, catalogue.garbage, WEST_POINT, photo)
    assert workflow.suggest_department(case) == people.water_company


def test_a_community_rule_beats_a_street_rule_and_a_sub_type_rule_beats_a_catch_all(
    people, catalogue, town, offices, photo
):
    street_office, west_community = offices
    DispatchRule.objects.create(street=town.street, department=street_office, note="街面秩序归街道")
    DispatchRule.objects.create(community=town.west, department=west_community)
    DispatchRule.objects.create(
        category=catalogue.cover, community=town.west, department=people.city_management
    )
    west_garbage = report_at(people, catalogue.garbage, WEST_POINT, photo)
    west_cover = report_at(people, catalogue.cover, WEST_POINT, photo)
    east_garbage = report_at(people, catalogue.garbage, EAST_POINT, photo)
    assert workflow.suggest_department(west_garbage) == west_community
    assert workflow.suggest_department(west_cover) == people.city_management
    # The east community has no rule of its own: the street's catch-all applies.
    assert workflow.suggest_department(east_garbage) == street_office


def test_a_rule_for_another_community_does_not_apply(people, catalogue, town, offices, photo):
    _, west_community = offices
    DispatchRule.objects.create(community=town.west, department=west_community)
    east_garbage = report_at(people, catalogue.garbage, EAST_POINT, photo)
    assert workflow.suggest_department(east_garbage) == people.water_company


def test_a_rule_for_an_inactive_department_is_skipped(people, catalogue, town, offices, photo):
    street_office, west_community = offices
    DispatchRule.objects.create(street=town.street, department=street_office)
    DispatchRule.objects.create(community=town.west, department=west_community)
    west_community.active = False
    west_community.save()
    case = report_at(people, catalogue.garbage, WEST_POINT, photo)
    assert workflow.suggest_department(case) == street_office


def test_dispatching_to_the_suggested_department_needs_no_reason_and_records_the_suggestion(
    people, catalogue, town, offices, photo
):
    _, west_community = offices
    DispatchRule.objects.create(community=town.west, department=west_community)
    case = report_at(people, catalogue.garbage, WEST_POINT, photo)
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    case = workflow.dispatch(people.dan, case, west_community)
    assert case.department == west_community
    event = case.events.get(action="dispatch")
    assert (event.to_state, event.reason, event.department) == ("dispatched", "", west_community)
    assert event.details == {"suggested": west_community.pk, "previous": None}
