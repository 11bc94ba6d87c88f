"""District-level measures for the performance-target dashboard and the contract's evidence.

Every function takes a period [start, end) of local dates and answers with a number (None when
there is nothing to measure) or, for contract evidence, (quantity, evidence).
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from .attendance import ensure_rolled_up
from .models import AttendanceDay


def _elapsed_days(start: datetime.date, end: datetime.date) -> int:
    today = timezone.localdate()
    return max(0, (min(end, today + datetime.timedelta(days=1)) - start).days)


def collectors_on_duty(start: datetime.date, end: datetime.date) -> Decimal | None:
    """Average number of supervisors present per day (present: enough time on duty that day)."""
    days = _elapsed_days(start, end)
    if not days:
        return None
    ensure_rolled_up(start, end)
    last = start + datetime.timedelta(days=days)
    present = AttendanceDay.objects.filter(day__gte=start, day__lt=last, present=True).count()
    return (Decimal(present) / days).quantize(Decimal("0.1"))


def attendance_summary(supervisor_ids, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per supervisor over the period: days present/absent, on-duty hours, coverage, time outside."""
    from django.db.models import Sum

    ensure_rolled_up(start, end)
    rows = (
        AttendanceDay.objects.filter(day__gte=start, day__lt=end, supervisor_id__in=supervisor_ids)
        .values("supervisor_id")
        .annotate(
            days_present=Count("id", filter=Q(present=True)),
            days_absent=Count("id", filter=Q(present=False)),
            on_duty_minutes=Sum("on_duty_minutes"),
            outside_minutes=Sum("outside_minutes"),
            shifts_without_positions=Sum("shifts_without_positions"),
            points=Sum("points"),
        )
        .order_by("supervisor_id")
    )
    return list(rows)


def _absence_evidence(supervisor_ids, start, end):
    ensure_rolled_up(start, end)
    rows = (
        AttendanceDay.objects.filter(
            day__gte=start, day__lt=end, supervisor_id__in=supervisor_ids, present=False
        )
        .select_related("supervisor")
        .order_by("day", "supervisor__username")
    )
    attendance = [
        {
            "day": row.day.isoformat(),
            "supervisor": str(row.supervisor),
            "what": f"在岗 {row.on_duty_minutes} 分钟，{row.shifts} 个班次，无轨迹班次 {row.shifts_without_positions}",
        }
        for row in rows
    ]
    return len(attendance), {"figures": {"缺勤人·天": len(attendance)}, "attendance": attendance}


def contract_evidence(source: str, supervisor_ids, start: datetime.date, end: datetime.date):
    """(quantity, evidence) of one automatic assessment item for the contractor's supervisors."""
    if source == "absence":
        return _absence_evidence(supervisor_ids, start, end)
    from . import indicators

    return indicators.supervisor_item_evidence(source, supervisor_ids, start, end)
