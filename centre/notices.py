"""The notices of a handler's inbox: 督办 (of a case or of the whole department, written by
cases.workflow.supervise / supervise_department), 催办 and deadline reminders; 督办 on top.
Reads, and marks a notice read; it never writes a notice."""

from django.db.models import Case, Q, Value, When
from django.utils import timezone

from cases.models import FINAL_STATES, Reminder


def unread(rows=None):
    """Unread notices that still ask for something: one about a case that has since been closed,
    voided or merged is history, not work (it stays in the case's record)."""
    rows = Reminder.objects.all() if rows is None else rows
    return rows.filter(read_at=None).exclude(case__state__in=FINAL_STATES)


def inbox_notices(user, limit: int = 20):
    """Unread notices for the user's department or the user: 督办 first (the leaders' word goes on
    top, however many deadline reminders are newer), then the rest, newest first."""
    rows = unread().select_related("case", "created_by")
    if user.department_id:
        rows = rows.filter(Q(department_id=user.department_id) | Q(recipient=user))
    else:
        rows = rows.filter(recipient=user)
    supervised_first = Case(When(kind=Reminder.Kind.SUPERVISED, then=Value(0)), default=Value(1))
    return list(rows.order_by(supervised_first, "-created_at", "-id")[:limit])


def mark_read(user, reminder_id: int) -> bool:
    rows = Reminder.objects.filter(pk=reminder_id, read_at=None)
    if user.department_id:
        rows = rows.filter(department_id=user.department_id) | rows.filter(
            pk=reminder_id, read_at=None, recipient=user
        )
    else:
        rows = rows.filter(recipient=user)
    return bool(rows.update(read_at=timezone.now()))
