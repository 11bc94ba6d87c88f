"""The monthly assessment sheet: score, payment, approval, acknowledgement, freezing."""

import datetime
from decimal import Decimal

import pytest

from contract import assessment
from contract.models import AssessmentItem, MonthlyAssessment
from urbangrid.errors import Conflict, DomainError, NotAllowed

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2024, 3, 1)


def fill(sheet, leader, **quantities):
    for code, quantity in quantities.items():
        assessment.set_item(leader, sheet, code, quantity)
    sheet.refresh_from_db()
    return sheet


def test_a_clean_month_pays_the_whole_fee(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    # 48 × 3,440 + 48 × 60 = 165,120 + 2,880 = 168,000; score 100 → band ≥ 90 pays 100 % of 15,000
    assert sheet.score == Decimal("100.00")
    assert sheet.service_fee == Decimal("168000.00")
    assert sheet.withheld_paid == Decimal("15000.00")
    assert sheet.payable == Decimal("168000.00")
    assert [i.code for i in sheet.items.all()] == ["absence", "missed_reports", "late_checks"]


def test_score_bands_turn_deductions_into_a_share_of_the_withheld_amount(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    fill(sheet, lena_the_leader, absence=3, missed_reports=10, late_checks=100)
    # points: 3 × 1 = 3; 10 × 0.5 = 5; 100 × 0.2 = 20 capped at 15 → 100 − 23 = 77
    # 77 is in the band ≥ 70 → 60 % of 15,000 = 9,000; payable 168,000 − 15,000 + 9,000 = 162,000
    assert sheet.score == Decimal("77.00")
    assert sheet.withheld_paid == Decimal("9000.00")
    assert sheet.payable == Decimal("162000.00")
    late = sheet.items.get(code="late_checks")
    assert late.points == Decimal("15.00")


def test_a_score_below_every_band_pays_nothing_of_the_withheld_amount(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    fill(sheet, lena_the_leader, absence=30, missed_reports=40, late_checks=75)
    # 30 + 20 + 15 = 65 points → score 35, below 60 → 0; payable 168,000 − 15,000 = 153,000
    assert sheet.score == Decimal("35.00")
    assert sheet.withheld_paid == Decimal("0.00")
    assert sheet.payable == Decimal("153000.00")


def test_per_item_deductions_come_off_the_withheld_amount(deduction_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, deduction_contract, MARCH)
    fill(sheet, lena_the_leader, absence=3, missed_reports=10, late_checks=100)
    # 3 × 200 + 10 × 50 + 100 × 20 = 600 + 500 + 2,000 = 3,100 → 15,000 − 3,100 = 11,900
    assert sheet.withheld_paid == Decimal("11900.00")
    assert sheet.payable == Decimal("164900.00")


def test_deductions_never_take_more_than_the_withheld_amount(deduction_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, deduction_contract, MARCH)
    fill(sheet, lena_the_leader, absence=100)
    # 100 × 200 = 20,000 > 15,000 → nothing of the withheld amount, payable 153,000
    assert sheet.withheld_paid == Decimal("0.00")
    assert sheet.payable == Decimal("153000.00")


def test_an_approved_sheet_is_frozen_for_the_workflow_and_the_models(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    fill(sheet, lena_the_leader, absence=2)
    assessment.approve(lena_the_leader, sheet)
    with pytest.raises(Conflict):
        assessment.set_item(lena_the_leader, sheet, "absence", 0)
    item = AssessmentItem.objects.get(sheet=sheet, code="absence")
    item.quantity = 0
    with pytest.raises(Conflict):
        item.save()
    with pytest.raises(Conflict):
        item.delete()
    stored = MonthlyAssessment.objects.get(pk=sheet.pk)
    stored.score = Decimal("100")
    with pytest.raises(Conflict):
        stored.save()
    with pytest.raises(Conflict):
        stored.delete()
    assert MonthlyAssessment.objects.get(pk=sheet.pk).score == Decimal("98.00")
    with pytest.raises(Conflict):
        assessment.approve(lena_the_leader, sheet)


def test_only_the_centre_drafts_and_approves(banded_contract, carl_of_the_contractor, sam_the_supervisor):
    with pytest.raises(NotAllowed):
        assessment.create_sheet(carl_of_the_contractor, banded_contract, MARCH)
    with pytest.raises(NotAllowed):
        assessment.create_sheet(sam_the_supervisor, banded_contract, MARCH)


def test_the_contractor_acknowledges_only_an_approved_sheet_of_its_own_contract(
    banded_contract, lena_the_leader, carl_of_the_contractor, olga_of_another_contractor
):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    with pytest.raises(Conflict):
        assessment.acknowledge(carl_of_the_contractor, sheet)
    assessment.approve(lena_the_leader, sheet)
    with pytest.raises(NotAllowed):
        assessment.acknowledge(olga_of_another_contractor, sheet)
    with pytest.raises(NotAllowed):
        assessment.acknowledge(lena_the_leader, sheet)
    sheet = assessment.acknowledge(carl_of_the_contractor, sheet)
    assert sheet.state == "acknowledged"
    assert sheet.acknowledged_by == carl_of_the_contractor
    with pytest.raises(Conflict):
        assessment.acknowledge(carl_of_the_contractor, sheet)


def test_one_sheet_per_contract_and_month_inside_the_contract_period(banded_contract, lena_the_leader):
    assessment.create_sheet(lena_the_leader, banded_contract, datetime.date(2024, 3, 17))
    with pytest.raises(Conflict):
        assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    with pytest.raises(DomainError):
        assessment.create_sheet(lena_the_leader, banded_contract, datetime.date(2025, 1, 1))


def test_a_sheet_keeps_the_rule_it_was_drafted_with(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    banded_contract.item_definitions.filter(code="absence").update(points_per_unit=Decimal("10"))
    fill(sheet, lena_the_leader, absence=1)
    # the snapshot still says 1 point per absence day → 99
    assert sheet.score == Decimal("99.00")


def test_quantities_must_be_non_negative_numbers(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    with pytest.raises(DomainError):
        assessment.set_item(lena_the_leader, sheet, "absence", -1)
    with pytest.raises(DomainError):
        assessment.set_item(lena_the_leader, sheet, "absence", "three")
    with pytest.raises(DomainError):
        assessment.set_item(lena_the_leader, sheet, "no_such_item", 1)
