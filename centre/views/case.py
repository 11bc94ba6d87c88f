"""The case page: everything about one case and the actions the viewer may take; the extension
approvals; a leader's 督办 of a department."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.models import CENTRE_ROLES, Department, Role
from accounts.permissions import is_centre
from cases import workflow
from cases.models import Attachment, Case, DepartmentSupervision, Extension
from urbangrid.errors import DomainError

from .. import actions, queries
from ..access import roles_required

VIEWERS = (*CENTRE_ROLES, Role.DEPARTMENT)


def _visible_case(user, number: str) -> Case:
    case = get_object_or_404(
        Case.objects.select_related(
            "category",
            "street",
            "community",
            "unit_grid",
            "department",
            "responsibility_grid",
            "reporter",
            "merged_into",
        ),
        number=number,
    )
    if is_centre(user):
        return case
    # A handler sees the cases their department holds or once held (returned ones included).
    if (
        user.role == Role.DEPARTMENT
        and user.department_id
        and (
            case.department_id == user.department_id
            or case.events.filter(department_id=user.department_id).exists()
        )
    ):
        return case
    raise Http404


def _photo_groups(case: Case):
    """Photos split into before (the report, verification) and after (feedback, check)."""
    before, after = [], []
    for photo in case.attachments.select_related("event", "uploaded_by"):
        if photo.purpose in (Attachment.Purpose.REPORT, Attachment.Purpose.BEFORE, Attachment.Purpose.VERIFY):
            before.append(photo)
        else:
            after.append(photo)
    return before, after


@roles_required(*VIEWERS)
def detail(request, number):
    case = _visible_case(request.user, number)
    now = timezone.now()
    events = list(case.events.select_related("actor", "department").prefetch_related("attachments"))
    for event in events:
        event.label = actions.EVENT_LABELS.get(event.action, event.action)
        event.passed = (event.details or {}).get("passed")
    before, after = _photo_groups(case)
    allowed = actions.allowed_actions(request.user, case)
    context = {
        "case": case,
        "events": events,
        "photos_before": before,
        "photos_after": after,
        "actions": allowed,
        "badge": queries.deadline_badge(case.due_at, now),
        "tasks": list(case.tasks.select_related("answered_by").order_by("created_at")),
        "extensions": list(case.extensions.select_related("requested_by", "decided_by")),
        "merged_cases": list(case.merged_cases.only("number", "reported_at", "state")),
        "now": now,
        "tile_url": settings.URBANGRID_TILE_URL,
    }
    if is_centre(request.user):
        if case.state in actions.OPEN:
            context["duplicates"] = workflow.duplicate_candidates(case)
        if any(a.slug in ("dispatch", "reassign") for a in allowed):
            context["departments"] = actions.dispatch_departments()
            context["suggested"] = workflow.suggest_department(case)
        context["can_decide_extension"] = request.user.is_superuser or request.user.role in actions.REGISTRARS
    return render(request, "centre/case.html", context)


def _back(request, case: Case):
    target = request.POST.get("next", "")
    # Only a path on this site (a bare word would be taken for a URL name by redirect()).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("centre:case", case.number)


@require_POST
@roles_required(*VIEWERS)
def act(request, number, action):
    case = _visible_case(request.user, number)
    chosen = actions.BY_SLUG.get(action)
    if chosen is None:
        raise Http404
    if not chosen.allowed_for(request.user, case):
        raise PermissionDenied(_("您不能对此案件执行「%(action)s」。") % {"action": chosen.label})
    if actions.has_nul(request.POST):
        messages.error(request, _("输入中含有不允许的控制字符。"))
        return _back(request, case)
    if chosen.reason_required and not (request.POST.get("reason") or "").strip():
        messages.error(request, _("「%(action)s」需要填写原因。") % {"action": chosen.label})
        return _back(request, case)
    try:
        chosen.run(request.user, case, request.POST, request.FILES)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("案件 %(number)s：%(action)s 已完成。") % {"number": case.number, "action": chosen.label},
        )
    return _back(request, case)


@roles_required(*CENTRE_ROLES)
def extensions(request):
    """Pending extension requests (值班长 approves or rejects)."""
    if request.method == "POST":
        pk, decision = request.POST.get("extension", ""), request.POST.get("decision")
        extension = Extension.objects.filter(pk=pk).first() if pk.isdigit() and len(pk) < 12 else None
        if extension is None:
            raise Http404(_("延期申请不存在。"))
        try:
            if decision not in ("approve", "reject"):
                raise DomainError(_("请选择批准或驳回。"))
            if actions.has_nul(request.POST):
                raise DomainError(_("输入中含有不允许的控制字符。"))
            workflow.decide_extension(
                request.user,
                extension,
                approve=decision == "approve",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("延期申请已处理。"))
        return redirect("centre:extensions")
    return render(
        request,
        "centre/extensions.html",
        {
            "extensions": list(queries.pending_extensions()[:200]),
            "can_decide": request.user.is_superuser or request.user.role in actions.REGISTRARS,
        },
    )


@roles_required(Role.LEADER, Role.ADMIN)
def supervise_department(request):
    form = SuperviseDepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        try:
            workflow.supervise_department(request.user, department, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已对%(department)s督办。") % {"department": department.name})
            return redirect("centre:supervise-department")
    recent = DepartmentSupervision.objects.select_related("department", "actor").prefetch_related("notices")
    return render(request, "centre/supervise_department.html", {"form": form, "recent": list(recent[:20])})


class SuperviseDepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_lazy("部门"),
        queryset=Department.objects.none(),
        empty_label=_lazy("请选择部门"),
        error_messages={"invalid_choice": _lazy("所选部门不存在或已停用。")},
    )
    note = forms.CharField(label=_lazy("督办意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = actions.dispatch_departments()
