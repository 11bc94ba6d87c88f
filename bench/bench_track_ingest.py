"""Track ingestion: points per second in uploads of 500, beside the raw insert rate of the same DB.

    .venv/bin/python bench/bench_track_ingest.py [--smoke] [--points N] [--pg postgresql://...]

Each round ingests N points through `patrol.tracks.ingest_batch` (validation, duplicate check,
speed flags, batch bookkeeping, COPY on PostgreSQL) and then writes N other points to the same table
the plainest ways the database offers (executemany INSERT; COPY on PostgreSQL), in the same chunks
of 500 and one transaction per chunk. Also: the HTTP API (JSON parsing and auth included) and the
replay of one supervisor's day from the full table. Medians over the rounds.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--points", type=int, default=100_000, help="points per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL database URL (created if missing)")
    return parser.parse_args()


def setup_django(args):
    if args.pg:
        os.environ["DATABASE_URL"] = args.pg
        ensure_pg_database(args.pg)
    else:
        os.environ.pop("DATABASE_URL", None)
        path = ROOT / "var" / "bench" / "track_ingest.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbangrid.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_pg_database(url):
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def make_points(start, count, lon0=102.85, lat0=24.88):
    """A supervisor walking up and down a street: a point every 15 s, about 10 m apart."""
    base = int(start.timestamp() * 1000)
    return [
        {
            "t": base + 15_000 * i,
            "lon": lon0 + 0.0001 * abs(200 - i % 400),
            "lat": lat0 + 0.00001 * (i // 400),
            "acc": 10,
        }
        for i in range(count)
    ]


def run():
    args = parse_args()
    if args.smoke:
        args.points, args.rounds = 5_000, 1
    setup_django(args)

    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import Role, User
    from patrol.models import TrackBatch, TrackPoint
    from patrol.tracks import COLUMNS, ingest_batch, track_between

    TrackPoint.objects.all().delete()
    TrackBatch.objects.all().delete()
    supervisors = []
    for n in range(48):
        user, _ = User.objects.get_or_create(
            username=f"bench_supervisor{n:02d}", defaults={"role": Role.SUPERVISOR}
        )
        supervisors.append(user)
    now = datetime.now(UTC)
    table = TrackPoint._meta.db_table
    day = [0]

    def batches(count):
        """(supervisor, points) chunks of 500 (about 2 h of walking) spread over the 48 supervisors;
        a supervisor's chunks are 3 h apart, so nothing collides and every write is real."""
        chunks = []
        for i in range(0, count, BATCH):
            day[0] += 1
            start = now - timedelta(days=29) + timedelta(hours=3 * (day[0] // 48))
            chunks.append((supervisors[day[0] % 48], make_points(start, min(BATCH, count - i))))
        return chunks

    def as_rows(user, points):
        return [
            (user.pk, datetime.fromtimestamp(p["t"] / 1000, tz=UTC), p["lon"], p["lat"], p["acc"], 0)
            for p in points
        ]

    def timed(label, chunks, write):
        total = sum(len(points) for _, points in chunks)
        began = time.perf_counter()
        for n, (user, points) in enumerate(chunks):
            write(n, user, points)
        rate = total / (time.perf_counter() - began)
        results.setdefault(label, []).append(rate)

    placeholders = ", ".join(["%s"] * 6)
    insert_sql = f"INSERT INTO {table} ({COLUMNS}) VALUES ({placeholders})"

    def raw_executemany(n, user, points):
        rows = as_rows(user, points)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert_sql, rows)

    def raw_copy(n, user, points):
        rows = as_rows(user, points)
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    client = Client()
    logged_in = {}

    def via_api(n, user, points):
        if logged_in.get("user") != user.pk:
            client.force_login(user)
            logged_in["user"] = user.pk
        body = {"client_batch_id": f"api-{day[0]}-{n}", "points": points}
        response = client.post("/api/patrol/tracks", body, content_type="application/json")
        assert response.status_code == 200 and response.json()["stored"] == len(points), response.content

    results: dict[str, list[float]] = {}
    for round_no in range(args.rounds):
        timed(
            "ingest_batch (validated, COPY/executemany)",
            batches(args.points),
            lambda n, user, points, r=round_no: ingest_batch(user, f"r{r}-{n}-{day[0]}", points, now=now),
        )
        api_chunks = batches(max(BATCH, args.points // 5))
        timed("HTTP API POST /api/patrol/tracks", api_chunks, via_api)
        timed("raw executemany INSERT", batches(args.points), raw_executemany)
        if connection.vendor == "postgresql":
            timed("raw COPY", batches(args.points), raw_copy)

    # Replay one supervisor's busiest day from the whole table.
    total_rows = TrackPoint.objects.count()
    who = User.objects.get(pk=TrackPoint.objects.order_by().values_list("supervisor_id", flat=True).first())
    first = (
        TrackPoint.objects.filter(supervisor=who)
        .order_by("recorded_at")
        .values_list("recorded_at", flat=True)[0]
    )
    replay_times = []
    for _ in range(5):
        began = time.perf_counter()
        points = track_between(who, first, first + timedelta(hours=12))
        replay_times.append(time.perf_counter() - began)

    print(f"database: {connection.vendor} ({'--pg' if args.pg else 'var/bench SQLite'})")
    print(f"points per round: {args.points}, uploads of {BATCH} points, rounds: {args.rounds}")
    for label, rates in results.items():
        print(f"{label:48s} {statistics.median(rates):>10,.0f} points/s (median)")
    print(
        f"replay of 12 h of one supervisor ({len(points)} points) from {total_rows:,} rows: "
        f"{statistics.median(replay_times) * 1000:.1f} ms (median of 5)"
    )


if __name__ == "__main__":
    run()
