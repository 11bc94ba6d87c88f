import pytest

from geo import spatial
from geo.testing import make_small_geography


@pytest.fixture(autouse=True)
def fresh_grid_index():
    spatial.reset_index()
    yield
    spatial.reset_index()


@pytest.fixture
def town(db):
    """Two communities of four unit grids each (RG01 west, RG02 east); see geo/testing.py."""
    return make_small_geography()
