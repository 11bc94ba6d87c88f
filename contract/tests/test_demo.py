"""The demo contracts: the seed's 2024 contract fully paid, and the current year's contract."""

import datetime
import io
from decimal import Decimal

import pytest

from contract import targets
from contract.demo import load_contracts
from contract.models import Contract, MonthlyAssessment, Payment

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_2024_contract_of_the_seed_and_a_current_one():
    load_contracts(io.StringIO(), {})
    old = Contract.objects.get(number="CGWG-XXCJ-2024")
    # 48 × 3,440 + 48 × 60 = 168,000 a month; 12 × 168,000 = 2,016,000 = the 2024 budget
    assert old.monthly_service_fee == Decimal("168000")
    assert old.assessments.filter(state="acknowledged").count() == 12
    paid = sum(p.amount for p in Payment.objects.filter(contract=old))
    assert targets.budget_executed(datetime.date(2024, 12, 1)) == (paid / Decimal("2016000")).quantize(
        Decimal("0.0001")
    )
    assert Decimal("0.95") <= paid / Decimal("2016000") <= 1
    today = datetime.date.today()
    current = Contract.objects.get(number=f"CGWG-XXCJ-{today.year}")
    assert current.assessments.get(month=today.replace(day=1)).state == MonthlyAssessment.State.DRAFT
    assert current.assessments.count() == today.month
    load_contracts(io.StringIO(), {})  # a second run changes nothing
    assert Contract.objects.count() == 2
