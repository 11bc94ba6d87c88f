"""Evaluation pages: indicator tables per object type and period, the cases behind each figure,
the rule versions, satisfaction answers and attendance. Thin: parse, call, render."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.models import CENTRE_ROLES, Department, Role
from urbangrid.errors import DomainError, NotAllowed

from . import indicators, measures, periods, rules, satisfaction
from .access import allowed_types, check_type, visible_rows
from .models import RuleSet, SatisfactionRecord
from .printing import to_pdf, to_xlsx
from .reports import evaluation_document

PERIOD_KINDS = [
    ("day", _lazy("日")),
    ("week", _lazy("周")),
    ("month", _lazy("月")),
    ("year", _lazy("年")),
    ("custom", _lazy("自定义")),
]


def _domain_errors(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if request.method == "POST":
                messages.error(request, exc.message)
                return redirect(request.META.get("HTTP_REFERER") or "evaluation:index")
            return render(request, "evaluation/error.html", {"message": exc.message}, status=exc.status)

    wrapped.__name__ = view.__name__
    return wrapped


def _period_from(request):
    kind = request.GET.get("period", "month")
    today = timezone.localdate()
    value = request.GET.get("value") or periods.default_value(
        kind if kind in periods.KINDS else "month", today
    )
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    if kind == "custom" and not (start and end):
        start = end = today.isoformat()
    return kind, value, start, end, periods.parse_period(kind, value, start, end)


def _evaluate(request):
    types = allowed_types(request.user)
    object_type = request.GET.get("type") or types[0]
    check_type(request.user, object_type)
    kind, value, start, end, period = _period_from(request)
    result = indicators.evaluate(object_type, period)
    result["rows"] = visible_rows(request.user, object_type, result["rows"])
    return types, object_type, (kind, value, start, end), result


@login_required
@_domain_errors
def index(request):
    types, object_type, (kind, value, start, end), result = _evaluate(request)
    query = request.GET.copy()
    query["type"] = object_type
    return render(
        request,
        "evaluation/index.html",
        {
            "types": [(key, indicators.OBJECT_TYPES[key].label) for key in types],
            "period_kinds": PERIOD_KINDS,
            "object_type": object_type,
            "period_kind": kind,
            "value": value,
            "start": start,
            "end": end,
            "result": result,
            "query": query.urlencode(),
            "period_start": result["period"].start.isoformat(),
            "period_end": (result["period"].end - datetime.timedelta(days=1)).isoformat(),
        },
    )


@login_required
@_domain_errors
def export(request, fmt):
    _types, object_type, _period, result = _evaluate(request)
    document = evaluation_document(result)
    body = to_xlsx(document) if fmt == "xlsx" else to_pdf(document)
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(body, content_type=content_type)
    name = f"evaluation-{object_type}-{result['period'].start.isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@_domain_errors
def cases_behind(request):
    object_type = request.GET.get("type", "")
    try:
        object_id = int(request.GET.get("id", ""))
    except ValueError:
        raise DomainError(_("缺少考核对象")) from None
    check_type(request.user, object_type, object_id)
    period = periods.parse_period(
        "custom", start=request.GET.get("start", ""), end=request.GET.get("end", "")
    )
    figure = request.GET.get("figure", "")
    cases = indicators.cases_behind(object_type, object_id, figure, period)
    kind = indicators.object_type(object_type)
    label = next((str(fig.label) for fig in kind.figures if fig.key == figure), figure)
    name = indicators.objects_of(object_type).get(object_id, str(object_id))
    return render(
        request,
        "evaluation/cases.html",
        {
            "cases": cases[:2000],
            "count": cases.count(),
            "label": label,
            "name": name,
            "period": period,
            "kind_label": kind.label,
        },
    )


def _require_centre(user):
    if user.role not in CENTRE_ROLES and not user.is_superuser:
        raise NotAllowed(_("只有中心人员可以管理考核规则"))


@login_required
@_domain_errors
def rule_sets(request):
    _require_centre(request.user)
    current = rules.rules_for(timezone.localdate())
    return render(
        request,
        "evaluation/rules.html",
        {
            "rule_sets": RuleSet.objects.all(),
            "current": current,
            "draft": json.dumps(current.rules, ensure_ascii=False, indent=2),
            "can_edit": request.user.role in (Role.LEADER, Role.ADMIN),
        },
    )


@login_required
@require_POST
@_domain_errors
def add_rule_set(request):
    if request.user.role not in (Role.LEADER, Role.ADMIN):
        raise NotAllowed(_("只有领导或管理员可以发布考核规则"))
    try:
        body = json.loads(request.POST.get("rules", ""))
        effective_from = datetime.date.fromisoformat(request.POST.get("effective_from", ""))
    except ValueError:
        raise DomainError(_("规则须为 JSON，生效日期格式为 YYYY-MM-DD")) from None
    rules.publish(
        request.user,
        request.POST.get("name", "").strip() or _("考核规则"),
        effective_from,
        body,
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("已发布新版考核规则"))
    return redirect("evaluation:rules")


@login_required
@_domain_errors
def satisfaction_page(request):
    allowed_types(request.user)
    kind, value, start, end, period = _period_from(request)
    recent = SatisfactionRecord.objects.select_related("department", "rater", "case")[:50]
    figures = measures.satisfaction_figures(period.start, period.end)
    by_kind = []
    for key, label in SatisfactionRecord.Kind.choices:
        counts = figures["per_kind"].get(key, {"answers": 0, "satisfied": 0})
        by_kind.append((label, counts["answers"], measures.rate(counts["satisfied"], counts["answers"])))
    return render(
        request,
        "evaluation/satisfaction.html",
        {
            "figures": figures,
            "by_kind": by_kind,
            "kinds": SatisfactionRecord.Kind.choices,
            "levels": SatisfactionRecord.Level.choices,
            "departments": Department.objects.filter(active=True).exclude(kind=Department.Kind.CONTRACTOR),
            "recent": recent,
            "period": period,
            "value": value,
        },
    )


@login_required
@require_POST
@_domain_errors
def add_satisfaction(request):
    department = None
    if request.POST.get("department"):
        department = Department.objects.filter(pk=request.POST["department"]).first()
    satisfaction.record(
        request.user,
        request.POST.get("kind", ""),
        request.POST.get("level", ""),
        department=department,
        citizen_phone=request.POST.get("citizen_phone", ""),
        comment=request.POST.get("comment", ""),
    )
    messages.success(request, _("已记录满意度评价"))
    return redirect("evaluation:satisfaction")


@login_required
@_domain_errors
def attendance_page(request):
    if "supervisor" not in allowed_types(request.user):
        raise NotAllowed(_("无权查看考勤"))
    kind, value, start, end, period = _period_from(request)
    supervisors = indicators.objects_of("supervisor")
    rows = visible_rows(request.user, "supervisor", [{"id": i} for i in supervisors])
    summary = measures.attendance_summary([r["id"] for r in rows], period.start, period.end)
    for row in summary:
        row["name"] = supervisors.get(row["supervisor_id"], row["supervisor_id"])
        row["on_duty_hours"] = round((row["on_duty_minutes"] or 0) / 60, 1)
    return render(
        request, "evaluation/attendance.html", {"summary": summary, "period": period, "value": value}
    )
