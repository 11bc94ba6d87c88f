"""The monthly assessment workflow: draft → approved by the centre → acknowledged by the contractor.

Plain functions, each checking the actor's role and the sheet's state and writing in one
transaction. Nothing else changes a sheet. Once approved a sheet is frozen (the models refuse
saves too). The arithmetic lives in `compute`, a pure function of the items and the contract.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from urbangrid.errors import Conflict, DomainError, NotAllowed

from .models import AssessmentItem, Budget, Contract, MonthlyAssessment, Payment

# Who may draft and approve sheets, and record payments (the centre's management).
CENTRE_ASSESSORS = frozenset({Role.LEADER, Role.ADMIN, Role.SHIFT_LEADER})
CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _require_assessor(actor):
    if actor is None or actor.role not in CENTRE_ASSESSORS:
        raise NotAllowed(_("只有中心领导或值班长可以编制、审定考核表"))


def _require_draft(sheet: MonthlyAssessment):
    if sheet.frozen:
        raise Conflict(_("考核表已审定，不能修改"))


def rule_snapshot(contract: Contract) -> dict:
    """The contract's rule as it stands: prices, bands and items, stored on each sheet."""
    return {
        "payment_rule": contract.payment_rule,
        "supervisors": contract.supervisors,
        "unit_price": str(contract.unit_price),
        "terminals": contract.terminals,
        "data_plan_price": str(contract.data_plan_price),
        "monthly_withheld": str(contract.monthly_withheld),
        "bands": [
            {"min_score": str(b.min_score), "payout_ratio": str(b.payout_ratio)}
            for b in contract.score_bands.order_by("-min_score")
        ],
        "items": [
            {
                "code": d.code,
                "name": d.name,
                "unit": d.unit,
                "source": d.source,
                "points_per_unit": str(d.points_per_unit),
                "max_points": None if d.max_points is None else str(d.max_points),
                "amount_per_unit": str(d.amount_per_unit),
            }
            for d in contract.item_definitions.all()
        ],
    }


def compute(snapshot: dict, quantities: dict[str, Decimal]) -> dict:
    """Score and money for one month from the rule snapshot and each item's quantity.

    score = 100 − Σ min(max_points, quantity × points_per_unit), never below 0.
    Score bands pay withheld × the ratio of the highest band whose min_score ≤ score;
    deductions pay withheld − Σ quantity × amount_per_unit, never below 0.
    payable = service fee − withheld + withheld paid.
    """
    items = {}
    total_points = Decimal("0")
    total_amount = Decimal("0")
    for item in snapshot["items"]:
        quantity = Decimal(quantities.get(item["code"], 0))
        points = quantity * Decimal(item["points_per_unit"])
        if item["max_points"] is not None:
            points = min(points, Decimal(item["max_points"]))
        amount = money(quantity * Decimal(item["amount_per_unit"]))
        items[item["code"]] = {"points": money(points), "amount": amount}
        total_points += points
        total_amount += amount
    score = max(Decimal("0"), Decimal("100") - total_points)
    fee = money(
        snapshot["supervisors"] * Decimal(snapshot["unit_price"])
        + snapshot["terminals"] * Decimal(snapshot["data_plan_price"])
    )
    withheld = money(snapshot["monthly_withheld"])
    if snapshot["payment_rule"] == Contract.PaymentRule.SCORE_BANDS:
        ratio = Decimal("0")
        for band in sorted(snapshot["bands"], key=lambda b: Decimal(b["min_score"]), reverse=True):
            if score >= Decimal(band["min_score"]):
                ratio = Decimal(band["payout_ratio"])
                break
        withheld_paid = money(withheld * ratio)
    else:
        withheld_paid = money(max(Decimal("0"), withheld - total_amount))
    return {
        "items": items,
        "score": money(score),
        "service_fee": fee,
        "withheld": withheld,
        "withheld_paid": withheld_paid,
        "payable": money(fee - withheld + withheld_paid),
    }


def _recompute(sheet: MonthlyAssessment) -> None:
    quantities = {item.code: item.quantity for item in sheet.items.all()}
    result = compute(sheet.rule_snapshot, quantities)
    for item in sheet.items.all():
        figures = result["items"].get(item.code, {"points": Decimal(0), "amount": Decimal(0)})
        if (item.points, item.amount) != (figures["points"], figures["amount"]):
            item.points, item.amount = figures["points"], figures["amount"]
            item.save(update_fields=["points", "amount"])
    for field in ("score", "service_fee", "withheld", "withheld_paid", "payable"):
        setattr(sheet, field, result[field])
    sheet.computed_at = timezone.now()
    sheet.save()


@transaction.atomic
def create_sheet(
    actor, contract: Contract, month: datetime.date, *, collect: bool = True
) -> MonthlyAssessment:
    """Draft the sheet of one month with one item per assessment item of the contract.

    Items with a data source get their quantity and evidence collected (contract/evidence.py).
    """
    _require_assessor(actor)
    month = first_of_month(month)
    if not contract.covers(month) and not contract.covers(month.replace(day=28)):
        raise DomainError(_("该月份不在合同期内"))
    if MonthlyAssessment.objects.filter(contract=contract, month=month).exists():
        raise Conflict(_("该月考核表已存在"))
    sheet = MonthlyAssessment.objects.create(
        contract=contract, month=month, rule_snapshot=rule_snapshot(contract)
    )
    for definition in contract.item_definitions.all():
        AssessmentItem.objects.create(
            sheet=sheet,
            code=definition.code,
            name=definition.name,
            unit=definition.unit,
            order=definition.order,
        )
    if collect:
        _collect(sheet)
    _recompute(sheet)
    return sheet


def _collect(sheet: MonthlyAssessment) -> None:
    from .evidence import collect_item

    sources = {item["code"]: item["source"] for item in sheet.rule_snapshot["items"]}
    for item in sheet.items.all():
        source = sources.get(item.code)
        if not source or source == "manual":
            continue
        quantity, evidence = collect_item(source, sheet.contract, sheet.month)
        item.quantity, item.evidence = quantity, evidence
        item.save(update_fields=["quantity", "evidence"])


@transaction.atomic
def refresh(actor, sheet: MonthlyAssessment) -> MonthlyAssessment:
    """Collect the automatic items again (e.g. after late data arrived), then recompute."""
    _require_assessor(actor)
    sheet = MonthlyAssessment.objects.select_for_update().get(pk=sheet.pk)
    _require_draft(sheet)
    _collect(sheet)
    _recompute(sheet)
    return sheet


@transaction.atomic
def set_item(
    actor, sheet: MonthlyAssessment, code: str, quantity, *, evidence=None, note=None
) -> AssessmentItem:
    """Enter or correct one item's quantity (with its evidence) on a draft sheet."""
    _require_assessor(actor)
    sheet = MonthlyAssessment.objects.select_for_update().get(pk=sheet.pk)
    _require_draft(sheet)
    try:
        quantity = Decimal(str(quantity))
    except ArithmeticError:
        raise DomainError(_("数量必须是数字")) from None
    if quantity < 0:
        raise DomainError(_("数量不能为负数"))
    item = sheet.items.filter(code=code).first()
    if item is None:
        raise DomainError(_("考核表中没有该项目：%(code)s") % {"code": code})
    item.quantity = quantity
    if evidence is not None:
        item.evidence = evidence
    if note is not None:
        item.note = note
    item.save()
    _recompute(sheet)
    item.refresh_from_db()
    return item


@transaction.atomic
def approve(actor, sheet: MonthlyAssessment) -> MonthlyAssessment:
    """The centre approves the sheet; from now on it is frozen."""
    _require_assessor(actor)
    sheet = MonthlyAssessment.objects.select_for_update().get(pk=sheet.pk)
    _require_draft(sheet)
    _recompute(sheet)
    sheet.state = MonthlyAssessment.State.APPROVED
    sheet.approved_by = actor
    sheet.approved_at = timezone.now()
    sheet.save()
    return sheet


@transaction.atomic
def acknowledge(actor, sheet: MonthlyAssessment) -> MonthlyAssessment:
    """The contractor's manager acknowledges an approved sheet."""
    sheet = MonthlyAssessment.objects.select_for_update().select_related("contract").get(pk=sheet.pk)
    if actor is None or actor.role != Role.CONTRACTOR or actor.department_id != sheet.contract.contractor_id:
        raise NotAllowed(_("只有该合同的服务商可以确认考核表"))
    if sheet.state != MonthlyAssessment.State.APPROVED:
        raise Conflict(_("考核表尚未审定或已确认"))
    from .models import ACK_FIELDS

    sheet.state = MonthlyAssessment.State.ACKNOWLEDGED
    sheet.acknowledged_by = actor
    sheet.acknowledged_at = timezone.now()
    sheet.save(update_fields=ACK_FIELDS)
    return sheet


def budget_for(contract: Contract, year: int) -> Budget:
    budget = contract.budgets.filter(year=year).first()
    if budget is None:
        raise DomainError(_("%(year)s 年没有该合同的预算") % {"year": year})
    return budget


@transaction.atomic
def record_payment(actor, sheet: MonthlyAssessment, paid_on: datetime.date, *, note: str = "") -> Payment:
    """Pay an approved sheet's payable amount out of the budget of its year (once)."""
    _require_assessor(actor)
    sheet = MonthlyAssessment.objects.select_for_update().select_related("contract").get(pk=sheet.pk)
    if not sheet.frozen:
        raise Conflict(_("考核表审定后才能支付"))
    if Payment.objects.filter(assessment=sheet).exists():
        raise Conflict(_("该月已支付"))
    budget = budget_for(sheet.contract, sheet.month.year)
    return Payment.objects.create(
        budget=budget,
        contract=sheet.contract,
        assessment=sheet,
        month=sheet.month,
        paid_on=paid_on,
        amount=sheet.payable,
        note=note,
        recorded_by=actor,
    )
