"""核实/核查 tasks on the phone: listed with a countdown, new ones appear without a reload."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Task
from mobile.tests.conftest import open_screen, screenshot
from mobile.tests.test_my_lists import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def poll_every_second(settings):
    settings.MOBILE_TASK_POLL_SECONDS = 1


def test_a_new_check_task_appears_on_alices_phone_with_its_countdown(
    poll_every_second, phone, alice, town, catalogue
):
    phone.reload()
    phone.wait_for_function("window.UGApp !== undefined")
    open_screen(phone, "#tasks")
    phone.wait_for_selector("#task-empty:not([hidden])")
    case = make_case("530114202600001", catalogue["污水井盖"], grid=town.grids["530114001001001"])
    now = timezone.now()
    Task.objects.create(
        case=case,
        kind="check",
        responsibility_grid=town.rg_west,
        created_at=now,
        due_at=now + timedelta(hours=1, minutes=30, seconds=30),
    )
    Task.objects.create(
        case=case,
        kind="verify",
        responsibility_grid=town.rg_west,
        created_at=now - timedelta(hours=2),
        due_at=now - timedelta(minutes=10, seconds=30),
    )
    phone.wait_for_selector("#task-list li >> nth=1", timeout=10_000)
    text = phone.locator("#task-list").inner_text()
    assert "已超时 10 分钟" in text
    assert "剩余 1 小时 30 分" in text
    assert phone.locator("#task-count").inner_text() == "2"
    screenshot(phone, "09-tasks")

    phone.locator("#task-list li", has_text="核查").locator("a").tap()
    phone.wait_for_selector("#task-choices .choice")
    assert "导航到现场" in phone.locator("#task-detail").inner_text()
    href = phone.locator("#task-detail a.nav-link").get_attribute("href")
    assert href.startswith("https://uri.amap.com/marker?position=102.8504,24.8815&coordinate=wgs84")
    screenshot(phone, "10-task-check")
