"""The app shell: opens, installs its service worker, works from the cache."""

import pytest

from mobile.tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_screen_shows_who_is_logged_in_and_the_big_buttons(phone):
    assert "李爱丽 · 监督员 · 责任网格 RG01" in phone.locator("#who").inner_text()
    assert phone.locator("#duty").inner_text() == "上岗"
    screenshot(phone, "01-home")
