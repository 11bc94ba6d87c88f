"""Shared set-up of the case benchmarks: a throwaway database (a SQLite file under var/bench/, or a
PostgreSQL database created next to the one --pg names and dropped at the end), migrated, with
the small test town, its people and two sub-types with default time limits."""

import os
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"


@contextmanager
def throwaway_database(name: str, pg_url: str | None):
    """Point Django at a fresh database for the benchmark and yield a label for it."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbangrid.settings"
    os.environ["DEBUG"] = "False"  # measure the production configuration (no SQL logging)
    if not pg_url:
        path = BENCH_DIR / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(path)
        os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / f"{name}_media"))
        yield "SQLite"
        return
    import psycopg

    parts = urlsplit(pg_url)
    db = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{db}"))
    os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / f"{name}_media"))
    try:
        yield "PostgreSQL"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def prepare():
    """django.setup(), migrate, and the small town with its people and catalogue."""
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command

    from accounts.models import Role
    from accounts.testing import make_people, make_user
    from catalog.models import Category, Kind, LimitUnit, Step, TimeLimit, Urgency
    from geo.testing import make_small_geography

    call_command("migrate", verbosity=0)
    town = make_small_geography()
    people = make_people(town)
    people.sam = make_user("sam", Role.SHIFT_LEADER)
    Category.objects.create(
        scheme="GB/T 47678.5-2026", kind=Kind.COMPONENT, major_code="01", major_name="市政公用设施",
        minor_code="01002", minor_name="污水井盖", department=people.city_management, urgency=Urgency.NORMAL,
    )  # fmt: skip
    Category.objects.create(
        scheme="GB/T 47678.5-2026", kind=Kind.EVENT, major_code="06", major_name="市容环境",
        minor_code="06001", minor_name="暴露垃圾", department=people.water_company,
    )  # fmt: skip
    for step, minutes in [("accept", 60), ("verify", 120), ("register", 60), ("dispatch", 60),
                          ("handle", 2880), ("check", 480), ("close", 240)]:  # fmt: skip
        TimeLimit.objects.create(
            category=None,
            step=Step(step),
            area_class="",
            amount=Decimal(minutes),
            unit=LimitUnit.CLOCK_MINUTES,
        )
    return town, people
