"""Component (部件) CSV import: rows per second, beside a raw bulk insert measured in the same run.

    .venv/bin/python bench/bench_component_import.py            # 100,000 rows on the 100 m demo grids
    .venv/bin/python bench/bench_component_import.py --smoke    # 5,000 rows on 1000 m grids, seconds
    .venv/bin/python bench/bench_component_import.py --pg postgresql://postgres@127.0.0.1:5432/bench_assets

Figure: assets.importing.import_components(text, commit=True) — CSV parsing, identifier and
category checks, the duplicate check against the inventory, point → unit grid with locate_many and
the bulk insert — in rows per second. Raw baseline: the same rows as prepared tuples with their grid
already known, written by the database's fastest plain path in one transaction (COPY on
PostgreSQL, executemany on SQLite): the insert alone, the floor of any import. Medians of several repetitions; the inventory is emptied between runs.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, finishes in seconds")
    parser.add_argument("--pg", metavar="URL", help="use this PostgreSQL database instead of SQLite")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    grid_size = 1000.0 if args.smoke else 100.0
    rows = 5_000 if args.smoke else 100_000
    repeat = 2 if args.smoke else args.repeat

    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbangrid.settings"
    if args.pg:
        os.environ["DATABASE_URL"] = args.pg
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(bench_dir / f"component_import_{int(grid_size)}m.sqlite3")

    import django

    django.setup()
    import io

    import numpy as np
    import shapely
    from django.core.management import call_command
    from django.db import connection, transaction

    from assets.importing import import_components
    from assets.models import Component
    from catalog.importing import default_catalogue_path, import_catalogue_file
    from catalog.models import Category
    from geo.demo import load_geography
    from geo.models import UnitGrid

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_geography(sys.stdout, {"grid_size": grid_size})
    import_catalogue_file(default_catalogue_path())
    Component.objects.all().delete()
    print(f"geography and catalogue ready in {time.perf_counter() - started:.1f} s")

    # Rows at a point on the surface of randomly chosen grids: always inside the district.
    ids, wkbs = zip(*UnitGrid.objects.values_list("id", "geometry_wkb"), strict=True)
    points = shapely.point_on_surface(shapely.from_wkb([bytes(w) for w in wkbs]))
    grids = list(zip(ids, shapely.get_x(points).tolist(), shapely.get_y(points).tolist(), strict=True))
    rng = np.random.default_rng(20261129)
    chosen = rng.integers(0, len(grids), rows)
    codes = ["01002", "01003", "01004", "01037", "03005", "04002"]
    categories = {
        c.minor_code: c
        for c in Category.objects.filter(scheme="GB/T 47678.5-2026", kind="component", minor_code__in=codes)
    }
    out = io.StringIO()
    out.write("identifier,name,state,competent_department,lon,lat\n")
    prebuilt = []
    for i in range(rows):
        grid_id, lon, lat = grids[chosen[i]]
        code = codes[i % len(codes)]
        identifier = f"530114{code}{i + 1:06d}"
        out.write(f"{identifier},,good,呈贡区城市管理局,{lon:.7f},{lat:.7f}\n")
        prebuilt.append((identifier, code, grid_id, lon, lat))
    text = out.getvalue()

    raw_rows = [
        (i, categories[c].id, categories[c].minor_name, "呈贡区城市管理局", g, x, y)
        for i, c, g, x, y in prebuilt
    ]
    raw_columns = "identifier, category_id, name, competent_department, unit_grid_id, lon, lat"

    def raw_insert():
        """The fastest plain insert of each database: COPY on PostgreSQL, executemany on SQLite."""
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY assets_component ({raw_columns}, owner, maintainer, state, data_source, note) FROM STDIN"
                ) as copy:
                    for row in raw_rows:
                        copy.write_row((*row, "", "", "good", "", ""))
            else:
                cursor.executemany(
                    f"INSERT INTO assets_component ({raw_columns}, owner, maintainer, state, data_source, note)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', 'good', '', '')",
                    raw_rows,
                )

    ours, raw = [], []
    for _ in range(repeat):
        Component.objects.all().delete()
        started = time.perf_counter()
        result = import_components(text, commit=True)
        ours.append(time.perf_counter() - started)
        assert result.ok, result.problems[:5]
        assert Component.objects.count() == rows
        Component.objects.all().delete()
        started = time.perf_counter()
        raw_insert()
        raw.append(time.perf_counter() - started)
    Component.objects.all().delete()

    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    print()
    print(
        f"rows: {rows} over {len(grids)} unit grids ({'PostgreSQL' if args.pg else 'SQLite'}), median of {repeat}"
    )
    print(f"import_components (check + locate + insert): {ours_s:.2f} s = {rows / ours_s:,.0f} rows/s")
    print(
        f"raw insert of prepared tuples ({'COPY' if args.pg else 'executemany'}):{' ' * (8 if args.pg else 1)}{raw_s:.2f} s = {rows / raw_s:,.0f} rows/s"
    )
    print(f"ours takes {ours_s / raw_s:.2f}× the raw insert time")


if __name__ == "__main__":
    main()
