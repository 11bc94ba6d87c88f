"""JSON API of contracts, monthly assessment sheets, payments and performance targets.

Thin: parse, call contract/assessment.py or contract/targets.py, serialise.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from urbangrid.errors import DomainError

from . import assessment, targets
from .access import get_contract, get_sheet, visible_contracts

router = Router(tags=["contract"])


class ContractOut(Schema):
    id: int
    number: str
    name: str
    contractor: str
    start_date: datetime.date
    end_date: datetime.date
    supervisors: int
    unit_price: Decimal
    terminals: int
    data_plan_price: Decimal
    monthly_withheld: Decimal
    payment_rule: str
    monthly_service_fee: Decimal


class ItemOut(Schema):
    code: str
    name: str
    unit: str
    quantity: Decimal
    points: Decimal
    amount: Decimal
    evidence: dict
    note: str


class SheetOut(Schema):
    id: int
    contract_id: int
    month: datetime.date
    state: str
    score: Decimal
    service_fee: Decimal
    withheld: Decimal
    withheld_paid: Decimal
    payable: Decimal
    approved_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    items: list[ItemOut]


class MonthIn(Schema):
    month: str  # YYYY-MM


class ItemIn(Schema):
    quantity: Decimal
    note: str | None = None
    evidence: dict | None = None


class PaymentIn(Schema):
    paid_on: datetime.date
    note: str = ""


class PaymentOut(Schema):
    id: int
    month: datetime.date
    paid_on: datetime.date
    amount: Decimal
    budget_id: int


def parse_month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise DomainError(_("月份格式应为 YYYY-MM")) from None


def _contract_out(contract) -> dict:
    return {
        **{f: getattr(contract, f) for f in ContractOut.model_fields if f not in ("contractor",)},
        "contractor": contract.contractor.name,
    }


def _sheet_out(sheet) -> dict:
    return {
        **{f: getattr(sheet, f) for f in SheetOut.model_fields if f != "items"},
        "items": list(sheet.items.all()),
    }


@router.get("/contracts", response=list[ContractOut])
def list_contracts(request):
    return [_contract_out(c) for c in visible_contracts(request.auth).select_related("contractor")]


@router.get("/contracts/{contract_id}/assessments", response=list[SheetOut])
def list_sheets(request, contract_id: int):
    contract = get_contract(request.auth, contract_id)
    return [_sheet_out(s) for s in contract.assessments.prefetch_related("items")]


@router.post("/contracts/{contract_id}/assessments", response={201: SheetOut})
def create_sheet(request, contract_id: int, payload: MonthIn):
    contract = get_contract(request.auth, contract_id)
    sheet = assessment.create_sheet(request.auth, contract, parse_month(payload.month))
    return Status(201, _sheet_out(sheet))


@router.get("/assessments/{sheet_id}", response=SheetOut)
def show_sheet(request, sheet_id: int):
    return _sheet_out(get_sheet(request.auth, sheet_id))


@router.put("/assessments/{sheet_id}/items/{code}", response=SheetOut)
def set_item(request, sheet_id: int, code: str, payload: ItemIn):
    sheet = get_sheet(request.auth, sheet_id)
    assessment.set_item(
        request.auth, sheet, code, payload.quantity, evidence=payload.evidence, note=payload.note
    )
    return _sheet_out(get_sheet(request.auth, sheet_id))


@router.post("/assessments/{sheet_id}/refresh", response=SheetOut)
def refresh(request, sheet_id: int):
    return _sheet_out(assessment.refresh(request.auth, get_sheet(request.auth, sheet_id)))


@router.post("/assessments/{sheet_id}/approve", response=SheetOut)
def approve(request, sheet_id: int):
    return _sheet_out(assessment.approve(request.auth, get_sheet(request.auth, sheet_id)))


@router.post("/assessments/{sheet_id}/acknowledge", response=SheetOut)
def acknowledge(request, sheet_id: int):
    return _sheet_out(assessment.acknowledge(request.auth, get_sheet(request.auth, sheet_id)))


@router.post("/assessments/{sheet_id}/payment", response={201: PaymentOut})
def pay(request, sheet_id: int, payload: PaymentIn):
    sheet = get_sheet(request.auth, sheet_id)
    return Status(201, assessment.record_payment(request.auth, sheet, payload.paid_on, note=payload.note))


@router.get("/targets")
def performance_targets(request, month: str | None = None):
    """Every performance target for a month: value, target, met, and the 12-month trend."""
    visible_contracts(request.auth)  # the same audience as the contracts
    last_month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    day = parse_month(month) if month else last_month
    return targets.dashboard(day)
