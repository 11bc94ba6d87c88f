"""Add or list working-calendar days the chinesecalendar package does not know (yet).

manage.py calendar_days add 2027-10-01 --holiday --note 国庆
manage.py calendar_days add 2027-10-09 --workday --note 国庆调休
manage.py calendar_days list --year 2027
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cases import deadlines
from cases.models import CalendarDay


class Command(BaseCommand):
    help = "Add or list working-calendar days (holidays and make-up working days)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("dates", nargs="+", help="YYYY-MM-DD")
        kind = add.add_mutually_exclusive_group(required=True)
        kind.add_argument("--holiday", action="store_true")
        kind.add_argument("--workday", action="store_true")
        add.add_argument("--note", default="")
        lst = sub.add_parser("list")
        lst.add_argument("--year", type=int)

    def handle(self, *args, **options):
        if options["action"] == "add":
            for raw in options["dates"]:
                try:
                    d = date.fromisoformat(raw)
                except ValueError as exc:
                    raise CommandError(f"{raw!r} is not a date YYYY-MM-DD") from exc
                CalendarDay.objects.update_or_create(
                    date=d, defaults={"is_workday": bool(options["workday"]), "note": options["note"]}
                )
                kind = "workday" if options["workday"] else "holiday"
                self.stdout.write(f"{d} {kind} {options['note']}".rstrip())
            deadlines.calendar_changed()
        else:
            days = CalendarDay.objects.all()
            if options.get("year"):
                days = days.filter(date__year=options["year"])
            for day in days:
                kind = "workday" if day.is_workday else "holiday"
                self.stdout.write(f"{day.date} {kind} {day.note}".rstrip())
