"""Evaluation settings and records: versioned rule sets and satisfaction records.

A rule set (weights, count bands, grade limits) applies from its effective date until the next
one; a past period is always scored with the rule set in force on its first day, so changing the
rules never rewrites history. Indicators themselves are never stored: they are computed from the
case history (evaluation/indicators.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):  # 考核规则（版本）
    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    # See evaluation/rules.py DEFAULT_RULES for the shape; validated by rules.validate.
    rules = models.JSONField(_("规则"))
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")

    def __str__(self):
        return f"{self.name}（{self.effective_from} 起）"


class AttendanceDay(models.Model):  # 考勤（由巡查轨迹汇总）
    """One supervisor's patrol on one local day, rolled up from shifts and track points.

    Written only by evaluation/attendance.py (nightly, and on demand for days not yet rolled up);
    monthly figures are SQL aggregates over these rows.
    """

    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    shifts = models.PositiveSmallIntegerField(_("班次数"), default=0)
    on_duty_minutes = models.PositiveIntegerField(_("在岗分钟"), default=0)
    shifts_without_positions = models.PositiveSmallIntegerField(_("无轨迹班次"), default=0)
    points = models.PositiveIntegerField(_("轨迹点数"), default=0)
    grids_covered = models.PositiveIntegerField(_("经过单元网格数"), default=0)
    own_grids_covered = models.PositiveIntegerField(_("经过本责任网格单元网格数"), default=0)
    own_grids_total = models.PositiveIntegerField(_("本责任网格单元网格数"), default=0)
    outside_minutes = models.PositiveIntegerField(_("离开责任网格分钟"), default=0)
    present = models.BooleanField(_("出勤"), default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "supervisor"]
        unique_together = [("supervisor", "day")]
        indexes = [models.Index(fields=["day"])]
        verbose_name = _("考勤日")
        verbose_name_plural = _("考勤日")

    def __str__(self):
        return f"{self.supervisor} {self.day}"


class SatisfactionRecord(models.Model):  # 满意度回访 / 评价
    """One satisfaction answer: a citizen's call-back on a public report, a department's rating of
    the centre's dispatch, or a dispatcher's rating of a department's work.

    Satisfaction rate = (满意 + 基本满意) / all answers, per kind or together.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("市民回访")
        DEPARTMENT_ON_DISPATCH = "department_on_dispatch", _("处置单位评价派遣")
        DISPATCHER_ON_DEPARTMENT = "dispatcher_on_department", _("派遣人员评价处置单位")

    class Level(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        FAIRLY_SATISFIED = "fairly_satisfied", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    SATISFIED_LEVELS = (Level.SATISFIED, Level.FAIRLY_SATISFIED)

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("评价"), max_length=20, choices=Level.choices)
    # The case the answer is about (a citizen's report, a dispatch, a department's handling).
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The department rated (by a dispatcher) or rating (the centre's dispatch).
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    citizen_phone = models.CharField(_("回访电话"), max_length=40, blank=True)
    recorded_at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("满意度记录")
        verbose_name_plural = _("满意度记录")

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_level_display()}"
