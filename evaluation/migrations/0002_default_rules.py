import datetime

from django.db import migrations


def install(apps, schema_editor):
    from evaluation.rules import DEFAULT_RULES

    RuleSet = apps.get_model("evaluation", "RuleSet")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(
            name="默认考核规则（DOMAIN.md）",
            effective_from=datetime.date(2000, 1, 1),
            rules=DEFAULT_RULES,
            note="CJ/T 292 / GB/T 30428.4 风格的权重与等级：A≥90，B 75–90，C 60–75，D 40–60，E<40。",
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
