from decimal import Decimal

from django.db import migrations

# The 2024 performance-target declaration (seed document), as data.
TARGETS = [
    ("collectors_on_duty", "采集信息人数（在岗监督员）", "48", "at_least", "0", "人", "每日平均在岗人数"),
    ("acceptance_pass_rate", "验收合格率（上报经受理为有效）", "0.95", "at_least", "0", "%", ""),
    ("budget_executed", "项目支出预算年末执行率", "0.95", "at_least", "0", "%", "按已过月份折算的进度"),
    ("monthly_cost", "每月外包服务成本", "165100", "about", "0.005", "元", "16.51万元为 3440×48 = 165120 元的约数"),
    ("hazards_removed", "消除安全隐患（按时处置率）", "0.95", "at_least", "0", "%", ""),
    ("satisfaction", "案件派遣人员、处置单位、市民满意度", "0.95", "at_least", "0", "%", ""),
]


def install(apps, schema_editor):
    PerformanceTarget = apps.get_model("contract", "PerformanceTarget")
    for order, (code, name, target, comparison, tolerance, unit, note) in enumerate(TARGETS):
        PerformanceTarget.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "target": Decimal(target), "comparison": comparison,
                "tolerance": Decimal(tolerance), "unit": unit, "order": order, "note": note,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("contract", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
