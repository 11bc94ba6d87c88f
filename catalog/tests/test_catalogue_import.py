import io

import pytest
from django.core.management import CommandError, call_command

from catalog.importing import import_catalogue
from catalog.models import Category, Scheme
from urbangrid.errors import DomainError

HEADER = "scheme,kind,major_code,major_name,minor_code,minor_name\n"


def test_the_catalogue_holds_403_gb_rows_and_137_cjt_rows(catalogue):
    assert Category.objects.filter(scheme=Scheme.GB_2026).count() == 403
    assert Category.objects.filter(scheme=Scheme.CJT_2007).count() == 137


def test_gb_has_153_component_and_250_event_sub_types(catalogue):
    assert Category.objects.filter(scheme=Scheme.GB_2026, kind="component").count() == 153
    assert Category.objects.filter(scheme=Scheme.GB_2026, kind="event").count() == 250


def test_each_row_keeps_its_own_scheme_and_code(catalogue):
    gb = Category.objects.get(scheme=Scheme.GB_2026, kind="component", minor_code="01002")
    cjt = Category.objects.get(scheme=Scheme.CJT_2007, kind="component", minor_code="0102")
    assert (gb.minor_name, gb.major_code, gb.major_name) == ("污水井盖", "01", "市政公用设施")
    assert (cjt.minor_name, cjt.major_name) == ("污水井盖", "公用设施")
    # A code shared by a component and an event of the same scheme keeps both rows.
    assert (
        Category.objects.get(scheme=Scheme.CJT_2007, kind="event", minor_code="0101").minor_name == "私搭乱建"
    )


def test_pinyin_initials_are_stored_for_search(catalogue):
    assert (
        Category.objects.get(scheme=Scheme.GB_2026, kind="component", minor_code="01002").pinyin_initials
        == "wsjg"
    )
    assert (
        Category.objects.get(scheme=Scheme.GB_2026, kind="component", minor_code="04002").pinyin_initials
        == "xds"
    )


def test_importing_twice_changes_nothing_and_keeps_local_settings(catalogue, city_management):
    Category.objects.filter(minor_code="01002").update(department=city_management, urgency="urgent")
    result = import_catalogue(open("data/catalog.csv", encoding="utf-8").read())
    assert (result.created, result.updated) == (0, 0)
    assert Category.objects.count() == 540
    assert (
        Category.objects.get(scheme=Scheme.GB_2026, kind="component", minor_code="01002").urgency == "urgent"
    )


def test_a_renamed_row_is_updated_in_place(catalogue):
    before = Category.objects.get(scheme=Scheme.GB_2026, kind="component", minor_code="01002")
    result = import_catalogue(HEADER + "GB/T 47678.5-2026,component,01,市政公用设施,01002,污水检查井盖\n")
    after = Category.objects.get(pk=before.pk)
    assert (result.created, result.updated) == (0, 1)
    assert (after.minor_name, after.pinyin_initials) == ("污水检查井盖", "wsjcjg")


def test_a_bad_catalogue_writes_nothing_and_reports_every_bad_row(db):
    text = (
        HEADER
        + "GB/T 47678.5-2026,component,01,市政公用设施,01001,供水井盖\n"
        + "GB/T 47678.5-2026,component,01,市政公用设施,0102,污水井盖\n"
        + "GB/T 2026,component,01,市政公用设施,01003,雨水井盖\n"
        + "CJ/T 214-2007,thing,01,公用设施,0101,上水井盖\n"
        + "GB/T 47678.5-2026,component,01,市政公用设施,01001,供水井盖\n"
    )
    with pytest.raises(DomainError) as error:
        import_catalogue(text)
    assert error.value.message == "分类文件有 4 处错误，未导入任何数据。"
    assert [p.split("：")[0] for p in error.value.details] == ["第 3 行", "第 4 行", "第 5 行", "第 6 行"]
    assert "小类代码应为 5 位数字" in error.value.details[0]
    assert "与第 2 行重复" in error.value.details[3]
    assert Category.objects.count() == 0


def test_import_catalog_command_reports_counts_per_scheme(db):
    out = io.StringIO()
    call_command("import_catalog", stdout=out)
    assert out.getvalue().strip() == "540 created, 0 updated (CJ/T 214-2007: 137, GB/T 47678.5-2026: 403)"


def test_import_catalog_command_fails_on_a_missing_file(db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_catalog", "/nonexistent/catalog.csv")
