"""People and places for case tests: geo.testing's small town and accounts.testing's people, plus
sam the shift leader (值班长) and leo the leader (领导), two sub-types and their time limits.

alice patrols RG01 (west, area A); bob patrols RG02 (east, area B). dora handles for the city
management bureau, erin for the water company.
"""

import pytest

from accounts.models import Role
from accounts.testing import make_people, make_user
from cases.testing import EAST_POINT, WEST_POINT, jpeg, make_catalogue, photo_maker  # noqa: F401 - re-exported for the tests
from geo import spatial


@pytest.fixture(autouse=True)
def fresh_grid_index(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    spatial.reset_index()
    yield
    spatial.reset_index()


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
