"""The demo generator at a coarse 1000 m grid (~530 grids): the full 100 m demo is for the bench."""

import io
from collections import defaultdict

import pytest
import shapely

from geo.codes import normalize_unit_grid_code
from geo.demo import load_geography, plan_geography
from geo.importing import AreaImport
from geo.models import Community, District, ResponsibilityGrid, Street, UnitGrid
from geo.spatial import locate

COARSE = {"grid_size": 1000}


@pytest.fixture
def demo(db):
    out = io.StringIO()
    load_geography(out, COARSE)
    return out.getvalue()


def test_the_demo_has_the_ten_real_street_names_with_demo_boundaries(demo):
    streets = list(Street.objects.values_list("code", "name", "demo_boundary"))
    assert streets == [
        ("530114001", "龙城街道", True),
        ("530114002", "乌龙街道", True),
        ("530114003", "洛龙街道", True),
        ("530114004", "斗南街道", True),
        ("530114005", "吴家营街道", True),
        ("530114006", "雨花街道", True),
        ("530114007", "大渔街道", True),
        ("530114008", "七甸街道", True),
        ("530114009", "马金铺街道", True),
        ("530114010", "洛羊街道", True),
    ]
    assert District.objects.get().name == "呈贡区"
    assert not Community.objects.filter(demo_boundary=False).exists()
    assert all("演示" in name for name in Community.objects.values_list("name", flat=True))
    assert "drawn for the demo" in demo


def test_every_code_is_valid_and_follows_the_hierarchy(demo):
    for code, community, street in UnitGrid.objects.values_list("code", "community__code", "street__code"):
        assert normalize_unit_grid_code(code) == code
        assert code[:12] == community and code[:9] == street
    for code, street in Community.objects.values_list("code", "street__code"):
        assert code[:9] == street


def test_grids_are_numbered_west_to_east_then_north_to_south(demo):
    by_community = defaultdict(list)
    for code, lon, lat, area in UnitGrid.objects.order_by("code").values_list(
        "code", "centroid_lon", "centroid_lat", "area_m2"
    ):
        if 0.999e6 < area < 1.001e6:  # whole cells; clipped or merged ones have shifted centroids
            by_community[code[:12]].append((-round(lat, 4), round(lon, 4)))
    assert by_community
    for cells in by_community.values():
        assert cells == sorted(cells)


def test_the_demo_passes_the_import_checks_no_overlaps_no_gaps(demo, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "demo.geojson"
    call_command("export_grids", str(path), stdout=io.StringIO())
    import json

    job = AreaImport(json.loads(path.read_text(encoding="utf-8")))
    assert job.check() == []


def test_grids_cover_the_district(demo):
    district = District.objects.get().shape
    union = shapely.union_all([grid.shape for grid in UnitGrid.objects.all()])
    # Only the 1 cm snapping of the clipped edges differs (a few hundred m² over ~500 km²).
    assert district.symmetric_difference(union).area < 1e-6 * district.area


def test_there_are_24_responsibility_grids_each_inside_one_street(demo):
    assert list(ResponsibilityGrid.objects.values_list("code", flat=True)) == [
        f"RG{n:02d}" for n in range(1, 25)
    ]
    assert not UnitGrid.objects.filter(responsibility_grid=None).exists()
    for rg in ResponsibilityGrid.objects.all():
        assert set(rg.unit_grids.values_list("street_id", flat=True)) == {rg.street_id}


def test_the_urban_core_is_class_a_with_smaller_responsibility_grids(demo):
    assert set(UnitGrid.objects.values_list("area_class", flat=True)) == {"A", "B", "C"}
    core = locate(102.825, 24.880)
    assert core.area_class == "A"
    rural = locate(102.95, 24.93)
    assert rural.area_class == "C"
    core_size = UnitGrid.objects.filter(responsibility_grid_id=core.responsibility_grid_id).count()
    rural_size = UnitGrid.objects.filter(responsibility_grid_id=rural.responsibility_grid_id).count()
    assert core_size < rural_size


def test_loading_twice_changes_nothing(demo):
    before = list(UnitGrid.objects.values_list("code", "geometry_wkb"))
    out = io.StringIO()
    load_geography(out, COARSE)
    assert "already loaded, skipped" in out.getvalue()
    assert [(c, bytes(w)) for c, w in UnitGrid.objects.values_list("code", "geometry_wkb")] == [
        (c, bytes(w)) for c, w in before
    ]


def test_the_plan_is_deterministic():
    first, second = plan_geography(1000), plan_geography(1000)
    assert [(g["code"], g["shape"].wkb) for g in first["grids"]] == [
        (g["code"], g["shape"].wkb) for g in second["grids"]
    ]
    assert len(first["grids"]) == 532
    assert max(int(g["code"][12:]) for g in first["grids"]) <= 999
