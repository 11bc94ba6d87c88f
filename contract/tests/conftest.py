import datetime
from decimal import Decimal

import pytest

from accounts.models import Department, Role, User
from contract.models import AssessmentItemDefinition, Budget, Contract, ScoreBand


@pytest.fixture
def contractor():
    return Department.objects.create(code="acme", name="阿克米采集公司", kind=Department.Kind.CONTRACTOR)


@pytest.fixture
def other_contractor():
    return Department.objects.create(code="other", name="另一家公司", kind=Department.Kind.CONTRACTOR)


@pytest.fixture
def lena_the_leader():
    return User.objects.create_user("lena", password="pw-lena-123", role=Role.LEADER, full_name="Lena")


@pytest.fixture
def carl_of_the_contractor(contractor):
    return User.objects.create_user(
        "carl", password="pw-carl-123", role=Role.CONTRACTOR, department=contractor, full_name="Carl"
    )


@pytest.fixture
def olga_of_another_contractor(other_contractor):
    return User.objects.create_user(
        "olga", password="pw-olga-123", role=Role.CONTRACTOR, department=other_contractor
    )


@pytest.fixture
def sam_the_supervisor():
    return User.objects.create_user("sam", password="pw-sam-123", role=Role.SUPERVISOR)


def make_contract(contractor, *, rule=Contract.PaymentRule.SCORE_BANDS, year=2024):
    """The seed's 2024 figures: 48 × 3,440 + 48 × 60 = 168,000 a month, of which 15,000 withheld."""
    contract = Contract.objects.create(
        number=f"T-{year}-{rule}",
        name="信息采集外包（测试）",
        contractor=contractor,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        supervisors=48,
        unit_price=Decimal("3440"),
        terminals=48,
        data_plan_price=Decimal("60"),
        monthly_withheld=Decimal("15000"),
        payment_rule=rule,
    )
    for min_score, ratio in [(90, "1"), (80, "0.8"), (70, "0.6"), (60, "0.4")]:
        ScoreBand.objects.create(contract=contract, min_score=min_score, payout_ratio=Decimal(ratio))
    for order, (code, name, unit, points, max_points, amount) in enumerate(
        [
            ("absence", "缺勤", "人·天", "1", "30", "200"),
            ("missed_reports", "漏报", "件", "0.5", "20", "50"),
            ("late_checks", "超时核查", "件", "0.2", "15", "20"),
        ]
    ):
        AssessmentItemDefinition.objects.create(
            contract=contract,
            code=code,
            name=name,
            unit=unit,
            order=order,
            source="manual",
            points_per_unit=Decimal(points),
            max_points=Decimal(max_points),
            amount_per_unit=Decimal(amount),
        )
    budget = Budget.objects.create(year=year, name=f"{year} 信息采集费 {rule}", amount=Decimal("2016000"))
    budget.contracts.add(contract)
    return contract


@pytest.fixture
def banded_contract(contractor):
    return make_contract(contractor)


@pytest.fixture
def deduction_contract(contractor):
    return make_contract(contractor, rule=Contract.PaymentRule.DEDUCTIONS)
