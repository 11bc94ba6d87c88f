"""Write the component inventory (or one street's) as CSV that import_components reads back."""

from pathlib import Path

from django.core.management.base import BaseCommand

from assets.exporting import export_components_csv
from assets.models import Component


class Command(BaseCommand):
    help = "Export components as CSV (UTF-8 with BOM for Excel)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write; default: stdout")
        parser.add_argument("--street", help="only this street (9-digit code)")

    def handle(self, *args, **options):
        queryset = Component.objects.all()
        if options["street"]:
            queryset = queryset.filter(unit_grid__street__code=options["street"])
        text = export_components_csv(queryset)
        if options["output"]:
            Path(options["output"]).write_text("\ufeff" + text, encoding="utf-8")
            self.stdout.write(f"{text.count(chr(10)) - 1} components written to {options['output']}")
        else:
            self.stdout.write(text, ending="")
