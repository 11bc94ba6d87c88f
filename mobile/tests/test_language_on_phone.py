"""The phone app's language switch: English replaces the Chinese shell the service worker cached,
and stays English when the app is opened again, even offline."""

import pytest

from mobile.tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shell_caches(page) -> list[str]:
    return [key for key in page.evaluate("caches.keys()") if key.startswith("shell-")]


def test_switching_to_english_replaces_the_cached_chinese_shell(phone, live_server):
    phone.evaluate("navigator.serviceWorker.ready")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    assert phone.locator("#title").inner_text() == "网格巡查"
    assert [key[-8:] for key in shell_caches(phone)] == ["-zh-hans"]

    with phone.expect_navigation():
        phone.locator('#lang-switch button[value="en"]').click()
    phone.wait_for_function("window.UGApp !== undefined")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("#title").inner_text() == "Grid patrol"
    assert phone.locator("#duty").inner_text() == "Go on duty"
    phone.locator("#duty").click()  # a string from the JavaScript catalogue
    phone.wait_for_function("document.querySelector('#duty').textContent === 'Go off duty'")
    assert "Supervisor · responsibility grids RG01" in phone.locator("#who").inner_text()
    screenshot(phone, "language-en-home")

    # The new service worker caches the English shell: offline, the app opens in English.
    assert [key[-3:] for key in shell_caches(phone)] == ["-en"]
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/m/")
    phone.wait_for_function("window.UGApp !== undefined")
    assert phone.locator("#net").inner_text() == "Offline"
    assert phone.locator('[href="#report"]').inner_text() == "Report a problem"
    phone.context.set_offline(False)
