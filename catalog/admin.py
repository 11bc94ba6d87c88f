from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from urbangrid.errors import DomainError

from .local_settings import export_csv, export_xlsx, import_settings
from .models import Category, TimeLimit


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0
    fields = ["step", "area_class", "amount", "unit"]


class SettingsFileForm(forms.Form):
    file = forms.FileField(label=_("本地设置文件（CSV 或 xlsx）"))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "minor_code",
        "minor_name",
        "major_name",
        "kind",
        "scheme",
        "department",
        "urgency",
        "safety_hazard",
    ]
    list_filter = ["scheme", "kind", "major_name", "urgency", "safety_hazard", "department"]
    search_fields = ["minor_code", "minor_name", "pinyin_initials", "major_name"]
    readonly_fields = ["scheme", "kind", "major_code", "major_name", "minor_code", "pinyin_initials"]
    list_select_related = ["department"]
    inlines = [TimeLimitInline]
    actions = ["export_selected_csv", "export_selected_xlsx"]
    change_list_template = "admin/catalog/category/change_list.html"

    def get_urls(self):
        own = [
            path(
                "import-settings/",
                self.admin_site.admin_view(self.import_settings_view),
                name="catalog_category_import",
            ),
        ]
        return own + super().get_urls()

    @admin.action(description=_("导出所选分类的本地设置（CSV）"))
    def export_selected_csv(self, request, queryset):
        response = HttpResponse(export_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="category-settings.csv"'
        return response

    @admin.action(description=_("导出所选分类的本地设置（xlsx）"))
    def export_selected_xlsx(self, request, queryset):
        response = HttpResponse(
            export_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="category-settings.xlsx"'
        return response

    def import_settings_view(self, request):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = SettingsFileForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan = import_settings(upload.name, upload.read())
            except DomainError as exc:
                messages.error(request, exc.message)
                problems = exc.details or []
            else:
                messages.success(request, _("已更新 %(n)d 个分类的本地设置。") % {"n": plan.category_count})
                return redirect("admin:catalog_category_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
            "title": _("导入本地设置"),
        }
        return TemplateResponse(request, "admin/catalog/category/import_settings.html", context)


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["category", "step", "area_class", "amount", "unit"]
    list_filter = ["step", "area_class", "unit", ("category", admin.EmptyFieldListFilter)]
    search_fields = ["category__minor_name", "category__minor_code"]
    autocomplete_fields = ["category"]
