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
