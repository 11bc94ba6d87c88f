"""The centre's own rows: derived figures, never case data.

OverviewDay holds one calendar day's summary for the big screen (指挥大屏); centre/stats.py alone
writes it, and any row can be recomputed from cases and events at any time.
"""

from django.db import models


class OverviewDay(models.Model):  # 大屏日汇总
    day = models.DateField(unique=True)
    # {"total", "closed", "source": {..}, "category": {name: n}, "street": {name: n},
    #  "on_time": {step: [total, on time]}}: see centre.stats.compute_summaries.
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} ({self.figures.get('total', 0)})"
