"""Fixtures for the phone app's tests: people, a small geography, and a phone (Playwright Chromium,
390×844, touch, geolocation set by the test) logged in against pytest-django's live server."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role, User

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots" / "mobile"
# In alice's grid 530114001001001 (north-west cell of geo.testing's small town).
ALICE_POSITION = {"longitude": 102.8504, "latitude": 24.8815, "accuracy": 8}


@pytest.fixture(autouse=True)
def fresh_grid_index(settings, tmp_path):
    from geo import spatial

    settings.MEDIA_ROOT = str(tmp_path / "media")
    spatial.reset_index()
    yield
    spatial.reset_index()


@pytest.fixture
def alice(db, town):
    """alice, supervisor of RG01 (the four west grids)."""
    user = User.objects.create_user("alice", password="pw-alice-1", role=Role.SUPERVISOR, full_name="李爱丽")
    town.rg_west.supervisors.add(user)
    return user


@pytest.fixture
def bob(db, town):
    """bob, supervisor of RG02 (the four east grids)."""
    user = User.objects.create_user("bob", password="pw-bob-1", role=Role.SUPERVISOR, full_name="王博")
    town.rg_east.supervisors.add(user)
    return user


def session_cookie_for(user, live_server_url):
    from django.test import Client

    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server_url}


@pytest.fixture
def phone(chromium, live_server, alice):
    """alice's phone, logged in, at her grid, with the app open on its home screen."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation=ALICE_POSITION,
        permissions=["geolocation"],
    )
    context.add_cookies([session_cookie_for(alice, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/m/")
    page.wait_for_function("window.UGApp !== undefined")
    yield page
    context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(scope="session")
def camera_photo(tmp_path_factory):
    """A 4000×3000 JPEG straight from a phone camera (about 5 MB)."""
    from mobile.testing import camera_jpeg

    path = tmp_path_factory.mktemp("camera") / "IMG_20260601_093000.jpg"
    path.write_bytes(camera_jpeg())
    return path


@pytest.fixture(scope="session")
def small_photo(tmp_path_factory):
    """A 1600×1200 camera photo, for tests where the size does not matter (faster)."""
    from mobile.testing import camera_jpeg

    path = tmp_path_factory.mktemp("camera") / "IMG_small.jpg"
    path.write_bytes(camera_jpeg(1600, 1200, seed=3))
    return path


@pytest.fixture
def catalogue(db):
    """Three sub-types of the current scheme: two manhole covers (jg) and illegal parking."""
    from catalog.models import Category

    rows = [
        ("component", "01", "市政公用设施", "01001", "供水井盖", "gsjg"),
        ("component", "01", "市政公用设施", "01002", "污水井盖", "wsjg"),
        ("event", "09", "街面秩序", "09005", "机动车乱停放", "jdclt"),
    ]
    return {
        minor_name: Category.objects.create(
            scheme="GB/T 47678.5-2026",
            kind=kind,
            major_code=major,
            major_name=major_name,
            minor_code=code,
            minor_name=minor_name,
            pinyin_initials=initials,
        )
        for kind, major, major_name, code, minor_name, initials in rows
    }


def open_screen(page, hash_):
    page.evaluate(f"location.hash = '{hash_}'")


def fill_report(page, photo, *, category_query="jg", category_name="污水井盖", description=""):
    """Photo, position (GPS), category by pinyin initials, text: what alice does on the report screen."""
    page.set_input_files('[data-group="photos"] input[type=file]', str(photo))
    page.wait_for_selector('[data-group="photos"] .photo img')
    page.wait_for_selector("#report-map .leaflet-marker-icon")
    page.wait_for_function("document.querySelector('#report-where').textContent.includes('网格')")
    page.fill("#category-q", category_query)
    page.locator("#category-list .chip", has_text=category_name).tap()
    if description:
        page.fill("#description", description)


@pytest.fixture
def centre(db, town):
    """The command centre and a department: carol (受理员), sam (值班长), dan (派遣员), dora (城管局),
    with default time limits in clock minutes (核查 120 min)."""
    from decimal import Decimal
    from types import SimpleNamespace

    from accounts.models import Department
    from accounts.testing import make_user
    from catalog.models import LimitUnit, Step, TimeLimit

    city_management = Department.objects.create(code="cgj", name="呈贡区城市管理局")
    for step, minutes in [
        (Step.ACCEPT, 10),
        (Step.REGISTER, 30),
        (Step.DISPATCH, 30),
        (Step.HANDLE, 240),
        (Step.CHECK, 120),
        (Step.CLOSE, 60),
    ]:
        TimeLimit.objects.create(
            step=step, area_class="", amount=Decimal(minutes), unit=LimitUnit.CLOCK_MINUTES
        )
    return SimpleNamespace(
        carol=make_user("carol", Role.INTAKE),
        sam=make_user("sam", Role.SHIFT_LEADER),
        dan=make_user("dan", Role.DISPATCHER),
        dora=make_user("dora", Role.DEPARTMENT, city_management),
        city_management=city_management,
    )
