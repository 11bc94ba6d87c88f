import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.permissions import (
    is_centre,
    require_department_member,
    require_role,
    require_supervisor_of,
    supervised_unit_grid_ids,
)
from urbangrid.errors import NotAllowed


def grid_ids(town, *codes):
    return {town.grids[code].id for code in codes}


def test_alice_supervises_exactly_the_four_unit_grids_of_rg01(town, people):
    assert supervised_unit_grid_ids(people.alice) == grid_ids(
        town, "530114001001001", "530114001001002", "530114001001003", "530114001001004"
    )


def test_bob_supervises_the_east_community_and_none_of_alices_grids(town, people):
    bob_grids = supervised_unit_grid_ids(people.bob)
    assert bob_grids == grid_ids(
        town, "530114001002001", "530114001002002", "530114001002003", "530114001002004"
    )
    assert not bob_grids & supervised_unit_grid_ids(people.alice)


def test_people_without_responsibility_grids_supervise_nothing(people):
    assert supervised_unit_grid_ids(people.carol) == set()
    assert supervised_unit_grid_ids(AnonymousUser()) == set()


def test_alice_may_act_in_rg01_but_not_in_rg02(town, people):
    require_supervisor_of(people.alice, town.grids["530114001001001"].id)
    with pytest.raises(NotAllowed, match="不在您负责的责任网格内"):
        require_supervisor_of(people.alice, town.grids["530114001002001"].id)


def test_a_centre_operator_is_not_a_supervisor(town, people):
    with pytest.raises(NotAllowed):
        require_supervisor_of(people.carol, town.grids["530114001001001"].id)


def test_dora_acts_for_the_city_management_bureau_only(people):
    require_department_member(people.dora, people.city_management.id)
    with pytest.raises(NotAllowed, match="不属于您的部门"):
        require_department_member(people.dora, people.water_company.id)


def test_centre_staff_are_the_intake_dispatcher_and_admin_not_supervisors_or_departments(people):
    assert [is_centre(p) for p in (people.carol, people.dan, people.adam)] == [True, True, True]
    assert [is_centre(p) for p in (people.alice, people.dora, people.connie)] == [False, False, False]


def test_an_inactive_user_passes_no_role_check(people):
    people.carol.is_active = False
    with pytest.raises(NotAllowed, match="请先登录"):
        require_role(people.carol, Role.INTAKE)
    assert not is_centre(people.carol)


def test_require_role_names_the_roles_it_wanted(people):
    with pytest.raises(NotAllowed, match="此操作仅限值班长、派遣员"):
        require_role(people.alice, Role.SHIFT_LEADER, Role.DISPATCHER)


def test_the_admin_user_page_shows_the_supervisors_responsibility_grids(client, town, people):
    people.adam.is_staff = people.adam.is_superuser = True
    people.adam.save()
    client.force_login(people.adam)
    response = client.get(f"/admin/accounts/user/{people.alice.pk}/change/")
    assert response.status_code == 200
    assert f'value="{town.rg_west.pk}"' in response.content.decode()
