"""Live updates: the polled badge tells the centre of new reports and handlers of new work; a poll
when nothing happened is a 204 costing a few id lookups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.reminders import scan_deadlines

pytestmark = pytest.mark.django_db


def poll(client, previous=None):
    params = {}
    if previous is not None:
        params = {k: previous.context[k] for k in ("v", "cid", "eid", "rid")}
    return client.get("/live/", params)


def test_the_centre_badge_counts_the_queue_and_announces_reports_since_the_last_poll(client, people, report):
    client.force_login(people.carol)
    first = poll(client)
    assert first.context["intake"] == 0 and first.context["new_reports"] == 0
    report()
    second = poll(client, first)
    assert second.context["intake"] == 1 and second.context["new_reports"] == 1
    assert "新上报 1 件" in second.content.decode()
    report()
    third = poll(client, second)
    assert third.context["new_reports"] == 1 and third.context["intake"] == 2


def test_a_poll_when_nothing_happened_is_a_204_of_three_id_lookups(
    client, people, report, django_assert_max_num_queries
):
    report()
    client.force_login(people.carol)
    first = poll(client)
    assert first.status_code == 200
    with django_assert_max_num_queries(2 + 3):  # session, user; last case, event, reminder ids
        again = poll(client, first)
    assert again.status_code == 204 and again.content == b""


def test_a_poll_recounts_when_a_minute_has_passed_for_deadlines_pass_with_the_clock(client, people, report):
    report()
    client.force_login(people.carol)
    first = poll(client)
    stale = first.context["v"].rsplit(".", 1)[0] + ".1"  # the same ids, another minute
    response = client.get("/live/", {"v": stale, "cid": first.context["cid"], "rid": first.context["rid"]})
    assert response.status_code == 200 and response.context["intake"] == 1


def test_any_step_on_any_case_makes_the_next_poll_recount(client, people, report):
    case = report()
    client.force_login(people.carol)
    first = poll(client)
    workflow.accept(people.carol, case)
    second = poll(client, first)
    assert second.status_code == 200 and second.context["intake"] == 0
    assert second.context["new_reports"] == 0


def test_a_handlers_badge_counts_the_inbox_and_unread_notices(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    client.force_login(people.dora)
    first = poll(client)
    workflow.dispatch(people.dan, case, people.city_management)
    workflow.supervise(people.leo, case, note="尽快")
    badge = poll(client, first)
    assert (badge.context["inbox"], badge.context["notices"], badge.context["new_cases"]) == (1, 1, 1)
    assert badge.context["new_notices"] == 1
    assert "有新的派遣或督办" in badge.content.decode()
    client.force_login(people.erin)  # another department: nothing new for erin
    other = poll(client, first)
    assert (other.context["inbox"], other.context["new_cases"], other.context["new_notices"]) == (0, 0, 0)


def test_a_department_supervision_is_announced_to_that_department(client, people):
    client.force_login(people.erin)
    first = poll(client)
    workflow.supervise_department(people.leo, people.water_company, note="本周超期案件过多")
    badge = poll(client, first)
    assert badge.context["new_notices"] == 1 and badge.context["notices"] == 1


def test_supervisors_get_no_centre_badge(client, people):
    client.force_login(people.alice)
    assert client.get("/live/").content == b""


@pytest.mark.parametrize("params", [{"cid": "x", "rid": "-5", "eid": "9" * 30, "v": "junk"}, {"cid": ""}])
def test_garbage_in_the_poll_is_ignored(client, people, params):
    client.force_login(people.carol)
    response = client.get("/live/", params)
    assert response.status_code == 200 and response.context["new_reports"] == 0


def test_the_deadline_scans_reminders_for_the_centre_are_announced_once(client, people, report):
    client.force_login(people.carol)
    first = poll(client)
    report(at=timezone.now() - timedelta(minutes=30))  # intake limit 10 minutes: overdue
    scan_deadlines()
    second = poll(client, first)
    assert second.context["new_reminders"] == 1
    assert "时限提醒 1 条" in second.content.decode()
    report()
    third = poll(client, second)
    assert third.context["new_reminders"] == 0
