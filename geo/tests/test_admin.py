import pytest

from accounts.models import Role, User
from geo.spatial import locate


@pytest.fixture
def admin_client(client, town):
    root = User.objects.create(username="root", is_staff=True, is_superuser=True, role=Role.ADMIN)
    client.force_login(root)
    return client


def test_every_geo_model_has_an_admin_page(admin_client):
    for page in ["district", "street", "community", "unitgrid", "responsibilitygrid", "gridversion"]:
        assert admin_client.get(f"/admin/geo/{page}/").status_code == 200


def test_the_unit_grid_page_shows_the_polygon_as_geojson(admin_client, town):
    grid = town.grids["530114001001001"]
    page = admin_client.get(f"/admin/geo/unitgrid/{grid.id}/change/").content.decode()
    assert "&quot;type&quot;: &quot;Polygon&quot;" in page


def test_changing_the_area_class_in_admin_rebuilds_the_point_index(admin_client, town):
    grid = town.grids["530114001001001"]
    assert locate(102.8505, 24.8815).area_class == "A"
    response = admin_client.post(
        f"/admin/geo/unitgrid/{grid.id}/change/",
        {"name": "西一", "area_class": "C", "responsibility_grid": town.rg_east.id},
    )
    assert response.status_code == 302
    hit = locate(102.8505, 24.8815)
    assert (hit.area_class, hit.responsibility_grid_id) == ("C", town.rg_east.id)


def test_the_bulk_action_sets_the_area_class(admin_client, town):
    ids = [town.grids[code].id for code in ("530114001002001", "530114001002002")]
    admin_client.post("/admin/geo/unitgrid/", {"action": "set_class_a", "_selected_action": ids})
    assert locate(102.8525, 24.8815).area_class == "A"
    assert locate(102.8525, 24.8805).area_class == "B"
