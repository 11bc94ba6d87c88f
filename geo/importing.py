"""Import of districts, streets, communities and unit grids from GeoJSON (MapIt style).

Check everything first and report every problem found, each with the feature's index and code;
write nothing unless asked to and the whole file is valid; write in one transaction and call
grids_changed(). Never a partial import.

The file is a FeatureCollection of WGS84 Polygon/MultiPolygon features. Each feature's level comes
from properties["level"] ("district", "street", "community", "grid") or else from the length of
properties["code"] (6, 9, 12, 15; a 14-digit legacy grid code is widened to 15). Properties:

- every level: code, name (needed for new areas; unit grids default to "单元网格<code>");
- street, community: demo_boundary (optional, true/false);
- grid: area_class ("A", "B" or "C", required), responsibility_grid (optional code of an existing
  responsibility grid); community (optional: must agree with the code's first 12 digits).

Checks: codes valid and unique; each code's parent (the code's prefix) exists or is in the file;
polygons valid and non-empty; no two areas of a level overlap by more than the tolerance (new ones
against each other and against those already stored); a child does not stick out of its parent's
polygon; where a community has a polygon, its unit grids (stored and imported) cover it with no gap
larger than the tolerance. Existing areas with the same code are updated; others are left alone.
"""

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import connection, transaction
from django.utils.translation import gettext as _

from urbangrid.errors import DomainError

from . import codes
from .models import AreaClass, Community, District, ResponsibilityGrid, Street, UnitGrid
from .spatial import grids_changed

LEVELS = ["district", "street", "community", "grid"]
CODE_LENGTH = {"district": 6, "street": 9, "community": 12, "grid": 15}
LEVEL_BY_LENGTH = {6: "district", 9: "street", 12: "community", 14: "grid", 15: "grid"}
PARENT = {"street": "district", "community": "street", "grid": "community"}
MODEL = {"district": District, "street": Street, "community": Community, "grid": UnitGrid}
NORMALIZE = {
    "district": codes.normalize_district_code,
    "street": codes.normalize_street_code,
    "community": codes.normalize_community_code,
    "grid": codes.normalize_unit_grid_code,
}
LEVEL_NAME = {"district": "区县", "street": "街道", "community": "社区", "grid": "单元网格"}
DEFAULT_TOLERANCE_M2 = 1.0
# Boundaries drawn or clipped separately disagree by a few millimetres (coordinates rounded to
# 1e-7°); a child may stick out of, or leave uncovered, a band this wide along its parent's edge.
EDGE_TOLERANCE_DEGREES = 1e-6  # about 0.1 m


def square_metres_per_square_degree(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat)) * 110_574.0


@dataclass
class Problem:
    index: int | None  # the feature's position in the file, from 0; None for a stored area
    code: str
    message: str

    def __str__(self):
        where = f"features[{self.index}]" if self.index is not None else _("已有数据")
        return f"{where} {self.code or '-'}: {self.message}"


@dataclass
class Item:
    index: int
    level: str
    code: str
    name: str
    shape: object
    properties: dict = field(default_factory=dict)

    @property
    def parent_code(self):
        parent = PARENT.get(self.level)
        return self.code[: CODE_LENGTH[parent]] if parent else None


@dataclass
class ImportResult:
    problems: list
    created: dict  # level -> count
    updated: dict
    written: bool
    unchanged: dict = field(default_factory=dict)


def read_geojson(path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(_("无法读取GeoJSON文件：%(error)s") % {"error": exc}) from None


class AreaImport:
    """One import: `check()` lists the problems, `write()` stores a valid file."""

    def __init__(self, data, *, level: str | None = None, tolerance_m2: float = DEFAULT_TOLERANCE_M2):
        self.data = data
        self.only_level = level
        self.tolerance_m2 = tolerance_m2
        self.problems: list[Problem] = []
        self.items: dict[str, list[Item]] = {level: [] for level in LEVELS}
        self._checked = False
        self._stored_codes: dict[str, set] = {}
        self._file_codes: dict[str, set] = {level: set() for level in LEVELS}

    def problem(self, index, code, message):
        self.problems.append(Problem(index, code, message))

    # -- checking -------------------------------------------------------------------------------

    def check(self) -> list[Problem]:
        if self._checked:
            return self.problems
        self._checked = True
        self._parse()
        self._check_duplicates()
        self._check_hierarchy()
        for level in LEVELS:
            self._check_overlaps(level)
        for level in LEVELS[1:]:
            self._check_within_parent(level)
        # Unit grids must tile their community; streets and communities may be imported piecemeal.
        self._check_gaps("grid")
        self.problems.sort(key=lambda p: (p.index if p.index is not None else -1, p.code))
        return self.problems

    def _parse(self):
        data = self.data
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            self.problem(None, "", _("文件不是GeoJSON FeatureCollection"))
            return
        features = data.get("features")
        if not isinstance(features, list) or not features:
            self.problem(None, "", _("文件中没有要素（features为空）"))
            return
        stored_rgs = set(ResponsibilityGrid.objects.values_list("code", flat=True))
        for index, feature in enumerate(features):
            item = self._parse_feature(index, feature, stored_rgs)
            if item is not None:
                self.items[item.level].append(item)

    def _parse_feature(self, index, feature, stored_rgs):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            self.problem(index, "", _("不是GeoJSON Feature"))
            return None
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            self.problem(index, "", _("properties必须是对象"))
            return None
        raw_code = properties.get("code")
        raw_text = str(raw_code).strip() if raw_code is not None else ""
        level = properties.get("level") or LEVEL_BY_LENGTH.get(len(raw_text))
        if level not in LEVELS:
            if raw_code is None:
                self.problem(index, "", _("缺少编码（properties.code）"))
            else:
                self.problem(
                    index,
                    raw_text,
                    _("无法判断层级：编码应为6、9、12或15位（或14位旧网格编码），或给出level属性"),
                )
            return None
        if self.only_level and level != self.only_level:
            self.problem(
                index,
                raw_text,
                _("本次只导入%(want)s，该要素是%(got)s")
                % {"want": LEVEL_NAME[self.only_level], "got": LEVEL_NAME[level]},
            )
            return None
        ok = True
        try:
            code = NORMALIZE[level](raw_code)
            self._file_codes[level].add(code)  # a parent with other problems is still "in the file"
        except DomainError as exc:
            self.problem(index, raw_text, exc.message)
            code, ok = raw_text, False
        shape = self._parse_geometry(index, code, feature.get("geometry"))
        ok = ok and shape is not None
        name = str(properties.get("name") or "").strip()
        if level == "grid":
            name = name or f"单元网格{code}"
            area_class = properties.get("area_class")
            if area_class not in AreaClass.values:
                self.problem(
                    index, code, _("面积分类area_class应为A、B或C，实际为“%(value)s”") % {"value": area_class}
                )
                ok = False
            rg = properties.get("responsibility_grid")
            if rg not in (None, "") and rg not in stored_rgs:
                self.problem(index, code, _("责任网格“%(rg)s”不存在") % {"rg": rg})
                ok = False
            community = properties.get("community")
            if community not in (None, "") and ok and str(community).strip() != code[:12]:
                self.problem(
                    index,
                    code,
                    _("community属性“%(given)s”与编码前12位“%(prefix)s”不一致")
                    % {"given": community, "prefix": code[:12]},
                )
                ok = False
        demo = properties.get("demo_boundary", False)
        if not isinstance(demo, bool):
            self.problem(index, code, _("demo_boundary应为true或false"))
            ok = False
        if not ok:
            return None
        return Item(index, level, code, name, shape, properties)

    def _parse_geometry(self, index, code, geometry):
        if not isinstance(geometry, dict):
            self.problem(index, code, _("缺少几何图形（geometry）"))
            return None
        try:
            shape = shapely.geometry.shape(geometry)
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            IndexError,
            shapely.errors.ShapelyError,
        ) as exc:
            self.problem(index, code, _("几何图形无法解析：%(error)s") % {"error": exc})
            return None
        if shape.geom_type not in ("Polygon", "MultiPolygon"):
            self.problem(
                index,
                code,
                _("几何图形应为Polygon或MultiPolygon，实际为%(type)s") % {"type": shape.geom_type},
            )
            return None
        if not shape.is_valid:
            self.problem(
                index, code, _("几何图形无效：%(reason)s") % {"reason": shapely.is_valid_reason(shape)}
            )
            return None
        if shape.is_empty or shape.area <= 0:
            self.problem(index, code, _("几何图形为空或面积为0"))
            return None
        minx, miny, maxx, maxy = shape.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            self.problem(index, code, _("坐标超出经纬度范围（应为WGS84经度、纬度）"))
            return None
        return shape

    def _check_duplicates(self):
        for level in LEVELS:
            first = {}
            for item in self.items[level]:
                if item.code in first:
                    self.problem(
                        item.index,
                        item.code,
                        _("编码重复：与features[%(other)d]相同") % {"other": first[item.code].index},
                    )
                else:
                    first[item.code] = item
            self.items[level] = list(first.values())

    def _check_hierarchy(self):
        self._stored_codes = {}
        for level in LEVELS:
            self._stored_codes[level] = set(MODEL[level].objects.values_list("code", flat=True))
        for level in LEVELS[1:]:
            parent = PARENT[level]
            known = self._stored_codes[parent] | self._file_codes[parent]
            for item in self.items[level]:
                if item.parent_code not in known:
                    self.problem(
                        item.index,
                        item.code,
                        _("所属%(parent)s“%(code)s”不存在（既不在数据库中，也不在本文件中）")
                        % {"parent": LEVEL_NAME[parent], "code": item.parent_code},
                    )
                    item.properties["_orphan"] = True

    def _tolerance_deg2(self, lat):
        return self.tolerance_m2 / square_metres_per_square_degree(lat)

    def _stored_shapes(self, level, *, bounds=None, prefixes=None):
        """code -> shape of stored areas of a level that the file does not replace."""
        replaced = {item.code for item in self.items[level]}
        rows = MODEL[level].objects.filter(geometry_wkb__isnull=False)
        if bounds is not None:
            minx, miny, maxx, maxy = bounds
            rows = rows.filter(max_lon__gte=minx, min_lon__lte=maxx, max_lat__gte=miny, min_lat__lte=maxy)
        result = {}
        for code, wkb in rows.values_list("code", "geometry_wkb").iterator(chunk_size=5000):
            if code in replaced:
                continue
            if prefixes is not None and code[: len(next(iter(prefixes)))] not in prefixes:
                continue
            result[code] = shapely.from_wkb(bytes(wkb))
        return result

    def _check_overlaps(self, level):
        items = self.items[level]
        if not items:
            return
        shapes = np.array([item.shape for item in items], dtype=object)
        stored = self._stored_shapes(level, bounds=shapely.total_bounds(shapes))
        stored_codes = list(stored)
        everything = np.concatenate([shapes, np.array(list(stored.values()), dtype=object)])
        tree = shapely.STRtree(everything)
        mine, other = tree.query(shapes, predicate="intersects")
        keep = (other != mine) & ((other >= len(items)) | (other > mine))
        mine, other = mine[keep], other[keep]
        if not len(mine):
            return
        overlap = shapely.area(shapely.intersection(shapes[mine], everything[other]))
        for i, j, area in zip(mine.tolist(), other.tolist(), overlap.tolist(), strict=True):
            item = items[i]
            lat = item.shape.centroid.y
            if area <= self._tolerance_deg2(lat):
                continue
            other_name = (
                f"features[{items[j].index}] {items[j].code}"
                if j < len(items)
                else _("已有的%(level)s%(code)s")
                % {"level": LEVEL_NAME[level], "code": stored_codes[j - len(items)]}
            )
            self.problem(
                item.index,
                item.code,
                _("与%(other)s重叠约%(area).1f平方米")
                % {"other": other_name, "area": area * square_metres_per_square_degree(lat)},
            )

    def _parent_shapes(self, level):
        parent = PARENT[level]
        shapes = {item.code: item.shape for item in self.items[parent]}
        wanted = {item.parent_code for item in self.items[level]} - set(shapes)
        if wanted:
            for code, wkb in (
                MODEL[parent]
                .objects.filter(code__in=wanted, geometry_wkb__isnull=False)
                .values_list("code", "geometry_wkb")
            ):
                shapes[code] = shapely.from_wkb(bytes(wkb))
        return shapes

    def _check_within_parent(self, level):
        items = [item for item in self.items[level] if not item.properties.get("_orphan")]
        if not items:
            return
        parents = self._parent_shapes(level)
        with_parent = [item for item in items if item.parent_code in parents]
        if not with_parent:
            return
        codes_needed = sorted({item.parent_code for item in with_parent})
        widened = dict(
            zip(
                codes_needed,
                shapely.buffer(
                    np.array([parents[code] for code in codes_needed], dtype=object), EDGE_TOLERANCE_DEGREES
                ),
                strict=True,
            )
        )
        outside = shapely.area(
            shapely.difference(
                np.array([item.shape for item in with_parent], dtype=object),
                np.array([widened[item.parent_code] for item in with_parent], dtype=object),
            )
        )
        for item, area in zip(with_parent, outside.tolist(), strict=True):
            lat = item.shape.centroid.y
            if area > self._tolerance_deg2(lat):
                self.problem(
                    item.index,
                    item.code,
                    _("超出所属%(parent)s%(code)s的边界约%(area).1f平方米")
                    % {
                        "parent": LEVEL_NAME[PARENT[level]],
                        "code": item.parent_code,
                        "area": area * square_metres_per_square_degree(lat),
                    },
                )

    def _check_gaps(self, level):
        items = [item for item in self.items[level] if not item.properties.get("_orphan")]
        if not items:
            return
        parents = self._parent_shapes(level)
        children = defaultdict(list)
        for item in items:
            if item.parent_code in parents:
                children[item.parent_code].append(item.shape)
        if not children:
            return
        parent_bounds = shapely.total_bounds(np.array([parents[code] for code in children], dtype=object))
        stored = self._stored_shapes(level, bounds=parent_bounds, prefixes=set(children))
        for code, shape in stored.items():
            children[code[: CODE_LENGTH[PARENT[level]]]].append(shape)
        parent_items = {item.code: item for item in self.items[PARENT[level]]}
        for parent_code in sorted(children):
            parent_shape = parents[parent_code]
            union = shapely.union_all(np.array(children[parent_code], dtype=object), grid_size=None)
            gap = shapely.difference(shapely.buffer(parent_shape, -EDGE_TOLERANCE_DEGREES), union)
            lat = parent_shape.centroid.y
            if gap.is_empty or gap.area <= self._tolerance_deg2(lat):
                continue
            where = gap.representative_point()
            parent_item = parent_items.get(parent_code)
            self.problem(
                parent_item.index if parent_item else None,
                parent_code,
                _(
                    "%(parent)s内有约%(area).1f平方米未被%(child)s覆盖（缝隙），例如经度%(lon).6f、纬度%(lat).6f附近"
                )
                % {
                    "parent": LEVEL_NAME[PARENT[level]],
                    "child": LEVEL_NAME[level],
                    "area": gap.area * square_metres_per_square_degree(lat),
                    "lon": where.x,
                    "lat": where.y,
                },
            )

    # -- writing --------------------------------------------------------------------------------

    def write(self) -> ImportResult:
        """Store a valid file in one transaction; raise DomainError (writing nothing) otherwise."""
        problems = self.check()
        if problems:
            raise DomainError(
                _("文件有%(count)d个问题，未写入任何数据") % {"count": len(problems)},
                details=[str(problem) for problem in problems],
            )
        created, updated, unchanged = {}, {}, {}
        with transaction.atomic():
            for level in LEVELS:
                if self.items[level]:
                    created[level], updated[level], unchanged[level] = self._write_level(level)
            if self.items["grid"]:
                grids_changed()
        return ImportResult(problems=[], created=created, updated=updated, written=True, unchanged=unchanged)

    def _write_level(self, level):
        model = MODEL[level]
        items = self.items[level]
        existing = model.objects.in_bulk([item.code for item in items], field_name="code")
        parent_ids = {}
        if level in PARENT:
            parent_model = MODEL[PARENT[level]]
            parent_ids = dict(
                parent_model.objects.filter(code__in={item.parent_code for item in items}).values_list(
                    "code", "id"
                )
            )
        street_of_community = {}
        rg_ids = {}
        if level == "grid":
            street_of_community = dict(
                Community.objects.filter(code__in={item.parent_code for item in items}).values_list(
                    "code", "street_id"
                )
            )
            rg_ids = dict(ResponsibilityGrid.objects.values_list("code", "id"))
        fields = ["name", "geometry_wkb", "min_lon", "min_lat", "max_lon", "max_lat"]
        fields += {
            "street": ["district", "demo_boundary"],
            "community": ["street", "demo_boundary"],
            "grid": [
                "community",
                "street",
                "area_class",
                "responsibility_grid",
                "centroid_lon",
                "centroid_lat",
                "area_m2",
            ],
        }.get(level, [])
        attnames = [model._meta.get_field(name).attname for name in fields]

        def snapshot(row):
            values = [getattr(row, attname) for attname in attnames]
            return [bytes(v) if isinstance(v, memoryview) else v for v in values]

        new, changed = [], []
        for item in items:
            row = existing.get(item.code)
            before = None
            if row is None:
                row = model(code=item.code)
                new.append(row)
            else:
                before = snapshot(row)
            if item.name:
                row.name = item.name
            row.set_shape(item.shape)
            if level == "street":
                row.district_id = parent_ids[item.parent_code]
            elif level == "community":
                row.street_id = parent_ids[item.parent_code]
            elif level == "grid":
                row.community_id = parent_ids[item.parent_code]
                row.street_id = street_of_community[item.parent_code]
                row.area_class = item.properties["area_class"]
                if "responsibility_grid" in item.properties:
                    row.responsibility_grid_id = rg_ids.get(item.properties["responsibility_grid"] or None)
                centroid = item.shape.centroid
                row.centroid_lon, row.centroid_lat = centroid.x, centroid.y
                row.area_m2 = item.shape.area * square_metres_per_square_degree(centroid.y)
            if level in ("street", "community") and "demo_boundary" in item.properties:
                row.demo_boundary = item.properties["demo_boundary"]
            if before is not None and snapshot(row) != before:
                changed.append(row)
        model.objects.bulk_create(new, batch_size=2000)
        _update_rows(model, changed, fields)
        return len(new), len(changed), len(items) - len(new) - len(changed)


def _update_rows(model, rows, fields):
    """UPDATE ... WHERE id = %s through executemany: bulk_update's CASE expressions take minutes
    for tens of thousands of rows, this takes seconds."""
    if not rows:
        return
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in concrete] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


def import_areas(data, *, commit: bool, level=None, tolerance_m2=DEFAULT_TOLERANCE_M2) -> ImportResult:
    """Check a GeoJSON FeatureCollection and, when `commit` and valid, write it."""
    job = AreaImport(data, level=level, tolerance_m2=tolerance_m2)
    problems = job.check()
    if problems or not commit:
        created, updated = {}, {}
        for name, items in job.items.items():
            if items:
                stored = job._stored_codes.get(name, set())
                updated[name] = sum(1 for item in items if item.code in stored)
                created[name] = len(items) - updated[name]
        return ImportResult(problems=problems, created=created, updated=updated, written=False)
    return job.write()
