from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from geo.models import ResponsibilityGrid
from urbangrid.errors import DomainError

from .actions import issue_token
from .models import ApiToken, Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "street", "phone", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


class SupervisedGridInline(admin.TabularInline):
    """The responsibility grids (责任网格) a supervisor patrols, edited from the user's page."""

    model = ResponsibilityGrid.supervisors.through
    extra = 0
    verbose_name = _("责任网格")
    verbose_name_plural = _("负责的责任网格")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "department", "street", "is_active"]
    list_filter = ["role", "department__kind", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("UrbanGrid"), {"fields": ("role", "full_name", "phone", "department", "street")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("UrbanGrid"), {"fields": ("role", "full_name", "phone", "department", "street")}),
    )
    actions = ["issue_api_token"]
    inlines = [SupervisedGridInline]

    @admin.action(description=_("签发 API 令牌"))
    def issue_api_token(self, request, queryset):
        for user in queryset:
            try:
                _token, raw = issue_token(request.user, user, f"admin {request.user.username}")
            except DomainError as exc:
                self.message_user(request, f"{user.username}: {exc.message}", messages.ERROR)
                continue
            # The raw token is shown once; only its digest is stored.
            self.message_user(request, f"{user.username}: {raw}", messages.WARNING)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # issued through the user list's action, so the raw token is shown once
