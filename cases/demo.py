"""Demo cases: 60 days of simulated Chenggong history through the real workflow (cases.simulator)."""

from django.utils import timezone


def load_cases(stdout, options) -> None:
    from .models import Case
    from .simulator import simulate

    if Case.objects.exists():
        stdout.write("cases: already loaded, skipped")
        return
    days = int(options.get("days", 60))
    if days <= 0:
        return
    stats = simulate(
        days=days, end=timezone.localdate(), seed=int(options.get("seed", 1) or 1), stdout=stdout
    )
    stdout.write(f"cases: {stats.cases} cases, {stats.events} events, {stats.open} still open")
