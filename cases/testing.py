"""Test helpers for everything built on cases: the two sub-types and default time limits that the
case, centre and evaluation tests share, and small JPEG uploads. Used by tests only."""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.cache import catalog_changed
from catalog.models import Category, Kind, LimitUnit, Step, TimeLimit

# A point inside west grid 530114001001003 (area A, RG01) and one inside east grid 530114001002001
# (area B, RG02) of geo.testing's small town.
WEST_POINT = (102.8505, 24.8805)
EAST_POINT = (102.8525, 24.8815)

# Default limits for every sub-type, in clock minutes so tests need no calendar arithmetic.
DEFAULT_MINUTES = [
    (Step.ACCEPT, 10), (Step.VERIFY, 60), (Step.REGISTER, 30), (Step.DISPATCH, 30),
    (Step.HANDLE, 240), (Step.CHECK, 120), (Step.CLOSE, 60),
]  # fmt: skip


@dataclass
class Catalogue:
    cover: Category  # 污水井盖: a safety hazard, city management bureau
    garbage: Category  # 暴露垃圾: an event, water company in these tests only to tell them apart


def make_catalogue(people) -> Catalogue:
    """Two sub-types of the current scheme for accounts.testing's departments, and default limits."""
    cover = Category.objects.create(
        scheme="GB/T 47678.5-2026", kind=Kind.COMPONENT, major_code="01", major_name="市政公用设施",
        minor_code="01002", minor_name="污水井盖", pinyin_initials="wsjg", department=people.city_management,
        safety_hazard=True, registration_condition="井盖缺失、破损或移位",
    )  # fmt: skip
    garbage = Category.objects.create(
        scheme="GB/T 47678.5-2026", kind=Kind.EVENT, major_code="06", major_name="市容环境",
        minor_code="06001", minor_name="暴露垃圾", pinyin_initials="bllj", department=people.water_company,
        registration_condition="垃圾堆放面积大于1平方米",
    )  # fmt: skip
    TimeLimit.objects.bulk_create(
        TimeLimit(
            category=None, step=step, area_class="", amount=Decimal(minutes), unit=LimitUnit.CLOCK_MINUTES
        )
        for step, minutes in DEFAULT_MINUTES
    )
    catalog_changed()
    return Catalogue(cover=cover, garbage=garbage)


def jpeg(width=64, height=48, *, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def photo_maker():
    """A function returning a fresh uploaded JPEG each call (an upload can be read once)."""
    count = iter(range(1_000_000))
    return lambda: SimpleUploadedFile(f"photo{next(count)}.jpg", jpeg(), content_type="image/jpeg")
