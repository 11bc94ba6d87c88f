"""Deadline reminders and automatic escalation (超期提醒 / 超期督办), run by a periodic task.

scan_deadlines(now) looks only at open cases with a deadline, through the (state, due_at) index:
- due soon: due_at within URBANGRID_DUE_SOON_MINUTES (clock minutes, default 60) from now →
  one Reminder(kind=due_soon) per case, step and deadline;
- overdue: due_at < now → one Reminder(kind=overdue);
- escalated: overdue by more than URBANGRID_ESCALATE_AFTER_MINUTES (default 240) and not yet
  supervised → Case.supervised=True by compare-and-set plus a Reminder(kind=escalated) for the
  leaders. When cases.workflow.escalate exists it does this (with its CaseEvent) instead.

Who sees a reminder: reminders carry no per-person recipient (the unique constraint allows one
automatic reminder per case, step and deadline): the handling step's department when the case has
one, else the centre role of the step (STEP_ROLES); escalated ones go to every leader. See
reminders_for(user).

Never changes a case's state. Running twice, or two workers at once, creates no duplicates
(existing reminders are excluded in SQL, and the unique constraint with ignore_conflicts covers
the race).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Role
from catalog.models import Step

from .models import FINAL_STATES, Case, Reminder, State

logger = logging.getLogger(__name__)

BATCH = 2000
# States that carry a live deadline (final and parked ones do not).
LIVE_STATES = sorted(set(State) - set(FINAL_STATES) - {State.PARKED})
# The centre role that owns each step (the department owns handle when the case has one).
STEP_ROLES = {
    Step.ACCEPT: Role.INTAKE,
    Step.VERIFY: Role.INTAKE,
    Step.REGISTER: Role.SHIFT_LEADER,
    Step.DISPATCH: Role.DISPATCHER,
    Step.HANDLE: Role.DISPATCHER,
    Step.CHECK: Role.INTAKE,
    Step.CLOSE: Role.SHIFT_LEADER,
}


def _minutes(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _live():
    return Case.objects.filter(state__in=LIVE_STATES, due_at__isnull=False).exclude(step="")


def _create_missing(cases, kind: str, now: datetime) -> int:
    already = Reminder.objects.filter(
        case=OuterRef("pk"), kind=kind, step=OuterRef("step"), due_at=OuterRef("due_at")
    )
    rows = cases.filter(~Exists(already)).values_list("id", "step", "due_at", "department_id")
    created = 0
    last_id = 0
    while True:
        # Keyset pages over the candidates only (never a loop over all open cases).
        page = list(rows.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not page:
            return created
        last_id = page[-1][0]
        objs = [
            Reminder(case_id=cid, kind=kind, step=step, due_at=due, department_id=dept, created_at=now)
            for cid, step, due, dept in page
        ]
        Reminder.objects.bulk_create(objs, ignore_conflicts=True)
        created += len(objs)


def _escalate(now: datetime, after: int) -> int:
    candidates = list(
        _live().filter(due_at__lt=now - timedelta(minutes=after), supervised=False).order_by("id")[:BATCH]
    )
    try:
        from .workflow import escalate
    except ImportError:
        escalate = None
    count = 0
    for case in candidates:
        if escalate is not None:
            count += bool(escalate(case, at=now))
            continue
        # Compare-and-set: only the worker that flips supervised writes the reminder.
        if Case.objects.filter(id=case.id, supervised=False).update(supervised=True):
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        case=case,
                        kind=Reminder.Kind.ESCALATED,
                        step=case.step,
                        due_at=case.due_at,
                        department=case.department,
                        created_at=now,
                    )
                ],
                ignore_conflicts=True,
            )
            count += 1
    return count


def scan_deadlines(now: datetime | None = None) -> dict:
    """Create due-soon, overdue and escalation reminders; return how many of each."""
    now = now or timezone.now()
    soon = _minutes("URBANGRID_DUE_SOON_MINUTES", 60)
    after = _minutes("URBANGRID_ESCALATE_AFTER_MINUTES", 240)
    live = _live()
    result = {
        "due_soon": _create_missing(
            live.filter(due_at__gte=now, due_at__lte=now + timedelta(minutes=soon)),
            Reminder.Kind.DUE_SOON,
            now,
        ),
        "overdue": _create_missing(live.filter(due_at__lt=now), Reminder.Kind.OVERDUE, now),
        "escalated": _escalate(now, after),
    }
    if any(result.values()):
        logger.info("deadline scan at %s: %s", now.isoformat(), result)
    return result


def reminders_for(user):
    """The reminders a user should see: their own, their department's, their role's steps."""
    q = Q(recipient=user)
    if user.department_id:
        q |= Q(department_id=user.department_id, recipient__isnull=True)
    steps = [step for step, role in STEP_ROLES.items() if role == user.role]
    if steps:
        q |= Q(
            recipient__isnull=True,
            department__isnull=True,
            kind__in=[Reminder.Kind.DUE_SOON, Reminder.Kind.OVERDUE],
            step__in=steps,
        )
    if user.role == Role.LEADER:
        q |= Q(kind__in=[Reminder.Kind.ESCALATED, Reminder.Kind.SUPERVISED], recipient__isnull=True)
    return Reminder.objects.filter(q)
