import io
from decimal import Decimal

from catalog.demo import load_catalogue
from catalog.limits import time_limit_for
from catalog.models import Category


def gb(kind, code):
    return Category.objects.get(scheme="GB/T 47678.5-2026", kind=kind, minor_code=code)


def test_the_demo_catalogue_gives_every_sub_type_a_department_and_conditions(db):
    out = io.StringIO()
    load_catalogue(out, {})
    assert "540 sub-types (CJ/T 214-2007 137, GB/T 47678.5-2026 403)" in out.getvalue()
    assert Category.objects.filter(department__isnull=True).count() == 0
    assert Category.objects.filter(registration_condition="").count() == 0
    assert gb("component", "01002").department.name == "呈贡区水务局"
    assert gb("component", "01001").department.name == "呈贡区自来水有限公司"
    assert gb("component", "04002").department.name == "呈贡区园林绿化管理中心"


def test_a_missing_cover_is_an_urgent_safety_hazard_with_a_two_hour_clock_limit(db):
    load_catalogue(io.StringIO(), {})
    cover = gb("event", "01002")
    assert (cover.urgency, cover.safety_hazard) == ("urgent", True)
    limit = time_limit_for(cover, "handle", "A")
    assert (limit.amount, limit.unit) == (Decimal("2.00"), "clock_hours")


def test_an_ordinary_sub_type_falls_back_to_the_default_limits_by_area_class(db):
    load_catalogue(io.StringIO(), {})
    bench = gb("component", "04007")  # 街头座椅
    assert bench.urgency == "normal"
    assert [
        (time_limit_for(bench, "handle", c).amount, time_limit_for(bench, "handle", c).unit) for c in "ABC"
    ] == [
        (Decimal("2.00"), "working_days"),
        (Decimal("3.00"), "working_days"),
        (Decimal("5.00"), "working_days"),
    ]
    accept = time_limit_for(bench, "accept", "B")
    assert (accept.amount, accept.unit) == (Decimal("10.00"), "clock_minutes")


def test_loading_the_demo_catalogue_twice_gives_the_same_settings(db):
    load_catalogue(io.StringIO(), {})
    first = list(
        Category.objects.order_by("id").values_list("department__code", "urgency", "closing_condition")
    )
    load_catalogue(io.StringIO(), {})
    assert (
        list(Category.objects.order_by("id").values_list("department__code", "urgency", "closing_condition"))
        == first
    )
