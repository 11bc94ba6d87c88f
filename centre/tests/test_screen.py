"""The big-screen overview's figures."""

from datetime import timedelta

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
