"""The component (部件) inventory: physical assets with a 17-digit identifier and a state history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ComponentState(models.TextChoices):
    GOOD = "good", _("完好")
    DAMAGED = "damaged", _("破损")
    LOST = "lost", _("丢失")
    DISCARDED = "discarded", _("废弃")
    REMOVED = "removed", _("移除")


class Component(models.Model):  # 部件
    identifier = models.CharField(_("identifier"), max_length=17, unique=True)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=100)
    competent_department = models.CharField(_("主管部门"), max_length=100, blank=True)
    owner = models.CharField(_("权属单位"), max_length=100, blank=True)
    maintainer = models.CharField(_("养护单位"), max_length=100, blank=True)
    unit_grid = models.ForeignKey("geo.UnitGrid", null=True, blank=True, on_delete=models.PROTECT)
    state = models.CharField(
        _("state"), max_length=10, choices=ComponentState.choices, default=ComponentState.GOOD
    )
    first_recorded = models.DateField(_("first recorded"), null=True, blank=True)
    changed = models.DateField(_("changed"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("component")
        verbose_name_plural = _("components")
        indexes = [models.Index(fields=["lon", "lat"])]

    def __str__(self):
        return f"{self.identifier} {self.name}"


class ComponentStateChange(models.Model):
    """One change of a component's state; appended, never edited."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(max_length=10, choices=ComponentState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=ComponentState.choices)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.component_id}: {self.from_state or '-'} → {self.to_state}"
