"""The category catalogue (部件/事件 classification) and each sub-type's local settings.

Two schemes live side by side, each row keeping its own scheme and code: GB/T 47678.5-2026
(5-digit minor codes) and the older CJ/T 214-2007 (4-digit). Codes are never renumbered.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    GB_2026 = "GB/T 47678.5-2026", "GB/T 47678.5-2026"
    CJT_2007 = "CJ/T 214-2007", "CJ/T 214-2007"


class Kind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Step(models.TextChoices):
    """The steps of the closed loop that carry a time limit."""

    ACCEPT = "accept", _("受理")
    VERIFY = "verify", _("核实")
    REGISTER = "register", _("立案")
    DISPATCH = "dispatch", _("派遣")
    HANDLE = "handle", _("处置")
    CHECK = "check", _("核查")
    CLOSE = "close", _("结案")


class LimitUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("工作时")
    WORKING_DAYS = "working_days", _("工作日")
    CLOCK_MINUTES = "clock_minutes", _("自然分钟")
    CLOCK_HOURS = "clock_hours", _("自然小时")


class Category(models.Model):  # 大类/小类: one sub-type of a scheme
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    major_code = models.CharField(_("major code"), max_length=2)
    major_name = models.CharField(_("major name"), max_length=50)
    minor_code = models.CharField(_("minor code"), max_length=5)
    minor_name = models.CharField(_("minor name"), max_length=50)
    # Local settings (per installation)
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("responsible department"),
    )
    registration_condition = models.TextField(_("立案条件"), blank=True)
    closing_condition = models.TextField(_("结案条件"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    # Safety hazards (e.g. missing covers) are tracked as key cases and by a performance target.
    safety_hazard = models.BooleanField(_("safety hazard"), default=False)
    active = models.BooleanField(_("active"), default=True)
    pinyin_initials = models.CharField(max_length=50, blank=True, db_index=True)

    class Meta:
        ordering = ["scheme", "kind", "minor_code"]
        # A scheme uses the same minor code for a component and for its events (GB 01001 供水井盖 and
        # 01001 供水井盖异常; CJ/T 0101 上水井盖 and 0101 私搭乱建), so the kind is part of the key.
        unique_together = [("scheme", "kind", "minor_code")]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.minor_code} {self.minor_name}"


class TimeLimit(models.Model):  # 时限: one step's limit for a sub-type and an area class
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_limits",
        help_text=_("blank: the default for every sub-type without its own limit"),
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    area_class = models.CharField(
        _("area class"),
        max_length=1,
        blank=True,
        choices=[("", _("全部")), ("A", "A"), ("B", "B"), ("C", "C")],
        help_text=_("A, B, C, or blank for every class"),
    )
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, choices=LimitUnit.choices)

    class Meta:
        unique_together = [("category", "step", "area_class")]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self):
        amount = f"{self.amount.normalize():f}" if self.amount is not None else "?"
        return (
            f"{self.category or _('默认')} {self.get_step_display()} {self.area_class or _('全部')}: "
            f"{amount} {self.get_unit_display()}"
        )


class CatalogVersion(models.Model):
    """A counter bumped whenever categories or time limits change, so every process knows to reload
    its copy of them (catalog.cache)."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"catalogue v{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
