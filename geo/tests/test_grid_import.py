import json

import pytest
import shapely
from django.core.management import CommandError, call_command

from geo.importing import import_areas
from geo.models import Community, Street, UnitGrid
from geo.spatial import locate
from geo.testing import block, cell

# A third community east of the town: two cells, columns 4 and 5 of the top row.
NEW_COMMUNITY = "530114001003"


def feature(code, shape, **properties):
    return {
        "type": "Feature",
        "properties": {"code": code, **properties},
        "geometry": json.loads(shapely.to_geojson(shape)),
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def new_community_file(*extra):
    return collection(
        feature(NEW_COMMUNITY, cell(4, 1).union(cell(5, 1)), name="新社区"),
        feature(f"{NEW_COMMUNITY}001", cell(4, 1), area_class="C"),
        feature(f"{NEW_COMMUNITY}002", cell(5, 1), area_class="C", responsibility_grid="RG02"),
        *extra,
    )


def messages(result):
    return [str(problem) for problem in result.problems]


def test_checking_a_valid_file_writes_nothing(town):
    result = import_areas(new_community_file(), commit=False)
    assert result.problems == []
    assert result.written is False
    assert result.created == {"community": 1, "grid": 2}
    assert not Community.objects.filter(code=NEW_COMMUNITY).exists()
    assert UnitGrid.objects.count() == 8


def test_a_valid_file_is_imported_with_its_hierarchy_and_the_index_follows(town):
    assert locate(102.8545, 24.8815) is None
    result = import_areas(new_community_file(), commit=True)
    assert result.written is True
    assert result.created == {"community": 1, "grid": 2}
    grid = UnitGrid.objects.get(code="530114001003002")
    assert grid.community.code == NEW_COMMUNITY
    assert grid.street_id == town.street.id
    assert grid.responsibility_grid_id == town.rg_east.id
    assert grid.name == "单元网格530114001003002"
    assert round(grid.area_m2) == 11167
    assert (grid.min_lon, grid.max_lon) == (102.855, 102.856)
    assert locate(102.8545, 24.8815).code == "530114001003001"


def test_a_14_digit_legacy_code_is_stored_with_15_digits(town):
    data = collection(feature("53011400100301", cell(4, 1), area_class="A"))
    data["features"].insert(0, feature(NEW_COMMUNITY, cell(4, 1), name="新社区"))
    import_areas(data, commit=True)
    assert UnitGrid.objects.filter(code="530114001003001").exists()


def test_existing_grids_are_updated_by_code(town):
    data = collection(feature("530114001001001", cell(0, 1), area_class="C", name="西一"))
    result = import_areas(data, commit=True)
    assert (result.created, result.updated) == ({"grid": 0}, {"grid": 1})
    grid = UnitGrid.objects.get(code="530114001001001")
    assert (grid.area_class, grid.name) == ("C", "西一")
    assert locate(102.8505, 24.8815).area_class == "C"


def assert_nothing_written(town):
    assert UnitGrid.objects.count() == 8
    assert Community.objects.count() == 2


def test_a_bad_code_is_reported_and_nothing_is_written(town):
    result = import_areas(
        new_community_file(feature("5301140010030X3", cell(6, 1), area_class="C")), commit=True
    )
    assert messages(result) == ["features[3] 5301140010030X3: 单元网格编码“5301140010030X3”只能包含数字0-9"]
    assert_nothing_written(town)


def test_a_code_of_no_known_length_is_reported(town):
    result = import_areas(collection(feature("5301140010030", cell(6, 1), area_class="C")), commit=True)
    assert messages(result) == [
        "features[0] 5301140010030: 无法判断层级：编码应为6、9、12或15位（或14位旧网格编码），或给出level属性"
    ]
    assert_nothing_written(town)


def test_a_duplicate_code_is_reported_and_nothing_is_written(town):
    result = import_areas(
        new_community_file(feature("530114001003002", cell(5, 1), area_class="C")), commit=True
    )
    assert messages(result) == ["features[3] 530114001003002: 编码重复：与features[2]相同"]
    assert_nothing_written(town)


def test_a_grid_overlapping_a_stored_grid_is_reported_and_nothing_is_written(town):
    shifted = shapely.affinity.translate(cell(4, 1), xoff=-0.0005)
    data = collection(
        feature(NEW_COMMUNITY, shifted.union(cell(5, 1)), name="新社区"),
        feature(f"{NEW_COMMUNITY}001", shifted, area_class="C"),
        feature(f"{NEW_COMMUNITY}002", cell(5, 1), area_class="C"),
    )
    result = import_areas(data, commit=True)
    assert "features[1] 530114001003001: 与已有的单元网格530114001002002重叠约" in messages(result)[1]
    assert any("features[0] 530114001003: 与已有的社区530114001002重叠" in m for m in messages(result))
    assert_nothing_written(town)


def test_two_new_grids_overlapping_each_other_are_reported_once(town):
    data = collection(
        feature(NEW_COMMUNITY, cell(4, 1).union(cell(5, 1)), name="新社区"),
        feature(f"{NEW_COMMUNITY}001", cell(4, 1).union(cell(5, 1)), area_class="C"),
        feature(f"{NEW_COMMUNITY}002", cell(5, 1), area_class="C"),
    )
    result = import_areas(data, commit=True)
    assert messages(result) == [
        "features[1] 530114001003001: 与features[2] 530114001003002重叠约11166.6平方米"
    ]
    assert_nothing_written(town)


def test_a_gap_inside_a_community_is_reported_and_nothing_is_written(town):
    data = collection(
        feature(NEW_COMMUNITY, cell(4, 1).union(cell(5, 1)), name="新社区"),
        feature(f"{NEW_COMMUNITY}001", cell(4, 1), area_class="C"),
    )
    result = import_areas(data, commit=True)
    assert len(result.problems) == 1
    assert messages(result)[0].startswith("features[0] 530114001003: 社区内有约11133.1平方米")
    assert "未被单元网格覆盖（缝隙），例如经度102.855" in messages(result)[0]
    assert_nothing_written(town)


def test_a_grid_sticking_out_of_its_community_is_reported(town):
    data = collection(feature("530114001001001", cell(0, 1).union(cell(-1, 1)), area_class="A"))
    result = import_areas(data, commit=True)
    assert messages(result) == ["features[0] 530114001001001: 超出所属社区530114001001的边界约11155.4平方米"]
    assert UnitGrid.objects.get(code="530114001001001").max_lon - UnitGrid.objects.get(
        code="530114001001001"
    ).min_lon == pytest.approx(0.001)


def test_a_grid_whose_community_does_not_exist_is_reported(town):
    result = import_areas(collection(feature("530114001009001", cell(6, 1), area_class="B")), commit=True)
    assert messages(result) == [
        "features[0] 530114001009001: 所属社区“530114001009”不存在（既不在数据库中，也不在本文件中）"
    ]
    assert_nothing_written(town)


def test_a_community_property_that_contradicts_the_code_is_reported(town):
    data = collection(feature("530114001001001", cell(0, 1), area_class="A", community="530114001002"))
    result = import_areas(data, commit=True)
    assert messages(result) == [
        "features[0] 530114001001001: community属性“530114001002”与编码前12位“530114001001”不一致"
    ]


def test_an_invalid_polygon_is_reported_and_nothing_is_written(town):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[102.855, 24.881], [102.856, 24.882], [102.856, 24.881], [102.855, 24.882], [102.855, 24.881]]
        ],
    }
    data = new_community_file()
    data["features"][1]["geometry"] = bowtie
    result = import_areas(data, commit=True)
    assert messages(result)[1].startswith("features[1] 530114001003001: 几何图形无效：Self-intersection")
    # The community, now without that grid, has a gap: reported too.
    assert messages(result)[0].startswith("features[0] 530114001003: 社区内有约")
    assert_nothing_written(town)


def test_a_point_instead_of_a_polygon_is_reported(town):
    data = collection(
        {
            "type": "Feature",
            "properties": {"code": "530114001001001", "area_class": "A"},
            "geometry": {"type": "Point", "coordinates": [102.85, 24.88]},
        }
    )
    result = import_areas(data, commit=True)
    assert messages(result) == ["features[0] 530114001001001: 几何图形应为Polygon或MultiPolygon，实际为Point"]


def test_every_problem_is_reported_not_just_the_first(town):
    data = new_community_file(
        feature("530114001003003", cell(6, 1), area_class="D"),
        feature("530114001008001", cell(6, 0), area_class="B"),
        feature("530114001003", cell(4, 1), name="重复"),
    )
    result = import_areas(data, commit=True)
    assert [(p.index, p.code) for p in result.problems] == [
        (3, "530114001003003"),
        (4, "530114001008001"),
        (5, "530114001003"),
    ]
    assert_nothing_written(town)


def test_a_file_that_is_not_a_feature_collection_is_refused(town):
    result = import_areas({"type": "Feature"}, commit=True)
    assert messages(result) == ["已有数据 -: 文件不是GeoJSON FeatureCollection"]


def test_the_command_checks_without_writing_and_imports_with_commit(town, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(new_community_file(), ensure_ascii=False), encoding="utf-8")
    call_command("import_grids", str(path))
    assert not Community.objects.filter(code=NEW_COMMUNITY).exists()
    call_command("import_grids", str(path), "--commit")
    assert UnitGrid.objects.filter(code__startswith=NEW_COMMUNITY).count() == 2


def test_the_command_lists_the_problems_and_fails(town, tmp_path, capsys):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(collection(feature("530114001009001", cell(6, 1), area_class="B"))))
    with pytest.raises(CommandError, match="发现1个问题，未写入任何数据"):
        call_command("import_grids", str(path), "--commit")
    assert "所属社区“530114001009”不存在" in capsys.readouterr().err
    assert_nothing_written(town)


def test_the_command_can_restrict_the_level(town, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(new_community_file()))
    with pytest.raises(CommandError):
        call_command("import_grids", str(path), "--level", "grid", "--commit")
    assert_nothing_written(town)


def test_exported_geography_imports_back_cleanly(town, tmp_path):
    path = tmp_path / "all.geojson"
    call_command("export_grids", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["features"]) == 1 + 1 + 2 + 8
    result = import_areas(data, commit=False)
    assert result.problems == []
    assert result.updated == {"district": 1, "street": 1, "community": 2, "grid": 8}


def test_grids_of_a_community_with_a_bad_polygon_are_not_called_orphans(town):
    data = new_community_file()
    data["features"][0]["geometry"] = {"type": "Point", "coordinates": [102.855, 24.881]}
    result = import_areas(data, commit=True)
    assert messages(result) == ["features[0] 530114001003: 几何图形应为Polygon或MultiPolygon，实际为Point"]
    assert_nothing_written(town)


def test_streets_and_communities_can_be_imported_on_their_own(town):
    data = collection(
        feature("530114", block(0, 8), name="呈贡区"),  # the district grows east by two columns
        feature("530114002", block(6, 8), name="乌龙街道", demo_boundary=True),
        feature("530114002001", cell(6, 0), name="乌龙社区"),
    )
    result = import_areas(data, commit=True)
    assert messages(result) == []
    assert (result.created, result.updated) == (
        {"district": 0, "street": 1, "community": 1},
        {"district": 1, "street": 0, "community": 0},
    )
    street = Street.objects.get(code="530114002")
    assert (street.name, street.demo_boundary, street.district_id) == ("乌龙街道", True, town.district.id)
    assert Community.objects.get(code="530114002001").street_id == street.id


def test_a_street_outside_its_district_is_reported(town):
    data = collection(feature("530114002", cell(7, 0), name="远处街道"))
    result = import_areas(data, commit=True, level="street")
    assert messages(result) == ["features[0] 530114002: 超出所属区县530114的边界约11166.7平方米"]
    assert_nothing_written(town)
