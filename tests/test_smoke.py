"""The project wiring: settings, the API's docs and JSON errors."""


def test_api_docs_are_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200


def test_openapi_schema_lists_the_api(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "UrbanGrid API"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
