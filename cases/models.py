"""Cases (案件) and everything that happens to them in the 7-step closed loop.

Only cases/workflow.py changes a case's state; everything else reads. A CaseEvent is appended by
every transition and can never be edited or deleted (save() of an existing event and delete()
raise; the admin shows events read-only; no API edits them).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Kind, Step, Urgency


class Source(models.TextChoices):  # 案件来源
    SUPERVISOR = "supervisor", _("监督员上报")
    SELF_HANDLED = "self_handled", _("监督员自处置")
    PUBLIC = "public", _("公众举报")
    LEADER = "leader", _("领导交办")
    VIDEO = "video", _("视频/其他")


class State(models.TextChoices):  # 案件状态
    REPORTED = "reported", _("待受理")
    VERIFYING = "verifying", _("核实中")
    ACCEPTED = "accepted", _("待立案")
    NOT_REGISTERED = "not_registered", _("不予立案")
    REGISTERED = "registered", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    RETURNED = "returned", _("已回退")
    FEEDBACK = "feedback", _("待核查")
    CHECKING = "checking", _("核查中")
    CHECKED = "checked", _("待结案")
    CLOSED = "closed", _("已结案")
    PARKED = "parked", _("挂账")
    VOIDED = "voided", _("已作废")
    MERGED = "merged", _("已合并")


# States in which a case is finished and carries no deadline.
FINAL_STATES = frozenset({State.NOT_REGISTERED, State.CLOSED, State.VOIDED, State.MERGED})
# States that count as open for duplicate detection and the live views.
OPEN_STATES = frozenset(set(State) - FINAL_STATES - {State.PARKED})


class Case(models.Model):  # 案件
    number = models.CharField(_("number"), max_length=30, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, verbose_name=_("category"))
    component = models.ForeignKey(
        "assets.Component", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("component")
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    unit_grid = models.ForeignKey("geo.UnitGrid", null=True, blank=True, on_delete=models.PROTECT)
    community = models.ForeignKey("geo.Community", null=True, blank=True, on_delete=models.PROTECT)
    street = models.ForeignKey("geo.Street", null=True, blank=True, on_delete=models.PROTECT)
    responsibility_grid = models.ForeignKey(
        "geo.ResponsibilityGrid", null=True, blank=True, on_delete=models.PROTECT
    )
    area_class = models.CharField(_("area class"), max_length=1, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    # A member of the public (12345 hotline, app): who to call back.
    reporter_name = models.CharField(_("reporter name"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=40, blank=True)

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REPORTED)
    # The step whose deadline `due_at` is; blank when the case is final or parked.
    step = models.CharField(_("current step"), max_length=10, choices=Step.choices, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The handling deadline (处置时限) given at dispatch, moved by approved extensions.
    handle_due_at = models.DateTimeField(_("handling due at"), null=True, blank=True)

    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    key_case = models.BooleanField(_("key case (紧盯重点)"), default=False)
    supervised = models.BooleanField(_("supervised (督办)"), default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    dispatch_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)  # 回退
    rework_count = models.PositiveSmallIntegerField(default=0)  # 返工
    extension_count = models.PositiveSmallIntegerField(default=0)  # 延期
    # Client-generated id of the phone's report: the same id twice gives the first case back.
    client_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["street", "reported_at"]),
            models.Index(fields=["category", "state", "reported_at"]),
            models.Index(fields=["unit_grid", "reported_at"]),
            # Covers the big screen's counts of a range of days by source, sub-type, street and state
            # (centre/stats.py): an index-only range scan, no table rows read.
            models.Index(
                fields=["reported_at", "source", "category", "street", "state"], name="case_reported_counts"
            ),
            # 漏报: the cases of a responsibility grid from other sources in a period.
            models.Index(
                fields=["responsibility_grid", "source", "reported_at"], name="case_grid_source_reported"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class ImmutableError(Exception):
    pass


class CaseEventQuerySet(models.QuerySet):
    """Bulk update() and delete() bypass the model's save() and delete(): refuse them too."""

    def update(self, **kwargs):
        raise ImmutableError("case events are immutable")

    def delete(self):
        raise ImmutableError("case events are immutable")

    delete.queryset_only = True


class CaseEvent(models.Model):  # 案件流转记录: appended by every transition, never changed
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The deadline of the step this event completes, and whether it was met (null: no limit).
    step = models.CharField(max_length=10, choices=Step.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Covers the on-time rates of a range of days (centre/stats.py); only events with a limit.
            models.Index(
                fields=["at", "step", "on_time"],
                condition=models.Q(on_time__isnull=False),
                name="event_on_time_at",
            ),
            # The evaluation's aggregates (evaluation/indicators.py) read a period's events of a few
            # actions: this index covers every column they read, so they never visit the table.
            models.Index(
                fields=["action", "at", "actor", "case", "role", "on_time", "due_at", "department"],
                name="caseevent_action_at_cover",
            ),
            models.Index(fields=["actor", "at"]),
            # "Does this case also have an event of that action (by then, of that department)?":
            # the EXISTS tests of the indicators, one index probe each.
            models.Index(
                fields=["case", "action", "at", "department", "on_time"], name="caseevent_case_action"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("case events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("case events are immutable")


class Attachment(models.Model):  # 附件: photos and documents, attached to a case and an event
    class Purpose(models.TextChoices):
        REPORT = "report", _("上报照片")
        BEFORE = "before", _("处置前")
        AFTER = "after", _("处置后")
        VERIFY = "verify", _("核实照片")
        CHECK = "check", _("核查照片")
        FEEDBACK = "feedback", _("反馈照片")
        DOCUMENT = "document", _("文件")

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.REPORT)
    file = models.FileField(upload_to="cases/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # From the photo's EXIF, kept as a cross-check of the reported position (then stripped).
    exif_lon = models.FloatField(null=True, blank=True)
    exif_lat = models.FloatField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class Task(models.Model):  # 核实/核查任务 for a supervisor
    class Kind(models.TextChoices):
        VERIFY = "verify", _("核实")
        CHECK = "check", _("核查")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    responsibility_grid = models.ForeignKey(
        "geo.ResponsibilityGrid", null=True, blank=True, on_delete=models.PROTECT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # 核实: the problem exists; 核查: the problem is fixed.
    passed = models.BooleanField(null=True)
    note = models.TextField(blank=True)
    client_id = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["responsibility_grid", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_id}"


class Extension(models.Model):  # 延期申请
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    requested_due_at = models.DateTimeField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]


class DepartmentSupervision(models.Model):  # 部门督办: a leader presses a whole department
    """The record of a leader's 督办 of a department (not of one case): who, when, which department,
    with what note. Written only by cases.workflow.supervise_department, together with the
    department's inbox notice (a Reminder pointing here); like a CaseEvent it is never changed or
    deleted, so it is the audit trail of department-level supervision."""

    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="supervisions",
        verbose_name=_("department"),
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    at = models.DateTimeField(_("at"), db_index=True)
    note = models.TextField(_("note"))

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("department supervision")
        verbose_name_plural = _("department supervisions")

    def __str__(self):
        return f"{self.department_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("department supervisions are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("department supervisions are immutable")


class Reminder(models.Model):  # 提醒 / 催办 / 督办 notices for handlers and leaders
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将超期")
        OVERDUE = "overdue", _("已超期")
        ESCALATED = "escalated", _("超期督办")
        URGED = "urged", _("催办")
        SUPERVISED = "supervised", _("督办")

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    step = models.CharField(max_length=10, choices=Step.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    note = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # A department-wide 督办 (no case): the record it was written with.
    supervision = models.ForeignKey(
        DepartmentSupervision, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )

    class Meta:
        ordering = ["-created_at"]
        # One automatic reminder of a kind per case, step and deadline: two workers never double-act.
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "step", "due_at"],
                condition=models.Q(kind__in=["due_soon", "overdue", "escalated"]),
                name="one_automatic_reminder_per_deadline",
            )
        ]


class DispatchRule(models.Model):  # 属地派遣规则: who handles a sub-type in a street/community
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("blank: every sub-type"),
    )
    street = models.ForeignKey("geo.Street", null=True, blank=True, on_delete=models.CASCADE)
    community = models.ForeignKey("geo.Community", null=True, blank=True, on_delete=models.CASCADE)
    department = models.ForeignKey("accounts.Department", on_delete=models.CASCADE)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")


class CalendarDay(models.Model):  # 工作日历: a day the chinesecalendar package does not know or gets wrong
    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]


class CaseNumberSequence(models.Model):
    """The last case number given per district and year (locked with select_for_update)."""

    district_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("district_code", "year")]
