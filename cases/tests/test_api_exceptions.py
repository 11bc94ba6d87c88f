"""The exceptions of the loop over HTTP: 回退 and 改派, 延期, 返工, 挂账, 作废, 督办/催办, 紧盯重点,
合并 and 自处置, each only for its role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent

from .conftest import WEST_POINT
from .test_api import post_json, report_as, upload

pytestmark = pytest.mark.django_db


def dispatched_over_http(client, people, catalogue):
    number = report_as(client, people.alice, catalogue).json()["number"]
    client.force_login(people.carol)
    post_json(client, f"/api/cases/{number}/accept")
    client.force_login(people.sam)
    post_json(client, f"/api/cases/{number}/register")
    client.force_login(people.dan)
    post_json(client, f"/api/cases/{number}/dispatch", {"department_id": people.city_management.pk})
    return number


def test_a_return_over_http_goes_back_to_the_dispatcher_who_reassigns_with_a_reason(
    client, people, catalogue
):
    number = dispatched_over_http(client, people, catalogue)
    client.force_login(people.dora)
    response = post_json(client, f"/api/cases/{number}/return", {"reason": "属自来水公司管辖"})
    assert response.status_code == 200 and response.json()["state"] == "returned"
    client.force_login(people.dan)
    without_reason = post_json(
        client, f"/api/cases/{number}/dispatch", {"department_id": people.water_company.pk}
    )
    assert without_reason.status_code == 400 and "原因" in without_reason.json()["detail"]
    response = post_json(
        client,
        f"/api/cases/{number}/dispatch",
        {"department_id": people.water_company.pk, "reason": "按回退意见改派"},
    )
    assert response.json()["state"] == "dispatched"
    client.force_login(people.dora)  # still sees the case it once held, but may no longer act on it
    assert client.get(f"/api/cases/{number}").status_code == 200
    assert post_json(client, f"/api/cases/{number}/department-accept").status_code == 403


def test_an_extension_is_requested_by_the_department_and_approved_by_the_shift_leader(
    client, people, catalogue
):
    number = dispatched_over_http(client, people, catalogue)
    client.force_login(people.dora)
    post_json(client, f"/api/cases/{number}/department-accept")
    until = (timezone.now() + timedelta(days=3)).isoformat()
    response = post_json(client, f"/api/cases/{number}/extensions", {"until": until, "reason": "需采购井盖"})
    assert response.status_code == 201, response.content
    extension_id = response.json()["id"]
    decide = f"/api/cases/extensions/{extension_id}/decide"
    client.force_login(people.dan)
    assert post_json(client, decide, {"approve": True}).status_code == 403
    client.force_login(people.sam)
    assert [e["id"] for e in client.get("/api/cases/extensions").json()] == [extension_id]
    response = post_json(client, decide, {"approve": True, "note": "同意"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert client.get("/api/cases/extensions").json() == []
    assert post_json(client, decide, {"approve": False, "note": "重复"}).status_code == 409


def test_voiding_is_for_the_shift_leader_and_needs_a_reason(client, people, catalogue):
    number = report_as(client, people.alice, catalogue).json()["number"]
    client.force_login(people.carol)
    assert post_json(client, f"/api/cases/{number}/void", {"reason": "重复"}).status_code == 403
    client.force_login(people.sam)
    assert post_json(client, f"/api/cases/{number}/void", {"reason": ""}).status_code == 400
    response = post_json(client, f"/api/cases/{number}/void", {"reason": "误报"})
    assert response.status_code == 200 and response.json()["state"] == "voided"
    assert post_json(client, f"/api/cases/{number}/accept").status_code == 409


def test_parking_and_unparking_over_http(client, people, catalogue):
    number = dispatched_over_http(client, people, catalogue)
    client.force_login(people.sam)
    parked = post_json(client, f"/api/cases/{number}/park", {"reason": "雨季后统一处理"}).json()
    assert parked["state"] == "parked"
    unparked = post_json(client, f"/api/cases/{number}/unpark").json()
    assert unparked["state"] == "dispatched"


def test_a_leader_supervises_and_the_department_finds_it_among_its_reminders(client, people, catalogue):
    number = dispatched_over_http(client, people, catalogue)
    client.force_login(people.carol)
    assert post_json(client, f"/api/cases/{number}/supervise", {"note": "督办"}).status_code == 403
    client.force_login(people.leo)
    response = post_json(client, f"/api/cases/{number}/supervise", {"note": "请今日内处理"})
    assert response.status_code == 200 and response.json()["supervised"] is True
    client.force_login(people.carol)
    assert post_json(client, f"/api/cases/{number}/urge", {"note": "请尽快签收"}).status_code == 200
    client.force_login(people.dora)
    notes = [(r["kind"], r["note"]) for r in client.get("/api/cases/reminders").json()]
    assert notes == [("urged", "请尽快签收"), ("supervised", "请今日内处理")]
    client.force_login(people.erin)
    assert client.get("/api/cases/reminders").json() == []


def test_merging_two_reports_over_http_keeps_the_first(client, people, catalogue):
    first = report_as(client, people.alice, catalogue).json()["number"]
    second = report_as(client, people.alice, catalogue, description="同一井盖").json()["number"]
    client.force_login(people.carol)
    duplicates = client.get(f"/api/cases/{second}/suggestion").json()["duplicates"]
    assert [d["number"] for d in duplicates] == [first]
    response = post_json(client, f"/api/cases/{second}/merge", {"other": first, "reason": "同一井盖"})
    assert response.status_code == 200 and response.json()["number"] == first
    assert Case.objects.get(number=second).state == "merged"


def test_a_self_handled_report_over_http_is_closed_and_a_retry_is_a_200(client, people, catalogue):
    client.force_login(people.alice)
    data = {
        "category_id": catalogue.garbage.pk,
        "lon": WEST_POINT[0],
        "lat": WEST_POINT[1],
        "client_id": "alice-self-1",
    }
    response = client.post("/api/cases/self-handled", {**data, "before": [upload()], "after": [upload()]})
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "closed"
    purposes = [a["purpose"] for a in client.get(response.json()["url"]).json()["attachments"]]
    assert sorted(purposes) == ["after", "before"]
    again = client.post("/api/cases/self-handled", {**data, "before": [upload()], "after": [upload()]})
    assert again.status_code == 200 and again.json()["number"] == response.json()["number"]
    missing = client.post(
        "/api/cases/self-handled", {**data, "client_id": "alice-self-2", "before": [upload()]}
    )
    assert missing.status_code == 400 and "处置后" in missing.json()["detail"]
    assert CaseEvent.objects.filter(action="self_handled").count() == 1


def test_a_verification_task_over_http_is_only_for_the_grids_supervisors(client, people, catalogue):
    client.force_login(people.carol)
    response = client.post(
        "/api/cases/reports",
        {"source": "public", "category_id": catalogue.garbage.pk, "lon": WEST_POINT[0], "lat": WEST_POINT[1]},
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    task_id = post_json(client, f"/api/cases/{number}/verification").json()["id"]
    client.force_login(people.bob)  # patrols the east grid
    assert client.get("/api/cases/tasks").json() == []
    answer = {"passed": "true", "photos": [upload()], "client_id": "bob-1"}
    assert client.post(f"/api/cases/tasks/{task_id}/answer", answer).status_code == 404
    client.force_login(people.alice)
    answer = {"passed": "true", "note": "属实", "photos": [upload()], "client_id": "alice-1"}
    first = client.post(f"/api/cases/tasks/{task_id}/answer", answer)
    again = client.post(f"/api/cases/tasks/{task_id}/answer", {**answer, "photos": [upload()]})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert CaseEvent.objects.filter(case__number=number, action="verify").count() == 1
