"""Reports from the phone reach the case workflow exactly once: online, offline, after a 500."""

import pytest

from mobile.tests.conftest import fill_report, open_screen, screenshot

cases_models = pytest.importorskip("cases.models")
Case = getattr(cases_models, "Case", None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(Case is None, reason="the case workflow (branch cases) is not merged yet"),
]


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


def test_alice_reports_a_broken_cover_with_a_camera_photo(phone, alice, catalogue, camera_photo):
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
    open_screen(phone, "#outbox")
    phone.wait_for_selector("#outbox-list .state.sent")
    assert case.number in phone.locator("#outbox-list").inner_text()
    screenshot(phone, "04-outbox-sent")


def test_two_reports_made_offline_arrive_once_each_when_the_network_returns(
    phone, alice, catalogue, small_photo
):
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


def test_a_report_answered_500_is_retried_and_makes_one_case(phone, alice, catalogue, small_photo):
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
    phone, alice, catalogue, small_photo
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
