import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation.attendance import rollup_day


class Command(BaseCommand):
    help = "Roll up attendance (on-duty time, grids covered, time outside) from shifts and track points."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--days", type=int, default=1, help="how many days back from --day")

    def handle(self, *args, **options):
        try:
            last = (
                datetime.date.fromisoformat(options["day"])
                if options["day"]
                else timezone.localdate() - datetime.timedelta(days=1)
            )
        except ValueError:
            raise CommandError("--day must be YYYY-MM-DD") from None
        if options["days"] < 1:
            raise CommandError("--days must be ≥ 1")
        for back in range(options["days"]):
            day = last - datetime.timedelta(days=back)
            self.stdout.write(f"{day}: {rollup_day(day)} supervisor-days")
