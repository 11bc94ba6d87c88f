"""Write every sub-type's local settings (department, conditions, urgency, time limits) to CSV or xlsx."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.local_settings import export_csv, export_xlsx


class Command(BaseCommand):
    help = "Export the catalogue's local settings as CSV (default) or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (.csv or .xlsx); default: CSV on stdout")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="default: from the file name")

    def handle(self, *args, **options):
        output = options["output"]
        fmt = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        data = export_xlsx() if fmt == "xlsx" else export_csv()
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f"written {output}")
        elif fmt == "xlsx":
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
