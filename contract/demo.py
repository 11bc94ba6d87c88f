"""Demo contracts: the 2024 collection contract of the seed document and a current one.

The seed gives 48 supervisors × 3,440 yuan per person-month and 60 yuan per terminal-month, a
budget of 2,016,000 yuan for 2024. It does not say how much of the 2024 fee is withheld for the
assessment (the earlier contract held back 50,000 of 548,883 a month, about 9 %): the demo holds
back 15,000 of 168,000 a month, and its bands and item prices are demo values too, marked so.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import Department, Role, User

from . import assessment
from .models import AssessmentItemDefinition, Budget, Contract, MonthlyAssessment, ScoreBand

DEMO_BANDS = [(90, "1"), (80, "0.8"), (70, "0.6"), (60, "0.4")]
DEMO_ITEMS = [
    # code, name, unit, source, points per unit, max points, yuan per unit
    ("absence", "缺勤", "人·天", "absence", "1", "30", "200"),
    ("missed_reports", "漏报", "件", "missed_reports", "0.5", "20", "50"),
    ("late_verifications", "超时核实", "件", "late_verifications", "0.2", "15", "20"),
    ("late_checks", "超时核查", "件", "late_checks", "0.2", "15", "20"),
    ("invalid_reports", "无效上报", "件", "invalid_reports", "0.05", "10", "5"),
    ("complaints", "有效投诉", "件", "manual", "2", "20", "300"),
]
# Hand-made quantities for the 2024 months (no case history that old in the demo).
DEMO_2024_QUANTITIES = [
    {"absence": 2, "missed_reports": 6, "late_checks": 10, "invalid_reports": 40},
    {"absence": 5, "missed_reports": 9, "late_checks": 14, "invalid_reports": 52, "complaints": 1},
    {"absence": 0, "missed_reports": 4, "late_checks": 6, "invalid_reports": 33},
    {"absence": 1, "missed_reports": 3, "late_checks": 8, "invalid_reports": 30},
    {"absence": 3, "missed_reports": 12, "late_checks": 20, "invalid_reports": 61, "complaints": 2},
    {"absence": 0, "missed_reports": 2, "late_checks": 5, "invalid_reports": 25},
    {"absence": 4, "missed_reports": 7, "late_checks": 9, "invalid_reports": 44},
    {"absence": 1, "missed_reports": 5, "late_checks": 7, "invalid_reports": 38},
    {"absence": 0, "missed_reports": 3, "late_checks": 4, "invalid_reports": 29},
    {"absence": 2, "missed_reports": 6, "late_checks": 12, "invalid_reports": 35, "complaints": 1},
    {"absence": 1, "missed_reports": 4, "late_checks": 6, "invalid_reports": 31},
    {"absence": 0, "missed_reports": 2, "late_checks": 3, "invalid_reports": 22},
]


def _contractor() -> Department:
    found = Department.objects.filter(kind=Department.Kind.CONTRACTOR).order_by("code").first()
    if found:
        return found
    return Department.objects.create(
        code="contractor", name="网格信息采集服务有限公司（演示）", kind=Department.Kind.CONTRACTOR
    )


def _demo_user(username, role, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password="demo1234", role=role, **extra)
    return user


def make_contract(number, name, year, contractor, *, rule=Contract.PaymentRule.SCORE_BANDS) -> Contract:
    contract = Contract.objects.create(
        number=number,
        name=name,
        contractor=contractor,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        supervisors=48,
        unit_price=Decimal("3440"),
        terminals=48,
        data_plan_price=Decimal("60"),
        monthly_withheld=Decimal("15000"),
        payment_rule=rule,
        note="人数、单价、流量费取自2024年度项目支出绩效目标申报表；考核金额度与扣分标准为演示值。",
    )
    for min_score, ratio in DEMO_BANDS:
        ScoreBand.objects.create(contract=contract, min_score=min_score, payout_ratio=Decimal(ratio))
    for order, (code, item_name, unit, source, points, max_points, amount) in enumerate(DEMO_ITEMS):
        AssessmentItemDefinition.objects.create(
            contract=contract,
            code=code,
            name=item_name,
            unit=unit,
            source=source,
            order=order,
            points_per_unit=Decimal(points),
            max_points=Decimal(max_points),
            amount_per_unit=Decimal(amount),
        )
    budget = Budget.objects.create(year=year, name=f"{year}年网格化管理信息采集费", amount=Decimal("2016000"))
    budget.contracts.add(contract)
    return contract


@transaction.atomic
def load_contracts(stdout, options) -> None:
    if Contract.objects.exists():
        stdout.write("contracts: already loaded")
        return
    contractor = _contractor()
    leader = _demo_user("leader1", Role.LEADER, full_name="杨杰")
    _demo_user("contractor1", Role.CONTRACTOR, full_name="服务商管理员", department=contractor)
    acknowledger = User.objects.filter(role=Role.CONTRACTOR, department=contractor).first()

    old = make_contract(
        "CGWG-XXCJ-2024",
        "市网格中心呈贡分中心城市网格化管理信息采集市场化服务外包项目（2024年）",
        2024,
        contractor,
    )
    for index, quantities in enumerate(DEMO_2024_QUANTITIES):
        month = datetime.date(2024, index + 1, 1)
        sheet = assessment.create_sheet(leader, old, month, collect=False)
        for code, quantity in quantities.items():
            assessment.set_item(
                leader, sheet, code, quantity, evidence={"figures": {"演示数据": quantity}}, note="演示数据"
            )
        assessment.approve(leader, sheet)
        if acknowledger:
            assessment.acknowledge(acknowledger, sheet)
        assessment.record_payment(leader, sheet, _next_month(month).replace(day=10))

    today = datetime.date.today()
    current = make_contract(
        f"CGWG-XXCJ-{today.year}",
        f"市网格中心呈贡分中心城市网格化管理信息采集市场化服务外包项目（{today.year}年）",
        today.year,
        contractor,
    )
    # Every month before this one approved, acknowledged and paid; this month's sheet is a draft.
    month = datetime.date(today.year, 1, 1)
    this_month = today.replace(day=1)
    while month <= this_month:
        sheet = assessment.create_sheet(leader, current, month)
        if month < this_month:
            assessment.approve(leader, sheet)
            if acknowledger:
                assessment.acknowledge(acknowledger, sheet)
            assessment.record_payment(leader, sheet, min(today, _next_month(month).replace(day=10)))
        month = _next_month(month)
    stdout.write(
        f"contracts: {Contract.objects.count()} contracts, "
        f"{MonthlyAssessment.objects.count()} monthly assessment sheets"
    )


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
