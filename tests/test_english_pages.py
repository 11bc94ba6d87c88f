"""English is really available: with the language cookie set to en the main pages show English UI
text (navigation, headings, labels, buttons); the data (category, department, street names…) stays
as entered. Without a cookie or Accept-Language the pages stay in Simplified Chinese."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from accounts.models import Role
from accounts.testing import make_people, make_user
from cases import workflow
from cases.models import Source
from cases.testing import WEST_POINT, make_catalogue

HAN = re.compile(r"[\u4e00-\u9fff]+")
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "value")


class VisibleText(HTMLParser):
    """The text a reader sees (and the attributes read aloud or shown as hints), per element path,
    skipping scripts, styles and the language switch (each language is named in itself there)."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.skip = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        void = tag in ("input", "img", "br", "meta", "link", "hr", "option")
        if self.skip or tag in ("script", "style") or "lang-switch" in (attrs.get("class") or ""):
            if not void:
                self.skip += 1
            return
        if tag not in ("input", "option") or attrs.get("type") in ("submit", "button"):
            self.texts += [attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name)]
        elif tag == "input":
            self.texts += [attrs[name] for name in ("placeholder", "title") if attrs.get(name)]

    def handle_endtag(self, tag):
        if self.skip and tag not in ("input", "img", "br", "meta", "link", "hr", "option"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def data_strings() -> list[str]:
    """Every Chinese string stored in the database (names, addresses, descriptions…): data, which
    is shown as entered whatever the UI language. Longest first, so a name is removed whole."""
    found = set()
    for model in apps.get_models():
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            found.update(value for value in row if isinstance(value, str) and HAN.search(value))
    return sorted(found, key=len, reverse=True)


def untranslated(html: str) -> list[str]:
    """The Chinese UI text left on the page once the data is taken out."""
    parser = VisibleText()
    parser.feed(html)
    data = data_strings()
    left = []
    for text in parser.texts:
        for value in data:
            text = text.replace(value, "")
        left += HAN.findall(text)
    return left


@pytest.fixture
def world(town):
    people = make_people(town)
    people.sam = make_user("sam", Role.SHIFT_LEADER)
    people.leo = make_user("leo", Role.LEADER)
    catalogue = make_catalogue(people)
    case = workflow.report(
        people.carol, source=Source.VIDEO, category=catalogue.cover, lon=WEST_POINT[0], lat=WEST_POINT[1],
        description="井盖破损",
    )  # fmt: skip
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    workflow.dispatch(people.sam, case, people.city_management)
    case.refresh_from_db()
    people.case = case
    return people


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


PAGES = [
    ("carol", "/queue/intake/", "Intake"),
    ("sam", "/queue/registration/", "Register"),
    ("dan", "/queue/dispatch/", "Dispatch"),
    ("sam", "/board/all/", "Case search"),
    ("sam", "/extensions/", "Extension approval"),
    ("sam", "/map/", "Live map"),
    ("sam", "/screen/", "Big screen"),
    ("dora", "/inbox/", "Department inbox"),
    ("dora", "/inbox/stats/", "Department statistics"),
    ("leo", "/evaluation/", "Overall evaluation"),
    ("leo", "/contract/", "Contracts and assessment"),
    ("alice", "/m/", "Grid patrol"),
]


@pytest.mark.parametrize(("who", "url", "heading"), PAGES)
def test_the_main_pages_speak_english_when_the_cookie_says_so(client, world, who, url, heading):
    response = english(client, getattr(world, who)).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert heading in html
    assert untranslated(html) == []


def test_the_case_page_speaks_english_and_keeps_its_data(client, world):
    html = english(client, world.dora).get(f"/case/{world.case.number}/").content.decode()
    assert "Case information" in html and "History" in html and "Handling feedback" in html
    assert "污水井盖" in html and "呈贡区城市管理局" in html  # data stays as entered
    assert untranslated(html) == []


def test_the_login_page_speaks_english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in" in html and "Username" in html
    assert untranslated(html) == []


def test_the_nav_shows_english_labels(client, world):
    html = english(client, world.sam).get("/queue/registration/").content.decode()
    for label in (
        "Intake",
        "Register",
        "Dispatch",
        "Check and close",
        "Extensions",
        "Big screen",
        "Sign out",
    ):
        assert label in html


@pytest.mark.parametrize(("who", "url", "heading"), PAGES)
def test_simplified_chinese_stays_the_default(client, world, who, url, heading):
    client.force_login(getattr(world, who))
    html = client.get(url).content.decode()
    assert '<html lang="zh-hans">' in html
    assert heading not in re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
