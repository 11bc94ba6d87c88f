import pytest
import shapely

from accounts.models import Role, User


@pytest.fixture
def alice(town, client):
    """Alice, a supervisor of the west community's responsibility grid, signed in."""
    user = User.objects.create_user("alice", role=Role.SUPERVISOR)  # no password: force_login, no hashing
    town.rg_west.supervisors.add(user)
    client.force_login(user)
    return user


def test_locate_answers_the_grid_with_its_codes_and_names(alice, client, town):
    response = client.get("/api/geo/locate", {"lon": 102.8505, "lat": 24.8815})
    assert response.status_code == 200
    assert response.json() == {
        "lon": 102.8505,
        "lat": 24.8815,
        "unit_grid": {
            "id": town.grids["530114001001001"].id,
            "code": "530114001001001",
            "name": "西社区1号网格",
        },
        "area_class": "A",
        "community": {"id": town.west.id, "code": "530114001001", "name": "西社区"},
        "street": {"id": town.street.id, "code": "530114001", "name": "龙城街道"},
        "district": {"id": town.district.id, "code": "530114", "name": "呈贡区"},
        "responsibility_grid": {"id": town.rg_west.id, "code": "RG01", "name": "责任网格01"},
    }


def test_locate_outside_the_district_is_a_clear_404(alice, client):
    response = client.get("/api/geo/locate", {"lon": 103.5, "lat": 25.5})
    assert response.status_code == 404
    assert response.json() == {"detail": "该位置不在本区网格范围内（经度103.5，纬度25.5）"}


def test_locate_with_impossible_coordinates_is_a_400(alice, client):
    response = client.get("/api/geo/locate", {"lon": 250, "lat": 24.88})
    assert response.status_code == 400
    assert response.json()["detail"] == "坐标超出范围：经度应在-180到180之间，纬度在-90到90之间"


def test_anonymous_visitors_are_refused(town, client):
    response = client.get("/api/geo/locate", {"lon": 102.8505, "lat": 24.8815})
    assert response.status_code == 401
    assert client.get("/api/geo/streets").status_code == 401


def test_the_area_lists(alice, client, town):
    assert [d["code"] for d in client.get("/api/geo/districts").json()] == ["530114"]
    streets = client.get("/api/geo/streets").json()
    assert [(s["code"], s["name"], s["communities"]) for s in streets] == [("530114001", "龙城街道", 2)]
    communities = client.get("/api/geo/communities", {"street": "530114001"}).json()
    assert [(c["code"], c["unit_grids"], c["bbox"]) for c in communities] == [
        ("530114001001", 4, [102.85, 24.88, 102.852, 24.882]),
        ("530114001002", 4, [102.852, 24.88, 102.854, 24.882]),
    ]
    assert client.get("/api/geo/communities", {"street": "530114009"}).json() == []
    rgs = client.get("/api/geo/responsibility-grids").json()
    assert [(r["code"], r["street"], r["unit_grids"], r["supervisor_ids"]) for r in rgs] == [
        ("RG01", "530114001", 4, [alice.id]),
        ("RG02", "530114001", 4, []),
    ]


def test_a_unit_grid_by_code_and_by_legacy_code(alice, client):
    grid = client.get("/api/geo/unit-grids/530114001002003").json()
    assert (grid["code"], grid["area_class"], grid["community"]["code"]) == (
        "530114001002003",
        "B",
        "530114001002",
    )
    assert grid["geometry"]["type"] == "Polygon"
    assert grid["bbox"] == [102.852, 24.88, 102.853, 24.881]
    assert client.get("/api/geo/unit-grids/53011400100203").json()["code"] == "530114001002003"
    assert client.get("/api/geo/unit-grids/530114001002009").status_code == 404
    bad = client.get("/api/geo/unit-grids/12345")
    assert bad.status_code == 400
    assert bad.json()["detail"] == "单元网格编码“12345”应为15位数字（或14位旧编码），实际为5位"


def test_unit_grids_in_a_map_box_as_geojson(alice, client):
    body = client.get("/api/geo/unit-grids.geojson", {"bbox": "102.8505,24.8805,102.8515,24.8815"}).json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [
        "530114001001001",
        "530114001001002",
        "530114001001003",
        "530114001001004",
    ]
    assert body["features"][0]["properties"] == {
        "code": "530114001001001",
        "name": "西社区1号网格",
        "area_class": "A",
        "responsibility_grid": "RG01",
    }
    assert body["truncated"] is False


def test_the_map_box_is_capped_and_says_so(alice, client):
    body = client.get("/api/geo/unit-grids.geojson", {"bbox": "102,24,103,25", "limit": 3}).json()
    assert len(body["features"]) == 3
    assert body["truncated"] is True
    too_many = client.get("/api/geo/unit-grids.geojson", {"bbox": "102,24,103,25", "limit": 100000})
    assert too_many.status_code == 400
    assert client.get("/api/geo/unit-grids.geojson", {"bbox": "east"}).status_code == 400


def test_the_map_box_filters_by_responsibility_grid(alice, client):
    body = client.get(
        "/api/geo/unit-grids.geojson", {"bbox": "102,24,103,25", "responsibility_grid": "RG02"}
    ).json()
    assert [f["id"][-6:] for f in body["features"]] == ["002001", "002002", "002003", "002004"]


def test_street_boundaries_as_geojson(alice, client):
    body = client.get("/api/geo/streets.geojson").json()
    assert [f["properties"] for f in body["features"]] == [
        {"code": "530114001", "name": "龙城街道", "demo_boundary": False}
    ]


def test_locate_accepts_gcj02_from_chinese_map_sdks(alice, client):
    from geo.coords import wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02(102.8535, 24.8805)
    body = client.get("/api/geo/locate", {"lon": lon, "lat": lat, "crs": "gcj02"}).json()
    assert body["unit_grid"]["code"] == "530114001002004"
    assert (round(body["lon"], 6), round(body["lat"], 6)) == (102.8535, 24.8805)
    # The same numbers read as WGS84 are hundreds of metres away, outside the small town.
    assert client.get("/api/geo/locate", {"lon": lon, "lat": lat}).status_code == 404


def test_the_outline_of_a_responsibility_grid_is_the_union_of_its_unit_grids(alice, client):
    body = client.get("/api/geo/responsibility-grids/RG01/outline").json()
    assert body["properties"] == {
        "code": "RG01",
        "name": "责任网格01",
        "street": "530114001",
        "unit_grids": 4,
    }
    assert body["geometry"]["type"] == "Polygon"
    assert sorted(map(tuple, body["geometry"]["coordinates"][0]))[0] == (102.85, 24.88)
    assert shapely.geometry.shape(body["geometry"]).equals(shapely.box(102.85, 24.88, 102.852, 24.882))
    assert client.get("/api/geo/responsibility-grids/RG99/outline").status_code == 404
