import pytest

from geo import spatial


@pytest.fixture(autouse=True)
def fresh_grid_index():
    spatial.reset_index()
    yield
    spatial.reset_index()
