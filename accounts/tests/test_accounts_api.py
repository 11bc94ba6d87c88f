import pytest

from accounts.models import ApiToken


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_me_without_login_is_a_401_json(client, db):
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "authentication required"}


def test_alice_sees_her_role_department_and_responsibility_grid(as_user, people):
    body = as_user(people.alice).get("/api/accounts/me").json()
    assert body["username"] == "alice"
    assert body["role"] == "supervisor"
    assert body["role_label"] == "监督员"
    assert body["is_centre"] is False
    assert body["department"]["code"] == "contractor"
    assert [g["code"] for g in body["responsibility_grids"]] == ["RG01"]


def test_dora_sees_her_department(as_user, people):
    body = as_user(people.dora).get("/api/accounts/me").json()
    assert body["department"]["name"] == "呈贡区城市管理局"
    assert body["responsibility_grids"] == []


def test_departments_are_listed_for_any_signed_in_user(as_user, people):
    body = as_user(people.alice).get("/api/accounts/departments").json()
    assert [d["code"] for d in body] == ["cgj", "contractor", "zls"]


def test_departments_filtered_by_kind(as_user, people):
    body = as_user(people.carol).get("/api/accounts/departments?kind=contractor").json()
    assert [d["name"] for d in body] == ["外包服务商"]


def test_the_user_list_is_refused_to_a_supervisor_with_a_403_json(as_user, people):
    response = as_user(people.alice).get("/api/accounts/users")
    assert response.status_code == 403
    assert "此操作仅限" in response.json()["detail"]


def test_the_user_list_is_refused_to_a_department_handler(as_user, people):
    assert as_user(people.dora).get("/api/accounts/users").status_code == 403


def test_carol_of_the_centre_lists_the_supervisors(as_user, people):
    body = as_user(people.carol).get("/api/accounts/users?role=supervisor").json()
    assert [u["username"] for u in body] == ["alice", "bob"]


def test_an_admin_issues_a_token_that_then_authenticates_as_its_user(as_user, people, client):
    response = as_user(people.adam).post(
        "/api/accounts/tokens",
        {"user_id": people.dan.id, "name": "hotline bridge"},
        content_type="application/json",
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw.startswith("ug_")
    assert ApiToken.objects.get().digest != raw  # only the digest is stored
    client.logout()
    me = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["username"] == "dan"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_wrong_bearer_token_is_a_401(client, people):
    response = client.get("/api/accounts/me", headers={"Authorization": "Bearer ug_nonsense"})
    assert response.status_code == 401


def test_a_dispatcher_cannot_issue_tokens(as_user, people):
    response = as_user(people.dan).post(
        "/api/accounts/tokens", {"user_id": people.dan.id, "name": "mine"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_an_admin_revokes_a_token_and_it_stops_working(as_user, people, client):
    token, raw = ApiToken.issue(people.dan, "old script")
    assert as_user(people.adam).delete(f"/api/accounts/tokens/{token.id}").status_code == 204
    client.logout()
    assert client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_revoking_a_missing_token_is_a_404_json(as_user, people):
    response = as_user(people.adam).delete("/api/accounts/tokens/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "令牌不存在。"}


def test_the_token_list_is_for_admins_only(as_user, people):
    ApiToken.issue(people.dan, "a")
    assert as_user(people.carol).get("/api/accounts/tokens").status_code == 403
    assert [t["name"] for t in as_user(people.adam).get("/api/accounts/tokens").json()] == ["a"]


def test_last_used_is_written_at_most_once_a_minute(client, people):
    from datetime import timedelta

    from django.utils import timezone

    _, raw = ApiToken.issue(people.dan, "phone")
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/accounts/me", headers=auth).status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/accounts/me", headers=auth)
    assert ApiToken.objects.get().last_used_at == first  # within the minute: no write
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/api/accounts/me", headers=auth)
    assert ApiToken.objects.get().last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - ApiToken.objects.get().last_used_at < timedelta(seconds=30)
