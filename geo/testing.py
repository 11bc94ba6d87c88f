"""A small hand-built geography for tests (of any app): one district, one street, two communities
of four 0.001° (~100 m) unit grids each, and two responsibility grids.

    lat 24.882 +--------+--------+--------+--------+
               |  001   |  002   |  001   |  002   |
    lat 24.881 +--------+--------+--------+--------+      community 530114001001 (west, area A, RG01)
               |  003   |  004   |  003   |  004   |      community 530114001002 (east, area B, RG02)
    lat 24.880 +--------+--------+--------+--------+
          lon 102.850  102.851  102.852  102.853  102.854        102.856

The district and the street reach east to 102.856: room for a third community in import tests.

Never the 50,000-grid demo: tests stay fast.
"""

from dataclasses import dataclass

import shapely

from .models import AreaClass, Community, District, ResponsibilityGrid, Street, UnitGrid
from .spatial import grids_changed

WEST, SOUTH, STEP = 102.850, 24.880, 0.001


@dataclass
class SmallGeography:
    district: District
    street: Street
    west: Community
    east: Community
    rg_west: ResponsibilityGrid
    rg_east: ResponsibilityGrid
    grids: dict  # code -> UnitGrid


def cell(column: int, row_from_south: int):
    """The square of the lattice at column (from the west) and row (from the south)."""
    x, y = WEST + column * STEP, SOUTH + row_from_south * STEP
    return shapely.box(round(x, 6), round(y, 6), round(x + STEP, 6), round(y + STEP, 6))


def block(first_column: int, end_column: int):
    """Columns first_column..end_column-1, both rows."""
    return shapely.box(
        round(WEST + first_column * STEP, 6),
        SOUTH,
        round(WEST + end_column * STEP, 6),
        round(SOUTH + 2 * STEP, 6),
    )


def make_small_geography() -> SmallGeography:
    district = District(code="530114", name="呈贡区")
    district.set_shape(block(0, 6))
    district.save()
    street = Street(code="530114001", name="龙城街道", district=district)
    street.set_shape(block(0, 6))
    street.save()
    west = Community(code="530114001001", name="西社区", street=street)
    west.set_shape(block(0, 2))
    west.save()
    east = Community(code="530114001002", name="东社区", street=street)
    east.set_shape(block(2, 4))
    east.save()
    rg_west = ResponsibilityGrid.objects.create(code="RG01", name="责任网格01", street=street)
    rg_east = ResponsibilityGrid.objects.create(code="RG02", name="责任网格02", street=street)
    grids = {}
    for community, first_column, area_class, rg in (
        (west, 0, AreaClass.A, rg_west),
        (east, 2, AreaClass.B, rg_east),
    ):
        # Numbered west → east, north → south.
        for serial, (column, row) in enumerate([(0, 1), (1, 1), (0, 0), (1, 0)], start=1):
            shape = cell(first_column + column, row)
            grid = UnitGrid(
                code=f"{community.code}{serial:03d}",
                name=f"{community.name}{serial}号网格",
                community=community,
                street=street,
                area_class=area_class,
                responsibility_grid=rg,
                centroid_lon=shape.centroid.x,
                centroid_lat=shape.centroid.y,
                area_m2=10000.0,
            )
            grid.set_shape(shape)
            grid.save()
            grids[grid.code] = grid
    grids_changed()
    return SmallGeography(district, street, west, east, rg_west, rg_east, grids)
