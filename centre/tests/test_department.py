"""The department workbench: inbox with deadlines, feedback with photos, own statistics; and the
centre's closing queue with the check beside the feedback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import State

from .conftest import EAST_POINT

pytestmark = pytest.mark.django_db


def dispatched(people, report, department=None, **kwargs):
    case = report(**kwargs)
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    return workflow.dispatch(
        people.dan, case, department or people.city_management,
        reason="" if department in (None, people.city_management) else "测试",
    )  # fmt: skip


def test_the_inbox_lists_only_the_departments_open_cases_by_handling_deadline(
    client, people, report, catalogue
):
    now = timezone.now()
    late = dispatched(people, report, at=now - timedelta(hours=6))
    fresh = dispatched(people, report, at=now)
    dispatched(people, report, department=people.water_company, category=catalogue.garbage, point=EAST_POINT)
    client.force_login(people.dora)
    response = client.get("/inbox/")
    cases = response.context["cases"]
    assert [c.number for c in cases] == [late.number, fresh.number]
    assert [c.badge for c in cases] == ["ok", "ok"] or cases[0].deadline <= cases[1].deadline


def test_a_handler_feeds_back_with_a_photo_and_the_centre_checks_and_closes(client, people, report, photo):
    case = dispatched(people, report)
    client.force_login(people.dora)
    client.post(f"/case/{case.number}/do/department-accept/")
    client.post(f"/case/{case.number}/do/feedback/", {"reason": "已更换井盖", "photos": [photo()]})
    case.refresh_from_db()
    assert case.state == State.FEEDBACK
    client.force_login(people.carol)
    assert case.number in [c.number for c in client.get("/queue/closing/").context["items"]]
    client.post(f"/case/{case.number}/do/send-check/")
    task = case.tasks.get(kind="check")
    workflow.answer_task(people.alice, task, passed=True, note="已修复", photos=[photo()])
    client.force_login(people.sam)
    page = client.get(f"/case/{case.number}/")
    assert len(page.context["photos_after"]) == 2  # the feedback photo beside the check photo
    assert "close" in [a.slug for a in page.context["actions"]]
    client.post(f"/case/{case.number}/do/close/")
    case.refresh_from_db()
    assert case.state == State.CLOSED


def test_feedback_without_a_photo_is_refused_with_the_reason(client, people, report):
    case = dispatched(people, report)
    client.force_login(people.dora)
    response = client.post(f"/case/{case.number}/do/feedback/", {"reason": "已处理"}, follow=True)
    case.refresh_from_db()
    assert case.state == State.DISPATCHED
    assert "处置反馈需要至少一张处置后照片。" in response.content.decode()


def test_a_failed_check_is_sent_back_for_rework(client, people, report, photo):
    case = dispatched(people, report)
    workflow.give_feedback(people.dora, case, note="已处理", photos=[photo()])
    task = workflow.send_check(people.carol, case)
    workflow.answer_task(people.alice, task, passed=False, note="井盖仍缺失", photos=[photo()])
    client.force_login(people.sam)
    assert "close" not in [a.slug for a in client.get(f"/case/{case.number}/").context["actions"]]
    client.force_login(people.dan)
    client.post(f"/case/{case.number}/do/rework/", {"reason": "核查未通过"})
    case.refresh_from_db()
    assert (case.state, case.rework_count) == (State.HANDLING, 1)


def test_the_department_sees_its_own_figures(client, people, report, photo):
    case = dispatched(people, report)
    workflow.give_feedback(people.dora, case, note="已处理", photos=[photo()])
    other = dispatched(people, report)
    workflow.return_to_centre(people.dora, other, reason="不属本部门")
    client.force_login(people.dora)
    figures = client.get("/inbox/stats/").context["figures"]
    assert figures["handled"] == 1 and figures["handled_on_time"] == 1 and figures["on_time_rate"] == 100.0
    assert figures["by_action"]["dispatch"] == 2 and figures["by_action"]["return"] == 1


def test_a_handler_without_a_department_is_refused(client, people):
    from accounts.testing import make_user

    client.force_login(make_user("drifter", "department"))
    assert client.get("/inbox/").status_code == 403
