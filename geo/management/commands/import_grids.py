"""manage.py import_grids FILE.geojson [--commit] [--level grid|community|street|district]

Checks the whole file and prints every problem; writes only with --commit and only a valid file.
The file format is described in geo/importing.py.
"""

from django.core.management.base import BaseCommand, CommandError

from geo.importing import DEFAULT_TOLERANCE_M2, LEVEL_NAME, LEVELS, import_areas, read_geojson
from urbangrid.errors import DomainError


class Command(BaseCommand):
    help = "Check (and with --commit, import) districts, streets, communities and unit grids from GeoJSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a GeoJSON FeatureCollection (WGS84)")
        parser.add_argument("--commit", action="store_true", help="write when the file is valid")
        parser.add_argument("--level", choices=LEVELS, help="accept only features of this level")
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE_M2,
            help=f"overlaps and gaps up to this many m² are accepted (default {DEFAULT_TOLERANCE_M2})",
        )

    def handle(self, *args, **options):
        if options["tolerance"] < 0:
            raise CommandError("--tolerance must be ≥ 0")
        try:
            data = read_geojson(options["file"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        result = import_areas(
            data, commit=options["commit"], level=options["level"], tolerance_m2=options["tolerance"]
        )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"发现{len(result.problems)}个问题，未写入任何数据")
        summary = "，".join(
            f"{LEVEL_NAME[level]}新增{result.created.get(level, 0)}个、更新{result.updated.get(level, 0)}个"
            for level in LEVELS
            if level in result.created
        )
        if result.written:
            same = sum(result.unchanged.values())
            self.stdout.write(self.style.SUCCESS(f"已导入：{summary}（{same}个未变化）"))
        else:
            self.stdout.write(f"检查通过，将会：{summary}。未写入任何数据（加 --commit 写入）")
