from decimal import Decimal

import pytest

from catalog.limits import time_limit_for
from catalog.models import Category, TimeLimit


@pytest.fixture
def cover(db):
    return Category.objects.create(
        scheme="GB/T 47678.5-2026",
        kind="component",
        major_code="01",
        major_name="市政公用设施",
        minor_code="01002",
        minor_name="污水井盖",
    )


@pytest.fixture
def tree(db):
    return Category.objects.create(
        scheme="GB/T 47678.5-2026",
        kind="component",
        major_code="04",
        major_name="园林绿化设施",
        minor_code="04002",
        minor_name="行道树",
    )


@pytest.fixture
def limits(cover):
    TimeLimit.objects.create(category=None, step="handle", area_class="", amount=5, unit="working_days")
    TimeLimit.objects.create(category=None, step="handle", area_class="A", amount=2, unit="working_days")
    TimeLimit.objects.create(category=cover, step="handle", area_class="", amount=4, unit="clock_hours")
    TimeLimit.objects.create(category=cover, step="handle", area_class="A", amount=2, unit="clock_hours")


def describe(limit):
    return (limit.amount, limit.unit) if limit else None


def test_the_sub_types_own_limit_for_the_area_class_wins(cover, limits):
    assert describe(time_limit_for(cover, "handle", "A")) == (Decimal("2.00"), "clock_hours")


def test_the_sub_types_own_limit_for_every_class_comes_next(cover, limits):
    assert describe(time_limit_for(cover, "handle", "C")) == (Decimal("4.00"), "clock_hours")


def test_a_sub_type_without_its_own_limit_gets_the_default_for_its_class(tree, limits):
    assert describe(time_limit_for(tree, "handle", "A")) == (Decimal("2.00"), "working_days")


def test_then_the_default_for_every_class(tree, limits):
    assert describe(time_limit_for(tree, "handle", "B")) == (Decimal("5.00"), "working_days")


def test_no_category_means_the_defaults(limits):
    assert describe(time_limit_for(None, "handle", "A")) == (Decimal("2.00"), "working_days")


def test_a_step_with_nothing_configured_has_no_limit(cover, limits):
    assert time_limit_for(cover, "check", "A") is None


def test_a_blank_area_class_only_matches_limits_for_every_class(tree, limits):
    assert describe(time_limit_for(tree, "handle", "")) == (Decimal("5.00"), "working_days")


def test_admin_labels_are_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(Category._meta.verbose_name) == "分类"
        assert str(TimeLimit._meta.get_field("area_class").verbose_name) == "区域类别"
