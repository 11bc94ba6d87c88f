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
    rows = AttendanceDay.objects.filter(day__gte=start, day__lt=last).aggregate(
        days=Count("day", distinct=True), present=Count("id", filter=Q(present=True))
    )
    if not rows["days"]:
        return None  # no patrol data in the period
    return (Decimal(rows["present"]) / days).quantize(Decimal("0.1"))


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


def local_bounds(start: datetime.date, end: datetime.date):
    """Aware datetimes of local midnight at `start` and at `end`."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


def satisfaction_figures(start: datetime.date, end: datetime.date) -> dict:
    """Answers and satisfied answers per kind, and the overall rate (None without answers)."""
    from .models import SatisfactionRecord

    since, until = local_bounds(start, end)
    satisfied = Q(level__in=SatisfactionRecord.SATISFIED_LEVELS)
    rows = (
        SatisfactionRecord.objects.filter(recorded_at__gte=since, recorded_at__lt=until)
        .values("kind")
        .annotate(answers=Count("id"), satisfied=Count("id", filter=satisfied))
        .order_by("kind")
    )
    per_kind = {row["kind"]: {"answers": row["answers"], "satisfied": row["satisfied"]} for row in rows}
    answers = sum(v["answers"] for v in per_kind.values())
    happy = sum(v["satisfied"] for v in per_kind.values())
    return {"per_kind": per_kind, "answers": answers, "satisfied": happy, "rate": rate(happy, answers)}


def satisfaction_rate(start: datetime.date, end: datetime.date) -> Decimal | None:
    return satisfaction_figures(start, end)["rate"]


def rate(numerator, denominator) -> Decimal | None:
    """numerator / denominator to 4 places; None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def acceptance_pass_rate(start: datetime.date, end: datetime.date) -> Decimal | None:
    """验收合格率: supervisors' reports of the period accepted as valid cases / all their reports."""
    from . import facts as f
    from .indicators import SUPERVISOR, Period, _actions_scope, _base
    from .session import aggregate_queries

    period = Period(start, end)
    reports, valid = (
        next(fig for fig in SUPERVISOR.figures if fig.key == key) for key in ("reports", "valid_reports")
    )
    conditions = reports.condition(period), valid.condition(period)
    # Only the events of the figures' actions can count (read off their conditions): an index range.
    events = _base(reports, period)
    scope = _actions_scope(conditions)
    if scope is not None:
        events = events.filter(**{f"{f.EVENT_ACTION}__in": sorted(scope)})
    with aggregate_queries():
        counts = events.aggregate(
            reports=Count("case", filter=conditions[0]), valid=Count("case", filter=conditions[1])
        )
    return rate(counts["valid"], counts["reports"])


def hazards_removed_within_limit(start: datetime.date, end: datetime.date) -> Decimal | None:
    """Safety-hazard cases (configured sub-types) sent to a department in the period: the share
    whose handling met its time limit (a feedback event on time)."""
    from django.db.models import Exists, OuterRef

    from . import facts as f
    from .session import aggregate_queries

    since, until = local_bounds(start, end)
    events = f.CaseEvent().objects
    handled_on_time = events.filter(
        case=OuterRef("case"), **{f.EVENT_ACTION: f.GIVE_FEEDBACK, f.EVENT_ON_TIME: True}
    )
    with aggregate_queries():
        counts = events.filter(
            **{
                f"{f.EVENT_TIME}__gte": since,
                f"{f.EVENT_TIME}__lt": until,
                f"{f.EVENT_ACTION}": f.DISPATCH,
                "case__category__safety_hazard": True,
            }
        ).aggregate(
            sent=Count("case", distinct=True),
            on_time=Count("case", distinct=True, filter=Q(Exists(handled_on_time))),
        )
    return rate(counts["on_time"], counts["sent"])


def patrol_activity(start: datetime.date, end: datetime.date) -> list[dict]:
    """Per supervisor straight from the track points: points recorded, first and last position."""
    from django.db.models import Max, Min

    from patrol.models import TrackPoint

    from .session import aggregate_queries

    since, until = local_bounds(start, end)
    with aggregate_queries():
        return list(
            TrackPoint.objects.filter(recorded_at__gte=since, recorded_at__lt=until)
            .values("supervisor_id")
            .annotate(points=Count("recorded_at"), first=Min("recorded_at"), last=Max("recorded_at"))
            .order_by("supervisor_id")
        )
