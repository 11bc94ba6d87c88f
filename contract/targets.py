"""The performance-target dashboard (绩效目标): each declared target's value for a month.

The targets themselves (value, comparison, tolerance) are rows of PerformanceTarget; this module
only measures. Each measure takes the first day of a month and returns a number or None (no data
for that month). Figures that come from the case history and the patrol tracks are computed by
evaluation/measures.py.
"""

import calendar
import datetime
from decimal import Decimal

from django.db.models import Sum

from .models import Budget, Payment, PerformanceTarget


def month_range(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First day of the month and first day of the next month."""
    first = month.replace(day=1)
    return first, (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_months(month: datetime.date, count: int) -> list[datetime.date]:
    months = [month.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def budget_executed(month: datetime.date) -> Decimal | None:
    """Paid out of the year's budgets up to the end of `month` / those budgets."""
    budget = Budget.objects.filter(year=month.year).aggregate(total=Sum("amount"))["total"]
    if not budget:
        return None
    _first, end = month_range(month)
    paid = Payment.objects.filter(budget__year=month.year, month__lt=end).aggregate(total=Sum("amount"))[
        "total"
    ]
    return (Decimal(paid or 0) / budget).quantize(Decimal("0.0001"))


def budget_expected(month: datetime.date, target: Decimal) -> Decimal:
    """The share of the year-end target that should be reached by the end of `month`."""
    return (target * month.month / 12).quantize(Decimal("0.0001"))


def monthly_cost(month: datetime.date) -> Decimal | None:
    """What the supervisors of that month cost: payments for the month minus the data plans."""
    payments = Payment.objects.filter(month=month.replace(day=1)).select_related("assessment")
    if not payments:
        return None
    total = Decimal(0)
    for payment in payments:
        total += payment.amount
        snapshot = payment.assessment.rule_snapshot if payment.assessment else {}
        if snapshot:
            total -= snapshot["terminals"] * Decimal(snapshot["data_plan_price"])
    return total


def _evaluation_measure(name):
    def measure(month):
        from evaluation import measures

        return getattr(measures, name)(*month_range(month))

    return measure


MEASURES = {
    "collectors_on_duty": _evaluation_measure("collectors_on_duty"),
    "acceptance_pass_rate": _evaluation_measure("acceptance_pass_rate"),
    "budget_executed": budget_executed,
    "monthly_cost": monthly_cost,
    "hazards_removed": _evaluation_measure("hazards_removed_within_limit"),
    "satisfaction": _evaluation_measure("satisfaction_rate"),
}


def dashboard(month: datetime.date, *, trend_months: int = 12) -> dict:
    """Every target with its value for `month`, whether it is met, and the trend before it."""
    month = month.replace(day=1)
    months = previous_months(month, trend_months)
    rows = []
    for target in PerformanceTarget.objects.all():
        measure = MEASURES.get(target.code)
        if measure is None:
            continue
        trend = [measure(m) for m in months]
        value = trend[-1]
        goal = target.target
        if target.code == "budget_executed":
            # "≥ 95 % by year end": during the year, compare with the pro-rata share.
            goal = budget_expected(month, target.target)
        met = None if value is None else target.is_met(value) if goal == target.target else value >= goal
        rows.append(
            {
                "code": target.code,
                "name": target.name,
                "unit": target.unit,
                "comparison": target.get_comparison_display(),
                "target": target.target,
                "goal_this_month": goal,
                "value": value,
                "met": met,
                "note": target.note,
                "trend": [
                    {"month": m.strftime("%Y-%m"), "value": v} for m, v in zip(months, trend, strict=True)
                ],
            }
        )
    return {
        "month": month.strftime("%Y-%m"),
        "days": calendar.monthrange(month.year, month.month)[1],
        "targets": rows,
    }
