"""Admin: cases are read here and changed only through the workflow; events are never editable."""

from django.contrib import admin

from .models import (
    Attachment,
    CalendarDay,
    Case,
    CaseEvent,
    DepartmentSupervision,
    DispatchRule,
    Extension,
    Reminder,
    Task,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = [
        "at",
        "action",
        "actor",
        "role",
        "from_state",
        "to_state",
        "reason",
        "step",
        "due_at",
        "on_time",
    ]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["purpose", "file", "content_type", "size", "exif_lon", "exif_lat", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "source", "category", "state", "street", "department", "due_at", "reported_at"]
    list_filter = ["state", "source", "kind", "street", "key_case", "supervised"]
    search_fields = ["number", "address", "description"]
    date_hierarchy = "reported_at"
    inlines = [EventInline, AttachmentInline]
    list_select_related = ["category", "street", "department"]

    def get_readonly_fields(self, request, obj=None):
        # State and history change only through cases.workflow.
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "action", "actor", "from_state", "to_state", "at", "on_time"]
    list_filter = ["action", "on_time"]
    search_fields = ["case__number", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "street", "community", "department", "note"]
    list_filter = ["street", "department"]
    autocomplete_fields = []


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "status", "responsibility_grid", "due_at", "answered_at", "passed"]
    list_filter = ["kind", "status"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ["case", "department", "requested_due_at", "status", "decided_at"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "department", "recipient", "created_at", "read_at"]
    list_filter = ["kind"]


@admin.register(DepartmentSupervision)
class DepartmentSupervisionAdmin(admin.ModelAdmin):
    """The audit trail of department-level 督办: read only (written by workflow.supervise_department)."""

    list_display = ["department", "actor", "at", "note"]
    list_filter = ["department"]
    search_fields = ["note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
