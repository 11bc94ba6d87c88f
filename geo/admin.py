"""Admin for the geography. Polygons are shown read-only as GeoJSON: geometry changes go through
import_grids, which checks overlaps and gaps. Names, area classes and responsibility grids are
editable; any change to unit grids calls grids_changed() so every point index is rebuilt."""

import json

import shapely
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Community, District, GridVersion, ResponsibilityGrid, Street, UnitGrid
from .spatial import grids_changed

AREA_READONLY = ("code", "geometry_geojson", "bbox")


class AreaAdmin(admin.ModelAdmin):
    search_fields = ("code", "name")
    exclude = ("geometry_wkb", "min_lon", "min_lat", "max_lon", "max_lat")
    readonly_fields = AREA_READONLY

    def has_add_permission(self, request):
        return False  # areas come with polygons: use manage.py import_grids

    @admin.display(description=_("geometry (GeoJSON, WGS84)"))
    def geometry_geojson(self, obj):
        if not obj.geometry_wkb:
            return "-"
        text = json.dumps(json.loads(shapely.to_geojson(obj.shape)), ensure_ascii=False)
        if len(text) > 20000:
            text = text[:20000] + " …"
        return format_html(
            '<pre style="white-space: pre-wrap; max-height: 20em; overflow: auto">{}</pre>', text
        )

    @admin.display(description=_("bounding box"))
    def bbox(self, obj):
        if obj.min_lon is None:
            return "-"
        return f"{obj.min_lon:.6f}, {obj.min_lat:.6f} — {obj.max_lon:.6f}, {obj.max_lat:.6f}"


@admin.register(District)
class DistrictAdmin(AreaAdmin):
    list_display = ("code", "name")


@admin.register(Street)
class StreetAdmin(AreaAdmin):
    list_display = ("code", "name", "district", "demo_boundary")
    list_filter = ("demo_boundary",)
    readonly_fields = (*AREA_READONLY, "district")


@admin.register(Community)
class CommunityAdmin(AreaAdmin):
    list_display = ("code", "name", "street", "demo_boundary")
    list_filter = ("street", "demo_boundary")
    readonly_fields = (*AREA_READONLY, "street")


@admin.register(UnitGrid)
class UnitGridAdmin(AreaAdmin):
    list_display = ("code", "name", "community", "area_class", "responsibility_grid")
    list_filter = ("area_class", "street", "responsibility_grid")
    list_select_related = ("community", "responsibility_grid")
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = (*AREA_READONLY, "community", "street", "centroid_lon", "centroid_lat", "area_m2")
    actions = ("set_class_a", "set_class_b", "set_class_c")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        grids_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        grids_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        grids_changed()

    def _set_class(self, request, queryset, area_class):
        count = queryset.update(area_class=area_class)
        grids_changed()
        self.message_user(
            request, _("%(count)d个单元网格已设为%(cls)s类") % {"count": count, "cls": area_class}
        )

    @admin.action(description=_("设为A类（核心区）"))
    def set_class_a(self, request, queryset):
        self._set_class(request, queryset, "A")

    @admin.action(description=_("设为B类"))
    def set_class_b(self, request, queryset):
        self._set_class(request, queryset, "B")

    @admin.action(description=_("设为C类（一般区）"))
    def set_class_c(self, request, queryset):
        self._set_class(request, queryset, "C")


@admin.register(ResponsibilityGrid)
class ResponsibilityGridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "street")
    list_filter = ("street",)
    search_fields = ("code", "name")
    filter_horizontal = ("supervisors",)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        grids_changed()  # its unit grids lose their responsibility grid

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        grids_changed()


@admin.register(GridVersion)
class GridVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "changed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
