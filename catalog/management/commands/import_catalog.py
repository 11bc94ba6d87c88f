"""Load the category catalogue CSV (default data/catalog.csv); idempotent, all-or-nothing."""

from django.core.management.base import BaseCommand, CommandError

from catalog.importing import default_catalogue_path, import_catalogue_file
from urbangrid.errors import DomainError


class Command(BaseCommand):
    help = "Import the category catalogue (both schemes) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None, help="CSV file (default: data/catalog.csv)")

    def handle(self, *args, **options):
        path = options["file"] or default_catalogue_path()
        try:
            result = import_catalogue_file(path)
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {path}") from exc
        except DomainError as exc:
            for problem in exc.details or []:
                self.stderr.write(problem)
            raise CommandError(exc.message) from exc
        schemes = ", ".join(f"{scheme}: {count}" for scheme, count in sorted(result.by_scheme.items()))
        self.stdout.write(f"{result.created} created, {result.updated} updated ({schemes})")
