"""Catalogue API: search sub-types by name, code or pinyin initials; one sub-type with its settings.

Ordering by what the user picked recently or often is the phone's job, not this API's."""

from decimal import Decimal

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from .local_settings import UNIT_LABELS
from .models import Category, Scheme, TimeLimit
from .search import search_categories

router = Router(tags=["catalog"])


class CategoryOut(Schema):
    id: int
    scheme: str
    kind: str
    major_code: str
    major_name: str
    minor_code: str
    minor_name: str
    pinyin_initials: str
    urgency: str
    safety_hazard: bool
    department_id: int | None


class TimeLimitOut(Schema):
    step: str
    step_label: str
    area_class: str
    amount: Decimal
    unit: str
    unit_label: str
    own: bool  # False: the default that applies because the sub-type has no limit of its own


class CategoryDetailOut(CategoryOut):
    department_code: str | None
    department_name: str | None
    registration_condition: str
    closing_condition: str
    time_limits: list[TimeLimitOut]


class MajorOut(Schema):
    scheme: str
    kind: str
    major_code: str
    major_name: str
    count: int


@router.get("/majors", response=list[MajorOut], summary="Major classes (大类) with their number of sub-types")
def majors(request, kind: str = "", scheme: str = Scheme.GB_2026):
    qs = Category.objects.filter(active=True, scheme=scheme)
    if kind:
        qs = qs.filter(kind=kind)
    rows = qs.values("scheme", "kind", "major_code", "major_name").annotate(count=Count("id"))
    return list(rows.order_by("kind", "major_code"))


@router.get(
    "/categories", response=list[CategoryOut], summary="Search categories (name, code, pinyin initials)"
)
def categories(request, q: str = "", kind: str = "", scheme: str = "", major_code: str = "", limit: int = 50):
    return search_categories(q, kind=kind, scheme=scheme, major_code=major_code, limit=limit)


def _limit(limit: TimeLimit, own: bool) -> dict:
    return {
        "step": limit.step,
        "step_label": str(limit.get_step_display()),
        "area_class": limit.area_class,
        "amount": limit.amount,
        "unit": limit.unit,
        "unit_label": UNIT_LABELS[limit.unit],
        "own": own,
    }


@router.get(
    "/categories/{category_id}", response=CategoryDetailOut, summary="A category with its local settings"
)
def category_detail(request, category_id: int):
    category = get_object_or_404(Category.objects.select_related("department"), pk=category_id)
    own = list(category.time_limits.all())
    covered = {(t.step, t.area_class) for t in own}
    # A default applies where time_limit_for would fall back to it (see catalog/limits.py).
    defaults = [
        t
        for t in TimeLimit.objects.filter(category__isnull=True)
        if (t.step, t.area_class) not in covered and (t.step, "") not in covered
    ]
    limits = [_limit(t, True) for t in own] + [_limit(t, False) for t in defaults]
    order = {
        step: i
        for i, step in enumerate(["accept", "verify", "register", "dispatch", "handle", "check", "close"])
    }
    limits.sort(key=lambda t: (order.get(t["step"], 99), t["area_class"]))
    department = category.department
    return {
        **{f: getattr(category, f) for f in CategoryOut.model_fields},
        "department_code": department.code if department else None,
        "department_name": department.name if department else None,
        "registration_condition": category.registration_condition,
        "closing_condition": category.closing_condition,
        "time_limits": limits,
    }
