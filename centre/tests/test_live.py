"""Live updates: the polled badge tells the centre of new reports and handlers of new work."""

import pytest

from cases import workflow

pytestmark = pytest.mark.django_db


def test_the_centre_badge_counts_the_queue_and_announces_reports_since_the_last_poll(client, people, report):
    client.force_login(people.carol)
    first = client.get("/live/")
    assert first.context["intake"] == 0 and first.context["new_reports"] == 0
    report()
    second = client.get("/live/", {"since": first.context["since"]})
    assert second.context["intake"] == 1 and second.context["new_reports"] == 1
    assert "新上报 1 件" in second.content.decode()
    assert client.get("/live/", {"since": second.context["since"]}).context["new_reports"] == 0


def test_a_handlers_badge_counts_the_inbox_and_unread_notices(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    client.force_login(people.dora)
    first = client.get("/live/").context
    workflow.dispatch(people.dan, case, people.city_management)
    workflow.supervise(people.leo, case, note="尽快")
    badge = client.get("/live/", {"since": first["since"], "rid": first["rid"]})
    assert (badge.context["inbox"], badge.context["notices"], badge.context["new_cases"]) == (1, 1, 1)
    assert badge.context["new_notices"] == 1
    assert "有新的派遣或督办" in badge.content.decode()


def test_supervisors_get_no_centre_badge(client, people):
    client.force_login(people.alice)
    assert client.get("/live/").content == b""


def test_the_deadline_scans_reminders_for_the_centre_are_announced_once(client, people, report):
    from datetime import timedelta

    from django.utils import timezone

    from cases.reminders import scan_deadlines

    client.force_login(people.carol)
    first = client.get("/live/")
    report(at=timezone.now() - timedelta(minutes=30))  # intake limit 10 minutes: overdue
    scan_deadlines()
    second = client.get("/live/", {"since": first.context["since"], "rid": first.context["rid"]})
    assert second.context["new_reminders"] == 1
    assert "时限提醒 1 条" in second.content.decode()
    third = client.get("/live/", {"since": second.context["since"], "rid": second.context["rid"]})
    assert third.context["new_reminders"] == 0
