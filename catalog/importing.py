"""Loading the category catalogue (data/catalog.csv) into Category rows.

Every row keeps its own scheme and code; codes are never renumbered. Loading is idempotent: a row
already present (same scheme, kind and minor code) gets its names refreshed and keeps its local
settings. Every row is checked first; when any row is bad nothing is written and every problem is
reported.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from urbangrid.errors import DomainError

from .cache import catalog_changed
from .models import Category, Kind, Scheme
from .pinyin import pinyin_initials

COLUMNS = ["scheme", "kind", "major_code", "major_name", "minor_code", "minor_name"]
MINOR_CODE_LENGTH = {Scheme.GB_2026: 5, Scheme.CJT_2007: 4}


def default_catalogue_path() -> Path:
    return Path(settings.BASE_DIR) / "data" / "catalog.csv"


@dataclass
class CatalogueResult:
    created: int
    updated: int
    by_scheme: dict


def read_catalogue_rows(text: str) -> list[dict]:
    """Parse and check the CSV text; raise DomainError listing every bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(_("分类文件缺少列：%(columns)s") % {"columns": ", ".join(missing)})
    rows, problems, seen = [], [], {}
    for raw in reader:
        line = reader.line_num  # the line in the file (DictReader skips blank lines)
        row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        errors = []
        if row["scheme"] not in Scheme.values:
            errors.append(_("未知的分类标准“%(value)s”") % {"value": row["scheme"]})
        if row["kind"] not in Kind.values:
            errors.append(_("类型应为 component 或 event，而不是“%(value)s”") % {"value": row["kind"]})
        if not (len(row["major_code"]) == 2 and row["major_code"].isdigit()):
            errors.append(_("大类代码应为 2 位数字：“%(value)s”") % {"value": row["major_code"]})
        length = MINOR_CODE_LENGTH.get(row["scheme"])
        code = row["minor_code"]
        if length and not (len(code) == length and code.isdigit()):
            errors.append(_("小类代码应为 %(n)d 位数字：“%(value)s”") % {"n": length, "value": code})
        elif not code.startswith(row["major_code"]):
            errors.append(
                _("小类代码 %(code)s 不属于大类 %(major)s") % {"code": code, "major": row["major_code"]}
            )
        if not row["minor_name"] or not row["major_name"]:
            errors.append(_("大类名称和小类名称不能为空"))
        key = (row["scheme"], row["kind"], code)
        if key in seen:
            errors.append(_("与第 %(line)d 行重复") % {"line": seen[key]})
        seen.setdefault(key, line)
        if errors:
            problems.append(_("第 %(line)d 行：%(errors)s") % {"line": line, "errors": "；".join(errors)})
        rows.append(row)
    if problems:
        raise DomainError(
            _("分类文件有 %(n)d 处错误，未导入任何数据。") % {"n": len(problems)}, details=problems
        )
    if not rows:
        raise DomainError(_("分类文件没有数据行。"))
    return rows


def import_catalogue(text: str) -> CatalogueResult:
    rows = read_catalogue_rows(text)
    existing = {(c.scheme, c.kind, c.minor_code): c for c in Category.objects.all()}
    to_create, to_update = [], []
    by_scheme = {}
    for row in rows:
        key = (row["scheme"], row["kind"], row["minor_code"])
        by_scheme[row["scheme"]] = by_scheme.get(row["scheme"], 0) + 1
        fields = {
            "major_code": row["major_code"],
            "major_name": row["major_name"],
            "minor_name": row["minor_name"],
            "pinyin_initials": pinyin_initials(row["minor_name"])[:50],
        }
        category = existing.get(key)
        if category is None:
            to_create.append(Category(scheme=key[0], kind=key[1], minor_code=key[2], **fields))
        elif any(getattr(category, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(category, name, value)
            to_update.append(category)
    with transaction.atomic():
        Category.objects.bulk_create(to_create, batch_size=500)
        Category.objects.bulk_update(
            to_update, ["major_code", "major_name", "minor_name", "pinyin_initials"], batch_size=500
        )
        catalog_changed()
    return CatalogueResult(created=len(to_create), updated=len(to_update), by_scheme=by_scheme)


def import_catalogue_file(path) -> CatalogueResult:
    return import_catalogue(Path(path).read_text(encoding="utf-8"))
