"""Every endpoint of accounts, catalog and assets refuses an anonymous caller with a 401 JSON, and the
restricted ones refuse the wrong role with a 403 JSON (never a redirect to a login page, never a 500)."""

import pytest

ANONYMOUS_GETS = [
    "/api/accounts/me",
    "/api/accounts/departments",
    "/api/accounts/users",
    "/api/accounts/tokens",
    "/api/catalog/categories?q=jg",
    "/api/catalog/majors",
    "/api/catalog/categories/1",
    "/api/assets/components",
    "/api/assets/components/nearby?lon=102.85&lat=24.88",
    "/api/assets/components/1",
]


@pytest.mark.parametrize("url", ANONYMOUS_GETS)
def test_an_anonymous_get_is_a_401_json(client, db, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "authentication required"}


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/api/accounts/tokens"),
        ("delete", "/api/accounts/tokens/1"),
        ("post", "/api/assets/components/1/state"),
    ],
)
def test_an_anonymous_write_is_a_401_json(client, db, method, url):
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "authentication required"}


@pytest.mark.parametrize(
    "who, method, url, status",
    [
        ("alice", "get", "/api/accounts/users", 403),
        ("dora", "get", "/api/accounts/users", 403),
        ("connie", "get", "/api/accounts/users", 403),
        ("carol", "get", "/api/accounts/users", 200),
        ("carol", "get", "/api/accounts/tokens", 403),
        ("dan", "delete", "/api/accounts/tokens/1", 403),
        ("adam", "get", "/api/accounts/tokens", 200),
    ],
)
def test_restricted_endpoints_by_role(client, people, who, method, url, status):
    client.force_login(getattr(people, who))
    response = getattr(client, method)(url)
    assert response.status_code == status
    if status == 403:
        assert response.json()["detail"].startswith("此操作仅限")


def test_a_bad_parameter_is_a_422_json_not_a_500(client, people):
    client.force_login(people.alice)
    response = client.get("/api/assets/components/nearby?lon=east&lat=24.88")
    assert response.status_code == 422
    assert "lon" in response.json()["detail"]
