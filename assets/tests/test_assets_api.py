import pytest

from assets.models import Component


@pytest.fixture
def inventory(town, sewer_cover, street_lamp):
    west, east = town.grids["530114001001001"], town.grids["530114001002002"]
    return {
        "cover_west": Component.objects.create(
            identifier="53011401002000001",
            category=sewer_cover,
            name="污水井盖",
            unit_grid=west,
            lon=102.85050,
            lat=24.88150,
        ),
        "lamp_west": Component.objects.create(
            identifier="53011401037000001",
            category=street_lamp,
            name="路灯",
            unit_grid=west,
            lon=102.85060,
            lat=24.88150,
            state="damaged",
        ),
        "cover_east": Component.objects.create(
            identifier="53011401002000002",
            category=sewer_cover,
            name="污水井盖",
            unit_grid=east,
            lon=102.85350,
            lat=24.88150,
        ),
    }


def identifiers(body):
    return (
        [item["identifier"] for item in body["items"]] if "items" in body else [i["identifier"] for i in body]
    )


def test_listing_needs_a_signed_in_user(client, inventory):
    response = client.get("/api/assets/components")
    assert response.status_code == 401
    assert response.json() == {"detail": "authentication required"}


def test_components_of_a_responsibility_grid(client, people, town, inventory):
    client.force_login(people.alice)
    body = client.get(f"/api/assets/components?responsibility_grid_id={town.rg_west.id}").json()
    assert body["count"] == 2
    assert identifiers(body) == ["53011401002000001", "53011401037000001"]


def test_components_by_category_and_state_with_paging(client, people, inventory, sewer_cover):
    client.force_login(people.carol)
    body = client.get(f"/api/assets/components?category_id={sewer_cover.id}&page_size=1&page=2").json()
    assert (body["count"], body["page"], identifiers(body)) == (2, 2, ["53011401002000002"])
    damaged = client.get("/api/assets/components?state=damaged").json()
    assert identifiers(damaged) == ["53011401037000001"]


def test_nearby_components_nearest_first_within_the_radius(client, people, inventory):
    client.force_login(people.alice)
    body = client.get("/api/assets/components/nearby?lon=102.85052&lat=24.88150&radius=30").json()
    assert [(i["identifier"], i["distance_m"]) for i in body] == [
        ("53011401002000001", 2.0),
        ("53011401037000001", 8.0),
    ]


def test_nearby_filtered_by_category(client, people, inventory, street_lamp):
    client.force_login(people.alice)
    body = client.get(
        f"/api/assets/components/nearby?lon=102.8505&lat=24.8815&category_id={street_lamp.id}"
    ).json()
    assert identifiers(body) == ["53011401037000001"]


def test_the_detail_shows_the_state_history(client, people, inventory):
    component = inventory["cover_west"]
    client.force_login(people.dora)
    response = client.post(
        f"/api/assets/components/{component.id}/state",
        {"state": "lost", "reason": "井盖被盗"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = client.get(f"/api/assets/components/{component.id}").json()
    assert (body["state"], body["state_label"], body["unit_grid_code"]) == ("lost", "丢失", "530114001001001")
    assert [(h["from_state"], h["to_state"], h["changed_by"], h["reason"]) for h in body["history"]] == [
        ("good", "lost", "Dora", "井盖被盗")
    ]


def test_a_supervisor_changing_a_state_gets_a_403_json(client, people, inventory):
    client.force_login(people.alice)
    response = client.post(
        f"/api/assets/components/{inventory['cover_west'].id}/state",
        {"state": "lost"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "此操作仅限" in response.json()["detail"]


def test_a_missing_component_is_a_404_json(client, people, inventory):
    client.force_login(people.alice)
    response = client.get("/api/assets/components/999999")
    assert response.status_code == 404
    assert "detail" in response.json()
