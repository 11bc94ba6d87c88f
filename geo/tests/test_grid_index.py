"""The lattice accelerator must give exactly the STRtree's answers, whatever the polygon shapes."""

import numpy as np
import shapely

from geo.spatial import GridIndex


def index_of(polygons):
    rows = [
        (n + 1, f"530114001001{n + 1:03d}", 1, 1, "B", None, shapely.to_wkb(polygon))
        for n, polygon in enumerate(polygons)
    ]
    return GridIndex(version=None, rows=rows)


def brute_force(polygons, lons, lats):
    """Every polygon holding the point (boundary included); the first in code order wins."""
    tree = shapely.STRtree(polygons)
    which, found = tree.query(shapely.points(lons, lats), predicate="intersects")
    best = np.full(len(lons), 10**9)
    np.minimum.at(best, which, found)
    return np.where(best == 10**9, -1, best)


def voronoi_cells(seed):
    rng = np.random.default_rng(seed)
    points = shapely.MultiPoint(rng.uniform([102.80, 24.80], [102.84, 24.83], size=(300, 2)))
    frame = shapely.Polygon([(102.80, 24.80), (102.84, 24.80), (102.84, 24.83), (102.81, 24.835)])
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=frame))
    return shapely.set_precision(shapely.intersection(cells, frame), 1e-7)


def test_irregular_polygons_get_exactly_the_trees_answers_including_vertices():
    polygons = voronoi_cells(1)
    index = index_of(polygons)
    # Every path is exercised: direct cells, one candidate, two candidates, the tree.
    assert (index.cells >= 0).any() and (index.cells == -2).any()
    assert ((index.cells <= -3) & (index.cells > -3 - len(polygons))).any()
    assert (index.cells <= -3 - len(polygons)).any()
    rng = np.random.default_rng(2)
    vertices = shapely.get_coordinates(polygons)
    lons = np.concatenate([rng.uniform(102.79, 102.85, 20000), vertices[:, 0]])
    lats = np.concatenate([rng.uniform(24.79, 24.84, 20000), vertices[:, 1]])
    expected = brute_force(polygons, lons, lats)
    assert index.indices_of(lons, lats).tolist() == expected.tolist()
    assert [index.index_of(x, y) for x, y in zip(lons[::7], lats[::7], strict=True)] == expected[::7].tolist()
    assert (expected == -1).any() and (expected >= 0).mean() > 0.4


def test_polygons_with_holes_and_multipolygons_are_exact():
    outer = shapely.box(102.80, 24.80, 102.81, 24.81)
    hole = shapely.box(102.803, 24.803, 102.807, 24.807)
    ring_with_hole = outer.difference(hole)
    islands = shapely.MultiPolygon(
        [shapely.box(102.804, 24.804, 102.805, 24.805), shapely.box(102.811, 24.80, 102.812, 24.801)]
    )
    polygons = np.array([ring_with_hole, islands], dtype=object)
    index = index_of(polygons)
    rng = np.random.default_rng(3)
    lons = rng.uniform(102.799, 102.813, 20000)
    lats = rng.uniform(24.799, 24.811, 20000)
    assert index.indices_of(lons, lats).tolist() == brute_force(polygons, lons, lats).tolist()
    assert index.index_of(102.806, 24.806) == -1  # in the hole, outside the island
    assert index.index_of(102.8045, 24.8045) == 1
    assert index.index_of(102.803, 24.805) == 0  # on the hole's edge: the ring's boundary


def test_a_lattice_of_squares_is_mostly_answered_without_polygon_tests():
    edges = np.round(102.80 + np.arange(41) * 0.001, 6), np.round(24.80 + np.arange(31) * 0.001, 6)
    polygons = np.array(
        [
            shapely.box(edges[0][i], edges[1][j], edges[0][i + 1], edges[1][j + 1])
            for j in range(30)
            for i in range(40)
        ]
    )
    index = index_of(polygons)
    assert (index.cells >= 0).mean() > 0.5
    rng = np.random.default_rng(4)
    lons = np.concatenate([rng.uniform(102.799, 102.841, 20000), np.repeat(edges[0], 31)])
    lats = np.concatenate([rng.uniform(24.799, 24.831, 20000), np.tile(edges[1], 41)])
    assert index.indices_of(lons, lats).tolist() == brute_force(polygons, lons, lats).tolist()
