import pytest

from assets.actions import change_state
from assets.models import Component, ComponentStateChange
from urbangrid.errors import Conflict, DomainError, NotAllowed


@pytest.fixture
def cover(town, sewer_cover):
    return Component.objects.create(
        identifier="53011401002000001",
        category=sewer_cover,
        name="污水井盖",
        unit_grid=town.grids["530114001001001"],
        lon=102.8505,
        lat=24.8815,
    )


def test_dora_reports_a_cover_lost_and_the_change_is_in_its_history(cover, people):
    change_state(cover, "lost", people.dora, "井盖被盗")
    cover.refresh_from_db()
    assert cover.state == "lost"
    assert cover.changed is not None
    assert list(
        cover.state_changes.values_list("from_state", "to_state", "changed_by__username", "reason")
    ) == [("good", "lost", "dora", "井盖被盗")]


def test_history_is_appended_in_order(cover, people):
    change_state(cover, "lost", people.dora, "井盖被盗")
    change_state(cover, "good", people.dora, "已补装")
    assert list(cover.state_changes.values_list("from_state", "to_state")) == [
        ("good", "lost"),
        ("lost", "good"),
    ]


def test_a_supervisor_cannot_change_a_components_state(cover, people):
    with pytest.raises(NotAllowed):
        change_state(cover, "damaged", people.alice, "")
    assert Component.objects.get(pk=cover.pk).state == "good"
    assert ComponentStateChange.objects.count() == 0


def test_an_unknown_state_is_refused(cover, people):
    with pytest.raises(DomainError, match="未知的部件状态“broken”"):
        change_state(cover, "broken", people.carol, "")


def test_changing_to_the_current_state_is_a_conflict_and_writes_nothing(cover, people):
    with pytest.raises(Conflict, match="已经是“完好”状态"):
        change_state(cover, "good", people.carol, "")
    assert ComponentStateChange.objects.count() == 0


def test_the_system_itself_may_change_a_state(cover):
    change = change_state(cover, "damaged", None, "案件结案规则")
    assert (change.changed_by, change.to_state) == (None, "damaged")


def test_the_admin_action_changes_state_through_change_state(client, cover, people):
    people.adam.is_staff = people.adam.is_superuser = True
    people.adam.save()
    client.force_login(people.adam)
    response = client.post(
        "/admin/assets/component/", {"action": "mark_lost", "_selected_action": [cover.pk]}
    )
    assert response.status_code == 302
    assert list(cover.state_changes.values_list("to_state", "changed_by__username", "reason")) == [
        ("lost", "adam", "管理后台批量修改")
    ]
