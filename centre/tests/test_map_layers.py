"""The live map's layers: unit grids by viewport, the whole district at low zoom, supervisors on
duty, a day's track with its reports, and patrol coverage."""

import gzip
import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import Source
from centre import layers
from patrol.models import Shift, TrackPoint

from .conftest import WEST_POINT

pytestmark = pytest.mark.django_db


def test_the_viewport_layer_holds_only_the_grids_in_the_box_with_rounded_coordinates(client, people):
    client.force_login(people.carol)
    # The two western columns of the west community, both rows.
    response = client.get("/map/grids.json?bbox=102.8502,24.8802,102.8508,24.8818")
    assert response.status_code == 200
    data = response.json()
    assert sorted(f["properties"]["c"] for f in data["features"]) == ["530114001001001", "530114001001003"]
    first = next(f for f in data["features"] if f["properties"]["c"] == "530114001001001")
    assert first["properties"]["a"] == "A" and first["properties"]["r"] == "RG01"
    assert sorted({tuple(p) for p in first["geometry"]["coordinates"][0]}) == [
        (102.85, 24.881), (102.85, 24.882), (102.851, 24.881), (102.851, 24.882)
    ]  # fmt: skip


def test_the_viewport_layer_is_gzip_compressed_when_the_browser_accepts_it(client, people):
    client.force_login(people.carol)
    response = client.get("/map/grids.json?bbox=102.85,24.88,102.856,24.882", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 8


def test_a_viewport_with_too_many_grids_is_refused_so_the_client_draws_the_district_layer(
    client, people, monkeypatch
):
    monkeypatch.setattr(layers, "VIEWPORT_GRID_LIMIT", 5)
    client.force_login(people.carol)
    response = client.get("/map/grids.json?bbox=102.85,24.88,102.856,24.882")
    assert response.status_code == 413


def test_a_malformed_box_is_a_400(client, people):
    client.force_login(people.carol)
    assert client.get("/map/grids.json?bbox=1,2,3").status_code == 400
    assert client.get("/map/grids.json?bbox=5,5,1,1").status_code == 400


def test_the_district_layer_has_one_outline_per_responsibility_grid_and_the_communities(client, people):
    client.force_login(people.leo)
    response = client.get("/map/district.json", HTTP_ACCEPT_ENCODING="gzip")
    data = json.loads(gzip.decompress(response.content))
    by_kind = {}
    for feature in data["features"]:
        by_kind.setdefault(feature["properties"]["k"], []).append(feature["properties"]["c"])
    assert sorted(by_kind["rg"]) == ["RG01", "RG02"]
    assert sorted(by_kind["community"]) == ["530114001001", "530114001002"]
    assert by_kind["street"] == ["530114001"]
    rg01 = next(f for f in data["features"] if f["properties"]["c"] == "RG01")
    # Four cells of 0.001° dissolve into one 0.002° square.
    assert rg01["geometry"]["type"] == "Polygon"
    assert sorted({tuple(p) for p in rg01["geometry"]["coordinates"][0]}) == [
        (102.85, 24.88), (102.85, 24.882), (102.852, 24.88), (102.852, 24.882)
    ]  # fmt: skip


def test_the_district_layer_is_served_without_gzip_to_a_client_that_does_not_accept_it(client, people):
    client.force_login(people.leo)
    response = client.get("/map/district.json")
    assert "Content-Encoding" not in response
    assert response.json()["type"] == "FeatureCollection"


def test_handlers_and_supervisors_may_not_open_the_live_map(client, people):
    for who in (people.dora, people.alice):
        client.force_login(who)
        assert client.get("/map/").status_code == 403
        assert client.get("/map/district.json").status_code == 403
        assert client.get("/map/supervisors.json").status_code == 403
    # The grids around a case are drawn on the handler's case page; a supervisor has the phone app.
    client.force_login(people.dora)
    assert client.get("/map/grids.json?bbox=102.85,24.88,102.851,24.881").status_code == 200
    client.force_login(people.alice)
    assert client.get("/map/grids.json?bbox=102.85,24.88,102.851,24.881").status_code == 403


def _walk(supervisor, start, points):
    for i, (lon, lat) in enumerate(points):
        TrackPoint.objects.create(
            supervisor=supervisor, recorded_at=start + timedelta(minutes=i), lon=lon, lat=lat, accuracy_m=5
        )


def test_supervisors_on_duty_show_with_their_last_position_and_time(client, people):
    now = timezone.now()
    Shift.objects.create(supervisor=people.alice, started_at=now - timedelta(hours=1))
    Shift.objects.create(
        supervisor=people.bob, started_at=now - timedelta(hours=3), ended_at=now - timedelta(hours=1)
    )
    _walk(people.alice, now - timedelta(minutes=30), [(102.8505, 24.8805), (102.8515, 24.8815)])
    client.force_login(people.carol)
    data = client.get("/map/supervisors.json").json()["supervisors"]
    assert [s["name"] for s in data] == ["Alice"]  # bob went off duty
    assert (data[0]["lon"], data[0]["lat"]) == (102.8515, 24.8815)
    assert data[0]["grids"] == ["RG01"]
    assert data[0]["minutes_since_fix"] == 29


def test_a_supervisors_day_is_replayed_with_the_reports_made_along_it(client, people, catalogue, photo):
    from cases import workflow

    day = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9)
    Shift.objects.create(supervisor=people.alice, started_at=start, ended_at=start + timedelta(hours=2))
    _walk(people.alice, start, [(102.8505, 24.8805), (102.8506, 24.8806), (102.8507, 24.8807)])
    try:
        case = workflow.report(
            people.alice, source=Source.SUPERVISOR, category=catalogue.cover, lon=WEST_POINT[0],
            lat=WEST_POINT[1], photos=[photo()], at=start + timedelta(minutes=1),
        )  # fmt: skip
    except ImportError:
        pytest.skip("cases.attachments is not merged yet")
    client.force_login(people.carol)
    data = client.get(f"/map/track/{people.alice.id}/?day={day.isoformat()}").json()
    assert [p[:2] for p in data["points"]] == [[102.8505, 24.8805], [102.8506, 24.8806], [102.8507, 24.8807]]
    assert [r["number"] for r in data["reports"]] == [case.number]


def test_coverage_counts_the_unit_grids_walked_per_responsibility_grid(client, people):
    now = timezone.now()
    Shift.objects.create(supervisor=people.alice, started_at=now - timedelta(hours=1))
    # Two of RG01's four grids: 001 (north-west) and 003 (south-west).
    _walk(people.alice, now - timedelta(minutes=20), [(102.8505, 24.8815), (102.8505, 24.8805)])
    client.force_login(people.carol)
    grids = client.get(f"/map/coverage.json?day={timezone.localdate().isoformat()}").json()["grids"]
    assert grids["RG01"] == {"unit_grids": 4, "walked": 2, "percent": 50.0}
    assert grids["RG02"] == {"unit_grids": 4, "walked": 0, "percent": 0.0}
    layer = client.get(
        f"/map/grids.json?bbox=102.8501,24.8801,102.8519,24.8819&coverage={timezone.localdate().isoformat()}"
    ).json()
    walked = {f["properties"]["c"]: f["properties"]["w"] for f in layer["features"]}
    assert walked == {"530114001001001": 1, "530114001001002": 0, "530114001001003": 1, "530114001001004": 0}
