"""The Chenggong (呈贡区) demo geography.

The district boundary is real (data/chenggong-boundary.geojson). Everything inside it is drawn for
the demo and says so (demo_boundary=True, "演示" in names): the 10 streets are the real streets'
names on nearest-seed (Voronoi) regions around plausible seed points; communities are tiles of a
street; unit grids are square cells of options["grid_size"] metres (100 by default, about 50,000
grids) clipped to the district, so a grid never crosses a community boundary. Area class A in the
urban core, B around it, C elsewhere; 24 responsibility grids RG01..RG24 of whole unit grids, each
inside one street, smaller in the core.

Deterministic: the same boundary and grid size give the same codes and shapes. Idempotent: if the
district already exists nothing is written.
"""

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction

from .models import AreaClass, Community, District, ResponsibilityGrid, Street, UnitGrid
from .spatial import grids_changed

DISTRICT_CODE = "530114"
DISTRICT_NAME = "呈贡区"
BOUNDARY_FILE = "data/chenggong-boundary.geojson"  # relative to BASE_DIR

# (name, seed lon, seed lat): the real street names; the seeds are plausible, the lines are not surveyed.
STREETS = [
    ("龙城街道", 102.800, 24.888),
    ("乌龙街道", 102.775, 24.850),
    ("洛龙街道", 102.835, 24.872),
    ("斗南街道", 102.770, 24.905),
    ("吴家营街道", 102.865, 24.838),
    ("雨花街道", 102.840, 24.925),
    ("大渔街道", 102.745, 24.790),
    ("七甸街道", 102.935, 24.920),
    ("马金铺街道", 102.850, 24.760),
    ("洛羊街道", 102.800, 24.960),
]
URBAN_CORE = (102.825, 24.880)  # lon, lat
CORE_RADIUS_M = 4000  # area class A within, B up to OUTER_RADIUS_M, C beyond
OUTER_RADIUS_M = 9000
RESPONSIBILITY_GRIDS = 24
CLASS_WEIGHT = {"A": 8.0, "B": 2.0, "C": 0.5}  # patrol effort per grid, for sizing responsibility grids
MAX_GRIDS_PER_COMMUNITY = 999  # the serial has 3 digits
TILE_METRES = {"A": 1200, "B": 2200, "C": 3000}  # community size, by the street's main area class
SLIVER_SHARE = 0.15  # clipped cells smaller than this share of a cell join a neighbour


class _Metric:
    """Equirectangular metres around a reference point: exact enough over 30 km for a demo."""

    def __init__(self, lon0, lat0):
        self.lon0, self.lat0 = lon0, lat0
        self.mx = 111_320.0 * math.cos(math.radians(lat0))
        self.my = 110_574.0

    def to_metres(self, lon, lat):
        return (np.asarray(lon) - self.lon0) * self.mx, (np.asarray(lat) - self.lat0) * self.my


def _read_boundary():
    with open(Path(settings.BASE_DIR) / BOUNDARY_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    shapes = [shapely.geometry.shape(feature["geometry"]) for feature in data["features"]]
    # Snapped to 1e-7° (1 cm), the precision of every clipped grid, so grids and boundary agree exactly.
    return shapely.set_precision(shapely.make_valid(shapely.union_all(shapes)), 1e-7)


def load_geography(stdout, options):
    if District.objects.filter(code=DISTRICT_CODE).exists():
        stdout.write(f"geography: district {DISTRICT_CODE} {DISTRICT_NAME} already loaded, skipped\n")
        return
    grid_size = float(options.get("grid_size") or 100.0)
    plan = plan_geography(grid_size)
    with transaction.atomic():
        _write(plan)
        grids_changed()
    stdout.write(
        f"geography: {DISTRICT_NAME}, {len(plan['streets'])} streets, {len(plan['communities'])} communities, "
        f"{len(plan['grids'])} unit grids of {grid_size:g} m, {RESPONSIBILITY_GRIDS} responsibility grids "
        "(street and community boundaries are drawn for the demo)\n"
    )


def plan_geography(grid_size: float) -> dict:
    """Everything to write, computed without the database (tested at a coarse grid size)."""
    district = _read_boundary()
    minx, miny, maxx, maxy = district.bounds
    metric = _Metric((minx + maxx) / 2, (miny + maxy) / 2)
    dlon, dlat = grid_size / metric.mx, grid_size / metric.my
    ncols = math.ceil((maxx - minx) / dlon)
    nrows = math.ceil((maxy - miny) / dlat)
    lon_edges = np.round(minx + np.arange(ncols + 1) * dlon, 7)
    lat_edges = np.round(maxy - np.arange(nrows + 1) * dlat, 7)  # row 0 is the northernmost

    rows, cols = np.divmod(np.arange(nrows * ncols), ncols)
    boxes = shapely.box(lon_edges[cols], lat_edges[rows + 1], lon_edges[cols + 1], lat_edges[rows])
    shapely.prepare(district)
    touching = shapely.intersects(district, boxes)
    rows, cols, boxes = rows[touching], cols[touching], boxes[touching]
    inside = shapely.contains_properly(district, boxes)
    shapes = boxes.copy()
    shapes[~inside] = shapely.intersection(boxes[~inside], district, grid_size=1e-7)
    shapes[~inside] = [_polygonal(shape) for shape in shapes[~inside]]
    keep = ~shapely.is_empty(shapes) & (shapely.area(shapes) > 0)
    rows, cols, shapes = rows[keep], cols[keep], shapes[keep]

    # Streets: the nearest seed to each cell's centre (a Voronoi partition in metres).
    centre_x, centre_y = metric.to_metres(
        (lon_edges[cols] + lon_edges[cols + 1]) / 2, (lat_edges[rows] + lat_edges[rows + 1]) / 2
    )
    seed_x, seed_y = metric.to_metres([s[1] for s in STREETS], [s[2] for s in STREETS])
    distance = (centre_x[:, None] - seed_x[None, :]) ** 2 + (centre_y[:, None] - seed_y[None, :]) ** 2
    street_of = distance.argmin(axis=1)

    core_x, core_y = metric.to_metres(*URBAN_CORE)
    core_distance = np.hypot(centre_x - core_x, centre_y - core_y)
    area_class = np.where(
        core_distance < CORE_RADIUS_M, "A", np.where(core_distance < OUTER_RADIUS_M, "B", "C")
    )

    rows, cols, shapes, street_of, area_class = _merge_slivers(
        rows, cols, shapes, street_of, area_class, full_area=dlon * dlat
    )

    # Communities: square tiles of each street, smaller in the core; tiny leftovers join a neighbour.
    # The tile side is set in metres; at most 31 cells across, so a tile never exceeds 999 grids.
    tile_of_street = np.zeros(len(STREETS), dtype=np.int64)
    for index in range(len(STREETS)):
        classes = area_class[street_of == index]
        if not len(classes):
            continue
        side_m = (
            TILE_METRES["A"]
            if (classes == "A").mean() > 0.3
            else (TILE_METRES["B"] if (classes != "C").mean() > 0.3 else TILE_METRES["C"])
        )
        tile_of_street[index] = min(31, max(1, round(side_m / grid_size)))
    size = tile_of_street[street_of]
    tile_row, tile_col = rows // size, cols // size
    groups = defaultdict(list)
    for position, key in enumerate(
        zip(street_of.tolist(), tile_row.tolist(), tile_col.tolist(), strict=True)
    ):
        groups[key].append(position)
    groups = _merge_small_groups(groups, tile_of_street)

    plan = {"district": district, "streets": [], "communities": [], "grids": [], "responsibility": []}
    metre_area = metric.mx * metric.my
    for street_index, (street_name, _lon, _lat) in enumerate(STREETS):
        street_code = f"{DISTRICT_CODE}{street_index + 1:03d}"
        keys = sorted(key for key in groups if key[0] == street_index)
        if not keys:
            continue
        street_positions = np.concatenate([groups[key] for key in keys])
        plan["streets"].append(
            {
                "code": street_code,
                "name": street_name,
                "shape": shapely.coverage_union_all(shapes[street_positions]),
            }
        )
        for community_index, key in enumerate(keys, start=1):
            positions = np.array(groups[key])
            # Numbered west → east along each row, rows north → south.
            positions = positions[np.lexsort((cols[positions], rows[positions]))]
            community_code = f"{street_code}{community_index:03d}"
            community_name = f"{street_name[:-2]}演示社区{community_index:02d}"
            plan["communities"].append(
                {
                    "code": community_code,
                    "name": community_name,
                    "street": street_code,
                    "shape": shapely.coverage_union_all(shapes[positions]),
                }
            )
            for serial, position in enumerate(positions.tolist(), start=1):
                shape = shapes[position]
                centroid = shape.centroid
                plan["grids"].append(
                    {
                        "code": f"{community_code}{serial:03d}",
                        "name": f"{community_name}-{serial:03d}号网格",
                        "community": community_code,
                        "street": street_code,
                        "area_class": str(area_class[position]),
                        "shape": shape,
                        "centroid": (round(centroid.x, 7), round(centroid.y, 7)),
                        "area_m2": round(shape.area * metre_area, 1),
                        "row": int(rows[position]),
                        "col": int(cols[position]),
                    }
                )
    _plan_responsibility_grids(plan)
    return plan


def _polygonal(shape):
    """Keep only the polygon parts of a clipped cell (drop stray lines and points)."""
    if shape.geom_type in ("Polygon", "MultiPolygon") or shape.is_empty:
        return shape
    parts = [part for part in shapely.get_parts(shape) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _merge_slivers(rows, cols, shapes, street_of, area_class, full_area):
    """Clipped cells under SLIVER_SHARE of a cell join the largest edge neighbour of the same street."""
    areas = shapely.area(shapes)
    at = {(r, c): i for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))}
    absorbed = defaultdict(list)
    drop = np.zeros(len(shapes), dtype=bool)
    for i in np.nonzero(areas < SLIVER_SHARE * full_area)[0].tolist():
        best = None
        for dr, dc in ((-1, 0), (0, -1), (0, 1), (1, 0)):
            j = at.get((rows[i] + dr, cols[i] + dc))
            if j is None or drop[j] or street_of[j] != street_of[i] or areas[j] < SLIVER_SHARE * full_area:
                continue
            if shapely.intersection(shapes[i], shapes[j]).length == 0:
                continue  # only a corner or nothing in common: would make a multipolygon
            if best is None or areas[j] > areas[best]:
                best = j
        if best is not None:
            absorbed[best].append(i)
            drop[i] = True
    for target, parts in absorbed.items():
        shapes[target] = shapely.coverage_union_all(shapes[[target, *parts]])
    keep = ~drop
    return rows[keep], cols[keep], shapes[keep], street_of[keep], area_class[keep]


def _merge_small_groups(groups: dict, tile_of_street) -> dict:
    """Tiles under a fifth full (street edges) join the largest neighbouring tile of the same street."""
    for key in sorted(groups, key=lambda k: (len(groups[k]), k)):
        if key not in groups:
            continue
        street, trow, tcol = key
        if len(groups[key]) >= 0.2 * int(tile_of_street[street]) ** 2:
            continue
        neighbours = [
            (street, trow + dr, tcol + dc)
            for dr, dc in ((-1, 0), (0, -1), (0, 1), (1, 0), (-1, -1), (-1, 1), (1, -1), (1, 1))
        ]
        neighbours = [
            n
            for n in neighbours
            if n in groups and len(groups[n]) + len(groups[key]) <= MAX_GRIDS_PER_COMMUNITY
        ]
        if neighbours:
            target = max(neighbours, key=lambda n: (len(groups[n]), n))
            groups[target].extend(groups.pop(key))
    return groups


def _plan_responsibility_grids(plan):
    """24 responsibility grids. Each street gets a share by patrol weight (core grids weigh more, so
    core responsibility grids are smaller); its grids are then cut into that many compact parts of
    equal weight by recursive bisection along the longer side."""
    by_street = defaultdict(list)
    for grid in plan["grids"]:
        by_street[grid["street"]].append(grid)
    streets = sorted(by_street)
    weights = np.array([sum(CLASS_WEIGHT[g["area_class"]] for g in by_street[s]) for s in streets])
    share = weights / weights.sum() * RESPONSIBILITY_GRIDS
    counts = np.maximum(1, np.floor(share).astype(int))
    while counts.sum() < RESPONSIBILITY_GRIDS:
        counts[np.argmax(share - counts)] += 1
    while counts.sum() > RESPONSIBILITY_GRIDS:
        counts[np.argmax(np.where(counts > 1, counts - share, -np.inf))] -= 1
    number = 0
    names = {s["code"]: s["name"] for s in plan["streets"]}
    for street, count in zip(streets, counts.tolist(), strict=True):
        grids = by_street[street]
        rows = np.array([g["row"] for g in grids])
        cols = np.array([g["col"] for g in grids])
        weight = np.array([CLASS_WEIGHT[g["area_class"]] for g in grids])
        for k, part in enumerate(_bisect(np.arange(len(grids)), count, rows, cols, weight), start=1):
            number += 1
            code = f"RG{number:02d}"
            plan["responsibility"].append(
                {"code": code, "name": f"{names[street]}责任网格{k}（演示）", "street": street}
            )
            for position in part.tolist():
                grids[position]["responsibility"] = code


def _bisect(positions, parts, rows, cols, weight):
    """Split positions into `parts` groups of about equal weight, cutting across the longer side."""
    if parts == 1:
        return [positions]
    r, c = rows[positions], cols[positions]
    if np.ptp(c) >= np.ptp(r):
        order = np.lexsort((r, c))  # west → east
    else:
        order = np.lexsort((c, r))  # north → south
    ordered = positions[order]
    first = parts // 2
    cumulative = np.cumsum(weight[ordered])
    cut = int(np.searchsorted(cumulative, cumulative[-1] * first / parts)) + 1
    cut = min(max(cut, first), len(ordered) - (parts - first))
    return _bisect(ordered[:cut], first, rows, cols, weight) + _bisect(
        ordered[cut:], parts - first, rows, cols, weight
    )


def _write(plan):
    district = District(code=DISTRICT_CODE, name=DISTRICT_NAME)
    district.set_shape(plan["district"])
    district.save()
    streets = {}
    for item in plan["streets"]:
        street = Street(code=item["code"], name=item["name"], district=district, demo_boundary=True)
        street.set_shape(item["shape"])
        streets[item["code"]] = street
    Street.objects.bulk_create(streets.values())
    streets = {s.code: s for s in Street.objects.filter(district=district)}
    communities = []
    for item in plan["communities"]:
        community = Community(
            code=item["code"], name=item["name"], street=streets[item["street"]], demo_boundary=True
        )
        community.set_shape(item["shape"])
        communities.append(community)
    Community.objects.bulk_create(communities, batch_size=500)
    communities = {c.code: c.id for c in Community.objects.filter(street__district=district)}
    ResponsibilityGrid.objects.bulk_create(
        [
            ResponsibilityGrid(code=r["code"], name=r["name"], street=streets[r["street"]])
            for r in plan["responsibility"]
        ]
    )
    responsibility = dict(ResponsibilityGrid.objects.values_list("code", "id"))
    shapes = np.array([g["shape"] for g in plan["grids"]], dtype=object)
    wkbs = shapely.to_wkb(shapes) if len(shapes) else []
    bounds = shapely.bounds(shapes) if len(shapes) else []
    street_ids = {code: street.id for code, street in streets.items()}
    batch = []
    for grid, wkb, box in zip(plan["grids"], wkbs, bounds, strict=True):
        batch.append(
            UnitGrid(
                code=grid["code"],
                name=grid["name"],
                community_id=communities[grid["community"]],
                street_id=street_ids[grid["street"]],
                area_class=grid["area_class"] if grid["area_class"] in AreaClass.values else AreaClass.B,
                responsibility_grid_id=responsibility.get(grid.get("responsibility")),
                geometry_wkb=wkb,
                min_lon=box[0],
                min_lat=box[1],
                max_lon=box[2],
                max_lat=box[3],
                centroid_lon=grid["centroid"][0],
                centroid_lat=grid["centroid"][1],
                area_m2=grid["area_m2"],
            )
        )
    UnitGrid.objects.bulk_create(batch, batch_size=2000)
