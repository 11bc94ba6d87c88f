"""Response times of the centre's busiest pages with many cases loaded, beside the raw SQL.

    .venv/bin/python bench/bench_centre_pages.py             # 1,000,000 cases, 50,000 grids (100 m)
    .venv/bin/python bench/bench_centre_pages.py --smoke     # 3,000 cases, ~3,000 grids (400 m)
    .venv/bin/python bench/bench_centre_pages.py --pg postgresql://postgres@127.0.0.1:5432/bench_centre

Figures (median and p95 of 50 requests through Django's test client, logged in, full middleware):
the intake queue, the overdue board, the big-screen overview data, the unit-grid layer for a 2 km²
viewport at street zoom (a different viewport each request) and the whole-district layer at low zoom
(cached after its first request). The big screen is measured in each state a user can meet it in:
- first ever: no day summary stored and every cache empty (the refresh task never ran; 10 requests);
- the refresh task itself (centre.refresh_overview, every 30 s: today's summary recomputed and
  stored), and its first run, which stores the whole window;
- cold: a restarted process (its cache empty) reading the day summaries the task stored;
- refresh: today's figures expired and the stored ones older than 30 s (the task late): today
  recomputed live, what a screen's 30-second poll costs at worst;
- warm: screens polling within those 30 s.
Each is printed beside a raw baseline measured in the same run: the main SQL of that page executed
directly through a cursor. Target: every page under 200 ms median.

Cases come from the case simulator's bulk mode (cases/bulk.py): the rows the workflow would have
written, about 2,000 cases a day up to now (1,000,000 cases: 500 days). The database is kept in
var/bench/ and reused when it already holds the requested number of cases.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS = 50


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, n=REQUESTS, before=None):
    times = []
    for i in range(n):
        if before:
            before()
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def load_cases(total: int, stdout) -> None:
    """Cases from the case simulator's bulk mode (cases/bulk.py, `manage.py simulate_cases --bulk`):
    the rows the workflow would have written, spread over about 2,000 cases a day up to now, old
    ones closed, the last days' cases at every step with their deadlines (some overdue)."""
    from django.db import connection

    from cases.bulk import bulk_cases
    from cases.models import Case

    existing = Case.objects.count()
    if existing >= total:
        stdout.write(f"cases: {existing:,} already loaded\n")
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-2000000")  # 2 GB: index inserts stay in memory
    started = time.perf_counter()
    written = bulk_cases(total - existing, seed=20261129 + existing, stdout=stdout)
    stdout.write(
        f"cases: {written['cases']:,} cases, {written['events']:,} events, {written['tasks']:,} tasks "
        f"loaded in {time.perf_counter() - started:.0f} s\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few thousand cases, under a minute")
    parser.add_argument("--pg", metavar="URL", help="use this PostgreSQL database instead of SQLite")
    parser.add_argument("--cases", type=int, help="number of cases (default 1,000,000; smoke 3,000)")
    args = parser.parse_args()

    total = args.cases or (3_000 if args.smoke else 1_000_000)
    grid_size = 400.0 if args.smoke else 100.0
    requests = 10 if args.smoke else REQUESTS
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbangrid.settings"
    os.environ.setdefault("DEBUG", "False")
    if args.pg:
        os.environ["DATABASE_URL"] = args.pg
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(bench_dir / f"centre_bulk_{total}_{int(grid_size)}m.sqlite3")

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.demo import load_people
    from accounts.models import User
    from catalog.demo import load_catalogue
    from geo.demo import load_geography
    from geo.models import UnitGrid

    call_command("migrate", verbosity=0)

    class Lines:  # the loaders write messages without newlines (they expect a command's stdout)
        def write(self, text):
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()

    out = Lines()
    options = {"grid_size": grid_size}
    load_geography(out, options)
    load_catalogue(out, options)
    load_people(out, options)
    load_cases(total, out)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets
        # the covering indexes answer without reading the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print()

    intake = User.objects.get(username="intake1")
    leader = User.objects.get(username="leader1")
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(intake)
    leader_client = Client(HTTP_ACCEPT_ENCODING="gzip")
    leader_client.force_login(leader)

    def get(c, url):
        response = c.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def raw(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    now = timezone.now()
    open_states = "('reported','verifying','accepted','registered','dispatched','handling','returned','feedback','checking','checked')"
    rows = []

    def row(name, page, baseline):
        rows.append((name, page, baseline))
        print(
            f"{name:<46} median {page[0]:7.1f} ms  p95 {page[1]:7.1f} ms   raw SQL median {baseline[0]:7.1f} ms"
        )

    get(client, "/queue/intake/")  # templates compiled once, as in a running server
    row(
        "intake queue (/queue/intake/)",
        timed(lambda i: get(client, "/queue/intake/"), requests),
        timed(
            lambda i: raw(
                "SELECT * FROM cases_case WHERE state IN ('reported','verifying') ORDER BY due_at, id LIMIT 51"
            ),
            requests,
        ),
    )
    row(
        "overdue board (/board/overdue/)",
        timed(lambda i: get(client, "/board/overdue/"), requests),
        timed(
            lambda i: raw(
                f"SELECT * FROM cases_case WHERE state IN {open_states} AND due_at < %s ORDER BY due_at, id LIMIT 51",
                [now],
            ),
            requests,
        ),
    )
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    raw_screen = timed(
        lambda i: raw(
            "SELECT source, COUNT(*) FROM cases_case WHERE reported_at >= %s GROUP BY source", [month_start]
        ),
        requests,
    )
    from centre import stats
    from centre.models import OverviewDay

    def forget_everything():  # no stored day summaries, no process cache: the task never ran
        OverviewDay.objects.all().delete()
        cache.clear()

    row(
        "big screen data, first ever (nothing stored)",
        timed(lambda i: get(leader_client, "/screen/data.json"), min(requests, 10), before=forget_everything),
        raw_screen,
    )
    forget_everything()
    started = time.perf_counter()
    first_refresh = stats.refresh_overview()
    first_refresh_ms = (time.perf_counter() - started) * 1000
    task = timed(lambda i: stats.refresh_overview(), min(requests, 10))
    row("refresh task (centre.refresh_overview)", task, raw_screen)
    row(
        "big screen data, cold (restart; days stored)",
        timed(lambda i: get(leader_client, "/screen/data.json"), requests, before=cache.clear),
        raw_screen,
    )

    def expire_today():  # a poll once the 30-second figures expired and the task is late too
        for key in ("centre:overview:today", "centre:overview:open", "centre:overview:today-states"):
            cache.delete(key)
        OverviewDay.objects.filter(day=timezone.localdate()).update(computed_at=now - timedelta(hours=1))

    get(leader_client, "/screen/data.json")
    row(
        "big screen data, refresh (today recomputed)",
        timed(lambda i: get(leader_client, "/screen/data.json"), requests, before=expire_today),
        raw_screen,
    )
    row(
        "big screen data, warm (screens polling)",
        timed(lambda i: get(leader_client, "/screen/data.json"), requests),
        raw_screen,
    )
    print(f"{'':46} refresh task's first run (all {first_refresh['days']} days): {first_refresh_ms:.0f} ms")

    # A 2 km² viewport (≈1.41 km × 1.41 km) at a different place inside the district each time.
    rng = random.Random(7)
    dlat = 1414 / 111_320
    dlon = 1414 / (111_320 * 0.907)  # cos(24.9°)
    centroids = list(UnitGrid.objects.values_list("centroid_lon", "centroid_lat"))
    boxes = []
    for _ in range(requests):
        lon, lat = rng.choice(centroids)
        boxes.append((lon - dlon / 2, lat - dlat / 2, lon + dlon / 2, lat + dlat / 2))
    sizes = []

    def viewport(i):
        response = get(client, "/map/grids.json?bbox=" + ",".join(f"{v:.5f}" for v in boxes[i]))
        sizes.append(len(response.content))

    row(
        "grid layer, 2 km² viewport (street zoom)",
        timed(viewport, requests),
        timed(
            lambda i: raw(
                "SELECT id, code, geometry_wkb FROM geo_unitgrid WHERE min_lon <= %s AND max_lon >= %s "
                "AND min_lat <= %s AND max_lat >= %s",
                [boxes[i][2], boxes[i][0], boxes[i][3], boxes[i][1]],
            ),
            requests,
        ),
    )
    cache.clear()
    started = time.perf_counter()
    first = get(client, "/map/district.json")
    cold_district = (time.perf_counter() - started) * 1000
    row(
        "district layer (low zoom), cached",
        timed(lambda i: get(client, "/map/district.json"), requests),
        timed(
            lambda i: raw("SELECT responsibility_grid_id, geometry_wkb FROM geo_unitgrid"), min(requests, 10)
        ),
    )
    grids = UnitGrid.objects.count()
    print()
    print(
        f"cases {total:,}; unit grids {grids:,}; viewport payload median {statistics.median(sizes) / 1024:.1f} KiB gzip; "
        f"district layer first request {cold_district:.0f} ms, "
        f"{len(first.content) / 1024:.0f} KiB gzip; database {connection.vendor}"
    )
    worst = max(r[1][0] for r in rows if "first ever" not in r[0])
    print(
        f"slowest median of what users meet (all but the first-ever screen) {worst:.1f} ms "
        f"(target < 200 ms): {'met' if worst < 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
