"""JSON API of the evaluation: indicators, the cases behind a figure, rules and satisfaction."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts.models import Department

from . import indicators, periods, rules, satisfaction
from .access import allowed_types, check_type, visible_rows

router = Router(tags=["evaluation"])


class RowOut(Schema):
    id: int
    name: str
    figures: dict[str, int]
    rates: dict[str, Decimal | None]
    score: Decimal | None
    grade: str


class EvaluationOut(Schema):
    object_type: str
    label: str
    start: datetime.date
    end: datetime.date
    rule_set: str
    rule_set_effective_from: datetime.date
    rows: list[RowOut]


class CaseOut(Schema):
    id: int
    number: str


class SatisfactionIn(Schema):
    kind: str
    level: str
    case_id: int | None = None
    department_id: int | None = None
    citizen_phone: str = ""
    comment: str = ""


class RuleSetIn(Schema):
    name: str
    effective_from: datetime.date
    rules: dict
    note: str = ""


@router.get("/indicators", response=EvaluationOut)
def evaluate(request, type: str, period: str = "month", value: str = "", start: str = "", end: str = ""):
    """Figures, rates, score and grade of every object of a type. The period is a day (2024-03-05),
    week (2024-W10), month (2024-03), year (2024) or custom (start and end, inclusive)."""
    check_type(request.auth, type)
    result = indicators.evaluate(type, periods.parse_period(period, value, start, end))
    return {
        "object_type": result["object_type"],
        "label": result["label"],
        "start": result["period"].start,
        "end": result["period"].end - datetime.timedelta(days=1),
        "rule_set": result["rule_set"].name,
        "rule_set_effective_from": result["rule_set"].effective_from,
        "rows": visible_rows(request.auth, type, result["rows"]),
    }


@router.get("/cases", response=list[CaseOut])
def cases_behind(request, type: str, id: int, figure: str, start: datetime.date, end: datetime.date):
    """The cases counted in one figure of one object, for start..end inclusive."""
    check_type(request.auth, type, id)
    period = indicators.Period(start, end + datetime.timedelta(days=1))
    return list(indicators.cases_behind(type, id, figure, period).values("id", "number")[:10000])


@router.post("/satisfaction", response={201: dict})
def add_satisfaction(request, payload: SatisfactionIn):
    department = (
        Department.objects.filter(pk=payload.department_id).first() if payload.department_id else None
    )
    record = satisfaction.record(
        request.auth,
        payload.kind,
        payload.level,
        department=department,
        citizen_phone=payload.citizen_phone,
        comment=payload.comment,
    )
    return Status(201, {"id": record.pk})


@router.get("/rules")
def current_rules(request, day: datetime.date | None = None):
    allowed_types(request.auth)
    from django.utils import timezone

    rule_set = rules.rules_for(day or timezone.localdate())
    return {"name": rule_set.name, "effective_from": rule_set.effective_from, "rules": rule_set.rules}


@router.post("/rules", response={201: dict})
def publish_rules(request, payload: RuleSetIn):
    from accounts.models import Role
    from urbangrid.errors import NotAllowed

    if request.auth.role not in (Role.LEADER, Role.ADMIN):
        raise NotAllowed(_("只有领导或管理员可以发布考核规则"))
    rule_set = rules.publish(
        request.auth, payload.name, payload.effective_from, payload.rules, note=payload.note
    )
    return Status(201, {"id": rule_set.pk, "effective_from": rule_set.effective_from})
