"""The outsourced collection service: contracts, their payment rules, the monthly assessment
sheets (月度考核表) and the payments recorded against the budget.

Every figure of a contract is data (price per person-month, data plan, amount withheld, the rule
that turns a score into money), never code. Sheets change only through contract/assessment.py;
once approved by the centre a sheet is frozen, and this module refuses to save or delete it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from urbangrid.errors import Conflict

MONEY = {"max_digits": 14, "decimal_places": 2}


class Contract(models.Model):  # 信息采集外包服务合同
    class PaymentRule(models.TextChoices):
        SCORE_BANDS = "score_bands", _("按得分档次支付考核金")
        DEDUCTIONS = "deductions", _("按扣分项扣减考核金")

    number = models.CharField(_("合同编号"), max_length=60, unique=True)
    name = models.CharField(_("合同名称"), max_length=200)
    contractor = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("服务商")
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    supervisors = models.PositiveIntegerField(_("监督员人数"))
    unit_price = models.DecimalField(_("人均单价（元/人·月）"), **MONEY)
    terminals = models.PositiveIntegerField(_("终端数"))
    data_plan_price = models.DecimalField(_("流量费（元/终端·月）"), **MONEY)
    monthly_withheld = models.DecimalField(
        _("每月考核金（元）"),
        **MONEY,
        default=Decimal("0"),
        help_text=_("每月从服务费中拿出、按考核结果支付的金额"),
    )
    payment_rule = models.CharField(
        _("考核金支付规则"), max_length=20, choices=PaymentRule.choices, default=PaymentRule.SCORE_BANDS
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("合同")
        verbose_name_plural = _("合同")

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def monthly_service_fee(self) -> Decimal:
        """Person-months plus data plans for one month, before the assessment."""
        return self.supervisors * self.unit_price + self.terminals * self.data_plan_price

    @property
    def monthly_guaranteed(self) -> Decimal:
        """What is paid every month whatever the assessment says."""
        return self.monthly_service_fee - self.monthly_withheld

    def covers(self, month) -> bool:
        return self.start_date <= month <= self.end_date


class ScoreBand(models.Model):  # 得分档次: a score from min_score up pays this share of the withheld amount
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="score_bands")
    min_score = models.DecimalField(_("最低得分"), max_digits=5, decimal_places=2)
    payout_ratio = models.DecimalField(_("支付比例"), max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["contract", "-min_score"]
        unique_together = [("contract", "min_score")]

    def __str__(self):
        return f"≥{self.min_score}: {self.payout_ratio:.0%}"


class AssessmentItemDefinition(models.Model):  # 考核项目
    """One item of the contract's assessment: what is counted, and what each unit costs.

    `source` names where the quantity comes from (see contract/evidence.py); "manual" items are
    entered by the centre with their evidence.
    """

    class Source(models.TextChoices):
        ABSENCE = "absence", _("缺勤（人·天，来自巡查轨迹）")
        MISSED_REPORTS = "missed_reports", _("漏报（件）")
        LATE_VERIFICATIONS = "late_verifications", _("超时核实（件）")
        LATE_CHECKS = "late_checks", _("超时核查（件）")
        INVALID_REPORTS = "invalid_reports", _("无效上报（件）")
        MANUAL = "manual", _("人工录入")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="item_definitions")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, default="件")
    source = models.CharField(_("数据来源"), max_length=30, choices=Source.choices, default=Source.MANUAL)
    points_per_unit = models.DecimalField(_("每单位扣分"), max_digits=7, decimal_places=2, default=0)
    max_points = models.DecimalField(_("最多扣分"), max_digits=7, decimal_places=2, null=True, blank=True)
    amount_per_unit = models.DecimalField(_("每单位扣款（元）"), **MONEY, default=Decimal("0"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contract", "order", "code"]
        unique_together = [("contract", "code")]

    def __str__(self):
        return self.name


class MonthlyAssessment(models.Model):  # 月度考核表
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        APPROVED = "approved", _("中心已审定")
        ACKNOWLEDGED = "acknowledged", _("服务商已确认")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="assessments")
    month = models.DateField(_("月份"), help_text=_("the first day of the month"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, default=Decimal("100"))
    service_fee = models.DecimalField(_("当月服务费"), **MONEY, default=Decimal("0"))
    withheld = models.DecimalField(_("考核金"), **MONEY, default=Decimal("0"))
    withheld_paid = models.DecimalField(_("考核金支付"), **MONEY, default=Decimal("0"))
    payable = models.DecimalField(_("应付金额"), **MONEY, default=Decimal("0"))
    # The rule as applied (bands, items, prices), so a frozen sheet explains itself forever.
    rule_snapshot = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "-month"]
        unique_together = [("contract", "month")]
        verbose_name = _("月度考核表")
        verbose_name_plural = _("月度考核表")

    def __str__(self):
        return f"{self.contract.number} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        stored = self._stored_state()
        if stored == self.State.ACKNOWLEDGED or (
            stored == self.State.APPROVED
            and not (self.state == self.State.ACKNOWLEDGED and kwargs.get("update_fields") == ACK_FIELDS)
        ):
            raise Conflict(str(_("考核表已审定，不能修改")))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_state() not in (None, self.State.DRAFT):
            raise Conflict(str(_("考核表已审定，不能删除")))
        return super().delete(*args, **kwargs)

    @property
    def frozen(self) -> bool:
        return self.state != self.State.DRAFT

    def _stored_state(self):
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()


# The only change allowed on an approved sheet: the contractor's acknowledgement.
ACK_FIELDS = ["state", "acknowledged_by", "acknowledged_at"]


class AssessmentItem(models.Model):  # 考核表中的一项及其依据
    sheet = models.ForeignKey(MonthlyAssessment, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2, default=0)
    points = models.DecimalField(_("扣分"), max_digits=7, decimal_places=2, default=0)
    amount = models.DecimalField(_("扣款"), **MONEY, default=Decimal("0"))
    # Evidence: the figures and the lists behind the quantity, e.g.
    # {"figures": {"漏报数": 3}, "cases": [{"id": 12, "number": "..."}], "attendance": [...]}
    evidence = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sheet", "order", "code"]
        unique_together = [("sheet", "code")]

    def __str__(self):
        return f"{self.name}: {self.quantity}"

    def save(self, *args, **kwargs):
        if self._sheet_frozen():
            raise Conflict(str(_("考核表已审定，不能修改")))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._sheet_frozen():
            raise Conflict(str(_("考核表已审定，不能修改")))
        return super().delete(*args, **kwargs)

    def _sheet_frozen(self) -> bool:
        state = MonthlyAssessment.objects.filter(pk=self.sheet_id).values_list("state", flat=True).first()
        return state not in (None, MonthlyAssessment.State.DRAFT)


class Budget(models.Model):  # 年度预算
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("项目名称"), max_length=200)
    amount = models.DecimalField(_("预算金额（元）"), **MONEY)
    contracts = models.ManyToManyField(Contract, blank=True, related_name="budgets")

    class Meta:
        ordering = ["-year", "name"]
        unique_together = [("year", "name")]
        verbose_name = _("预算")
        verbose_name_plural = _("预算")

    def __str__(self):
        return f"{self.year} {self.name}"


class Payment(models.Model):  # 支付记录
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="payments")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    assessment = models.OneToOneField(
        MonthlyAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    month = models.DateField(_("所属月份"))
    paid_on = models.DateField(_("支付日期"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("支付记录")
        verbose_name_plural = _("支付记录")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.amount}"


class PerformanceTarget(models.Model):  # 绩效目标 (declared to the finance bureau)
    """One target of the performance-target declaration; its value is measured by contract/targets.py."""

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", "≥"
        AT_MOST = "at_most", "≤"
        ABOUT = "about", "≈"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4)
    comparison = models.CharField(_("比较"), max_length=10, choices=Comparison.choices)
    # For ≈: the allowed relative difference (0.005 = ±0.5 %).
    tolerance = models.DecimalField(_("允许偏差"), max_digits=6, decimal_places=4, default=0)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")

    def __str__(self):
        return self.name

    def is_met(self, value) -> bool | None:
        if value is None:
            return None
        value = Decimal(str(value))
        if self.comparison == self.Comparison.AT_LEAST:
            return value >= self.target
        if self.comparison == self.Comparison.AT_MOST:
            return value <= self.target
        return abs(value - self.target) <= abs(self.target) * self.tolerance
