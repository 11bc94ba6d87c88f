"""After login every role lands on its own workbench."""

import pytest

from accounts.testing import make_user

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.parametrize(
    "who, target",
    [
        ("carol", "/queue/intake/"),
        ("sam", "/queue/registration/"),
        ("dan", "/queue/dispatch/"),
        ("dora", "/inbox/"),
        ("leo", "/screen/"),
        ("alice", "/m/"),
        ("connie", "/contract/"),
        ("adam", "/map/"),
    ],
)
def test_each_role_lands_on_its_workbench(client, people, who, target):
    client.force_login(getattr(people, who))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_the_navigation_offers_a_handler_only_the_inbox_and_its_statistics(client, people):
    client.force_login(people.dora)
    html = client.get("/inbox/").content.decode()
    assert 'href="/inbox/"' in html and 'href="/inbox/stats/"' in html
    assert 'href="/queue/intake/"' not in html and 'href="/map/"' not in html


def test_the_navigation_offers_the_shift_leader_every_centre_queue(client, people):
    client.force_login(people.sam)
    html = client.get("/queue/registration/").content.decode()
    for link in (
        "/queue/intake/",
        "/queue/registration/",
        "/queue/dispatch/",
        "/queue/closing/",
        "/extensions/",
    ):
        assert f'href="{link}"' in html


def test_a_user_without_a_known_role_gets_a_clear_refusal(client, town):
    odd = make_user("odd", "nobody")
    client.force_login(odd)
    assert client.get("/").status_code == 403
