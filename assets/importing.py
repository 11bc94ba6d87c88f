"""Bulk import of components (部件) from CSV.

Columns: identifier, lon, lat (required); name, category_code, state, competent_department, owner,
maintainer, first_recorded, changed, data_source, note (optional). The category comes from the
identifier (its sub-type code in the scheme its length names); a category_code column, when
filled, must agree. The unit grid is found from lon/lat (WGS84) with geo.spatial.locate_many.

Every row is checked before anything is written; one bad row and nothing is written, with every
problem reported. Writes are one COPY (PostgreSQL) or one prepared INSERT run over every row (SQLite), in one
transaction; see bench/bench_component_import.py for the rate.
"""

import csv
import datetime
import io
import math
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils.translation import gettext as _

from catalog.models import Category, Kind
from urbangrid.errors import DomainError

from .codes import check_component_identifier, identifier_category_code, identifier_scheme
from .models import Component, ComponentState

REQUIRED = ["identifier", "lon", "lat"]
OPTIONAL = [
    "name",
    "category_code",
    "state",
    "competent_department",
    "owner",
    "maintainer",
    "first_recorded",
    "changed",
    "data_source",
    "note",
]
STATE_BY_TEXT = {
    **{s.value: s.value for s in ComponentState},
    **{str(s.label): s.value for s in ComponentState},
}
TEXT_LIMITS = {"name": 100, "competent_department": 100, "owner": 100, "maintainer": 100, "data_source": 100}


@dataclass(slots=True)
class ComponentRow:
    """One checked row, ready to insert (a Model instance per row would double the import time)."""

    identifier: str
    category_id: int
    name: str
    competent_department: str
    owner: str
    maintainer: str
    state: str
    first_recorded: datetime.date | None
    changed: datetime.date | None
    data_source: str
    note: str
    lon: float
    lat: float
    unit_grid_id: int | None = None


@dataclass
class ComponentImport:
    components: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    outside: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(text: str):
    if not text:
        return None
    return datetime.date.fromisoformat(text.replace("/", "-"))


def check_components_csv(text: str) -> ComponentImport:
    """Parse and check every row; the result holds ComponentRows or the list of problems."""
    from geo.spatial import locate_many

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    result = ComponentImport()
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.problems.append(_("缺少列：%(columns)s") % {"columns": ", ".join(missing)})
        return result
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        result.problems.append(_("未知的列：%(columns)s") % {"columns": ", ".join(unknown)})
        return result

    categories = {(c.scheme, c.minor_code): c for c in Category.objects.filter(kind=Kind.COMPONENT)}
    existing = set(Component.objects.values_list("identifier", flat=True))
    seen: dict[str, int] = {}
    lines, lons, lats = [], [], []
    for raw in reader:
        line = reader.line_num  # the line in the file (DictReader skips blank lines)
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        errors = []
        identifier = category = None
        try:
            identifier = check_component_identifier(row["identifier"])
        except DomainError as exc:
            errors.append(exc.message)
        if identifier:
            code = identifier_category_code(identifier)
            category = categories.get((identifier_scheme(identifier), code))
            if category is None:
                errors.append(
                    _("标识码中的类别代码 %(code)s 在 %(scheme)s 中不是部件小类")
                    % {"code": code, "scheme": identifier_scheme(identifier)}
                )
            elif row.get("category_code") and row["category_code"] != code:
                errors.append(
                    _("category_code %(given)s 与标识码中的类别代码 %(code)s 不符")
                    % {"given": row["category_code"], "code": code}
                )
            if identifier in existing:
                errors.append(_("部件 %(code)s 已存在") % {"code": identifier})
            if identifier in seen:
                errors.append(_("标识码与第 %(line)d 行重复") % {"line": seen[identifier]})
            seen.setdefault(identifier, line)
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
            if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError
        except ValueError:
            errors.append(_("经纬度无效：%(lon)s, %(lat)s") % {"lon": row["lon"], "lat": row["lat"]})
            lon = lat = math.nan
        state = STATE_BY_TEXT.get(row.get("state") or ComponentState.GOOD)
        if state is None:
            errors.append(_("未知的状态“%(state)s”") % {"state": row["state"]})
        dates = {}
        for name in ("first_recorded", "changed"):
            try:
                dates[name] = _date(row.get(name, ""))
            except ValueError:
                errors.append(
                    _("%(name)s 日期无效：“%(value)s”（应为 YYYY-MM-DD）")
                    % {"name": name, "value": row[name]}
                )
        for name, limit in TEXT_LIMITS.items():
            if len(row.get(name, "")) > limit:
                errors.append(_("%(name)s 超过 %(limit)d 个字") % {"name": name, "limit": limit})
        if errors:
            result.problems.append(
                _("第 %(line)d 行：%(errors)s") % {"line": line, "errors": "；".join(errors)}
            )
            continue
        lines.append(line)
        lons.append(lon)
        lats.append(lat)
        result.components.append(
            ComponentRow(
                identifier=identifier,
                category_id=category.id,
                name=row.get("name") or category.minor_name,
                competent_department=row.get("competent_department", ""),
                owner=row.get("owner", ""),
                maintainer=row.get("maintainer", ""),
                state=state,
                first_recorded=dates["first_recorded"],
                changed=dates["changed"],
                data_source=row.get("data_source", ""),
                note=row.get("note", ""),
                lon=lon,
                lat=lat,
            )
        )
    if lines:
        grid_ids = locate_many(np.array(lons), np.array(lats))
        for line, component, grid_id, lon, lat in zip(
            lines, result.components, grid_ids, lons, lats, strict=True
        ):
            if grid_id < 0:
                result.outside += 1
                result.problems.append(
                    _("第 %(line)d 行：位置 %(lon).6f, %(lat).6f 不在本区网格范围内")
                    % {"line": line, "lon": lon, "lat": lat}
                )
            else:
                component.unit_grid_id = int(grid_id)
    if not result.components and not result.problems:
        result.problems.append(_("文件没有数据行。"))
    return result


INSERT_FIELDS = [
    "identifier",
    "category_id",
    "name",
    "competent_department",
    "owner",
    "maintainer",
    "unit_grid_id",
    "state",
    "first_recorded",
    "changed",
    "data_source",
    "note",
    "lon",
    "lat",
]
INSERT_BATCH = 5000


def insert_components(components: list) -> None:
    """Insert ComponentRows (or unsaved Components) as fast as the database allows.

    bulk_create spends most of its time compiling SQL in Python (and SQLite takes few parameters a
    statement), so: on PostgreSQL one COPY, elsewhere one prepared INSERT run over every row
    (executemany). Both are several times faster than bulk_create. The caller holds the transaction.
    """
    table = Component._meta.db_table
    columns = [Component._meta.get_field(name.removesuffix("_id")).column for name in INSERT_FIELDS]
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    adapt_date = connection.ops.adapt_datefield_value

    def values(c):
        return (
            c.identifier,
            c.category_id,
            c.name,
            c.competent_department,
            c.owner,
            c.maintainer,
            c.unit_grid_id,
            c.state,
            adapt_date(c.first_recorded),
            adapt_date(c.changed),
            c.data_source,
            c.note,
            c.lon,
            c.lat,
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy:
                for component in components:
                    copy.write_row(values(component))
            return
        sql = f"INSERT INTO {quote(table)} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        for start in range(0, len(components), INSERT_BATCH):
            cursor.executemany(sql, [values(c) for c in components[start : start + INSERT_BATCH]])


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB 18030 (what Excel on a Chinese Windows saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DomainError(_("无法识别 CSV 文件的编码（应为 UTF-8 或 GBK）。")) from exc


def import_components(text: str, *, commit: bool) -> ComponentImport:
    """Check the file; with commit=True and no problems, insert every component in one transaction."""
    result = check_components_csv(text)
    if result.ok and commit:
        with transaction.atomic():
            insert_components(result.components)
    return result
