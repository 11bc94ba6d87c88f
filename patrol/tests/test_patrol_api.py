"""The patrol API as the phone and the centre use it."""

import time

from patrol.models import TrackPoint


def test_a_supervisor_goes_on_duty_and_off_duty(client, alice):
    client.force_login(alice)
    assert client.get("/api/patrol/shift").json()["on_duty"] is False
    started = client.post("/api/patrol/shift/start").json()
    assert started["on_duty"] is True
    assert started["track_interval_seconds"] == 15
    ended = client.post("/api/patrol/shift/end").json()
    assert ended["no_positions"] is True
    assert client.get("/api/patrol/shift").json()["on_duty"] is False


def test_going_off_duty_twice_is_a_clear_400(client, alice):
    client.force_login(alice)
    response = client.post("/api/patrol/shift/end")
    assert response.status_code == 400
    assert response.json() == {"detail": "当前不在岗"}


def test_a_track_upload_retried_is_stored_once(client, alice):
    client.force_login(alice)
    now_ms = int(time.time() * 1000)
    body = {
        "client_batch_id": "c0ffee-1",
        "points": [
            {"t": now_ms - 30_000, "lon": 102.85, "lat": 24.88},
            {"t": now_ms - 15_000, "lon": 102.8501, "lat": 24.88},
        ],
    }
    first = client.post("/api/patrol/tracks", body, content_type="application/json").json()
    second = client.post("/api/patrol/tracks", body, content_type="application/json").json()
    assert (first["stored"], first["replayed"]) == (2, False)
    assert (second["stored"], second["replayed"]) == (2, True)
    assert TrackPoint.objects.count() == 2


def test_a_bad_track_upload_is_a_json_400_with_the_reason(client, alice):
    client.force_login(alice)
    body = {"client_batch_id": "x", "points": [{"t": "yesterday", "lon": 102.85, "lat": 24.88}]}
    response = client.post("/api/patrol/tracks", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "第 1 个轨迹点格式不正确"}


def test_a_supervisor_cannot_replay_another_supervisors_track(client, alice, bob):
    client.force_login(bob)
    response = client.get(f"/api/patrol/tracks?day=2026-06-01&supervisor={alice.pk}")
    assert response.status_code == 403


def test_the_centre_replays_a_supervisors_day(client, alice, carol):
    client.force_login(alice)
    now_ms = int(time.time() * 1000)
    body = {"client_batch_id": "b", "points": [{"t": now_ms - 1000, "lon": 102.85, "lat": 24.88, "acc": 5}]}
    client.post("/api/patrol/tracks", body, content_type="application/json")
    client.force_login(carol)
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    points = client.get(f"/api/patrol/tracks?day={today}&supervisor={alice.pk}").json()
    assert [(p["lon"], p["lat"], p["acc"], p["flags"]) for p in points] == [(102.85, 24.88, 5, 0)]


def test_anonymous_uploads_are_refused(client):
    response = client.post(
        "/api/patrol/tracks", {"client_batch_id": "b", "points": []}, content_type="application/json"
    )
    assert response.status_code == 401


def test_a_shift_tapped_offline_starts_when_the_phone_says(client, alice):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(alice)
    tapped = (timezone.now() - timedelta(minutes=40)).replace(microsecond=0)
    body = {"client_id": "s-1", "at": tapped.isoformat()}
    state = client.post("/api/patrol/shift/start", body, content_type="application/json").json()
    from datetime import datetime

    assert datetime.fromisoformat(state["shift"]["started_at"]) == tapped
