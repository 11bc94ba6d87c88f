import pytest

from geo import spatial
from geo.testing import make_small_geography


@pytest.fixture(autouse=True)
def fresh_grid_index():
    """Each test starts and ends without a cached point index (databases roll back between tests)."""
    spatial.reset_index()
    yield
    spatial.reset_index()


@pytest.fixture
def town(db):
    """Two communities of four unit grids each; see geo/testing.py for the map."""
    return make_small_geography()
