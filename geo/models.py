"""The district's geography: district → street (街道) → community (社区) → unit grid (单元网格),
and the responsibility grids (责任网格) that supervisors patrol.

Polygons are stored portably as WKB (WGS84 lon/lat) with their bounding box, so SQLite and
PostgreSQL hold the same rows and no spatial extension is needed; shapely does the geometry.
"""

import shapely
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaClass(models.TextChoices):
    A = "A", _("A类（核心区）")
    B = "B", _("B类")
    C = "C", _("C类（一般区）")


class Area(models.Model):
    """An area with a code, a name, a polygon and its bounding box."""

    name = models.CharField(_("name"), max_length=100)
    geometry_wkb = models.BinaryField(_("geometry (WKB, WGS84)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def shape(self):
        return shapely.from_wkb(bytes(self.geometry_wkb)) if self.geometry_wkb else None

    def set_shape(self, geometry) -> None:
        self.geometry_wkb = shapely.to_wkb(geometry)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geometry.bounds


class District(Area):  # 区
    code = models.CharField(_("code"), max_length=6, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Street(Area):  # 街道
    code = models.CharField(_("code"), max_length=9, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    # True where the boundary was drawn for a demo rather than surveyed.
    demo_boundary = models.BooleanField(_("demo boundary"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")


class Community(Area):  # 社区
    code = models.CharField(_("code"), max_length=12, unique=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    demo_boundary = models.BooleanField(_("demo boundary"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class ResponsibilityGrid(models.Model):  # 责任网格 (管理网格): what one or two supervisors patrol
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    street = models.ForeignKey(Street, null=True, blank=True, on_delete=models.PROTECT)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="responsibility_grids"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("responsibility grid")
        verbose_name_plural = _("responsibility grids")

    def __str__(self):
        return f"{self.code} {self.name}"


class UnitGrid(Area):  # 单元网格
    code = models.CharField(_("code"), max_length=15, unique=True)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="unit_grids")
    # Denormalised from the community so that filters by street need no join.
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="unit_grids")
    area_class = models.CharField(
        _("area class"), max_length=1, choices=AreaClass.choices, default=AreaClass.B
    )
    responsibility_grid = models.ForeignKey(
        ResponsibilityGrid, null=True, blank=True, on_delete=models.SET_NULL, related_name="unit_grids"
    )
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit grid")
        verbose_name_plural = _("unit grids")
        indexes = [
            models.Index(fields=["min_lon", "min_lat"]),
            models.Index(fields=["max_lon", "max_lat"]),
        ]


class GridVersion(models.Model):
    """A counter bumped whenever unit grids change, so every process knows to rebuild its index."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"grids v{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
