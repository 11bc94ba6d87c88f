"""The evaluation report of one object type for a period, as a printable document (xlsx / PDF)."""

from .printing import Document


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def evaluation_document(result: dict) -> Document:
    figures, rates = result["figures"], result["rates"]
    columns = ["名称"] + [label for _k, label in figures] + [label for _k, label in rates] + ["得分", "等级"]
    rows = []
    for row in result["rows"]:
        rows.append(
            [row["name"]]
            + [row["figures"][key] for key, _l in figures]
            + [_percent(row["rates"][key]) for key, _l in rates]
            + ["—" if row["score"] is None else str(row["score"]), row["grade"]]
        )
    rule_set = result["rule_set"]
    grades = "，".join(f"{letter} ≥ {limit}" for letter, limit in rule_set.rules["grades"])
    return Document(
        title=f"{result['label']}考核报告",
        subtitle=f"考核期：{result['period'].label}",
        facts=[("考核规则", f"{rule_set.name}（{rule_set.effective_from} 起施行）"), ("等级", grades)],
        tables=[(f"{result['label']}考核结果", columns, rows)],
        signatures=["制表人", "审核人"],
    )
