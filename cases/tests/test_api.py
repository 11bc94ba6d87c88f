"""The case API: the loop over HTTP, each step only for its role and scope, errors as JSON 4xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, State

from .conftest import EAST_POINT, WEST_POINT, jpeg

pytestmark = pytest.mark.django_db


def upload(name="p.jpg"):
    return SimpleUploadedFile(name, jpeg(), content_type="image/jpeg")


def report_as(client, user, catalogue, point=WEST_POINT, **extra):
    client.force_login(user)
    data = {
        "category_id": catalogue.cover.pk,
        "lon": point[0],
        "lat": point[1],
        "description": "井盖破损",
        "photos": [upload()],
        **extra,
    }
    return client.post("/api/cases/reports", data)


def post_json(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_a_supervisor_reports_with_a_photo_and_a_retry_returns_the_same_case(client, people, catalogue):
    first = report_as(client, people.alice, catalogue, client_id="alice-phone-42")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["state"] == "reported" and body["unit_grid"] == "530114001001003"
    detail = client.get(body["url"]).json()
    assert len(detail["attachments"]) == 1 and detail["attachments"][0]["content_type"] == "image/jpeg"
    again = report_as(client, people.alice, catalogue, client_id="alice-phone-42")
    assert again.status_code == 200 and again.json() == body
    assert Case.objects.count() == 1


def test_the_answer_to_a_report_is_short_and_points_to_the_whole_case(client, people, catalogue):
    body = report_as(client, people.alice, catalogue, client_id="alice-phone-43").json()
    case = Case.objects.get()
    assert body == {
        "id": case.pk,
        "number": case.number,
        "state": "reported",
        "unit_grid": "530114001001003",
        "address": "龙城街道西社区 网格530114001001003",
        "client_id": "alice-phone-43",
        "reported_at": body["reported_at"],
        "url": f"/api/cases/{case.number}",
    }
    assert client.get(body["url"]).json()["events"][0]["action"] == "report"


def test_one_report_takes_at_most_nine_queries(client, people, catalogue, django_assert_max_num_queries):
    report_as(client, people.alice, catalogue)  # signed in; the grid index and the number row exist
    data = {"category_id": catalogue.cover.pk, "lon": WEST_POINT[0], "lat": WEST_POINT[1]}
    # session, user, client_id (the process keeps the catalogue and the grid names); then in one
    # transaction (its BEGIN and COMMIT, or savepoint and release, count too): number, case, event,
    # attachment
    with django_assert_max_num_queries(9):
        response = client.post("/api/cases/reports", {**data, "client_id": "alice-44", "photos": [upload()]})
    assert response.status_code == 201


def test_a_report_with_a_fake_photo_is_refused_with_a_message_and_nothing_written(client, people, catalogue):
    client.force_login(people.alice)
    fake = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(
        "/api/cases/reports",
        {"category_id": catalogue.cover.pk, "lon": WEST_POINT[0], "lat": WEST_POINT[1], "photos": [fake]},
    )
    assert response.status_code == 400
    assert "图片" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_report_outside_the_district_is_a_400_with_a_message(client, people, catalogue):
    response = report_as(client, people.alice, catalogue, point=(101.0, 25.5))
    assert response.status_code == 400 and "不在" in response.json()["detail"]


def test_missing_fields_are_a_422_that_names_them(client, people):
    client.force_login(people.alice)
    response = client.post("/api/cases/reports", {"lon": "east"})
    assert response.status_code == 422
    assert "category_id" in response.json()["detail"]


def test_anonymous_callers_get_401(client):
    assert client.get("/api/cases/").status_code == 401


def test_the_loop_over_http_each_role_in_turn(client, people, catalogue):
    number = report_as(client, people.alice, catalogue).json()["number"]
    client.force_login(people.carol)
    assert post_json(client, f"/api/cases/{number}/accept").status_code == 200
    client.force_login(people.sam)
    assert post_json(client, f"/api/cases/{number}/register").status_code == 200
    client.force_login(people.dan)
    suggestion = client.get(f"/api/cases/{number}/suggestion").json()
    assert suggestion["department_id"] == people.city_management.pk
    response = post_json(
        client, f"/api/cases/{number}/dispatch", {"department_id": suggestion["department_id"]}
    )
    assert response.json()["state"] == "dispatched"
    client.force_login(people.dora)
    assert post_json(client, f"/api/cases/{number}/department-accept").json()["state"] == "handling"
    response = client.post(f"/api/cases/{number}/feedback", {"note": "已更换", "photos": [upload()]})
    assert response.status_code == 200 and response.json()["state"] == "feedback"
    client.force_login(people.carol)
    task_id = post_json(client, f"/api/cases/{number}/check").json()["id"]
    client.force_login(people.alice)
    assert [t["id"] for t in client.get("/api/cases/tasks").json()] == [task_id]
    response = client.post(
        f"/api/cases/tasks/{task_id}/answer",
        {"passed": "true", "note": "已修复", "photos": [upload()], "client_id": "ans-1"},
    )
    assert response.status_code == 200 and response.json()["passed"] is True
    client.force_login(people.sam)
    closed = post_json(client, f"/api/cases/{number}/close").json()
    assert closed["state"] == "closed"
    assert [e["action"] for e in closed["events"]] == [
        "report",
        "accept",
        "register",
        "dispatch",
        "department_accept",
        "feedback",
        "send_check",
        "check",
        "close",
    ]


def test_an_illegal_step_over_http_is_a_409_with_the_state_named(client, people, catalogue):
    number = report_as(client, people.alice, catalogue).json()["number"]
    client.force_login(people.sam)
    response = post_json(client, f"/api/cases/{number}/close")
    assert response.status_code == 409 and "待受理" in response.json()["detail"]


def test_a_wrong_role_over_http_is_a_403(client, people, catalogue):
    number = report_as(client, people.alice, catalogue).json()["number"]
    client.force_login(people.dan)
    assert post_json(client, f"/api/cases/{number}/accept").status_code == 403


def test_a_department_sees_only_its_cases(client, people, catalogue):
    number = report_as(client, people.alice, catalogue).json()["number"]
    client.force_login(people.erin)
    assert client.get(f"/api/cases/{number}").status_code == 404
    assert client.get("/api/cases/").json()["count"] == 0
    case = Case.objects.get(number=number)
    from cases import workflow

    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    workflow.dispatch(people.dan, case, people.water_company, reason="供水井盖")
    assert client.get(f"/api/cases/{number}").status_code == 200
    client.force_login(people.dora)
    assert client.get(f"/api/cases/{number}").status_code == 404


def test_a_supervisor_sees_their_grid_and_reports_but_not_the_other_grid(client, people, catalogue):
    west = report_as(client, people.alice, catalogue).json()["number"]
    east = report_as(client, people.bob, catalogue, point=EAST_POINT).json()["number"]
    client.force_login(people.alice)
    assert client.get(f"/api/cases/{west}").status_code == 200
    assert client.get(f"/api/cases/{east}").status_code == 404
    numbers = [c["number"] for c in client.get("/api/cases/").json()["items"]]
    assert numbers == [west]


def test_the_list_filters_by_state_and_overdue(client, people, catalogue):
    report_as(client, people.alice, catalogue)
    client.force_login(people.carol)
    assert client.get("/api/cases/?state=reported").json()["count"] == 1
    assert client.get("/api/cases/?state=closed").json()["count"] == 0
    Case.objects.update(due_at="2020-01-01T00:00:00Z")
    assert client.get("/api/cases/?is_overdue=true").json()["count"] == 1
    assert Case.objects.get().state == State.REPORTED
