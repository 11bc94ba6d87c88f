"""simulate_cases: realistic case history through the workflow, or benchmark volumes in bulk.

manage.py simulate_cases --days 60 [--end 2026-11-28] [--seed 1] [--per-day 150-250]
manage.py simulate_cases --bulk --cases 1000000 [--days 365] [--seed 1] [--no-events]
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Simulate case history through the real workflow (or --bulk: benchmark volumes without it)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="default 60; --bulk: N/2000")
        parser.add_argument("--end", type=date.fromisoformat, default=None, help="last day, YYYY-MM-DD")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--per-day", default="150-250", help="reports per day, e.g. 150-250")
        parser.add_argument("--force", action="store_true", help="simulate even if cases exist")
        parser.add_argument("--bulk", action="store_true", help="bulk rows for benchmarks (no photos)")
        parser.add_argument("--cases", type=int, default=0, help="number of cases in --bulk mode")
        parser.add_argument("--no-events", action="store_true", help="--bulk: cases only, no events/tasks")

    def handle(self, *args, **options):
        from cases.models import Case

        started = time.perf_counter()
        if options["bulk"]:
            from cases.bulk import bulk_cases

            if options["cases"] <= 0:
                raise CommandError("--bulk needs --cases N (N > 0)")
            written = bulk_cases(
                options["cases"],
                days=options["days"],
                end=options["end"],
                seed=options["seed"],
                events=not options["no_events"],
                stdout=self.stdout,
            )
            self.stdout.write(
                f"bulk: {written['cases']} cases, {written['events']} events, {written['tasks']} tasks "
                f"in {time.perf_counter() - started:.1f} s"
            )
            return
        from cases.simulator import Rates, simulate

        if Case.objects.exists() and not options["force"]:
            self.stdout.write("cases already exist: nothing simulated (use --force to add more)")
            return
        try:
            low, high = (int(part) for part in options["per_day"].split("-"))
        except ValueError:
            raise CommandError("--per-day must read like 150-250") from None
        options["days"] = options["days"] or 60
        if options["days"] <= 0 or low <= 0 or high < low:
            raise CommandError("--days must be > 0 and --per-day a range like 150-250")
        stats = simulate(
            days=options["days"],
            end=options["end"],
            seed=options["seed"],
            rates=Rates(per_day=(low, high)),
            stdout=self.stdout,
        )
        self.stdout.write(
            f"simulated {stats.cases} cases, {stats.events} events ({stats.open} still open) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        self.stdout.write("  " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_action.items())))
