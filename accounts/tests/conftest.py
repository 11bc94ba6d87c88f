import pytest

from accounts.testing import make_people
from geo import spatial
from geo.testing import make_small_geography


@pytest.fixture(autouse=True)
def fresh_grid_index():
    spatial.reset_index()
    yield
    spatial.reset_index()


@pytest.fixture
def town(db):
    return make_small_geography()


@pytest.fixture
def people(town):
    return make_people(town)
