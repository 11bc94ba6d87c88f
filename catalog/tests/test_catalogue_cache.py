"""Each process's copy of the catalogue (catalog.cache): no query per read, and every change seen."""

import time
from decimal import Decimal

import pytest
from django.db import transaction

from catalog import cache
from catalog.limits import time_limit_for
from catalog.models import CatalogVersion, Category, Kind, LimitUnit, TimeLimit


def make_category(minor_code="01002", **fields):
    return Category.objects.create(
        scheme="GB/T 47678.5-2026", kind=Kind.COMPONENT, major_code="01", major_name="市政公用设施",
        minor_code=minor_code, minor_name="污水井盖", **fields,
    )  # fmt: skip


def limit(category, amount, area_class=""):
    return TimeLimit.objects.create(
        category=category,
        step="handle",
        area_class=area_class,
        amount=Decimal(amount),
        unit=LimitUnit.CLOCK_HOURS,
    )


def test_reads_after_the_first_take_no_query(db, django_assert_num_queries):
    cover = make_category()
    limit(None, 4)
    cache.category(cover.pk)
    with django_assert_num_queries(0):
        assert cache.category(cover.pk).minor_name == "污水井盖"
        assert time_limit_for(cover, "handle", "A").amount == Decimal(4)
        assert cache.category(cover.pk + 1000) is None


def test_an_admin_edit_is_seen_at_once_in_this_process(db):
    cover = make_category()
    default = limit(None, 4)
    assert cache.category(cover.pk).active and time_limit_for(cover, "handle", "A").amount == Decimal(4)
    cover.active = False
    cover.save()
    default.amount = Decimal(6)
    default.save()
    own = limit(cover, 2, "A")
    assert not cache.category(cover.pk).active
    assert time_limit_for(cover, "handle", "A").amount == Decimal(2)
    assert time_limit_for(cover, "handle", "B").amount == Decimal(6)
    own.delete()
    assert time_limit_for(cover, "handle", "A").amount == Decimal(6)


# Transactional: each save commits on its own, as admin edits do (in a test's single transaction
# the version row is bumped once).
@pytest.mark.django_db(transaction=True)
def test_another_process_sees_an_edit_after_the_check_interval():
    cover = make_category()
    assert cache.category(cover.pk).minor_name == "污水井盖"
    cover.minor_name = "雨水井盖"
    cover.save()
    cache._force = False  # as if the edit had been made in another process
    assert cache.category(cover.pk).minor_name == "污水井盖"  # within the interval: the old copy
    cache._next_check_at = time.monotonic()  # the interval has passed: the version row tells
    assert cache.category(cover.pk).minor_name == "雨水井盖"


@pytest.mark.django_db(transaction=True)
def test_bulk_changes_bump_the_version_once_per_transaction():
    cover = make_category()
    for area_class in "ABC":
        limit(cover, 2, area_class)
    before = CatalogVersion.objects.get().version
    with transaction.atomic():
        TimeLimit.objects.filter(category=cover).delete()  # three post_delete signals
    assert CatalogVersion.objects.get().version == before + 1
    assert time_limit_for(cover, "handle", "A") is None


def test_answers_are_fresh_instances(db):
    cover = make_category()
    first = cache.category(cover.pk)
    first.minor_name = "changed by a caller"
    assert cache.category(cover.pk).minor_name == "污水井盖"


def test_deleting_a_department_is_seen_in_its_categories(db):
    from accounts.models import Department

    department = Department.objects.create(code="D99", name="园林局")
    cover = make_category(department=department)
    assert cache.category(cover.pk).department_id == department.pk
    department.delete()  # SET_NULL on the categories: an UPDATE without their signals
    assert cache.category(cover.pk).department_id is None
