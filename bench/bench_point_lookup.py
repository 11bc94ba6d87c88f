"""Point → unit grid lookups per second on the demo geography, beside raw shapely in the same run.

    .venv/bin/python bench/bench_point_lookup.py            # 50,000 grids (100 m), cached in var/bench/
    .venv/bin/python bench/bench_point_lookup.py --smoke    # ~500 grids (1000 m), a few seconds
    .venv/bin/python bench/bench_point_lookup.py --pg postgresql://postgres@127.0.0.1:5432/bench_geo

Figures: single lookups through geo.spatial.locate() and batches through locate_many(), beside
shapely's STRtree.query(point, predicate="intersects") one point at a time and vectorised over the
same points (the raw baseline includes making the points from floats, as ours does). Medians of
several repetitions. Targets: single ≥ 50% of raw shapely; batch ≥ 500,000 per second.
The answers are compared point by point with the raw tree (same smallest-code rule) before timing.
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
    parser.add_argument("--smoke", action="store_true", help="small grid set, finishes in seconds")
    parser.add_argument("--pg", metavar="URL", help="use this PostgreSQL database instead of SQLite")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    grid_size = 1000.0 if args.smoke else 100.0
    singles = 5_000 if args.smoke else 30_000
    batch = 100_000 if args.smoke else 1_000_000
    repeat = 3 if args.smoke else args.repeat

    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbangrid.settings"
    if args.pg:
        os.environ["DATABASE_URL"] = args.pg
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(bench_dir / f"point_lookup_{int(grid_size)}m.sqlite3")

    import django

    django.setup()
    import numpy as np
    import shapely
    from django.core.management import call_command

    from geo import spatial
    from geo.demo import load_geography
    from geo.models import District, UnitGrid

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_geography(sys.stdout, {"grid_size": grid_size})
    print(f"geography ready in {time.perf_counter() - started:.1f} s")
    print()

    started = time.perf_counter()
    index = spatial.get_index()
    build = time.perf_counter() - started
    grids = UnitGrid.objects.count()
    print(f"unit grids: {grids}; our index (load + STRtree + lattice) built in {build:.2f} s")

    # Points inside the district, uniformly spread (where supervisors and reports are).
    district = District.objects.get(code="530114").shape
    minx, miny, maxx, maxy = district.bounds
    rng = np.random.default_rng(20261129)
    lons = rng.uniform(minx, maxx, batch * 3)
    lats = rng.uniform(miny, maxy, batch * 3)
    inside = shapely.contains_xy(district, lons, lats)
    lons, lats = lons[inside][:batch], lats[inside][:batch]

    # The raw baseline: a plain STRtree over the same polygons, in the same (code) order.
    polygons = index.polygons
    started = time.perf_counter()
    tree = shapely.STRtree(polygons)
    print(f"raw STRtree built in {time.perf_counter() - started:.2f} s")

    def raw_batch(xs, ys):
        which, found = tree.query(shapely.points(xs, ys), predicate="intersects")
        best = np.full(len(xs), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, which, found)
        return np.where(best == np.iinfo(np.int64).max, -1, best)

    # Exactness first: every answer equals the raw tree's (smallest code on shared edges).
    expected = raw_batch(lons, lats)
    ours = index.indices_of(lons, lats)
    mismatches = int((expected != ours).sum())
    single_ids = [(hit.unit_grid_id if hit else -1) for hit in map(spatial.locate, lons[:2000], lats[:2000])]
    expected_ids = np.where(expected[:2000] >= 0, index.ids[np.maximum(expected[:2000], 0)], -1)
    mismatches += int((np.array(single_ids) != expected_ids).sum())
    print(f"answers compared with the raw tree: {len(lons) + 2000} points, {mismatches} differences")
    state = index.cells[
        ((lats - index.y0) / index.dy).astype(int), ((lons - index.x0) / index.dx).astype(int)
    ]
    print(
        f"lattice: {index.cells.shape[1]} × {index.cells.shape[0]} cells; these points were answered "
        f"without a polygon test: {(state >= 0).mean() + (state == -1).mean():.0%}, "
        f"with one or two polygon tests: {(state <= -3).mean():.0%}, through the STRtree: {(state == -2).mean():.0%}"
    )
    print()

    xs, ys = lons[:singles].tolist(), lats[:singles].tolist()
    point_class, query = shapely.Point, tree.query
    locate = spatial.locate

    def time_raw_single():
        started = time.perf_counter()
        for x, y in zip(xs, ys, strict=True):
            query(point_class(x, y), predicate="intersects")
        return singles / (time.perf_counter() - started)

    def time_our_single():
        started = time.perf_counter()
        for x, y in zip(xs, ys, strict=True):
            locate(x, y)
        return singles / (time.perf_counter() - started)

    def time_raw_batch():
        started = time.perf_counter()
        raw_batch(lons, lats)
        return len(lons) / (time.perf_counter() - started)

    def time_our_batch():
        started = time.perf_counter()
        spatial.locate_many(lons, lats)
        return len(lons) / (time.perf_counter() - started)

    results = {}
    for name, function in [
        ("raw single", time_raw_single),
        ("our single", time_our_single),
        ("raw batch", time_raw_batch),
        ("our batch", time_our_batch),
    ]:
        function()  # warm up
        results[name] = statistics.median(function() for _ in range(repeat))

    print(f"single lookups ({singles} points, median of {repeat}):")
    print(f"  raw shapely STRtree.query(Point)      {results['raw single']:>12,.0f} /s")
    print(
        f"  geo.spatial.locate()                  {results['our single']:>12,.0f} /s"
        f"   ratio {results['our single'] / results['raw single']:.2f} (target ≥ 0.50)"
    )
    print(f"batch lookups ({len(lons)} points, median of {repeat}):")
    print(f"  raw shapely STRtree.query(points)     {results['raw batch']:>12,.0f} /s")
    print(
        f"  geo.spatial.locate_many()             {results['our batch']:>12,.0f} /s"
        f"   ratio {results['our batch'] / results['raw batch']:.2f} (target ≥ 500,000 /s)"
    )
    if mismatches:
        print("ERROR: answers differ from the raw tree")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
