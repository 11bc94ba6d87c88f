"""The evaluation pages and API as each person sees them, and the printable report."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role, User

from .test_indicators import story  # noqa: F401 - the March 2024 history

pytestmark = pytest.mark.django_db
MARCH = "type=supervisor&period=month&value=2024-03"


@pytest.fixture
def lena(db):
    return User.objects.create_user("lena", role=Role.LEADER, full_name="Lena")


def test_the_leader_sees_the_supervisors_of_a_month_with_links_to_the_cases(client, lena, story):  # noqa: F811
    client.force_login(lena)
    page = client.get(f"/evaluation/?{MARCH}").content.decode()
    assert "75.33" in page
    assert "figure=missed" in page
    alice = story["alice"].pk
    page = client.get(
        f"/evaluation/cases/?type=supervisor&id={alice}&figure=missed&start=2024-03-01&end=2024-03-31"
    )
    assert "C4" in page.content.decode()


def test_the_api_gives_the_same_figures_and_the_cases_behind_them(client, lena, story):  # noqa: F811
    client.force_login(lena)
    body = client.get("/api/evaluation/indicators?type=department&period=month&value=2024-03").json()
    roads = next(row for row in body["rows"] if row["name"] == "市政道路")
    assert roads["figures"]["overdue_pending"] == 1
    assert (roads["score"], roads["grade"]) == ("56.67", "D")
    assert body["rule_set_effective_from"] == "2000-01-01"
    cases = client.get(
        f"/api/evaluation/cases?type=department&id={story['roads'].pk}&figure=overdue_pending"
        "&start=2024-03-01&end=2024-03-31"
    ).json()
    assert [c["number"] for c in cases] == ["C8"]
    assert client.get("/api/evaluation/indicators?type=nobody&period=month&value=2024-03").status_code == 403
    assert (
        client.get("/api/evaluation/indicators?type=supervisor&period=month&value=2024-13").status_code == 400
    )


def test_a_department_sees_only_its_own_row(client, story):  # noqa: F811
    hank = User.objects.create_user("hank", role=Role.DEPARTMENT, department=story["roads"])
    client.force_login(hank)
    body = client.get("/api/evaluation/indicators?type=department&period=month&value=2024-03").json()
    assert [row["name"] for row in body["rows"]] == ["市政道路"]
    assert (
        client.get("/api/evaluation/indicators?type=supervisor&period=month&value=2024-03").status_code == 403
    )
    parks = story["parks"].pk
    response = client.get(
        f"/api/evaluation/cases?type=department&id={parks}&figure=assigned&start=2024-03-01&end=2024-03-31"
    )
    assert response.status_code == 403


def test_a_supervisor_sees_no_evaluation_pages(client, story):  # noqa: F811
    client.force_login(story["alice"])
    assert client.get(f"/evaluation/?{MARCH}").status_code == 403
    assert (
        client.get("/api/evaluation/indicators?type=supervisor&period=month&value=2024-03").status_code == 403
    )


def test_the_monthly_report_prints_as_xlsx_and_pdf(client, lena, story):  # noqa: F811
    client.force_login(lena)
    response = client.get(f"/evaluation/report.xlsx?{MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "监督员考核报告"
    alice = next(row for row in rows if row[0] == "Alice")
    assert alice[-2:] == ["75.33", "B"]
    response = client.get(f"/evaluation/report.pdf?{MARCH}")
    assert response.content.startswith(b"%PDF")


def test_a_week_a_year_and_a_custom_period_are_accepted(client, lena, story):  # noqa: F811
    client.force_login(lena)
    for query in (
        "period=week&value=2024-W10",
        "period=year&value=2024",
        "period=day&value=2024-03-10",
        "period=custom&start=2024-03-01&end=2024-03-15",
    ):
        assert client.get(f"/evaluation/?type=intake&{query}").status_code == 200, query
    assert (
        client.get("/evaluation/?type=intake&period=custom&start=2024-03-15&end=2024-03-01").status_code
        == 400
    )


def test_the_leader_publishes_a_rule_version_through_the_api(client, lena, story):  # noqa: F811
    client.force_login(lena)
    rules = client.get("/api/evaluation/rules?day=2024-03-15").json()["rules"]
    rules["grades"] = [["A", 95], ["B", 80], ["C", 60], ["D", 40], ["E", 0]]
    response = client.post(
        "/api/evaluation/rules",
        {"name": "从严", "effective_from": "2099-01-01", "rules": rules},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get("/api/evaluation/rules?day=2099-02-01").json()["name"] == "从严"
    client.force_login(story["ivy"])
    response = client.post(
        "/api/evaluation/rules",
        {"name": "x", "effective_from": "2099-02-01", "rules": rules},
        content_type="application/json",
    )
    assert response.status_code == 403
