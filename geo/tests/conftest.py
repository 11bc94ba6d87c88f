import pytest

from geo import spatial


@pytest.fixture(autouse=True)
def fresh_grid_index():
    """Each test starts and ends without a cached point index (databases roll back between tests)."""
    spatial.reset_index()
    yield
    spatial.reset_index()
