"""In the browser: the leader opens the performance-target dashboard and one assessment sheet.

Screenshots go to screenshots/evaluation/ (looked at by a person, not compared by the test).
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Department, Role, User
from contract import assessment
from contract.tests.conftest import make_contract
from evaluation import satisfaction

from .history import at
from .test_indicators import story  # noqa: F401 - the March 2024 history

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots" / "evaluation"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader_browser(live_server, chromium):
    lena = User.objects.create_user("lena", password="pw-lena-123", role=Role.LEADER, full_name="杨杰")
    client = Client()
    client.force_login(lena)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.add_cookies([cookie])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield lena, page, errors
    context.close()


@pytest.fixture
def paid_first_quarter(story):  # noqa: F811
    lena = User.objects.get(username="lena")
    contractor = Department.objects.create(
        code="acme", name="阿克米采集公司", kind=Department.Kind.CONTRACTOR
    )
    story["alice"].department = contractor
    story["alice"].save()
    contract = make_contract(contractor)
    # two items collected from the case history (alice is the contractor's supervisor)
    contract.item_definitions.filter(code="missed_reports").update(source="missed_reports")
    contract.item_definitions.filter(code="late_checks").update(source="late_checks")
    sheets = []
    for month in (1, 2, 3):
        sheet = assessment.create_sheet(lena, contract, datetime.date(2024, month, 1))
        assessment.set_item(lena, sheet, "absence", month * 4, evidence={"figures": {"缺勤人·天": month * 4}})
        if month < 3:
            assessment.approve(lena, sheet)
            assessment.record_payment(lena, sheet, datetime.date(2024, month + 1, 10))
        sheets.append(sheet)
    for level in ("satisfied", "satisfied", "fairly_satisfied", "dissatisfied"):
        satisfaction.record(User.objects.get(username="ivy"), "citizen", level, at=at(3, 15, 10))
    return sheets


def test_the_leader_opens_the_target_dashboard_and_a_sheet(leader_browser, paid_first_quarter, live_server):
    lena, page, errors = leader_browser
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/contract/targets/?month=2024-03")
    page.wait_for_selector("#chart-budget_executed canvas")
    cards = page.locator(".target")
    assert cards.count() == 6
    budget = page.locator('.target[data-code="budget_executed"]')
    # January (4 days absent → 96) and February (8 → 92) are both ≥ 90: paid in full, 2 × 168,000 =
    # 336,000 of 2,016,000 = 16.7 %, behind the 23.8 % (95 % × 3/12) due by the end of March
    assert "16.7%" in budget.inner_text()
    assert "未达标" in budget.inner_text()
    acceptance = page.locator('.target[data-code="acceptance_pass_rate"]').inner_text()
    assert "83.3%" in acceptance  # 5 valid of 6 supervisor reports
    assert "75.0%" in page.locator('.target[data-code="satisfaction"]').inner_text()  # 3 of 4
    page.screenshot(path=str(SCREENSHOTS / "targets-dashboard.png"), full_page=True)

    march = paid_first_quarter[2]
    page.goto(f"{live_server.url}/contract/assessments/{march.pk}/")
    # 12 days of absence (12 points), alice's miss C4 (0.5) and late check on C4 (0.2)
    # → 100 − 12.7 = 87.3 → 80 % of 15,000; 168,000 − 15,000 + 12,000 = 165,000
    assert page.locator("#sheet-score").inner_text() == "87.30"
    assert page.locator("#sheet-payable").inner_text() == "165,000.00"
    page.locator("summary").first.click()
    page.screenshot(path=str(SCREENSHOTS / "assessment-sheet-draft.png"), full_page=True)
    page.get_by_role("button", name="中心审定").click()
    page.wait_for_selector(".badge.state-approved")
    assert "考核表已审定，不能修改" in page.content()
    assert page.get_by_role("button", name="保存").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "assessment-sheet-approved.png"), full_page=True)

    page.goto(f"{live_server.url}/evaluation/?type=supervisor&period=month&value=2024-03")
    assert "75.33" in page.locator("#indicators").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "supervisor-indicators.png"), full_page=True)
    page.locator("#indicators a", has_text="1").first.click()
    page.wait_for_selector("#cases-behind")
    page.screenshot(path=str(SCREENSHOTS / "cases-behind.png"), full_page=True)
    assert errors == []
