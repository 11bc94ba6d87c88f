"""Recording satisfaction answers: the only code that writes SatisfactionRecord rows."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CENTRE_ROLES, Role
from urbangrid.errors import DomainError, NotAllowed

from .models import SatisfactionRecord

Kind = SatisfactionRecord.Kind

# Who may record each kind of answer.
RECORDERS = {
    Kind.CITIZEN: CENTRE_ROLES,  # the centre calls the citizen back
    Kind.DEPARTMENT_ON_DISPATCH: frozenset({Role.DEPARTMENT}),
    Kind.DISPATCHER_ON_DEPARTMENT: frozenset({Role.DISPATCHER, Role.SHIFT_LEADER, Role.ADMIN}),
}


def record(
    actor, kind: str, level: str, *, case=None, department=None, citizen_phone="", comment="", at=None
):
    """Store one answer. A department rates the dispatch as itself; a dispatcher names the department."""
    if kind not in Kind.values:
        raise DomainError(_("未知的满意度类型"))
    if level not in SatisfactionRecord.Level.values:
        raise DomainError(_("未知的评价等级"))
    if actor is None or actor.role not in RECORDERS[kind]:
        raise NotAllowed(_("无权录入该类满意度评价"))
    if kind == Kind.DEPARTMENT_ON_DISPATCH:
        department = actor.department
    if kind == Kind.DISPATCHER_ON_DEPARTMENT and department is None and case is not None:
        department = case.department
    if kind != Kind.CITIZEN and department is None:
        raise DomainError(_("请指定被评价或评价的处置单位"))
    return SatisfactionRecord.objects.create(
        kind=kind,
        level=level,
        case=case,
        department=department,
        rater=actor,
        citizen_phone=citizen_phone,
        comment=comment,
        recorded_at=at or timezone.now(),
    )
