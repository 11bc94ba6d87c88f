from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from urbangrid.errors import DomainError

from .actions import change_state
from .models import Component, ComponentState, ComponentStateChange


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
    actions = ["mark_good", "mark_damaged", "mark_lost", "mark_discarded", "mark_removed"]

    def _mark(self, request, queryset, state):
        changed, refused = 0, []
        for component in queryset:
            try:
                change_state(component, state, request.user, _("管理后台批量修改"))
                changed += 1
            except DomainError as exc:
                refused.append(exc.message)
        if changed:
            self.message_user(request, _("已修改 %(n)d 个部件的状态。") % {"n": changed}, messages.SUCCESS)
        for message in refused[:20]:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("标记为完好"))
    def mark_good(self, request, queryset):
        self._mark(request, queryset, ComponentState.GOOD)

    @admin.action(description=_("标记为破损"))
    def mark_damaged(self, request, queryset):
        self._mark(request, queryset, ComponentState.DAMAGED)

    @admin.action(description=_("标记为丢失"))
    def mark_lost(self, request, queryset):
        self._mark(request, queryset, ComponentState.LOST)

    @admin.action(description=_("标记为废弃"))
    def mark_discarded(self, request, queryset):
        self._mark(request, queryset, ComponentState.DISCARDED)

    @admin.action(description=_("标记为移除"))
    def mark_removed(self, request, queryset):
        self._mark(request, queryset, ComponentState.REMOVED)
