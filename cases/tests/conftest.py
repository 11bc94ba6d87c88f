"""People and places for case tests: geo.testing's small town and accounts.testing's people, plus
sam the shift leader (值班长) and leo the leader (领导), two sub-types and their time limits.

alice patrols RG01 (west, area A); bob patrols RG02 (east, area B). dora handles for the city
management bureau, erin for the water company.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from accounts.testing import make_people, make_user
from catalog.models import Category, Kind, LimitUnit, Step, TimeLimit, Urgency
from geo import spatial
from geo.testing import make_small_geography

# A point inside west grid 530114001001003 (area A, RG01) and one inside east grid 530114001002001.
WEST_POINT = (102.8505, 24.8805)
EAST_POINT = (102.8525, 24.8815)


@pytest.fixture(autouse=True)
def fresh_grid_index(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    spatial.reset_index()
    yield
    spatial.reset_index()


@dataclass
class Catalogue:
    cover: Category  # 污水井盖: urgent safety hazard, city management
    garbage: Category  # 暴露垃圾: an event, water company in these tests only to tell them apart


@pytest.fixture
def town(db):
    return make_small_geography()


@pytest.fixture
def people(town):
    people = make_people(town)
    people.sam = make_user("sam", Role.SHIFT_LEADER)
    people.leo = make_user("leo", Role.LEADER)
    return people


@pytest.fixture
def catalogue(people):
    cover = Category.objects.create(
        scheme="GB/T 47678.5-2026",
        kind=Kind.COMPONENT,
        major_code="01",
        major_name="市政公用设施",
        minor_code="01002",
        minor_name="污水井盖",
        department=people.city_management,
        urgency=Urgency.NORMAL,
        safety_hazard=True,
    )
    garbage = Category.objects.create(
        scheme="GB/T 47678.5-2026",
        kind=Kind.EVENT,
        major_code="06",
        major_name="市容环境",
        minor_code="06001",
        minor_name="暴露垃圾",
        department=people.water_company,
    )
    # Defaults for every sub-type, in clock minutes so tests need no calendar arithmetic.
    for step, minutes in [
        (Step.ACCEPT, 10),
        (Step.VERIFY, 60),
        (Step.REGISTER, 30),
        (Step.DISPATCH, 30),
        (Step.HANDLE, 240),
        (Step.CHECK, 120),
        (Step.CLOSE, 60),
    ]:
        TimeLimit.objects.create(
            category=None, step=step, area_class="", amount=Decimal(minutes), unit=LimitUnit.CLOCK_MINUTES
        )
    return Catalogue(cover=cover, garbage=garbage)


def jpeg(width=64, height=48, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    """A fresh uploaded JPEG each call (an upload can be read once)."""
    count = iter(range(1000))
    return lambda: SimpleUploadedFile(f"photo{next(count)}.jpg", jpeg(), content_type="image/jpeg")
