"""Reports from the phone reach the case workflow exactly once: online, offline, after a 500."""

import pytest

from cases.models import Attachment, Case, Source, State
from mobile.tests.conftest import fill_report, open_screen, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until_sent(page, total, timeout=30_000):
    page.wait_for_function(
        f"UGApp.counts && UGApp.counts.total === {total} && UGApp.counts.sent === {total}",
        timeout=timeout,
        polling=250,
    )


def outbox_ids(page, kind="report"):
    return page.evaluate(
        f"UGApp.outbox.all().then(items => items.filter(i => i.kind === '{kind}').map(i => i.id))"
    )


def test_alice_reports_a_broken_cover_with_a_camera_photo(catalogue, phone, alice, camera_photo):
    open_screen(phone, "#report")
    fill_report(phone, camera_photo, description="井盖破损")
    phone.locator("#report-submit").tap()
    wait_until_sent(phone, 1)

    case = Case.objects.get()
    assert case.client_id == outbox_ids(phone)[0]
    assert case.reporter == alice
    assert case.category == catalogue["污水井盖"]
    assert case.unit_grid.code == "530114001001001"
    assert case.description == "井盖破损"
    assert (case.source, case.state) == (Source.SUPERVISOR, State.REPORTED)
    photo = case.attachments.get()
    assert photo.purpose == Attachment.Purpose.REPORT
    assert photo.size <= 200 * 1024
    assert max(photo.width, photo.height) <= 1600
    open_screen(phone, "#outbox")
    phone.wait_for_selector("#outbox-list .state.sent")
    assert case.number in phone.locator("#outbox-list").inner_text()
    screenshot(phone, "04-outbox-sent")
    open_screen(phone, "#day")
    phone.wait_for_selector("#day-reports .state")
    assert f"{case.number} · 龙城街道西社区 网格530114001001001" in phone.locator("#day-reports").inner_text()
    assert "待受理" in phone.locator("#day-reports").inner_text()
    screenshot(phone, "05-my-day-with-report")


def test_alice_fixes_a_small_problem_herself_and_the_case_closes_at_once(
    catalogue, phone, alice, small_photo
):
    open_screen(phone, "#self")
    phone.wait_for_selector('[data-group="after"]:not([hidden])')
    fill_report(phone, small_photo, category_query="jdc", category_name="机动车乱停放", description="已劝离")
    phone.set_input_files('[data-group="after"] input[type=file]', str(small_photo))
    phone.wait_for_selector('[data-group="after"] .photo img')
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "11-self-handled")
    phone.locator("#report-submit").tap()
    wait_until_sent(phone, 1)

    case = Case.objects.get()
    assert (case.source, case.state, case.category) == (
        Source.SELF_HANDLED,
        State.CLOSED,
        catalogue["机动车乱停放"],
    )
    purposes = sorted(case.attachments.values_list("purpose", flat=True))
    assert purposes == [Attachment.Purpose.AFTER, Attachment.Purpose.BEFORE]


def test_a_self_handled_report_without_an_after_photo_is_not_queued(catalogue, phone, small_photo):
    open_screen(phone, "#self")
    fill_report(phone, small_photo, category_query="jdc", category_name="机动车乱停放")
    phone.locator("#report-submit").tap()
    assert phone.locator("#report-error").inner_text() == "请拍处置后照片"


def test_two_reports_made_offline_arrive_once_each_when_the_network_returns(
    catalogue, phone, alice, small_photo
):
    phone.wait_for_function(
        "UGApp.categories.all && UGApp.categories.all.length === 3"
    )  # cached while online
    phone.context.set_offline(True)
    for description in ("第一处", "第二处"):
        open_screen(phone, "#report")
        fill_report(phone, small_photo, description=description)
        phone.locator("#report-submit").tap()
        phone.wait_for_function("location.hash === '#home'")
    phone.wait_for_function("UGApp.counts && UGApp.counts.waiting === 2")
    assert "2 条等待发送" in phone.locator("#outbox-summary").inner_text()
    screenshot(phone, "08-offline-two-waiting")
    assert Case.objects.count() == 0

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_sent(phone, 2)
    assert sorted(Case.objects.values_list("description", flat=True)) == ["第一处", "第二处"]
    assert sorted(Case.objects.values_list("client_id", flat=True)) == sorted(outbox_ids(phone))


def test_a_report_answered_500_is_retried_and_makes_one_case(catalogue, phone, alice, small_photo):
    answers = []

    def fail_first_then_pass(route):
        if not answers:
            answers.append(500)
            route.fulfill(status=500, content_type="application/json", body='{"detail": "server error"}')
        else:
            answers.append("through")
            route.continue_()

    phone.route("**/api/cases/reports", fail_first_then_pass)
    open_screen(phone, "#report")
    fill_report(phone, small_photo)
    phone.locator("#report-submit").tap()
    wait_until_sent(phone, 1)
    assert answers == [500, "through"]
    assert Case.objects.count() == 1


def test_a_report_whose_answer_is_lost_is_sent_again_and_still_makes_one_case(
    catalogue, phone, alice, small_photo
):
    """The server made the case but the phone never heard: the retry carries the same client id."""
    calls = []

    def lose_first_answer(route):
        response = route.fetch()
        calls.append(response.status)
        if len(calls) == 1:
            route.fulfill(status=502, body="bad gateway")
        else:
            route.fulfill(response=response)

    phone.route("**/api/cases/reports", lose_first_answer)
    open_screen(phone, "#report")
    fill_report(phone, small_photo)
    phone.locator("#report-submit").tap()
    wait_until_sent(phone, 1)
    assert len(calls) == 2
    assert Case.objects.count() == 1
