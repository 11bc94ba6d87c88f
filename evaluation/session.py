"""Database session settings for the evaluation's aggregate queries.

On PostgreSQL the month's aggregates are a few wide GROUP BY queries over hundreds of thousands of
events. Two server defaults are wrong for them:
- JIT compilation: the planner's cost of the correlated EXISTS tests crosses jit_above_cost, and
  compiling the wide aggregate expressions then takes longer than running the query (at the
  bench's size, 1.7 s of JIT for a 1.2 s query);
- work_mem of 4 MB: the grouping per (object, case) spills to disk.
Both are set for the current transaction only (set_config(..., true), i.e. SET LOCAL), so nothing
leaks into other work on a pooled connection. SQLite needs nothing.
"""

from contextlib import contextmanager

from django.db import connection, transaction

WORK_MEM = "64MB"


@contextmanager
def aggregate_queries():
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true)", [WORK_MEM]
            )
        yield
