"""Read-side queries on cases: who may see what, overdue and due-soon. Never writes.

Overdue and due-soon are queries on the indexed `due_at`, not flags that rot.
"""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import CENTRE_ROLES, Role

from .models import FINAL_STATES, Case, State, Task

# States with a running deadline (parked and final cases have none).
RUNNING_STATES = [s for s in State.values if s not in FINAL_STATES and s != State.PARKED]


def visible_cases(user) -> QuerySet:
    """The cases a user may see: the centre sees the district (a street's leader, that street);
    a department its cases, current and past; a supervisor their reports and their grids' cases."""
    cases = Case.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return cases
    if user.role in CENTRE_ROLES:
        return cases.filter(street_id=user.street_id) if user.street_id else cases
    if user.role == Role.DEPARTMENT:
        if user.department_id is None:
            return cases.none()
        handled = Q(department_id=user.department_id) | Q(events__department_id=user.department_id)
        return cases.filter(handled).distinct()
    if user.role == Role.SUPERVISOR:
        return cases.filter(Q(reporter=user) | Q(responsibility_grid__supervisors=user)).distinct()
    return cases.none()


def visible_tasks(user) -> QuerySet:
    tasks = Task.objects.select_related("case")
    if user.is_superuser or user.role == Role.ADMIN or user.role in CENTRE_ROLES:
        return tasks
    if user.role == Role.SUPERVISOR:
        return tasks.filter(responsibility_grid__supervisors=user)
    return tasks.none()


def overdue(cases: QuerySet | None = None, now: datetime | None = None) -> QuerySet:
    """Cases past the deadline of their current step (uses the (state, due_at) index)."""
    now = now or timezone.now()
    cases = Case.objects.all() if cases is None else cases
    # The workflow clears due_at on final and parked cases, so the due_at index alone answers.
    return cases.filter(due_at__lt=now)


def due_soon(cases: QuerySet | None = None, now: datetime | None = None, minutes: int = 60) -> QuerySet:
    """Cases whose current step falls due within the next `minutes`."""
    now = now or timezone.now()
    cases = Case.objects.all() if cases is None else cases
    return cases.filter(due_at__gte=now, due_at__lt=now + timedelta(minutes=minutes))
