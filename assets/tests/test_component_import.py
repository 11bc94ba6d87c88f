import io

import pytest
from django.core.management import CommandError, call_command

from assets.importing import import_components
from assets.models import Component

HEADER = "identifier,name,state,competent_department,first_recorded,lon,lat\n"
# Points inside the small test geography (see geo/testing.py).
WEST_001 = "102.8505,24.8815"  # 530114001001001, area A, RG01
EAST_002 = "102.8535,24.8815"  # 530114001002002, area B, RG02
OUTSIDE = "102.9000,24.9000"


@pytest.fixture
def categories(sewer_cover, street_lamp, legacy_sewer_cover):
    return sewer_cover, street_lamp, legacy_sewer_cover


def test_a_valid_file_is_imported_with_each_component_in_its_unit_grid(town, categories):
    text = (
        HEADER
        + f"53011401002000001,,完好,呈贡区水务局,2024-05-01,{WEST_001}\n"
        + f"53011401037000001,路灯（彩云路）,damaged,呈贡区路灯管理所,2024/05/02,{EAST_002}\n"
        + f"5301140102000009,老井盖,,,,{WEST_001}\n"
    )
    result = import_components(text, commit=True)
    assert result.ok
    rows = list(
        Component.objects.order_by("identifier").values_list(
            "identifier", "name", "category__minor_code", "state", "unit_grid__code", "first_recorded"
        )
    )
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        ("53011401002000001", "污水井盖", "01002", "good", "530114001001001"),
        ("5301140102000009", "老井盖", "0102", "good", "530114001001001"),
        ("53011401037000001", "路灯（彩云路）", "01037", "damaged", "530114001002002"),
    ]
    assert str(rows[2][5]) == "2024-05-02"


def test_without_commit_nothing_is_written(town, categories):
    result = import_components(HEADER + f"53011401002000001,,,,,{WEST_001}\n", commit=False)
    assert result.ok and len(result.components) == 1
    assert Component.objects.count() == 0


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_listed(town, categories):
    Component.objects.create(
        identifier="53011401002000007", category=categories[0], name="x", lon=102.8505, lat=24.8815
    )
    text = (
        HEADER
        + f"53011401002000001,,,,,{WEST_001}\n"  # good
        + f"5301140100200000,,,,,{WEST_001}\n"  # 16 digits but CJ/T code 0100 is no component
        + f"53011401002000001,,,,,{WEST_001}\n"  # duplicate of line 2
        + f"53011401002000002,,broken,,2024-13-01,{WEST_001}\n"
        + f"53011401002000003,,,,,{OUTSIDE}\n"
        + "53011401002000004,,,,,east,north\n"
        + f"53011401002000007,,,,,{WEST_001}\n"  # already in the inventory
        + f"12345,,,,,{WEST_001}\n"
    )
    result = import_components(text, commit=True)
    assert Component.objects.count() == 1
    assert result.problems == [
        "第 3 行：标识码中的类别代码 0100 在 CJ/T 214-2007 中不是部件小类",
        "第 4 行：标识码与第 2 行重复",
        "第 5 行：未知的状态“broken”；first_recorded 日期无效：“2024-13-01”（应为 YYYY-MM-DD）",
        "第 7 行：经纬度无效：east, north",
        "第 8 行：部件 53011401002000007 已存在",
        "第 9 行：部件标识码“12345”无效：应为 17 位数字（GB/T 47678.5-2026），或 16 位数字（CJ/T 214-2007）。",
        "第 6 行：位置 102.900000, 24.900000 不在本区网格范围内",
    ]


def test_a_category_code_column_must_agree_with_the_identifier(town, categories):
    text = "identifier,category_code,lon,lat\n" + f"53011401002000001,01037,{WEST_001}\n"
    result = import_components(text, commit=True)
    assert result.problems == ["第 2 行：category_code 01037 与标识码中的类别代码 01002 不符"]


def test_a_file_without_coordinates_is_refused(town, categories):
    assert import_components("identifier,name\n53011401002000001,x\n", commit=True).problems == [
        "缺少列：lon, lat"
    ]


def test_the_command_is_a_dry_run_unless_told_to_commit(town, categories, tmp_path):
    path = tmp_path / "components.csv"
    path.write_text(HEADER + f"53011401002000001,,,,,{WEST_001}\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_components", str(path), stdout=out)
    assert "1 components checked (dry run" in out.getvalue()
    assert Component.objects.count() == 0
    call_command("import_components", str(path), "--commit", stdout=out)
    assert Component.objects.count() == 1


def test_the_command_fails_on_a_bad_file(town, categories, tmp_path):
    path = tmp_path / "components.csv"
    path.write_text(HEADER + f"53011401002000001,,,,,{OUTSIDE}\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problems found; nothing written"):
        call_command("import_components", str(path), "--commit", stderr=err)
    assert "不在本区网格范围内" in err.getvalue()
    assert Component.objects.count() == 0


def test_the_command_reads_a_gbk_file_saved_by_excel(town, categories, tmp_path):
    path = tmp_path / "components.csv"
    path.write_bytes((HEADER + f"53011401002000001,西门井盖,破损,,,{WEST_001}\n").encode("gbk"))
    call_command("import_components", str(path), "--commit", stdout=io.StringIO())
    assert list(Component.objects.values_list("name", "state")) == [("西门井盖", "damaged")]


def test_an_exported_inventory_imports_back_unchanged(town, categories, tmp_path):
    text = (
        HEADER
        + f"53011401002000001,,完好,呈贡区水务局,2024-05-01,{WEST_001}\n"
        + f"53011401037000001,路灯（彩云路）,丢失,呈贡区路灯管理所,,{EAST_002}\n"
        + f'5301140102000009,"老井盖, 北侧",,,,{WEST_001}\n'
    )
    assert import_components(text, commit=True).ok
    fields = [
        "identifier",
        "name",
        "category_id",
        "state",
        "competent_department",
        "first_recorded",
        "unit_grid_id",
        "lon",
        "lat",
    ]
    before = list(Component.objects.order_by("identifier").values_list(*fields))
    path = tmp_path / "inventory.csv"
    call_command("export_components", "-o", str(path), stdout=io.StringIO())
    Component.objects.all().delete()
    call_command("import_components", str(path), "--commit", stdout=io.StringIO())
    assert list(Component.objects.order_by("identifier").values_list(*fields)) == before


def test_the_export_can_be_limited_to_one_street(town, categories):
    assert import_components(HEADER + f"53011401002000001,,,,,{WEST_001}\n", commit=True).ok
    out = io.StringIO()
    call_command("export_components", "--street", "530114002", stdout=out)
    assert out.getvalue().splitlines() == [
        "identifier,name,category_code,state,competent_department,owner,maintainer,first_recorded,changed,data_source,note,lon,lat"
    ]
