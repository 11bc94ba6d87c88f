"""The department workbench (部门工作台): the inbox with deadlines and the department's figures.

Usable on a phone: the inbox is a list of cards, each opening the case page where the handler signs
for it, feeds back with photos, asks for an extension or returns it.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role

from .. import notices, queries, stats
from ..access import roles_required


def _department(user):
    if user.department_id is None:
        raise PermissionDenied(_("您的账号未关联处置部门。"))
    return user.department


@roles_required(Role.DEPARTMENT)
def inbox(request):
    department = _department(request.user)
    if request.method == "POST":
        read = request.POST.get("read", "")
        if read.isdigit() and len(read) < 12:  # anything else is no notice of ours
            notices.mark_read(request.user, int(read))
        return redirect("centre:inbox")
    now = timezone.now()
    rows = queries.department_inbox(department)
    form = queries.CaseFilter(request.GET or None)
    if form.is_bound:
        rows = form.apply(rows, now)
    cases = list(rows[:200])
    queries.label_cases(cases, now)
    for case in cases:
        due = case.handle_due_at or case.due_at
        case.badge = queries.deadline_badge(due, now)
        case.deadline = due
    return render(
        request,
        "centre/inbox.html",
        {
            "department": department,
            "cases": cases,
            "notices": notices.inbox_notices(request.user),
            "form": form,
            "now": now,
        },
    )


@roles_required(Role.DEPARTMENT)
def statistics(request):
    department = _department(request.user)
    return render(
        request,
        "centre/inbox_stats.html",
        {"department": department, "figures": stats.department_figures(department)},
    )
