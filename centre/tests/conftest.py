"""People, places and cases for the centre's page tests.

geo.testing's small town (west community: RG01, area A; east community: RG02, area B) and
accounts.testing's people: alice and bob the supervisors, carol the intake operator, dan the
dispatcher, dora (city management bureau) and erin (water company) the handlers; plus sam the
shift leader (值班长) and leo the leader (领导). Two sub-types: a sewer cover (a safety hazard,
city management) and exposed garbage (water company, to tell the departments apart).
"""

import pytest
from django.core.cache import cache

from accounts.models import Role
from accounts.testing import make_people, make_user
from cases import workflow
from cases.models import Source
from cases.testing import EAST_POINT, WEST_POINT, jpeg, make_catalogue, photo_maker  # noqa: F401 - re-exported for the tests
from geo import spatial


@pytest.fixture(autouse=True)
def fresh_state(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    spatial.reset_index()
    cache.clear()
    yield
    spatial.reset_index()
    cache.clear()


@pytest.fixture
def people(town):
    people = make_people(town)
    people.sam = make_user("sam", Role.SHIFT_LEADER)
    people.leo = make_user("leo", Role.LEADER)
    return people


@pytest.fixture
def catalogue(people):
    return make_catalogue(people)


@pytest.fixture
def photo():
    """A fresh uploaded JPEG each call (an upload can be read once)."""
    return photo_maker()


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
