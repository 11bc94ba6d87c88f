"""The app shell: opens, installs its service worker, works from the cache."""

import pytest

from mobile.tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_screen_shows_who_is_logged_in_and_the_big_buttons(phone):
    # The app fills #who once /api/me answers, which can come after window.UGApp exists.
    phone.wait_for_function("document.querySelector('#who').textContent !== ''")
    assert "李爱丽 · 监督员 · 责任网格 RG01" in phone.locator("#who").inner_text()
    assert phone.locator("#duty").inner_text() == "上岗"
    screenshot(phone, "01-home")


def test_once_installed_the_app_opens_without_network(phone, live_server):
    phone.evaluate("navigator.serviceWorker.ready")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/m/")
    phone.wait_for_function("window.UGApp !== undefined")
    assert phone.locator("#net").inner_text() == "离线"
    assert "李爱丽" in phone.locator("#who").inner_text()  # remembered from the last time online
    phone.context.set_offline(False)
