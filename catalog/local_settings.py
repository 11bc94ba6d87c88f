"""Export and import of each sub-type's local settings as CSV or xlsx.

One row per sub-type: its key (scheme, kind, minor code), the responsible department's code,
立案条件, 结案条件, urgency, safety hazard, and one column per step and area class holding a time
limit such as "2 工作日" or "30 clock_minutes" (blank: no own limit). Column `limit_handle` is the
limit for every area class, `limit_handle_A` the limit for class A only. The row whose scheme is
"*" holds the defaults (TimeLimit rows without a category).

Import checks every row first; if any is bad nothing is written and every problem is reported.
A row sets exactly what it says: a blank limit cell removes the sub-type's own limit for that
step and class. Sub-types not in the file are left alone.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Department
from urbangrid.errors import DomainError

from .cache import catalog_changed
from .importing import MINOR_CODE_LENGTH
from .models import Category, LimitUnit, Step, TimeLimit, Urgency

DEFAULTS_KEY = "*"
AREA_CLASSES = ["", "A", "B", "C"]
KEY_COLUMNS = ["scheme", "kind", "minor_code", "minor_name"]
SETTING_COLUMNS = [
    "department_code",
    "registration_condition",
    "closing_condition",
    "urgency",
    "safety_hazard",
]


def limit_column(step: str, area_class: str) -> str:
    return f"limit_{step}_{area_class}" if area_class else f"limit_{step}"


LIMIT_COLUMNS = {limit_column(s, a): (s, a) for s in Step.values for a in AREA_CLASSES}
COLUMNS = KEY_COLUMNS + SETTING_COLUMNS + list(LIMIT_COLUMNS)

# The units as written in files: the Chinese label (exported) or the code (also accepted).
UNIT_LABELS = {
    LimitUnit.WORKING_HOURS: "工作时",
    LimitUnit.WORKING_DAYS: "工作日",
    LimitUnit.CLOCK_MINUTES: "自然分钟",
    LimitUnit.CLOCK_HOURS: "自然小时",
}
UNIT_BY_TEXT = {**{label: unit for unit, label in UNIT_LABELS.items()}, **{u: u for u in LimitUnit.values}}
URGENCY_BY_TEXT = {
    "normal": Urgency.NORMAL,
    "一般": Urgency.NORMAL,
    "urgent": Urgency.URGENT,
    "紧急": Urgency.URGENT,
}
TRUE_TEXTS, FALSE_TEXTS = {"1", "true", "yes", "是", "y"}, {"0", "false", "no", "否", "n", ""}


def format_limit(limit: TimeLimit) -> str:
    return f"{limit.amount.normalize():f} {UNIT_LABELS[limit.unit]}"


# -- export -----------------------------------------------------------------------------------------


def settings_rows(categories=None) -> list[dict]:
    """The rows to export: the defaults row first, then the given categories (default: all)."""
    if categories is None:
        categories = Category.objects.all()
    categories = list(categories.select_related("department").order_by("scheme", "kind", "minor_code"))
    limits = {}
    for limit in TimeLimit.objects.filter(category__in=categories) | TimeLimit.objects.filter(
        category__isnull=True
    ):
        limits[(limit.category_id, limit_column(limit.step, limit.area_class))] = format_limit(limit)
    defaults = {c: "" for c in COLUMNS}
    defaults.update(scheme=DEFAULTS_KEY, kind=DEFAULTS_KEY, minor_code=DEFAULTS_KEY, minor_name="默认时限")
    defaults.update({column: limits.get((None, column), "") for column in LIMIT_COLUMNS})
    rows = [defaults]
    for c in categories:
        row = {
            "scheme": c.scheme,
            "kind": c.kind,
            "minor_code": c.minor_code,
            "minor_name": c.minor_name,
            "department_code": c.department.code if c.department else "",
            "registration_condition": c.registration_condition,
            "closing_condition": c.closing_condition,
            "urgency": c.urgency,
            "safety_hazard": "1" if c.safety_hazard else "0",
        }
        row.update({column: limits.get((c.id, column), "") for column in LIMIT_COLUMNS})
        rows.append(row)
    return rows


def export_csv(categories=None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(settings_rows(categories))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel open it as UTF-8


def export_xlsx(categories=None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "local settings"
    sheet.append(COLUMNS)
    for row in settings_rows(categories):
        sheet.append([row[c] for c in COLUMNS])
    sheet.freeze_panes = "E2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- import -----------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_csv(data: bytes) -> list[dict]:
    # Excel on a Chinese Windows saves CSV as GBK; GB 18030 is its superset.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("无法识别 CSV 文件的编码（应为 UTF-8 或 GBK）。"))
    reader = csv.reader(io.StringIO(text))
    return _rows_from_table(list(reader))


def read_xlsx(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a file that is not xlsx
        raise DomainError(_("无法读取 xlsx 文件：%(error)s") % {"error": exc}) from exc
    table = [[_cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    return _rows_from_table(table)


def read_file(name: str, data: bytes) -> list[dict]:
    return read_xlsx(data) if name.lower().endswith(".xlsx") else read_csv(data)


def _rows_from_table(table: list[list]) -> list[dict]:
    # Keep each row's line number in the file, blank lines included, for the problem report.
    numbered = [(line, row) for line, row in enumerate(table, start=1) if any(_cell_text(v) for v in row)]
    if not numbered:
        raise DomainError(_("文件是空的。"))
    header = [_cell_text(v) for v in numbered[0][1]]
    missing = [c for c in KEY_COLUMNS[:3] if c not in header]
    if missing:
        raise DomainError(_("文件缺少列：%(columns)s") % {"columns": ", ".join(missing)})
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        raise DomainError(_("文件有未知的列：%(columns)s") % {"columns": ", ".join(unknown)})
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if repeated:
        raise DomainError(_("文件的列重复：%(columns)s") % {"columns": ", ".join(repeated)})
    rows = []
    for line, values in numbered[1:]:
        row = {
            name: _cell_text(values[i]) if i < len(values) else "" for i, name in enumerate(header) if name
        }
        row["_line"] = line
        rows.append(row)
    return rows


@dataclass
class SettingsPlan:
    """What an import will write, built only when every row is valid."""

    categories: list  # (Category, {field: value}) pairs
    limits: dict  # category id or None -> {(step, area_class): (amount, unit) or None}
    columns: list  # the limit columns present in the file

    @property
    def category_count(self) -> int:
        return len(self.categories)


LIMIT_PATTERN = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(\S+)\s*$")


def _parse_limit(text: str):
    """ "2 工作日", "2工作日", "30 clock_minutes" → (Decimal, unit); None when it is not a limit."""
    found = LIMIT_PATTERN.match(text.replace("\u3000", " "))
    if not found or found.group(2) not in UNIT_BY_TEXT:
        return None
    try:
        amount = Decimal(found.group(1))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1000000"):
        return None
    return amount.quantize(Decimal("0.01")), UNIT_BY_TEXT[found.group(2)]


def _padded_code(scheme: str, code: str) -> str:
    """Spreadsheets turn "01002" into the number 1002; put the leading zeros back."""
    length = MINOR_CODE_LENGTH.get(scheme)
    return code.zfill(length) if length and code.isdigit() else code


def plan_import(rows: list[dict]) -> SettingsPlan:
    """Check every row; raise DomainError with every problem, or return what to write."""
    categories = {(c.scheme, c.kind, c.minor_code): c for c in Category.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    columns = [c for c in LIMIT_COLUMNS if rows and c in rows[0]]
    problems, plan_categories, plan_limits, seen = [], [], {}, {}
    for row in rows:
        line, errors = row["_line"], []
        key = (
            row.get("scheme", ""),
            row.get("kind", ""),
            _padded_code(row.get("scheme", ""), row.get("minor_code", "")),
        )
        is_defaults = key[0] == DEFAULTS_KEY
        category = None if is_defaults else categories.get(key)
        if not is_defaults and category is None:
            errors.append(
                _("找不到分类 %(scheme)s %(kind)s %(code)s")
                % dict(zip(("scheme", "kind", "code"), key, strict=True))
            )
        if key in seen:
            errors.append(_("与第 %(line)d 行重复") % {"line": seen[key]})
        seen.setdefault(key, line)
        fields = {}
        if not is_defaults:
            if "department_code" in row:
                code = row["department_code"]
                if code and code not in departments:
                    errors.append(_("未知的部门代码“%(code)s”") % {"code": code})
                fields["department"] = departments.get(code)
            for name in ("registration_condition", "closing_condition"):
                if name in row:
                    fields[name] = row[name]
            if "urgency" in row:
                urgency = URGENCY_BY_TEXT.get(row["urgency"].lower() if row["urgency"] else "normal")
                if urgency is None:
                    errors.append(
                        _("紧急程度应为 normal/一般 或 urgent/紧急：“%(v)s”") % {"v": row["urgency"]}
                    )
                fields["urgency"] = urgency
            if "safety_hazard" in row:
                text = row["safety_hazard"].lower()
                if text not in TRUE_TEXTS | FALSE_TEXTS:
                    errors.append(_("安全隐患应为 1 或 0：“%(v)s”") % {"v": row["safety_hazard"]})
                fields["safety_hazard"] = text in TRUE_TEXTS
        limits = {}
        for column in columns:
            text = row.get(column, "")
            if not text:
                limits[LIMIT_COLUMNS[column]] = None
                continue
            parsed = _parse_limit(text)
            if parsed is None:
                errors.append(
                    _("%(column)s 的时限“%(text)s”无效（例如“2 工作日”“30 自然分钟”）")
                    % {"column": column, "text": text}
                )
            limits[LIMIT_COLUMNS[column]] = parsed
        if errors:
            problems.append(_("第 %(line)d 行：%(errors)s") % {"line": line, "errors": "；".join(errors)})
            continue
        if category is not None:
            plan_categories.append((category, fields))
        plan_limits[category.id if category else None] = limits
    if problems:
        raise DomainError(_("文件有 %(n)d 行错误，未导入任何数据。") % {"n": len(problems)}, details=problems)
    return SettingsPlan(plan_categories, plan_limits, columns)


def apply_plan(plan: SettingsPlan) -> None:
    """Write a checked plan in one transaction (bulk writes: a full catalogue takes well under a second)."""
    with transaction.atomic():
        changed = [category for category, fields in plan.categories if fields]
        names = sorted({name for _category, fields in plan.categories for name in fields})
        for category, fields in plan.categories:
            for name, value in fields.items():
                setattr(category, name, value)
        if changed and names:
            Category.objects.bulk_update(changed, names, batch_size=500)
        catalog_changed()
        if not plan.columns:
            return
        columns = Q()
        for column in plan.columns:
            step, area_class = LIMIT_COLUMNS[column]
            columns |= Q(step=step, area_class=area_class)
        ids = [category_id for category_id in plan.limits if category_id is not None]
        TimeLimit.objects.filter(columns, category_id__in=ids).delete()
        if None in plan.limits:
            TimeLimit.objects.filter(columns, category__isnull=True).delete()
        TimeLimit.objects.bulk_create(
            [
                TimeLimit(category_id=category_id, step=step, area_class=area_class, amount=amount, unit=unit)
                for category_id, limits in plan.limits.items()
                for (step, area_class), value in limits.items()
                if value is not None
                for amount, unit in [value]
            ],
            batch_size=1000,
        )


def import_settings(name: str, data: bytes) -> SettingsPlan:
    """Read, check and write a settings file; nothing is written when any row is bad."""
    plan = plan_import(read_file(name, data))
    apply_plan(plan)
    return plan
