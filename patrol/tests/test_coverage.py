"""Which unit grids of a responsibility grid were walked on a day."""

from datetime import UTC, date, datetime, timedelta

from patrol.coverage import responsibility_grid_coverage
from patrol.tracks import ingest_batch

MORNING = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def walk_north_row(supervisor, batch_id):
    points = [
        {
            "t": int((MORNING + timedelta(seconds=15 * i)).timestamp() * 1000),
            "lon": 102.8505 + 0.0001 * i,
            "lat": 24.8815,
        }
        for i in range(11)
    ]
    ingest_batch(supervisor, batch_id, points, now=MORNING + timedelta(hours=1))


def test_rg01_is_half_walked_when_alice_walks_its_northern_row(alice, bob, town):
    town.rg_west.supervisors.add(alice, bob)
    walk_north_row(alice, "a-1")
    result = responsibility_grid_coverage(town.rg_west, date(2026, 6, 1))
    assert (result.unit_grids, result.walked, result.percent) == (4, 2, 50.0)
    assert result.not_walked_codes == ["530114001001003", "530114001001004"]


def test_a_colleague_on_another_grid_does_not_count(alice, bob, town):
    town.rg_east.supervisors.add(bob)
    walk_north_row(alice, "a-1")
    assert responsibility_grid_coverage(town.rg_east, date(2026, 6, 1)).walked == 0


def test_the_centre_reads_coverage_and_another_supervisor_may_not(client, alice, bob, carol, town):
    town.rg_west.supervisors.add(alice)
    walk_north_row(alice, "a-1")
    client.force_login(carol)
    body = client.get("/api/patrol/coverage?grid=RG01&day=2026-06-01").json()
    assert (body["walked"], body["percent"]) == (2, 50.0)
    client.force_login(bob)
    assert client.get("/api/patrol/coverage?grid=RG01&day=2026-06-01").status_code == 403
