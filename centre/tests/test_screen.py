"""The big-screen overview's figures."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from cases import workflow

from .conftest import EAST_POINT

pytestmark = pytest.mark.django_db


def test_the_overview_counts_todays_reports_by_source_state_category_and_street(
    client, people, report, catalogue
):
    now = timezone.now()
    first = report(at=now - timedelta(minutes=30))  # accept limit 10 min: late
    report(category=catalogue.garbage, point=EAST_POINT, at=now - timedelta(minutes=5))
    workflow.accept(people.carol, first, at=now - timedelta(minutes=1))
    client.force_login(people.leo)
    data = client.get("/screen/data.json").json()
    today = data["today"]
    assert today["total"] == 2
    assert today["by_source"] == [{"key": "video", "name": "视频/其他", "value": 2}]
    assert sorted((r["name"], r["value"]) for r in today["by_state"]) == [("待受理", 1), ("待立案", 1)]
    assert sorted((r["name"], r["value"]) for r in today["by_category"]) == [("暴露垃圾", 1), ("污水井盖", 1)]
    assert today["by_street"] == [{"key": "龙城街道", "name": "龙城街道", "value": 2}]
    assert data["open"]["total"] == 2 and data["open"]["key"] == 1
    assert data["on_time_today"] == [
        {"step": "accept", "name": "受理", "total": 1, "on_time": 0, "rate": 0.0}
    ]
    assert data["trend"][-1]["reported"] == 2 and len(data["trend"]) == 30


def test_the_overview_is_computed_once_for_many_screens(
    client, people, report, django_assert_max_num_queries
):
    report()
    client.force_login(people.leo)
    client.get("/screen/data.json")
    with django_assert_max_num_queries(2):  # session and user only
        client.get("/screen/data.json")


def test_the_screen_page_loads_echarts_and_refreshes_itself(client, people):
    client.force_login(people.leo)
    html = client.get("/screen/").content.decode()
    assert "/static/vendor/echarts/dist/echarts.min.js" in html
    assert 'data-refresh="30"' in html


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_reports_either_side_of_local_midnight_count_on_their_own_days(client, people, report):
    today = timezone.localdate()
    for days_ago, hour, minute in [(3, 23, 59), (2, 0, 1), (2, 0, 2), (2, 23, 59), (1, 0, 0)]:
        report(at=_local(today - timedelta(days=days_ago), hour, minute))
    client.force_login(people.leo)
    trend = {row["day"]: row["reported"] for row in client.get("/screen/data.json").json()["trend"]}
    assert [trend[(today - timedelta(days=n)).isoformat()] for n in (4, 3, 2, 1, 0)] == [0, 1, 3, 1, 0]


def test_the_periodic_task_stores_the_days_and_a_restarted_screen_reads_them(
    client, people, report, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.core.management import call_command

    from centre.models import OverviewDay

    report(at=timezone.now() - timedelta(days=2))
    report()
    call_command("runtasks", "--once", stdout=io.StringIO())  # the embedded runner, no broker
    days = OverviewDay.objects.count()
    assert days >= 30 and OverviewDay.objects.get(day=timezone.localdate()).figures["total"] == 1
    client.force_login(people.leo)
    cache.clear()  # a restarted process: nothing in its cache
    # Session, user, the stored days in one query, today's states, the open figures (5 queries):
    # no day is computed again.
    with django_assert_max_num_queries(2 + 1 + 1 + 5):
        data = client.get("/screen/data.json").json()
    assert data["month"]["total"] >= 1 and data["today"]["total"] == 1
    assert sum(row["reported"] for row in data["trend"]) == 2
    assert OverviewDay.objects.count() == days


def test_a_past_day_stored_after_it_ended_is_final_and_read_as_stored(client, people, report):
    from django.core.cache import cache

    from centre import stats
    from centre.models import OverviewDay

    yesterday = timezone.localdate() - timedelta(days=1)
    report(at=_local(yesterday, 10))
    stats.refresh_overview()
    row = OverviewDay.objects.get(day=yesterday)
    assert row.figures["total"] == 1
    # A late report written into yesterday (the simulator writes history): the final row stands
    # until a rebuild.
    report(at=_local(yesterday, 11))
    cache.clear()
    client.force_login(people.leo)
    trend = {r["day"]: r["reported"] for r in client.get("/screen/data.json").json()["trend"]}
    assert trend[yesterday.isoformat()] == 1
    stats.refresh_overview(rebuild=True)
    cache.clear()
    trend = {r["day"]: r["reported"] for r in client.get("/screen/data.json").json()["trend"]}
    assert trend[yesterday.isoformat()] == 2


def test_a_day_stored_before_it_ended_is_computed_again(client, people, report):
    from django.core.cache import cache

    from centre import stats
    from centre.models import OverviewDay

    yesterday = timezone.localdate() - timedelta(days=1)
    report(at=_local(yesterday, 10))
    stats.refresh_overview(now=_local(yesterday, 12))  # stored at noon yesterday: not final
    report(at=_local(yesterday, 15))
    cache.clear()
    client.force_login(people.leo)
    trend = {r["day"]: r["reported"] for r in client.get("/screen/data.json").json()["trend"]}
    assert trend[yesterday.isoformat()] == 2
    assert OverviewDay.objects.get(day=yesterday).figures["total"] == 2


def test_the_refresh_task_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["centre-refresh-overview"]["task"] == "centre.refresh_overview"
