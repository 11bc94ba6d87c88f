"""Import components (部件) from CSV: checks every row; writes only with --commit and no problems."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assets.importing import decode_csv, import_components
from urbangrid.errors import DomainError

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = "Import components from a CSV file (dry run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--commit", action="store_true", help="write the components (default: check only)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        started = time.perf_counter()
        try:
            text = decode_csv(path.read_bytes())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        result = import_components(text, commit=options["commit"])
        elapsed = time.perf_counter() - started
        if not result.ok:
            for problem in result.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(problem)
            if len(result.problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {len(result.problems) - SHOWN_PROBLEMS} more")
            raise CommandError(f"{len(result.problems)} problems found; nothing written")
        verb = "imported" if options["commit"] else "checked (dry run; --commit to write)"
        self.stdout.write(f"{len(result.components)} components {verb} in {elapsed:.1f} s")
