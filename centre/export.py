"""Export of a filtered case list to an xlsx workbook (openpyxl, write-only: constant memory).

Capped at EXPORT_LIMIT rows: a spreadsheet of the whole archive is a job for the database, not for a
page; the sheet says so in its last row when the cap cut the list.
"""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.models import Source, State

EXPORT_LIMIT = 50_000

COLUMNS = [
    ("number", _("案件号")),
    ("reported_at", _("上报时间")),
    ("source", _("来源")),
    ("category__minor_code", _("小类代码")),
    ("category__minor_name", _("小类")),
    ("state", _("状态")),
    ("street__name", _("街道")),
    ("community__name", _("社区")),
    ("unit_grid__code", _("单元网格")),
    ("address", _("地址")),
    ("department__name", _("处置部门")),
    ("due_at", _("当前时限")),
    ("closed_at", _("结案时间")),
]


def write_cases_xlsx(rows) -> tuple[tempfile.SpooledTemporaryFile, int, bool]:
    """Write the cases of a queryset to a workbook; returns (file positioned at 0, rows written, truncated)."""
    sources, states = dict(Source.choices), dict(State.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("案件")))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["E"].width = 22
    sheet.column_dimensions["J"].width = 36
    header = []
    for _field, label in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    fields = [f for f, _label in COLUMNS]
    written = 0
    truncated = False
    for values in rows.values_list(*fields)[: EXPORT_LIMIT + 1].iterator(chunk_size=2000):
        if written == EXPORT_LIMIT:
            truncated = True
            break
        row = dict(zip(fields, values, strict=True))
        row["source"] = str(sources.get(row["source"], row["source"]))
        row["state"] = str(states.get(row["state"], row["state"]))
        for key in ("reported_at", "due_at", "closed_at"):
            if row[key] is not None:
                row[key] = timezone.localtime(row[key]).replace(tzinfo=None)
        sheet.append([row[f] for f in fields])
        written += 1
    if truncated:
        sheet.append([_("仅导出前%(n)d条，请缩小筛选范围。") % {"n": EXPORT_LIMIT}])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(out)
    out.seek(0)
    return out, written, truncated
