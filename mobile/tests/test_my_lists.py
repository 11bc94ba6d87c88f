"""The phone's lists over the case workflow: frequent categories and today's reports."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Case, Source, State


def make_case(number, category, reporter=None, *, days_ago=0, state=State.REPORTED, grid=None):
    return Case.objects.create(
        number=number,
        source=Source.SUPERVISOR,
        kind=category.kind,
        category=category,
        lon=102.8504,
        lat=24.8815,
        unit_grid=grid,
        address="龙城街道西社区",
        reporter=reporter,
        state=state,
        reported_at=timezone.now() - timedelta(days=days_ago),
    )


def test_alices_frequent_categories_come_most_used_first(client, alice, bob, catalogue):
    cover, parking = catalogue["污水井盖"], catalogue["机动车乱停放"]
    make_case("C1", parking, alice, days_ago=1)
    make_case("C2", cover, alice, days_ago=2)
    make_case("C3", cover, alice, days_ago=3)
    make_case("C4", catalogue["供水井盖"], bob)  # bob's, not alice's
    make_case("C5", catalogue["供水井盖"], alice, days_ago=200)  # too long ago
    client.force_login(alice)
    names = [(c["minor_name"], c["times"]) for c in client.get("/m/api/my-categories").json()]
    assert names == [("污水井盖", 2), ("机动车乱停放", 1)]


def test_my_reports_are_todays_with_their_state(client, alice, catalogue):
    make_case("C1", catalogue["污水井盖"], alice, state=State.REGISTERED)
    make_case("C0", catalogue["污水井盖"], alice, days_ago=1)
    client.force_login(alice)
    reports = client.get("/m/api/my-reports").json()
    assert [(r["number"], r["state_display"]) for r in reports] == [("C1", "待派遣")]
