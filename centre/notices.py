"""督办 of a whole department by a leader: a notice at the top of every handler's inbox there.

A department-level notice changes no case, so it is not a workflow transition; it is stored as a
cases.Reminder without a case (kind 督办), which the inbox reads beside the case reminders.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import require_role
from cases.models import Reminder
from urbangrid.errors import DomainError


def supervise_department(actor, department, *, note: str, at=None) -> Reminder:
    require_role(actor, Role.LEADER, Role.ADMIN)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写督办意见。"))
    with transaction.atomic():
        return Reminder.objects.create(
            kind=Reminder.Kind.SUPERVISED,
            department=department,
            created_by=actor,
            created_at=at or timezone.now(),
            note=note,
        )


def inbox_notices(user, limit: int = 20):
    """Unread 督办/催办/overdue notices for the user's department or the user, newest first."""
    rows = Reminder.objects.filter(read_at=None).select_related("case", "created_by")
    if user.department_id:
        rows = rows.filter(department_id=user.department_id) | rows.filter(recipient=user)
    else:
        rows = rows.filter(recipient=user)
    # 督办 first: the leaders' word goes on top.
    notices = list(rows.order_by("-created_at")[:limit])
    return sorted(notices, key=lambda r: (r.kind != Reminder.Kind.SUPERVISED, -r.created_at.timestamp()))


def mark_read(user, reminder_id: int) -> bool:
    rows = Reminder.objects.filter(pk=reminder_id, read_at=None)
    if user.department_id:
        rows = rows.filter(department_id=user.department_id) | rows.filter(
            pk=reminder_id, read_at=None, recipient=user
        )
    else:
        rows = rows.filter(recipient=user)
    return bool(rows.update(read_at=timezone.now()))
