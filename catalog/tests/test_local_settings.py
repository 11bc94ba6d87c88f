import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from catalog.local_settings import COLUMNS, export_csv, export_xlsx, import_settings
from catalog.models import Category, TimeLimit
from urbangrid.errors import DomainError


def cover():
    return Category.objects.get(scheme="GB/T 47678.5-2026", kind="component", minor_code="01002")


def fire_hydrant():
    return Category.objects.get(scheme="GB/T 47678.5-2026", kind="component", minor_code="01013")


@pytest.fixture
def configured(catalogue, city_management, water_company):
    c = cover()
    c.department = city_management
    c.urgency = "urgent"
    c.safety_hazard = True
    c.registration_condition = "井盖丢失、破损或移位"
    c.closing_condition = "井盖已补齐，与路面平顺"
    c.save()
    TimeLimit.objects.create(category=c, step="handle", area_class="A", amount=2, unit="clock_hours")
    TimeLimit.objects.create(category=c, step="handle", area_class="C", amount=4, unit="clock_hours")
    TimeLimit.objects.create(category=None, step="accept", area_class="", amount=10, unit="clock_minutes")
    TimeLimit.objects.create(
        category=None, step="handle", area_class="B", amount=Decimal("1.5"), unit="working_days"
    )


def snapshot():
    categories = list(
        Category.objects.order_by("id").values_list(
            "id",
            "department__code",
            "urgency",
            "safety_hazard",
            "registration_condition",
            "closing_condition",
        )
    )
    limits = sorted(
        TimeLimit.objects.values_list("category_id", "step", "area_class", "amount", "unit"),
        key=lambda row: (row[0] or 0, row[1], row[2]),
    )
    return categories, limits


def wipe():
    Category.objects.update(
        department=None,
        urgency="normal",
        safety_hazard=False,
        registration_condition="",
        closing_condition="",
    )
    TimeLimit.objects.all().delete()


def test_the_csv_export_shows_the_defaults_row_and_readable_limits(configured):
    text = export_csv().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("*,*,*,默认时限,")
    assert "10 自然分钟" in lines[1] and "1.5 工作日" in lines[1]
    cover_line = next(line for line in lines if line.startswith("GB/T 47678.5-2026,component,01002,"))
    assert "cgj,井盖丢失、破损或移位,井盖已补齐，与路面平顺,urgent,1" in cover_line
    assert "2 自然小时" in cover_line


def test_settings_survive_a_csv_round_trip(configured):
    before = snapshot()
    data = export_csv()
    wipe()
    plan = import_settings("settings.csv", data)
    assert plan.category_count == 540
    assert snapshot() == before


def test_settings_survive_an_xlsx_round_trip(configured):
    before = snapshot()
    data = export_xlsx()
    wipe()
    import_settings("settings.xlsx", data)
    assert snapshot() == before


def test_a_row_sets_what_it_says_and_a_blank_limit_removes_the_own_limit(configured):
    text = (
        "scheme,kind,minor_code,department_code,urgency,limit_handle_A,limit_handle_C\n"
        "GB/T 47678.5-2026,component,01002,zls,紧急,3 工作时,\n"
    )
    import_settings("s.csv", text.encode())
    c = cover()
    assert (c.department.code, c.urgency, c.registration_condition) == (
        "zls",
        "urgent",
        "井盖丢失、破损或移位",
    )
    assert list(c.time_limits.values_list("step", "area_class", "amount", "unit")) == [
        ("handle", "A", Decimal("3.00"), "working_hours")
    ]
    # Sub-types not in the file, and the defaults, are left alone.
    assert TimeLimit.objects.filter(category=None).count() == 2


def test_a_bad_file_writes_nothing_and_reports_every_bad_row(configured):
    before = snapshot()
    text = (
        "scheme,kind,minor_code,department_code,urgency,safety_hazard,limit_handle_A\n"
        "GB/T 47678.5-2026,component,01013,zls,normal,0,1 工作日\n"  # good: must not be written either
        "GB/T 47678.5-2026,component,01002,nosuch,normal,0,2 工作日\n"
        "GB/T 47678.5-2026,component,01003,cgj,very,maybe,2 fortnights\n"
        "GB/T 47678.5-2026,component,99999,cgj,normal,0,\n"
    )
    with pytest.raises(DomainError) as error:
        import_settings("bad.csv", text.encode())
    assert error.value.message == "文件有 3 行错误，未导入任何数据。"
    details = error.value.details
    assert details[0] == "第 3 行：未知的部门代码“nosuch”"
    assert details[1].startswith("第 4 行：紧急程度应为")
    assert "安全隐患应为 1 或 0" in details[1] and "limit_handle_A 的时限“2 fortnights”无效" in details[1]
    assert details[2] == "第 5 行：找不到分类 GB/T 47678.5-2026 component 99999"
    assert snapshot() == before
    assert fire_hydrant().department is None


def test_a_bad_xlsx_writes_nothing(configured):
    before = snapshot()
    book = Workbook()
    book.active.append(["scheme", "kind", "minor_code", "limit_handle"])
    book.active.append(["GB/T 47678.5-2026", "component", "01013", "0 工作日"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DomainError) as error:
        import_settings("bad.xlsx", out.getvalue())
    assert error.value.details == [
        "第 2 行：limit_handle 的时限“0 工作日”无效（例如“2 工作日”“30 自然分钟”）"
    ]
    assert snapshot() == before


def test_an_unknown_column_is_refused(configured):
    with pytest.raises(DomainError, match="未知的列：handle_limit"):
        import_settings("s.csv", b"scheme,kind,minor_code,handle_limit\n")


def test_a_file_that_is_not_xlsx_is_refused_cleanly(configured):
    with pytest.raises(DomainError, match="无法读取 xlsx 文件"):
        import_settings("s.xlsx", b"not a spreadsheet")


def test_the_commands_export_and_import_through_a_file(configured, tmp_path):
    path = tmp_path / "settings.xlsx"
    call_command("export_category_settings", "-o", str(path), stdout=io.StringIO())
    before = snapshot()
    wipe()
    out = io.StringIO()
    call_command("import_category_settings", str(path), stdout=out)
    assert out.getvalue().strip() == "540 categories updated"
    assert snapshot() == before


def test_the_import_command_fails_on_a_bad_file_and_lists_problems(configured, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "scheme,kind,minor_code,urgency\nGB/T 47678.5-2026,component,01002,soon\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_category_settings", str(path), stderr=err)
    assert "第 2 行：紧急程度应为" in err.getvalue()


def test_the_admin_import_view_reports_problems_and_writes_nothing(configured, client, adam):
    client.force_login(adam)
    upload = io.BytesIO(b"scheme,kind,minor_code,urgency\nGB/T 47678.5-2026,component,01002,soon\n")
    upload.name = "bad.csv"
    response = client.post("/admin/catalog/category/import-settings/", {"file": upload})
    assert response.status_code == 200
    assert "第 2 行：紧急程度应为" in response.content.decode()
    assert cover().urgency == "urgent"


def test_the_admin_import_view_applies_a_good_file(configured, client, adam):
    client.force_login(adam)
    upload = io.BytesIO(b"scheme,kind,minor_code,urgency\nGB/T 47678.5-2026,component,01002,normal\n")
    upload.name = "good.csv"
    response = client.post("/admin/catalog/category/import-settings/", {"file": upload})
    assert response.status_code == 302
    assert cover().urgency == "normal"


def test_the_admin_export_action_downloads_xlsx(configured, client, adam):
    client.force_login(adam)
    response = client.post(
        "/admin/catalog/category/", {"action": "export_selected_xlsx", "_selected_action": [cover().pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="category-settings.xlsx"'


def test_a_csv_saved_by_excel_in_gbk_with_codes_stripped_of_zeros_is_read(configured):
    text = "scheme,kind,minor_code,urgency,limit_handle_B\nGB/T 47678.5-2026,component,1013,紧急,2工作日\n"
    import_settings("from-excel.csv", text.encode("gbk"))
    hydrant = fire_hydrant()
    assert hydrant.urgency == "urgent"
    assert list(hydrant.time_limits.values_list("area_class", "amount", "unit")) == [
        ("B", Decimal("2.00"), "working_days")
    ]


def test_problems_name_the_line_in_the_file_even_after_blank_lines(configured):
    text = "scheme,kind,minor_code,urgency\n\nGB/T 47678.5-2026,component,01002,soon\n"
    with pytest.raises(DomainError) as error:
        import_settings("s.csv", text.encode())
    assert error.value.details[0].startswith("第 3 行：")


def test_a_repeated_column_is_refused(configured):
    with pytest.raises(DomainError, match="文件的列重复：urgency"):
        import_settings("s.csv", b"scheme,kind,minor_code,urgency,urgency\n")
