"""The shell, service worker, manifest and the phone's small read-only JSON views."""

import pytest

from mobile.views import shell_version


def test_the_shell_needs_a_login(client):
    response = client.get("/m/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/m/"


def test_the_shell_is_the_same_for_everyone_and_revalidates_to_a_304(client, alice):
    client.force_login(alice)
    first = client.get("/m/")
    assert first.status_code == 200
    assert "李爱丽" not in first.content.decode()  # nothing personal in the cached shell
    assert first["ETag"] == f'"{shell_version()}-zh-hans"'
    again = client.get("/m/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_the_service_worker_lists_the_versioned_shell_and_may_control_the_app(client):
    response = client.get("/m/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    body = response.content.decode()
    assert f'"/static/mobile/app.js?v={shell_version()}-zh-hans"' in body
    assert '"/m/"' in body


def test_the_manifest_makes_the_app_installable_in_chinese(client):
    manifest = client.get("/m/manifest.webmanifest").json()
    assert manifest["short_name"] == "网格巡查"
    assert manifest["start_url"] == "/m/"
    assert manifest["display"] == "standalone"


def test_me_says_who_the_phone_belongs_to(client, alice):
    client.force_login(alice)
    me = client.get("/m/api/me").json()
    assert (me["name"], me["role_display"], me["track_interval_seconds"]) == ("李爱丽", "监督员", 15)
    assert me["responsibility_grids"] == [{"code": "RG01", "name": "责任网格01"}]


def test_my_grids_are_alices_four_west_grids_only(client, alice, bob):
    client.force_login(alice)
    grids = client.get("/m/api/my-grids").json()
    codes = sorted(feature["properties"]["code"] for feature in grids["features"])
    assert codes == [f"530114001001{serial:03d}" for serial in (1, 2, 3, 4)]
    assert grids["features"][0]["geometry"]["type"] == "Polygon"


def test_locate_names_the_grid_community_and_street_of_a_point(client, alice):
    client.force_login(alice)
    hit = client.get("/m/api/locate?lon=102.8504&lat=24.8815").json()
    assert hit["unit_grid"]["code"] == "530114001001001"
    assert hit["address"] == "龙城街道西社区 网格530114001001001"
    assert hit["own"] is True


def test_locate_says_when_a_point_is_in_another_supervisors_grid(client, alice):
    client.force_login(alice)
    hit = client.get("/m/api/locate?lon=102.8525&lat=24.8815").json()
    assert (hit["unit_grid"]["code"], hit["own"]) == ("530114001002001", False)


def test_locate_outside_the_district_is_said_plainly(client, alice):
    client.force_login(alice)
    hit = client.get("/m/api/locate?lon=103.5&lat=25.5").json()
    assert hit == {"inside": False, "detail": "该位置不在本区网格范围内"}


@pytest.mark.parametrize("query", ["lon=x&lat=1", "lat=24.88"])
def test_locate_with_bad_coordinates_is_a_400(client, alice, query):
    client.force_login(alice)
    assert client.get(f"/m/api/locate?{query}").status_code == 400


def test_the_phone_views_answer_401_json_without_a_login(client):
    response = client.get("/m/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录"}


def test_opening_the_app_renews_the_login_for_another_session_age(client, alice, settings):
    client.force_login(alice)
    response = client.get("/m/api/me")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE == 90 * 24 * 3600
