"""manage.py export_grids FILE.geojson [--level ...]: the stored areas as GeoJSON that import_grids reads."""

import json

import shapely
from django.core.management.base import BaseCommand

from geo.importing import LEVELS, MODEL


class Command(BaseCommand):
    help = "Export districts, streets, communities and unit grids as GeoJSON (the import_grids format)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--level", choices=LEVELS, action="append", help="only these levels (repeatable)")

    def handle(self, *args, **options):
        features = []
        for level in options["level"] or LEVELS:
            rows = MODEL[level].objects.filter(geometry_wkb__isnull=False).order_by("code")
            if level == "grid":
                rows = rows.select_related("responsibility_grid")
            for row in rows.iterator(chunk_size=2000):
                properties = {"level": level, "code": row.code, "name": row.name}
                if level in ("street", "community"):
                    properties["demo_boundary"] = row.demo_boundary
                if level == "grid":
                    properties["area_class"] = row.area_class
                    properties["responsibility_grid"] = (
                        row.responsibility_grid.code if row.responsibility_grid_id else None
                    )
                geometry = json.loads(shapely.to_geojson(row.shape))
                features.append({"type": "Feature", "properties": properties, "geometry": geometry})
        with open(options["file"], "w", encoding="utf-8") as handle:
            json.dump({"type": "FeatureCollection", "features": features}, handle, ensure_ascii=False)
        self.stdout.write(f"{len(features)} features written to {options['file']}")
