"""The actions a viewer may take on a case page, and how each one calls cases.workflow.

This table only decides which buttons to show and parses the posted form; the workflow function
checks the role, scope and state again and does the write. Nothing here touches Case.state.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import CENTRE_ROLES, Department, Role
from cases import workflow
from cases.models import FINAL_STATES, OPEN_STATES, Case, Source, State, Task
from urbangrid.errors import DomainError, NotFound

WITH_DEPARTMENT = (State.DISPATCHED, State.HANDLING)


@dataclass(frozen=True)
class Action:
    slug: str
    label: str
    roles: tuple[str, ...]
    states: tuple[str, ...]
    run: Callable  # (actor, case, post, files) -> None
    fields: tuple[str, ...] = ()  # reason, department, until, photos, other
    reason_label: str = ""
    reason_required: bool = False
    shortcut: str = ""
    style: str = ""
    department_only: bool = False  # only a member of the case's department

    def allowed_for(self, user, case: Case) -> bool:
        if case.state not in self.states:
            return False
        if not (user.is_superuser or user.role in self.roles):
            return False
        if self.department_only and not user.is_superuser and user.role != Role.ADMIN:
            return case.department_id is not None and user.department_id == case.department_id
        return True


def has_nul(post) -> bool:
    """A NUL character in any posted text: PostgreSQL cannot store it, so it is refused up front."""
    return any("\x00" in value for values in post.lists() for value in values[1])


def _reason(post) -> str:
    return (post.get("reason") or "").strip()


def _department(post) -> Department:
    try:
        return Department.objects.get(pk=int(post.get("department") or 0), active=True)
    except (ValueError, Department.DoesNotExist):
        raise DomainError(_("请选择有效的处置部门。")) from None


def _until(post) -> datetime:
    try:
        value = parse_datetime(post.get("until") or "")
    except ValueError:  # well formed but impossible, e.g. 2026-02-30T10:00
        value = None
    if value is None:
        raise DomainError(_("请填写延期后的期限。"))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _other_case(post) -> Case:
    number = (post.get("other") or "").strip()
    try:
        return Case.objects.get(number=number)
    except Case.DoesNotExist:
        raise NotFound(_("案件 %(number)s 不存在。") % {"number": number}) from None


INTAKE = (Role.INTAKE, Role.SHIFT_LEADER, Role.ADMIN)
REGISTRARS = (Role.SHIFT_LEADER, Role.ADMIN)
DISPATCHERS = (Role.DISPATCHER, Role.SHIFT_LEADER, Role.ADMIN)
LEADERS = (Role.LEADER, Role.ADMIN)
DEPARTMENT = (Role.DEPARTMENT, Role.ADMIN)
NOT_FINAL = tuple(s for s in State.values if s not in FINAL_STATES)
OPEN = tuple(OPEN_STATES)

L = gettext_lazy
ACTIONS = [
    Action("send-verification", L("派发核实"), INTAKE, (State.REPORTED,),
           lambda a, c, p, f: workflow.send_verification(a, c), shortcut="v"),
    Action("accept", L("受理"), INTAKE, (State.REPORTED,),
           lambda a, c, p, f: workflow.accept(a, c, reason=_reason(p)), shortcut="a"),
    Action("merge", L("合并到…"), INTAKE, (State.REPORTED, State.ACCEPTED, State.VERIFYING),
           lambda a, c, p, f: workflow.merge(a, c, _other_case(p), reason=_reason(p)),
           fields=("other", "reason"), shortcut="m", style="secondary"),
    Action("register", L("立案"), REGISTRARS, (State.ACCEPTED,),
           lambda a, c, p, f: workflow.register(a, c, reason=_reason(p)), shortcut="r"),
    Action("refuse", L("不予受理"), INTAKE, (State.REPORTED,),
           lambda a, c, p, f: workflow.refuse_registration(a, c, reason=_reason(p)),
           fields=("reason",), reason_required=True, shortcut="x", style="danger"),
    Action("refuse-registration", L("不予立案"), REGISTRARS, (State.ACCEPTED,),
           lambda a, c, p, f: workflow.refuse_registration(a, c, reason=_reason(p)),
           fields=("reason",), reason_required=True, shortcut="x", style="danger"),
    Action("dispatch", L("派遣"), DISPATCHERS, (State.REGISTERED, State.RETURNED),
           lambda a, c, p, f: workflow.dispatch(a, c, _department(p), reason=_reason(p)),
           fields=("department", "reason"), reason_label=L("改派/更改建议部门的原因"), shortcut="d"),
    Action("reassign", L("改派"), DISPATCHERS, WITH_DEPARTMENT,
           lambda a, c, p, f: workflow.reassign(a, c, _department(p), reason=_reason(p)),
           fields=("department", "reason"), reason_required=True, style="secondary"),
    Action("department-accept", L("签收"), DEPARTMENT, (State.DISPATCHED,),
           lambda a, c, p, f: workflow.accept_by_department(a, c), shortcut="a", department_only=True),
    Action("feedback", L("处置反馈"), DEPARTMENT, WITH_DEPARTMENT,
           lambda a, c, p, f: workflow.give_feedback(a, c, note=_reason(p), photos=f.getlist("photos")),
           fields=("reason", "photos"), reason_label=L("处置情况"), reason_required=True,
           shortcut="f", department_only=True),
    Action("extension", L("申请延期"), DEPARTMENT, WITH_DEPARTMENT,
           lambda a, c, p, f: workflow.request_extension(a, c, until=_until(p), reason=_reason(p)),
           fields=("until", "reason"), reason_required=True, shortcut="e", style="secondary",
           department_only=True),
    Action("return", L("回退（非本部门）"), DEPARTMENT, WITH_DEPARTMENT,
           lambda a, c, p, f: workflow.return_to_centre(a, c, reason=_reason(p)),
           fields=("reason",), reason_required=True, shortcut="b", style="danger", department_only=True),
    Action("send-check", L("派发核查"), INTAKE, (State.FEEDBACK,),
           lambda a, c, p, f: workflow.send_check(a, c), shortcut="k"),
    Action("close", L("结案"), REGISTRARS, (State.CHECKED,),
           lambda a, c, p, f: workflow.close(a, c, reason=_reason(p)), shortcut="c"),
    Action("rework", L("返工"), DISPATCHERS, (State.CHECKED, State.FEEDBACK),
           lambda a, c, p, f: workflow.rework(a, c, reason=_reason(p)),
           fields=("reason",), reason_required=True, shortcut="w", style="danger"),
    Action("supervise", L("督办"), LEADERS, OPEN,
           lambda a, c, p, f: workflow.supervise(a, c, note=_reason(p)),
           fields=("reason",), reason_label=L("督办意见"), reason_required=True, shortcut="s"),
    Action("urge", L("催办"), tuple(CENTRE_ROLES), OPEN,
           lambda a, c, p, f: workflow.urge(a, c, note=_reason(p)),
           fields=("reason",), reason_label=L("催办说明"), reason_required=True, shortcut="u",
           style="secondary"),
    Action("key-case", L("设为/取消紧盯重点"), (*LEADERS, Role.SHIFT_LEADER), OPEN,
           lambda a, c, p, f: workflow.set_key_case(a, c, key=not c.key_case, note=_reason(p)),
           style="secondary"),
    Action("park", L("挂账"), REGISTRARS, (State.REGISTERED, State.DISPATCHED, State.HANDLING, State.RETURNED),
           lambda a, c, p, f: workflow.park(a, c, reason=_reason(p)),
           fields=("reason",), reason_required=True, style="secondary"),
    Action("unpark", L("解除挂账"), REGISTRARS, (State.PARKED,),
           lambda a, c, p, f: workflow.unpark(a, c, reason=_reason(p)), style="secondary"),
    Action("void", L("作废"), REGISTRARS, NOT_FINAL,
           lambda a, c, p, f: workflow.void(a, c, reason=_reason(p)),
           fields=("reason",), reason_required=True, style="danger"),
]  # fmt: skip
BY_SLUG = {a.slug: a for a in ACTIONS}


def allowed_actions(user, case: Case) -> list[Action]:
    actions = [a for a in ACTIONS if a.allowed_for(user, case)]
    # A public report is accepted only after 核实; until then offer the verification, not 受理.
    if case.state == State.REPORTED and case.source == Source.PUBLIC:
        verified = case.tasks.filter(kind=Task.Kind.VERIFY, passed=True).exists()
        actions = [a for a in actions if a.slug != ("send-verification" if verified else "accept")]
    elif case.state == State.REPORTED:
        actions = [a for a in actions if a.slug != "send-verification"]
    elif case.state == State.CHECKED:
        # 结案 only when the 核查 confirmed the feedback; otherwise 返工.
        check = (
            case.tasks.filter(kind=Task.Kind.CHECK, status=Task.Status.DONE)
            .order_by("-answered_at", "-id")
            .first()
        )
        passed = bool(check and check.passed)
        actions = [a for a in actions if a.slug != ("rework" if passed else "close")]
    return actions


def dispatch_departments():
    return (
        Department.objects.filter(active=True)
        .exclude(kind=Department.Kind.CONTRACTOR)
        .order_by("kind", "code")
    )


def dispatch_suggestions(cases) -> dict[int, Department | None]:
    return {case.pk: workflow.suggest_department(case) for case in cases}


# What each CaseEvent.action means, for the timeline.
EVENT_LABELS = {
    "report": L("上报"),
    "self_handled": L("自处置上报"),
    "send_verification": L("派发核实"),
    "verify": L("核实回复"),
    "accept": L("受理"),
    "merge": L("合并重复上报"),
    "merged": L("并入其他案件"),
    "register": L("立案"),
    "refuse": L("不予立案/受理"),
    "dispatch": L("派遣"),
    "reassign": L("改派"),
    "department_accept": L("部门签收"),
    "return": L("回退"),
    "request_extension": L("申请延期"),
    "approve_extension": L("批准延期"),
    "reject_extension": L("驳回延期"),
    "feedback": L("处置反馈"),
    "send_check": L("派发核查"),
    "check": L("核查回复"),
    "close": L("结案"),
    "rework": L("返工"),
    "park": L("挂账"),
    "unpark": L("解除挂账"),
    "void": L("作废"),
    "supervise": L("领导督办"),
    "urge": L("催办"),
    "key_case": L("设为紧盯重点"),
    "unkey_case": L("取消紧盯重点"),
    "escalate": L("超期自动督办"),
}
