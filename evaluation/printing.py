"""Printable reports: one table-shaped document rendered as xlsx (openpyxl) or PDF (reportlab).

Chinese in PDFs: reportlab cannot embed the system Noto CJK font (its outlines are PostScript/CFF,
which reportlab's TrueType embedding refuses), so a TrueType CJK font is used when one is
configured (URBANGRID_PDF_FONT, a .ttf/.ttc path) and otherwise reportlab's built-in
STSong-Light CID font, which every PDF reader renders with its own Chinese font.
"""

import io
import os
from dataclasses import dataclass, field
from functools import cache

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter


@dataclass
class Document:
    title: str
    subtitle: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)  # label, value lines above the tables
    tables: list[tuple[str, list[str], list[list]]] = field(default_factory=list)  # heading, columns, rows
    signatures: list[str] = field(default_factory=list)  # "中心负责人" … lines to sign


@cache
def pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [
        os.environ.get("URBANGRID_PDF_FONT", ""),
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ]
    for path in candidates:
        if path and os.path.exists(path):
            try:
                pdfmetrics.registerFont(
                    TTFont("ReportCJK", path, subfontIndex=2 if path.endswith(".ttc") else 0)
                )
                return "ReportCJK"
            except Exception:  # noqa: BLE001 - CFF outlines etc.: fall back to the CID font
                continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def to_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document.title[:31]
    thin = Side(style="thin", color="999999")
    row = 1
    sheet.cell(row, 1, document.title).font = Font(size=14, bold=True)
    row += 1
    if document.subtitle:
        sheet.cell(row, 1, document.subtitle)
        row += 1
    for label, value in document.facts:
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 2, value)
        row += 1
    widths: dict[int, int] = {}
    for heading, columns, rows in document.tables:
        row += 1
        sheet.cell(row, 1, heading).font = Font(size=12, bold=True)
        row += 1
        for col, name in enumerate(columns, start=1):
            cell = sheet.cell(row, col, name)
            cell.font = Font(bold=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            widths[col] = max(widths.get(col, 8), len(str(name)) * 2 + 2)
        for values in rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row, col, value)
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[col] = min(60, max(widths.get(col, 8), len(str(value)) * 2 + 2))
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = width
    if document.signatures:
        row += 2
        for label in document.signatures:
            sheet.cell(row, 1, f"{label}（签字）：")
            sheet.cell(row, 3, "日期：")
            row += 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(document: Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    normal = ParagraphStyle("normal", fontName=font, fontSize=9.5, leading=13)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=6)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11)
    wide = any(len(columns) > 7 for _h, columns, _r in document.tables)
    pagesize = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=document.title,
    )
    story = [Paragraph(_escape(document.title), title)]
    if document.subtitle:
        story.append(Paragraph(_escape(document.subtitle), ParagraphStyle("sub", parent=normal, alignment=1)))
    story.append(Spacer(1, 4 * mm))
    for label, value in document.facts:
        story.append(Paragraph(f"{_escape(label)}：{_escape(value)}", normal))
    for heading_text, columns, rows in document.tables:
        story.append(Paragraph(_escape(heading_text), heading))
        data = [[Paragraph(_escape(c), cell) for c in columns]]
        data += [[Paragraph(_escape(v), cell) for v in values] for values in rows]
        table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=_col_widths(columns, rows, doc.width))
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    if document.signatures:
        story.append(Spacer(1, 12 * mm))
        for label in document.signatures:
            story.append(
                Paragraph(f"{_escape(label)}（签字）：________________　　日期：____年__月__日", normal)
            )
            story.append(Spacer(1, 8 * mm))
    doc.build(story)
    return buffer.getvalue()


def _escape(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _display_width(text) -> int:
    """Width in half-width characters of the longest line (CJK characters count 2)."""
    lines = str(text).split("\n") or [""]
    return max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines)


def _col_widths(columns, rows, total):
    lengths = [
        max([_display_width(c)] + [_display_width(r[i]) for r in rows[:200]]) + 2
        for i, c in enumerate(columns)
    ]
    lengths = [min(max(n, 10), 60) for n in lengths]
    scale = total / sum(lengths)
    return [n * scale for n in lengths]
