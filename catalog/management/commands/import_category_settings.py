"""Read the catalogue's local settings from CSV or xlsx; nothing is written if any row is bad."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.local_settings import import_settings
from urbangrid.errors import DomainError


class Command(BaseCommand):
    help = "Import the catalogue's local settings from a CSV or xlsx file (all rows checked first)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        try:
            plan = import_settings(path.name, path.read_bytes())
        except DomainError as exc:
            for problem in exc.details or []:
                self.stderr.write(problem)
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{plan.category_count} categories updated")
