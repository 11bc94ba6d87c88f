"""Delete files under MEDIA_ROOT/cases/ that no Attachment row names (left by rolled-back
transactions). Files younger than --min-age minutes are kept (a transaction may be running)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.models import Attachment


class Command(BaseCommand):
    help = "Delete case media files that no attachment row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=int, default=60, help="minutes")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        root = Path(settings.MEDIA_ROOT)
        base = root / "cases"
        if not base.exists():
            self.stdout.write("0 orphan files")
            return
        known = set(Attachment.objects.values_list("file", flat=True))
        cutoff = time.time() - options["min_age"] * 60
        count = 0
        for path in base.rglob("*"):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            if path.relative_to(root).as_posix() in known:
                continue
            count += 1
            if not options["dry_run"]:
                path.unlink()
        self.stdout.write(f"{count} orphan files" + (" (dry run)" if options["dry_run"] else ""))
