"""The contractor's monthly assessment as a printable document (xlsx and PDF), ready to sign."""

from decimal import Decimal

from evaluation.printing import Document, to_pdf, to_xlsx

from .templatetags.humanize_money import yuan


def standard_text(rule: dict | None) -> str:
    """ "每人·天扣 1 分（最多 30 分），扣款 200 元" from an item of the rule snapshot."""
    if not rule:
        return ""
    points = Decimal(rule["points_per_unit"]).normalize()
    text = f"每{rule['unit']}扣 {points:f} 分"
    if rule.get("max_points") is not None:
        text += f"（最多 {Decimal(rule['max_points']).normalize():f} 分）"
    amount = Decimal(rule["amount_per_unit"])
    if amount:
        text += f"，扣款 {yuan(amount)} 元"
    return text


def sheet_document(sheet) -> Document:
    contract = sheet.contract
    rows = []
    standards = {rule["code"]: rule for rule in sheet.rule_snapshot.get("items", [])}
    for item in sheet.items.all():
        figures = "；".join(f"{k}：{v}" for k, v in (item.evidence.get("figures") or {}).items())
        cases = item.evidence.get("cases") or []
        attendance = item.evidence.get("attendance") or []
        evidence = figures
        if cases:
            shown = "、".join(str(c.get("number")) for c in cases[:20])
            evidence += f"\n案卷 {len(cases)} 件：{shown}{' 等' if len(cases) > 20 else ''}"
        if attendance:
            evidence += f"\n考勤记录 {len(attendance)} 条"
        if item.note:
            evidence += f"\n{item.note}"
        rows.append(
            [
                item.name,
                standard_text(standards.get(item.code)),
                f"{item.quantity.normalize():f} {item.unit}",
                str(item.points),
                yuan(item.amount),
                evidence.strip(),
            ]
        )
    status = sheet.get_state_display()
    if sheet.approved_at:
        status += f"（审定：{sheet.approved_by} {sheet.approved_at:%Y-%m-%d}）"
    if sheet.acknowledged_at:
        status += f"（确认：{sheet.acknowledged_by} {sheet.acknowledged_at:%Y-%m-%d}）"
    return Document(
        title=f"网格化管理信息采集服务月度考核表（{sheet.month:%Y年%m月}）",
        subtitle=f"{contract.number}　{contract.name}",
        facts=[
            ("服务商", contract.contractor.name),
            (
                "合同约定",
                f"监督员 {contract.supervisors} 人 × {yuan(contract.unit_price)} 元/人·月；"
                f"流量费 {contract.terminals} 终端 × {yuan(contract.data_plan_price)} 元/终端·月",
            ),
            ("考核金支付规则", contract.get_payment_rule_display()),
            ("考核得分", str(sheet.score)),
            ("当月服务费", f"{yuan(sheet.service_fee)} 元"),
            ("考核金", f"{yuan(sheet.withheld)} 元，支付 {yuan(sheet.withheld_paid)} 元"),
            ("应付金额", f"{yuan(sheet.payable)} 元"),
            ("状态", status),
        ],
        tables=[("考核项目及依据", ["考核项目", "考核标准", "数量", "扣分", "扣款（元）", "依据"], rows)],
        signatures=["考核单位（中心）负责人", "服务商负责人"],
    )


def sheet_xlsx(sheet) -> bytes:
    return to_xlsx(sheet_document(sheet))


def sheet_pdf(sheet) -> bytes:
    return to_pdf(sheet_document(sheet))
