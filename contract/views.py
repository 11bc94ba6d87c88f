"""Pages of the contract face: contracts, assessment sheets, payments and the target dashboard.

Thin views: parse the form, call contract/assessment.py, render. Domain errors become a message.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urbangrid.errors import DomainError

from . import assessment, reports, targets
from .access import get_contract, get_sheet, visible_contracts
from .api import parse_month
from .models import Budget, MonthlyAssessment


def _domain_errors(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if request.method == "POST":
                messages.error(request, exc.message)
                return redirect(request.META.get("HTTP_REFERER") or "contract:index")
            return render(request, "contract/error.html", {"message": exc.message}, status=exc.status)

    wrapped.__name__ = view.__name__
    return wrapped


@login_required
@_domain_errors
def index(request):
    contracts = visible_contracts(request.user).select_related("contractor")
    budgets = Budget.objects.filter(contracts__in=contracts).distinct().annotate(paid=Sum("payments__amount"))
    return render(request, "contract/index.html", {"contracts": contracts, "budgets": budgets})


@login_required
@_domain_errors
def contract_detail(request, contract_id):
    contract = get_contract(request.user, contract_id)
    return render(
        request,
        "contract/contract.html",
        {
            "contract": contract,
            "sheets": contract.assessments.select_related("payment"),
            "bands": contract.score_bands.all(),
            "definitions": contract.item_definitions.all(),
            "can_assess": request.user.role in assessment.CENTRE_ASSESSORS,
            "this_month": datetime.date.today().strftime("%Y-%m"),
        },
    )


@login_required
@require_POST
@_domain_errors
def create_sheet(request, contract_id):
    contract = get_contract(request.user, contract_id)
    sheet = assessment.create_sheet(request.user, contract, parse_month(request.POST.get("month", "")))
    return redirect("contract:sheet", sheet_id=sheet.pk)


@login_required
@_domain_errors
def sheet_detail(request, sheet_id):
    sheet = get_sheet(request.user, sheet_id)
    user = request.user
    items = list(sheet.items.all())
    standards = {rule["code"]: rule for rule in sheet.rule_snapshot.get("items", [])}
    for item in items:
        item.standard = reports.standard_text(standards.get(item.code))
    return render(
        request,
        "contract/sheet.html",
        {
            "sheet": sheet,
            "items": items,
            "payment": getattr(sheet, "payment", None),
            "can_edit": user.role in assessment.CENTRE_ASSESSORS and not sheet.frozen,
            "can_pay": user.role in assessment.CENTRE_ASSESSORS
            and sheet.frozen
            and not hasattr(sheet, "payment"),
            "can_acknowledge": sheet.state == MonthlyAssessment.State.APPROVED
            and user.department_id == sheet.contract.contractor_id,
            "today": datetime.date.today().isoformat(),
        },
    )


@login_required
@require_POST
@_domain_errors
def sheet_action(request, sheet_id, action):
    sheet = get_sheet(request.user, sheet_id)
    if action == "item":
        assessment.set_item(
            request.user,
            sheet,
            request.POST.get("code", ""),
            request.POST.get("quantity", ""),
            note=request.POST.get("note"),
        )
        messages.success(request, _("已更新考核项目"))
    elif action == "refresh":
        assessment.refresh(request.user, sheet)
        messages.success(request, _("已重新采集考核数据"))
    elif action == "approve":
        assessment.approve(request.user, sheet)
        messages.success(request, _("考核表已审定"))
    elif action == "acknowledge":
        assessment.acknowledge(request.user, sheet)
        messages.success(request, _("考核表已确认"))
    elif action == "pay":
        try:
            paid_on = datetime.date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError:
            raise DomainError(_("支付日期格式错误")) from None
        assessment.record_payment(request.user, sheet, paid_on)
        messages.success(request, _("已记录支付"))
    else:
        raise DomainError(_("未知操作"))
    return redirect("contract:sheet", sheet_id=sheet.pk)


@login_required
@_domain_errors
def sheet_export(request, sheet_id, fmt):
    sheet = get_sheet(request.user, sheet_id)
    name = f"assessment-{sheet.contract.number}-{sheet.month:%Y-%m}"
    if fmt == "xlsx":
        body = reports.sheet_xlsx(sheet)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = reports.sheet_pdf(sheet)
        content_type = "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@_domain_errors
def target_dashboard(request):
    visible_contracts(request.user)
    last_month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    month_text = request.GET.get("month") or last_month.strftime("%Y-%m")
    data = targets.dashboard(parse_month(month_text))
    return render(
        request,
        "contract/targets.html",
        {"data": data, "month": month_text},
    )
