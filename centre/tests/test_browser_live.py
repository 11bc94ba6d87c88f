"""New reports, dispatches and reminders appear on open pages without a reload (the polled badge)."""

import pytest

from cases import workflow

from .test_browser_walkthrough import Browsers, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_polling(settings):
    settings.CENTRE_LIVE_POLL_SECONDS = 1


def test_a_new_report_and_a_department_supervision_appear_without_a_reload(
    chromium, live_server, fast_polling, people, report
):
    browsers = Browsers(chromium, live_server)
    try:
        intake = browsers.open(people.carol, "/queue/intake/")
        intake.locator("#live .live-pill", has_text="待受理").wait_for()
        inbox = browsers.open(people.erin, "/inbox/", phone=True)
        inbox.locator("#live .live-pill", has_text="待办").wait_for()
        intake.evaluate("window.__notReloaded = true")
        inbox.evaluate("window.__notReloaded = true")

        report()
        toast = intake.locator("#live .live-toast", has_text="新上报 1 件")
        toast.wait_for(timeout=10_000)
        assert intake.locator("#live .live-pill", has_text="待受理").inner_text().split()[-1] == "1"
        shot(intake, "20-live-new-report", full_page=False)

        workflow.supervise_department(people.leo, people.water_company, note="本周超期案件过多")
        inbox.locator("#live .live-toast", has_text="有新的派遣或督办").wait_for(timeout=10_000)
        assert inbox.locator("#live .live-pill.bad", has_text="督办/提醒").inner_text().split()[-1] == "1"
        shot(inbox, "21-live-supervision-phone", full_page=False)

        assert intake.evaluate("window.__notReloaded") and inbox.evaluate("window.__notReloaded")
    finally:
        browsers.close()
