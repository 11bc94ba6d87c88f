"""Point → unit grid lookup (单元网格定位).

Each process holds one immutable `GridIndex`: the unit grid polygons in a shapely STRtree plus a
regular lattice that answers most points without any polygon test. It is built on first use and
rebuilt when the grids change: `grids_changed()` bumps the GridVersion row, and every process
compares its index's version with that row at most once every GEO_INDEX_CHECK_SECONDS (default
5 s) — never a database query per lookup.

Rule for points on a shared edge or vertex: a point is in a grid when the closed polygon contains
it (boundary included); when several grids contain it, the grid with the smallest code wins. The
tree is built in code order, so "smallest code" is "smallest tree index", which keeps the rule
cheap in batches. A point in no grid is outside the district: `locate` returns None,
`locate_or_error` raises DomainError, `locate_many` answers -1.

The lattice accelerator is exact, not approximate: a lattice cell answers directly only when the
cell (widened by a margin far larger than floating-point error) is covered by exactly one grid
and touches no other grid's bounding box, or touches no bounding box at all (outside). A cell
touched by one or two bounding boxes tests those polygons only (in code order); a cell touched by
more asks the STRtree. Every answer is therefore the exact polygon test's.

This module never writes grids; it only reads them.
"""

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from urbangrid import versions
from urbangrid.errors import DomainError

# Lattice cell states below zero (zero and above: the index of the one grid covering the cell).
_OUTSIDE = -1  # no grid's bounding box touches the cell
_MANY = -2  # several candidates: ask the STRtree
# -3 - k (k < n grids): one candidate, grid k, not covering the whole cell: test that polygon only.
# -3 - n - p: two candidates, pair p (pair_first[p] < pair_second[p]): test them in code order.

_MARGIN = 1e-9  # degrees (~0.1 mm); floating-point error in the cell arithmetic is ~1e-14
_MAX_CELLS = 6_000_000


@dataclass(frozen=True)
class GridHit:
    unit_grid_id: int
    code: str
    community_id: int
    street_id: int
    area_class: str
    responsibility_grid_id: int | None
    # Names for a case's address, so a report needs no query for them: renaming a street or a
    # community counts as a change of the grids (geo.apps connects it to grids_changed()).
    community_name: str = ""
    street_name: str = ""


class GridIndex:
    """An immutable index of the unit grids of one GridVersion."""

    def __init__(self, version, rows):
        """rows: (id, code, community_id, street_id, area_class, responsibility_grid_id, wkb,
        community name, street name) sorted by code; the names may be left off."""
        self.version = version
        self.hits = [GridHit(*r[:6], *r[7:9]) for r in rows]
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.polygons = shapely.from_wkb([bytes(r[6]) for r in rows]) if rows else np.array([], dtype=object)
        self.tree = shapely.STRtree(self.polygons)
        self._build_lattice()

    def __len__(self):
        return len(self.hits)

    # -- lattice --------------------------------------------------------------------------------

    def _build_lattice(self):
        n = len(self.polygons)
        self.pair_first = self.pair_second = np.zeros(0, dtype=np.int64)
        if n == 0:
            self.cells = np.full((1, 1), _OUTSIDE, dtype=np.int32)
            self.x0 = self.y0 = 0.0
            self.dx = self.dy = 1.0
            return
        bounds = shapely.bounds(self.polygons)
        usable = ~np.isnan(bounds).any(axis=1)  # empty geometries have no bounds and hold no point
        if not usable.any():
            self.cells = np.full((1, 1), _OUTSIDE, dtype=np.int32)
            self.x0 = self.y0 = 0.0
            self.dx = self.dy = 1.0
            return
        minx, miny = bounds[usable, 0].min(), bounds[usable, 1].min()
        maxx, maxy = bounds[usable, 2].max(), bounds[usable, 3].max()
        # About six cells across a typical grid, so most cells lie inside one grid.
        dx = float(np.median(bounds[usable, 2] - bounds[usable, 0])) / 6 or (maxx - minx) / 64 or 1e-3
        dy = float(np.median(bounds[usable, 3] - bounds[usable, 1])) / 6 or (maxy - miny) / 64 or 1e-3
        while ((maxx - minx) / dx + 3) * ((maxy - miny) / dy + 3) > _MAX_CELLS:
            dx, dy = dx * 1.5, dy * 1.5
        # An odd offset so lattice lines rarely fall on grid edges.
        x0, y0 = minx - dx * 0.618, miny - dy * 0.382
        nx = int((maxx - x0) / dx) + 2
        ny = int((maxy - y0) / dy) + 2
        self.x0, self.y0, self.dx, self.dy = x0, y0, dx, dy

        # Cells touched by each grid's (widened) bounding box, counted with a 2-D difference array;
        # summing index+1 the same way names the candidate where exactly one box touches a cell.
        bounds = np.where(usable[:, None], bounds, [minx, miny, minx, miny])  # placeholders, weight 0
        ix0 = np.floor((bounds[:, 0] - 2 * _MARGIN - x0) / dx).astype(np.int64)
        iy0 = np.floor((bounds[:, 1] - 2 * _MARGIN - y0) / dy).astype(np.int64)
        ix1 = np.floor((bounds[:, 2] + 2 * _MARGIN - x0) / dx).astype(np.int64) + 1
        iy1 = np.floor((bounds[:, 3] + 2 * _MARGIN - y0) / dy).astype(np.int64) + 1
        count = np.zeros((ny + 1, nx + 1), dtype=np.int32)
        total = np.zeros((ny + 1, nx + 1), dtype=np.int64)
        squares = np.zeros((ny + 1, nx + 1), dtype=np.int64)
        weight = np.where(usable, np.arange(1, n + 1, dtype=np.int64), 0)
        ones = usable.astype(np.int32)
        for ys, xs, sign in ((iy0, ix0, 1), (iy0, ix1, -1), (iy1, ix0, -1), (iy1, ix1, 1)):
            np.add.at(count, (ys, xs), sign * ones)
            np.add.at(total, (ys, xs), sign * weight)
            np.add.at(squares, (ys, xs), sign * weight * weight)
        count = count.cumsum(0).cumsum(1)[:ny, :nx]
        total = total.cumsum(0).cumsum(1)[:ny, :nx]
        squares = squares.cumsum(0).cumsum(1)[:ny, :nx]

        cells = np.full((ny, nx), _MANY, dtype=np.int32)
        cells[count == 0] = _OUTSIDE
        single_y, single_x = np.nonzero(count == 1)
        candidate = (total[single_y, single_x] - 1).astype(np.int64)
        cell_minx, cell_maxx = x0 + single_x * dx - _MARGIN, x0 + (single_x + 1) * dx + _MARGIN
        cell_miny, cell_maxy = y0 + single_y * dy - _MARGIN, y0 + (single_y + 1) * dy + _MARGIN
        # A rectangle covers a cell when its bounds hold the cell's: no geometry needed.
        rectangle = _axis_aligned_rectangles(self.polygons, bounds)[candidate]
        b = bounds[candidate]
        covered = (
            (b[:, 0] <= cell_minx) & (b[:, 1] <= cell_miny) & (b[:, 2] >= cell_maxx) & (b[:, 3] >= cell_maxy)
        )
        covered &= rectangle
        other = ~rectangle
        if other.any():
            boxes = shapely.box(cell_minx[other], cell_miny[other], cell_maxx[other], cell_maxy[other])
            covered[other] = shapely.covers(self.polygons[candidate[other]], boxes)
        cells[single_y, single_x] = np.where(covered, candidate, -3 - candidate).astype(np.int32)

        # Cells touched by exactly two boxes: the two candidates follow from the sums of k and k²
        # (a + b = s, a² + b² = q), so those points need two polygon tests and no tree query.
        pair_y, pair_x = np.nonzero(count == 2)
        s1 = total[pair_y, pair_x]
        s2 = squares[pair_y, pair_x]
        root = np.rint(np.sqrt(np.maximum(2 * s2 - s1 * s1, 0))).astype(np.int64)
        first, second = (s1 - root) // 2 - 1, (s1 + root) // 2 - 1
        exact = (
            ((first + 1) + (second + 1) == s1) & ((first + 1) ** 2 + (second + 1) ** 2 == s2) & (first >= 0)
        )
        pair_y, pair_x, first, second = pair_y[exact], pair_x[exact], first[exact], second[exact]
        if n + len(first) + 3 < 2**31:
            self.pair_first = first.astype(np.int64)
            self.pair_second = second.astype(np.int64)
            cells[pair_y, pair_x] = (-3 - n - np.arange(len(first))).astype(np.int32)
        else:
            self.pair_first = self.pair_second = np.zeros(0, dtype=np.int64)
        self.cells = cells

    # -- lookups --------------------------------------------------------------------------------

    def index_of(self, lon: float, lat: float) -> int:
        """Tree index of the grid containing the point, or -1."""
        fx = (lon - self.x0) / self.dx
        fy = (lat - self.y0) / self.dy
        ny, nx = self.cells.shape
        if not (0 <= fx < nx and 0 <= fy < ny):
            return -1
        state = self.cells.item(int(fy), int(fx))
        if state >= 0 or state == _OUTSIDE:
            return state
        if state <= -3:
            candidate = -3 - state
            n = len(self.polygons)
            if candidate < n:
                return candidate if shapely.intersects_xy(self.polygons[candidate], lon, lat) else -1
            first, second = self.pair_first[candidate - n], self.pair_second[candidate - n]
            if shapely.intersects_xy(self.polygons[first], lon, lat):
                return int(first)  # the smaller code wins on a shared edge
            return int(second) if shapely.intersects_xy(self.polygons[second], lon, lat) else -1
        found = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return int(found.min()) if len(found) else -1

    def indices_of(self, lons, lats) -> np.ndarray:
        """Tree indices (-1 outside) for arrays of coordinates."""
        lons = np.asarray(lons, dtype=np.float64).ravel()
        lats = np.asarray(lats, dtype=np.float64).ravel()
        if lons.shape != lats.shape:
            raise DomainError(_("经度和纬度的个数不一致"))
        result = np.full(lons.shape, -1, dtype=np.int64)
        ny, nx = self.cells.shape
        fx = (lons - self.x0) / self.dx
        fy = (lats - self.y0) / self.dy
        inside = (fx >= 0) & (fx < nx) & (fy >= 0) & (fy < ny)  # False for NaN
        where = np.nonzero(inside)[0]
        state = self.cells[fy[where].astype(np.int64), fx[where].astype(np.int64)].astype(np.int64)
        direct = state >= 0
        result[where[direct]] = state[direct]

        n = len(self.polygons)
        single = (state <= -3) & (state > -3 - n)
        if single.any():
            at = where[single]
            candidate = -3 - state[single]
            hit = shapely.intersects_xy(self.polygons[candidate], lons[at], lats[at])
            result[at[hit]] = candidate[hit]

        pair = state <= -3 - n
        if pair.any():
            at = where[pair]
            p = -3 - n - state[pair]
            first, second = self.pair_first[p], self.pair_second[p]
            in_first = shapely.intersects_xy(self.polygons[first], lons[at], lats[at])
            result[at[in_first]] = first[in_first]  # the smaller code wins on a shared edge
            rest, second = at[~in_first], second[~in_first]
            in_second = shapely.intersects_xy(self.polygons[second], lons[rest], lats[rest])
            result[rest[in_second]] = second[in_second]

        many = state == _MANY
        if many.any():
            at = where[many]
            points = shapely.points(lons[at], lats[at])
            which, tree_index = self.tree.query(points, predicate="intersects")
            best = np.full(len(at), np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best, which, tree_index)
            found = best != np.iinfo(np.int64).max
            result[at[found]] = best[found]
        return result


def _axis_aligned_rectangles(polygons, bounds) -> np.ndarray:
    """True for polygons that are exactly their bounding box (every vertex on a bbox corner)."""
    result = np.zeros(len(polygons), dtype=bool)
    simple = (shapely.get_type_id(polygons) == 3) & (shapely.get_num_coordinates(polygons) == 5)
    simple &= shapely.get_num_interior_rings(polygons) == 0
    at = np.nonzero(simple)[0]
    if len(at) == 0:
        return result
    coords = shapely.get_coordinates(polygons[at]).reshape(-1, 5, 2)
    b = bounds[at][:, None, :]
    on_x = (coords[:, :, 0] == b[:, :, 0]) | (coords[:, :, 0] == b[:, :, 2])
    on_y = (coords[:, :, 1] == b[:, :, 1]) | (coords[:, :, 1] == b[:, :, 3])
    box_area = (bounds[at, 2] - bounds[at, 0]) * (bounds[at, 3] - bounds[at, 1])
    # Corners only, and the full area (rules out a degenerate or self-crossing ring).
    exact = (
        on_x.all(axis=1)
        & on_y.all(axis=1)
        & np.isclose(shapely.area(polygons[at]), box_area, rtol=1e-9, atol=0)
    )
    result[at] = exact & (box_area > 0)
    return result


# -- the per-process index ----------------------------------------------------------------------

_lock = threading.Lock()
_index: GridIndex | None = None
_next_check_at = 0.0  # time.monotonic() after which the GridVersion row is read again
_force = False


def _current_version():
    from .models import GridVersion

    return versions.current(GridVersion)


def _load_rows():
    from .models import UnitGrid

    return list(
        UnitGrid.objects.filter(geometry_wkb__isnull=False)
        .order_by("code")
        .values_list(
            "id",
            "code",
            "community_id",
            "street_id",
            "area_class",
            "responsibility_grid_id",
            "geometry_wkb",
            "community__name",
            "street__name",
        )
    )


def _check_interval() -> float:
    return float(getattr(settings, "GEO_INDEX_CHECK_SECONDS", 5.0))


def get_index() -> GridIndex:
    """The current index, rebuilt if the grids changed (checked at most every few seconds)."""
    global _index, _next_check_at, _force
    index = _index
    if index is not None and not _force and time.monotonic() < _next_check_at:
        return index
    with _lock:
        if _index is not None and not _force and time.monotonic() < _next_check_at:
            return _index
        version = _current_version()
        if _index is None or _force or version != _index.version:
            _force = False
            _index = GridIndex(version, _load_rows())
        _next_check_at = time.monotonic() + _check_interval()
        return _index


def grids_changed() -> None:
    """Call after any change to unit grids (geometry, codes, area class, responsibility grid) or
    to the names of streets and communities (done by signals for saves and deletes of single rows).

    Bumps the GridVersion row (inside the caller's transaction, so a rollback undoes it) and makes
    this process rebuild its index on the next lookup; other processes follow within
    GEO_INDEX_CHECK_SECONDS.
    """
    global _force
    from .models import GridVersion

    versions.bump(GridVersion)
    _force = True  # this connection already sees the change
    transaction.on_commit(_force_rebuild)  # and again once everyone can see it


def _force_rebuild():
    global _force
    _force = True


def reset_index() -> None:
    """Forget this process's index (tests; after loading fixtures without grids_changed())."""
    global _index, _force
    with _lock:
        _index = None
        _force = False


def _check_coordinates(lon, lat) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise DomainError(_("坐标必须是数字")) from None
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError(_("坐标超出范围：经度应在-180到180之间，纬度在-90到90之间"))
    return lon, lat


def locate(lon: float, lat: float) -> GridHit | None:
    """The unit grid containing the WGS84 point, or None when the point is outside the district."""
    lon, lat = _check_coordinates(lon, lat)
    index = get_index()
    found = index.index_of(lon, lat)
    return index.hits[found] if found >= 0 else None


def locate_or_error(lon: float, lat: float) -> GridHit:
    hit = locate(lon, lat)
    if hit is None:
        raise DomainError(
            _("该位置不在本区网格范围内（经度%(lon)s，纬度%(lat)s）") % {"lon": lon, "lat": lat}
        )
    return hit


def locate_many(lons, lats) -> np.ndarray:
    """Unit grid ids (numpy int64, -1 outside or for invalid coordinates) for arrays of points."""
    index = get_index()
    found = index.indices_of(lons, lats)
    return np.where(found >= 0, index.ids[np.maximum(found, 0)] if len(index) else -1, -1).astype(np.int64)
