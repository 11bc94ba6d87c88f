"""People, places and cases for the centre's page tests.

geo.testing's small town (west community: RG01, area A; east community: RG02, area B) and
accounts.testing's people: alice and bob the supervisors, carol the intake operator, dan the
dispatcher, dora (city management bureau) and erin (water company) the handlers; plus sam the
shift leader (值班长) and leo the leader (领导). Two sub-types: a sewer cover (a safety hazard,
city management) and exposed garbage (water company, to tell the departments apart).
"""

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from accounts.testing import make_people, make_user
from cases import workflow
from cases.models import Source
from catalog.models import Category, Kind, LimitUnit, Step, TimeLimit
from geo import spatial
from geo.testing import make_small_geography

WEST_POINT = (102.8505, 24.8805)  # inside 530114001001003 (RG01, area A)
EAST_POINT = (102.8525, 24.8815)  # inside 530114001002001 (RG02, area B)


@pytest.fixture(autouse=True)
def fresh_state(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    spatial.reset_index()
    cache.clear()
    yield
    spatial.reset_index()
    cache.clear()


@dataclass
class Catalogue:
    cover: Category
    garbage: Category


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
        pinyin_initials="wsjg",
        department=people.city_management,
        safety_hazard=True,
        registration_condition="井盖缺失、破损或移位",
    )
    garbage = Category.objects.create(
        scheme="GB/T 47678.5-2026", kind=Kind.EVENT, major_code="06", major_name="市容环境",
        minor_code="06001", minor_name="暴露垃圾", pinyin_initials="bllj", department=people.water_company,
        registration_condition="垃圾堆放面积大于1平方米",
    )  # fmt: skip
    for step, minutes in [
        (Step.ACCEPT, 10), (Step.VERIFY, 60), (Step.REGISTER, 30), (Step.DISPATCH, 30),
        (Step.HANDLE, 240), (Step.CHECK, 120), (Step.CLOSE, 60),
    ]:  # fmt: skip
        TimeLimit.objects.create(
            category=None, step=step, area_class="", amount=Decimal(minutes), unit=LimitUnit.CLOCK_MINUTES
        )
    return Catalogue(cover=cover, garbage=garbage)


def jpeg(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    count = iter(range(1000))
    return lambda: SimpleUploadedFile(f"photo{next(count)}.jpg", jpeg(), content_type="image/jpeg")


@pytest.fixture
def report(people, catalogue):
    """A video-source report by carol (no photo or 核实 needed): report(category=..., point=..., at=...)."""

    def make(category=None, point=WEST_POINT, at=None, description="井盖破损"):
        return workflow.report(
            people.carol,
            source=Source.VIDEO,
            category=category or catalogue.cover,
            lon=point[0],
            lat=point[1],
            description=description,
            at=at,
        )

    return make


def login(client, user):
    client.force_login(user)
    return client
