import time

import numpy as np
import pytest
import shapely

from geo import spatial
from geo.models import UnitGrid
from geo.spatial import grids_changed, locate, locate_many, locate_or_error
from urbangrid.errors import DomainError


def test_a_point_inside_a_grid_finds_that_grid_and_its_hierarchy(town):
    hit = locate(102.8535, 24.8805)
    grid = town.grids["530114001002004"]
    assert hit.code == "530114001002004"
    assert hit.unit_grid_id == grid.id
    assert hit.community_id == town.east.id
    assert hit.street_id == town.street.id
    assert hit.area_class == "B"
    assert hit.responsibility_grid_id == town.rg_east.id
    assert (hit.street_name, hit.community_name) == (town.street.name, town.east.name)


def test_renaming_a_street_or_a_community_rebuilds_the_index(town):
    assert locate(102.8535, 24.8805).street_name == town.street.name
    town.street.name = "新街道"
    town.street.save()
    town.east.name = "新社区"
    town.east.save()
    spatial._force = False  # as if the signals had run in another process: the version row tells
    spatial._next_check_at = time.monotonic()
    hit = locate(102.8535, 24.8805)
    assert (hit.street_name, hit.community_name) == ("新街道", "新社区")


def test_a_point_on_an_edge_shared_by_two_grids_goes_to_the_smaller_code(town):
    # 102.851 is the edge between 001 and 002 of the west community.
    assert locate(102.851, 24.8815).code == "530114001001001"
    # The edge between the two communities.
    assert locate(102.852, 24.8805).code == "530114001001004"


def test_a_point_on_a_vertex_shared_by_four_grids_goes_to_the_smallest_code(town):
    assert locate(102.851, 24.881).code == "530114001001001"
    assert locate(102.853, 24.881).code == "530114001002001"


def test_a_point_on_the_outer_boundary_belongs_to_its_grid(town):
    assert locate(102.850, 24.8805).code == "530114001001003"
    assert locate(102.854, 24.882).code == "530114001002002"


def test_a_point_outside_every_grid_is_none(town):
    assert locate(102.8541, 24.881) is None
    assert locate(103.5, 25.5) is None


def test_locate_or_error_explains_a_point_outside_the_district(town):
    with pytest.raises(DomainError) as raised:
        locate_or_error(103.5, 25.5)
    assert raised.value.message == "该位置不在本区网格范围内（经度103.5，纬度25.5）"


def test_coordinates_that_are_not_numbers_are_refused(town):
    with pytest.raises(DomainError):
        locate("east", 24.88)
    with pytest.raises(DomainError):
        locate(float("nan"), 24.88)
    with pytest.raises(DomainError):
        locate(200, 24.88)


def test_with_no_grids_at_all_every_point_is_outside(db):
    assert locate(102.85, 24.88) is None
    assert list(locate_many([102.85], [24.88])) == [-1]


def brute_force(town, lon, lat):
    """The rule written out: every grid whose closed polygon holds the point; the smallest code."""
    codes = sorted(
        code for code, grid in town.grids.items() if grid.shape.intersects(shapely.Point(lon, lat))
    )
    return town.grids[codes[0]].id if codes else -1


def test_a_batch_gives_the_same_answers_as_single_lookups_and_the_rule(town):
    rng = np.random.default_rng(7)
    lons = np.concatenate([rng.uniform(102.8495, 102.8545, 3000), [102.851, 102.852, 102.853, 102.854]])
    lats = np.concatenate([rng.uniform(24.8795, 24.8825, 3000), [24.881, 24.8805, 24.8815, 24.882]])
    ids = locate_many(lons, lats)
    expected = []
    for lon, lat in zip(lons, lats, strict=True):
        hit = locate(lon, lat)
        expected.append(hit.unit_grid_id if hit else -1)
    assert ids.dtype == np.int64
    assert ids.tolist() == expected
    assert expected[:300] + expected[-4:] == [
        brute_force(town, x, y)
        for x, y in zip(list(lons[:300]) + list(lons[-4:]), list(lats[:300]) + list(lats[-4:]), strict=True)
    ]
    assert (ids == -1).sum() > 1000 and (ids != -1).sum() > 1400


def test_a_batch_answers_minus_one_for_invalid_coordinates(town):
    ids = locate_many([102.8505, float("nan"), 102.8505], [24.8815, 24.8815, float("inf")])
    assert ids.tolist() == [town.grids["530114001001001"].id, -1, -1]


def test_the_index_is_rebuilt_after_grids_change(town):
    assert locate(102.8545, 24.8805) is None
    grid = town.grids["530114001002004"]
    grid.set_shape(shapely.box(102.853, 24.880, 102.855, 24.881))
    grid.area_class = "C"
    grid.save()
    grids_changed()
    hit = locate(102.8545, 24.8805)
    assert (hit.code, hit.area_class) == ("530114001002004", "C")


def test_the_index_is_not_reloaded_for_every_lookup(town, django_assert_num_queries):
    locate(102.8505, 24.8805)
    with django_assert_num_queries(0):
        for _ in range(100):
            locate(102.8505, 24.8805)
        locate_many([102.8505], [24.8805])


def test_another_process_changing_the_grids_is_noticed_after_the_check_interval(town):
    assert locate(102.8545, 24.8805) is None
    grid = town.grids["530114001002004"]
    grid.set_shape(shapely.box(102.853, 24.880, 102.855, 24.881))
    grid.save()
    grids_changed()
    spatial._force = False  # as if grids_changed() had run in another process
    assert locate(102.8545, 24.8805) is None  # within the interval: the old index still answers
    spatial._next_check_at = time.monotonic()  # the interval has passed
    assert locate(102.8545, 24.8805).code == "530114001002004"


def test_irregular_grids_are_looked_up_exactly(db, town):
    # A triangle split across a lattice cell: the exact polygon test decides, not the lattice.
    grid = town.grids["530114001001001"]
    grid.set_shape(shapely.Polygon([(102.850, 24.881), (102.851, 24.881), (102.850, 24.882)]))
    grid.save()
    grids_changed()
    assert locate(102.8502, 24.8812).code == "530114001001001"
    assert locate(102.8508, 24.8818) is None
    assert UnitGrid.objects.count() == 8
