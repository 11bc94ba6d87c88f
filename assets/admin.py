from django.contrib import admin

from .models import Component, ComponentStateChange


class ComponentStateChangeInline(admin.TabularInline):
    model = ComponentStateChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "changed_at", "changed_by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False  # history is appended by assets.actions.change_state only


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "category", "state", "unit_grid", "competent_department", "changed"]
    list_filter = ["state", "category__scheme", "category__major_name"]
    search_fields = ["identifier", "name", "owner", "maintainer"]
    raw_id_fields = ["category", "unit_grid"]
    list_select_related = ["category", "unit_grid"]
    # The state changes through change_state (with its history), never by editing the row.
    readonly_fields = ["state", "changed"]
    inlines = [ComponentStateChangeInline]
    show_full_result_count = False
