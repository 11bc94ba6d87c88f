"""受理员 enters a report received by phone (12345), from the public app, a leader or video."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases import workflow
from cases.models import Source
from catalog.models import Category
from urbangrid.errors import DomainError

from ..access import roles_required
from ..actions import INTAKE


class CategorySearchInput(forms.Widget):
    """A search box over the catalogue (Chinese name, code or pinyin initials: "jg" → 井盖) that
    fills a hidden sub-type id. The matches come from the catalogue's search API (catalog/search.py),
    the same search the phone app's API serves; static/centre/category_search.js does the typing."""

    template_name = "centre/_category_search.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        category = None
        if value not in (None, ""):
            category = (
                Category.objects.filter(pk=value, active=True).first() if str(value).isdigit() else None
            )
        context["widget"].update(
            {
                "api": reverse("api:categories"),
                "label": category_label(category) if category else "",
                "category_id": category.pk if category else "",
            }
        )
        return context


def category_label(category) -> str:
    scheme = "GB" if category.scheme.startswith("GB") else "CJ"
    return f"{category.minor_name}（{category.major_name}·{scheme} {category.minor_code}）"


class ReportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[(s.value, s.label) for s in (Source.PUBLIC, Source.VIDEO, Source.LEADER)],
        initial=Source.PUBLIC,
    )
    category = forms.ModelChoiceField(
        label=_("小类"),
        queryset=Category.objects.filter(active=True),
        widget=CategorySearchInput,
        error_messages={
            "required": _("请输入名称或拼音首字母，并从列表中选择小类。"),
            "invalid_choice": _("所选小类不存在或已停用，请重新选择。"),
        },
    )
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=_("举报人"), required=False, max_length=60)
    reporter_phone = forms.CharField(label=_("联系电话"), required=False, max_length=40)


@roles_required(*INTAKE, "leader")
def new_report(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = workflow.report(
                request.user,
                source=data["source"],
                category=data["category"],
                lon=data["lon"],
                lat=data["lat"],
                address=data["address"],
                description=data["description"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记案件 %(number)s。") % {"number": case.number})
            return redirect("centre:case", case.number)
    return render(request, "centre/new_report.html", {"form": form})
