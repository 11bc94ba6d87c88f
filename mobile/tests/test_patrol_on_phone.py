"""上岗, the track recorded by the phone, 下岗: the points reach the server once, even after a 500."""

import pytest

from mobile.tests.conftest import screenshot
from patrol.models import Shift, TrackBatch, TrackPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until_all_sent(page, total, timeout=20_000):
    """Until the outbox holds `total` items, all sent (render.outboxSummary keeps UGApp.counts)."""
    page.wait_for_function(
        f"UGApp.counts && UGApp.counts.total === {total} && UGApp.counts.sent === {total}",
        timeout=timeout,
        polling=250,
    )


def walk(page, steps):
    """alice walks east along her grid's northern row, one position per second."""
    for i in range(steps):
        page.context.set_geolocation(
            {"longitude": 102.8504 + 0.00005 * i, "latitude": 24.8815, "accuracy": 8}
        )
        page.wait_for_timeout(1100)


def test_alice_goes_on_duty_walks_and_goes_off_duty_and_her_track_is_on_the_server(phone, alice, settings):
    settings.PATROL_TRACK_INTERVAL_SECONDS = 1
    phone.reload()
    phone.wait_for_function("window.UGApp !== undefined")
    phone.locator("#duty").tap()
    phone.wait_for_function("document.querySelector('#duty').textContent === '下岗'")
    walk(phone, 4)
    screenshot(phone, "02-home-on-duty")
    phone.locator("#duty").tap()
    phone.wait_for_function("document.querySelector('#duty').textContent === '上岗'")
    wait_until_all_sent(phone, 3)  # 上岗, one track batch, 下岗

    shift = Shift.objects.get(supervisor=alice)
    assert shift.ended_at is not None
    assert shift.no_positions is False
    points = TrackPoint.objects.filter(supervisor=alice).count()
    assert points >= 3
    assert shift.point_count == points


def test_a_track_upload_answered_500_is_retried_and_stored_once(phone, alice, settings):
    settings.PATROL_TRACK_INTERVAL_SECONDS = 1
    phone.reload()
    phone.wait_for_function("window.UGApp !== undefined")
    failures = []

    def fail_first(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=500, content_type="application/json", body='{"detail": "boom"}')
        else:
            route.continue_()

    phone.route("**/api/patrol/tracks", fail_first)
    phone.locator("#duty").tap()
    walk(phone, 3)
    phone.evaluate("UGApp.duty.flush()")
    phone.wait_for_function("UGApp.counts && UGApp.counts.total === 2 && UGApp.counts.waiting === 1")
    phone.goto(phone.url.split("#")[0] + "#outbox")
    phone.wait_for_selector("#outbox-list li")
    screenshot(phone, "06-outbox-retrying")
    assert "服务器暂时出错（500），稍后自动重试" in phone.locator("#outbox-list").inner_text()
    wait_until_all_sent(phone, 2)  # 上岗, one track batch

    assert len(failures) == 1
    assert TrackBatch.objects.filter(supervisor=alice).count() == 1
    assert TrackPoint.objects.filter(supervisor=alice).count() >= 2
