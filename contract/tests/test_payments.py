"""Payments recorded against the budget, and the budget execution of the seed's 2024 contract."""

import datetime
from decimal import Decimal

import pytest

from contract import assessment, targets
from urbangrid.errors import Conflict

pytestmark = pytest.mark.django_db


def test_twelve_clean_months_execute_the_whole_2024_budget(banded_contract, lena_the_leader):
    for month in range(1, 13):
        sheet = assessment.create_sheet(lena_the_leader, banded_contract, datetime.date(2024, month, 1))
        assessment.approve(lena_the_leader, sheet)
        assessment.record_payment(lena_the_leader, sheet, datetime.date(2024, month, 28))
    # 12 × 168,000 = 2,016,000 = 48 × 3,440 × 12 (1,981,440) + 60 × 48 × 12 (34,560) → 100 %
    assert targets.budget_executed(datetime.date(2024, 12, 1)) == Decimal("1.0000")
    # by the end of June: 6 × 168,000 / 2,016,000 = 0.5
    assert targets.budget_executed(datetime.date(2024, 6, 1)) == Decimal("0.5000")


def test_a_sheet_is_paid_once_and_only_after_approval(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, datetime.date(2024, 2, 1))
    with pytest.raises(Conflict):
        assessment.record_payment(lena_the_leader, sheet, datetime.date(2024, 3, 10))
    assessment.approve(lena_the_leader, sheet)
    payment = assessment.record_payment(lena_the_leader, sheet, datetime.date(2024, 3, 10))
    assert payment.amount == Decimal("168000.00")
    with pytest.raises(Conflict):
        assessment.record_payment(lena_the_leader, sheet, datetime.date(2024, 3, 11))


def test_monthly_cost_leaves_out_the_data_plans(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, datetime.date(2024, 2, 1))
    assessment.set_item(lena_the_leader, sheet, "absence", 15)
    assessment.approve(lena_the_leader, sheet)
    assessment.record_payment(lena_the_leader, sheet, datetime.date(2024, 3, 10))
    # score 85 → 80 % of 15,000 = 12,000; paid 153,000 + 12,000 = 165,000; minus 48 × 60 = 2,880 → 162,120
    assert targets.monthly_cost(datetime.date(2024, 2, 1)) == Decimal("162120.00")
    assert targets.monthly_cost(datetime.date(2024, 1, 1)) is None
