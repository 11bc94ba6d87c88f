"""Choosing the language: the switch in the nav (Django's set_language) keeps the choice in a
cookie; the JSON API, the JavaScript catalogues and the phone app's cached shell follow it, and a
browser that asks for English (Accept-Language) gets English API errors."""

import pytest
from django.conf import settings

from accounts.models import Role
from accounts.testing import make_people, make_user
from cases import workflow
from cases.models import Source
from cases.testing import WEST_POINT, make_catalogue
from mobile.views import shell_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(town):
    people = make_people(town)
    people.sam = make_user("sam", Role.SHIFT_LEADER)
    people.catalogue = make_catalogue(people)
    return people


def reported_case(people):
    return workflow.report(
        people.carol, source=Source.VIDEO, category=people.catalogue.cover, lon=WEST_POINT[0],
        lat=WEST_POINT[1], description="井盖破损",
    )  # fmt: skip


def test_the_switch_sets_a_cookie_for_a_year_and_returns_to_the_page(client, people):
    client.force_login(people.sam)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/queue/registration/"})
    assert response.status_code == 302 and response["Location"] == "/queue/registration/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["max-age"]) == ("en", 365 * 24 * 3600)
    page = client.get("/queue/registration/").content.decode()
    assert "<h1>Register</h1>" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/queue/registration/"})
    assert "<h1>立案</h1>" in client.get("/queue/registration/").content.decode()


def test_the_nav_offers_the_switch_with_each_language_named_in_itself(client, people):
    client.force_login(people.sam)
    page = client.get("/queue/registration/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'value="en" lang="en">English</button>' in page
    assert 'value="zh-hans" lang="zh-hans" class="on" aria-pressed="true">简体中文</button>' in page


def test_an_api_error_is_in_english_when_the_browser_asks_for_english(client, people):
    case = reported_case(people)
    client.force_login(people.sam)
    path = f"/api/cases/{case.number}/register"
    english = client.post(path, {}, content_type="application/json", headers={"accept-language": "en"})
    assert english.status_code == 409
    assert english.json()["detail"] == (
        f"Case {case.number} is “Awaiting intake”; this action is only possible when it is “Awaiting registration”."
    )
    chinese = client.post(path, {}, content_type="application/json")
    assert (
        chinese.json()["detail"]
        == f"案件 {case.number} 当前状态为「待受理」，此操作只能在「待立案」状态下进行。"
    )


def test_an_api_not_found_follows_the_language_cookie(client, people):
    client.force_login(people.sam)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/cases/530114-2026-9999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Case 530114-2026-9999999 does not exist or you may not see it."}


def test_a_photo_refusal_is_in_english_too(client, people):
    client.force_login(people.alice)
    data = {"category_id": people.catalogue.cover.pk, "lon": WEST_POINT[0], "lat": WEST_POINT[1]}
    from django.core.files.uploadedfile import SimpleUploadedFile

    data["photos"] = [SimpleUploadedFile("a.jpg", b"not a photo", content_type="image/jpeg")]
    response = client.post("/api/cases/reports", data, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The file is not a valid image (JPEG, PNG and WebP are supported)."


def test_the_javascript_catalogues_follow_the_language(client, people):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Could not load the grids" in client.get("/jsi18n/").content.decode()
    assert "Go off duty" in client.get("/m/jsi18n/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "Go off duty" not in client.get("/m/jsi18n/").content.decode()


def test_the_phone_shell_is_a_new_version_in_another_language(client, people):
    """The service worker caches the shell by version: English must not be answered with a 304 to
    the Chinese copy, and sw.js must change so that the phone caches the English shell."""
    client.force_login(people.alice)
    chinese = client.get("/m/")
    assert chinese["ETag"] == f'"{shell_version()}-zh-hans"'
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/m/", headers={"if-none-match": chinese["ETag"]})
    assert english.status_code == 200 and english["ETag"] == f'"{shell_version()}-en"'
    assert '<html lang="en">' in english.content.decode()
    assert f"/m/jsi18n/?v={shell_version()}-en" in client.get("/m/sw.js").content.decode()
    assert client.get("/m/manifest.webmanifest").json()["short_name"] == "Grid patrol"
