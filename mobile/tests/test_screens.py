"""Screens that do not need the case workflow, at 390×844."""

import pytest

from mobile.tests.conftest import fill_report, open_screen, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_screen_shows_the_photo_the_grid_and_the_chosen_category(catalogue, phone, camera_photo):
    open_screen(phone, "#report")
    fill_report(phone, camera_photo, description="井盖破损，有坠落风险")
    where = phone.locator("#report-where").inner_text()
    assert where == "龙城街道西社区 网格530114001001001"
    assert phone.locator("#category-chosen").inner_text() == "✓ 污水井盖"
    size_kb = int(phone.locator('[data-group="photos"] .photo small').inner_text().split()[0])
    assert size_kb <= 200
    screenshot(phone, "03-report")
    phone.locator("#report-submit").scroll_into_view_if_needed()
    screenshot(phone, "03-report-bottom")


def test_a_report_without_photo_is_not_queued_and_says_why(phone, catalogue):
    open_screen(phone, "#report")
    phone.wait_for_selector("#report-map .leaflet-marker-icon")
    phone.locator("#report-submit").tap()
    assert phone.locator("#report-error").inner_text() == "请至少拍一张照片"
    assert phone.evaluate("UGApp.outbox.all().then(items => items.length)") == 0


def test_the_day_screen_shows_the_patrol_figures(phone):
    open_screen(phone, "#day")
    phone.wait_for_selector("#day-figures .figure")
    text = phone.locator("#day-figures").inner_text()
    assert "巡查里程（公里）" in text
    assert "0/4" in text  # none of alice's four grids walked yet
    screenshot(phone, "05-my-day")


def test_offline_the_app_says_so(phone):
    phone.context.set_offline(True)
    phone.wait_for_function("document.querySelector('#net').textContent === '离线'")
    screenshot(phone, "07-offline-home")
    phone.context.set_offline(False)
