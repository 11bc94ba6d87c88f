"""Reminders and escalation (提醒 / 超期督办): the periodic scan of deadlines.

It finds cases whose current step falls due soon or is overdue and leaves one reminder per case,
step and deadline (a unique constraint makes a second worker's insert a no-op); a case overdue
past a further limit is escalated to the leaders (督办) through cases.workflow.escalate, a
compare-and-set. It never changes a case's state. Every query runs on the indexed due_at, so a
scan costs what is due, not what is stored.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from catalog.models import Step

from . import workflow
from .models import Case, Reminder

BATCH = 2000


def _minutes(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _missing(kind: str):
    """Cases without a reminder of this kind for their current step and deadline."""
    return ~Exists(
        Reminder.objects.filter(
            case=OuterRef("pk"), kind=kind, step=OuterRef("step"), due_at=OuterRef("due_at")
        )
    )


def _remind(cases, kind: str, now) -> int:
    rows = [
        Reminder(
            case_id=case_id,
            kind=kind,
            step=step,
            due_at=due_at,
            # The department is reminded while it handles; centre steps remind the centre's queue.
            department_id=department_id if step == Step.HANDLE else None,
            created_at=now,
        )
        for case_id, step, due_at, department_id in cases.filter(_missing(kind)).values_list(
            "pk", "step", "due_at", "department_id"
        )[:BATCH]
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def scan_deadlines(now=None) -> dict:
    """One pass: due-soon and overdue reminders, and escalation of long-overdue cases."""
    now = now or timezone.now()
    soon = now + timedelta(minutes=_minutes("URBANGRID_DUE_SOON_MINUTES", 60))
    escalate_before = now - timedelta(minutes=_minutes("URBANGRID_ESCALATE_AFTER_MINUTES", 240))
    counts = {
        "due_soon": _remind(
            Case.objects.filter(due_at__gte=now, due_at__lt=soon), Reminder.Kind.DUE_SOON, now
        ),
        "overdue": _remind(Case.objects.filter(due_at__lt=now), Reminder.Kind.OVERDUE, now),
        "escalated": 0,
    }
    long_overdue = Case.objects.filter(due_at__lt=escalate_before, supervised=False).only("pk")[:BATCH]
    for case in long_overdue:
        if workflow.escalate(case, at=now):
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        case=case,
                        kind=Reminder.Kind.ESCALATED,
                        step=case.step or "",
                        due_at=None,
                        created_at=now,
                        note="超期自动督办",
                    )
                ]
            )
            counts["escalated"] += 1
    return counts
