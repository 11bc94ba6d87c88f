"""Demo satisfaction answers for the days of the demo case history (deterministic).

Citizens' call-backs, departments' ratings of dispatch and dispatchers' ratings of departments,
about 97 % satisfied; written through evaluation.satisfaction.record like any other answer.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Role, User

from . import satisfaction
from .models import SatisfactionRecord


@transaction.atomic
def load_satisfaction(stdout, options) -> None:
    if SatisfactionRecord.objects.exists():
        stdout.write("satisfaction: already loaded")
        return
    rng = random.Random(20241)
    intake = User.objects.filter(role=Role.INTAKE).first()
    dispatcher = User.objects.filter(role=Role.DISPATCHER).first()
    handlers = list(User.objects.filter(role=Role.DEPARTMENT, department__isnull=False)[:20])
    departments = list(Department.objects.exclude(kind=Department.Kind.CONTRACTOR)[:30])
    if not intake:
        stdout.write("satisfaction: no intake operator, skipped")
        return
    today = timezone.localdate()
    count = 0
    for back in range(int(options.get("days") or 60)):
        day = today - datetime.timedelta(days=back)
        for n in range(12):
            moment = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(9 + n % 9, (n * 7) % 60))
            )
            level = rng.choices(["satisfied", "fairly_satisfied", "dissatisfied"], [85, 12, 3])[0]
            if n < 8:
                satisfaction.record(intake, "citizen", level, at=moment)
            elif n < 10 and handlers:
                satisfaction.record(rng.choice(handlers), "department_on_dispatch", level, at=moment)
            elif dispatcher and departments:
                satisfaction.record(
                    dispatcher,
                    "dispatcher_on_department",
                    level,
                    department=rng.choice(departments),
                    at=moment,
                )
            count += 1
    stdout.write(f"satisfaction: {count} answers")
