"""The "overdue now" query (cases.queries.overdue) at 1 million cases, beside raw SQL.

    .venv/bin/python bench/bench_overdue.py                 # 1,000,000 cases on SQLite
    .venv/bin/python bench/bench_overdue.py --smoke         # 20,000 cases, seconds
    .venv/bin/python bench/bench_overdue.py --pg postgresql://postgres@127.0.0.1:5432/postgres

Cases come from the bulk writer (cases.bulk.bulk_cases, `simulate_cases --bulk`), cases only (no
events: the query does not read them), spread over N/2000 days up to now: most closed (due_at
NULL), the open ones with a due_at, some past. Figure: overdue() count plus the first page of 20
ordered by due_at, as the ORM runs it (model instances), median of repetitions. Baseline: the same
two statements as raw SQL through the DB-API cursor.
"""

import argparse
import statistics
import sys
import time

from _casesdb import prepare, throwaway_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="20,000 cases")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server URL (a throwaway database is created)")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    n = args.cases or (20_000 if args.smoke else 1_000_000)

    with throwaway_database("overdue", args.pg) as label:
        prepare()
        from django.db import connection
        from django.utils import timezone

        from cases.bulk import bulk_cases
        from cases.models import Case
        from cases.queries import overdue

        started = time.perf_counter()
        bulk_cases(n, seed=1, events=False)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{n:,} cases written in {time.perf_counter() - started:.1f} s ({label})")

        now = timezone.now()

        def ours():
            query = overdue(now=now)
            return query.count(), list(query.order_by("due_at")[:20])

        table = Case._meta.db_table
        columns = ", ".join(f.column for f in Case._meta.concrete_fields)
        param = connection.ops.adapt_datetimefield_value(now)

        def raw():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE due_at < %s", [param])
                count = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT {columns} FROM {table} WHERE due_at < %s ORDER BY due_at LIMIT 20", [param]
                )
                return count, cursor.fetchall()

        count, page = ours()
        raw_count, raw_page = raw()
        assert count == raw_count and [c.pk for c in page] == [r[0] for r in raw_page]
        assert (
            Case.objects.filter(due_at__isnull=False).exclude(state__in=["closed", "not_registered"]).exists()
        )
        times = {"ours": [], "raw": []}
        for _ in range(args.repeat):
            for name, fn in (("ours", ours), ("raw", raw)):
                started = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - started) * 1000)
        ours_ms, raw_ms = statistics.median(times["ours"]), statistics.median(times["raw"])
        open_count = Case.objects.filter(due_at__isnull=False).count()
        print(f"cases: {n:,}; with a running deadline: {open_count:,}; overdue now: {count:,}")
        print(f"overdue() count + first page of 20 (ORM): {ours_ms:.2f} ms median of {args.repeat}")
        print(f"raw SQL, same two statements:             {raw_ms:.2f} ms median of {args.repeat}")
        target = "met" if ours_ms < 100 else "NOT met"
        print(f"target < 100 ms at 1 M cases: {target}" + ("" if n >= 1_000_000 else f" (at {n:,})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
