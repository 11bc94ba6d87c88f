"""Many writers at once on the embedded SQLite database (the demo and small installations): each
waits for its turn instead of failing with "database is locked", which the API would answer with
a 500. The settings make that so: every transaction begins IMMEDIATE (takes the write lock first,
so a transaction that reads and then writes is never refused half-way) and waits up to the busy
timeout for it.

The test database is an in-memory one with table locks of its own, so this runs the project's
connection settings on a scratch file, the way a server's workers use the real database.
"""

import threading

import pytest
from django.db import connection, connections, transaction

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite settings")

WRITERS, TRANSACTIONS = 20, 15


@pytest.fixture
def scratch_database(tmp_path, django_db_blocker):
    """A file database with the project's SQLite settings (not the test database: no django_db)."""
    alias = "writers"
    connections.settings[alias] = {
        **connections.settings["default"],
        "NAME": str(tmp_path / "writers.sqlite3"),
    }
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n integer NOT NULL UNIQUE, writer integer NOT NULL)")
        yield alias
        connections[alias].close()
    del connections.settings[alias]


def test_twenty_writers_that_read_then_write_all_succeed_and_lose_no_update(scratch_database):
    errors = []
    start = threading.Barrier(WRITERS)

    def writer(number):
        try:
            start.wait()
            for _ in range(TRANSACTIONS):
                # Read, then write what was read: the shape of a case number allocation.
                with transaction.atomic(using=scratch_database):
                    with connections[scratch_database].cursor() as cursor:
                        cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
                        (last,) = cursor.fetchone()
                        cursor.execute("INSERT INTO counter (n, writer) VALUES (%s, %s)", [last + 1, number])
        except Exception as exc:  # noqa: BLE001 - any error is the failure under test
            errors.append(exc)
        finally:
            connections[scratch_database].close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with connections[scratch_database].cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(n) FROM counter")
        assert cursor.fetchone() == (WRITERS * TRANSACTIONS, WRITERS * TRANSACTIONS)
