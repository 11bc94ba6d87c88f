"""Run the periodic tasks of CELERY_BEAT_SCHEDULE in this process, without a broker.

    manage.py runtasks --once    run every task once and exit
    manage.py runtasks --loop    run each task at its interval until SIGTERM or Ctrl-C (default)

A failing task is logged and the loop goes on. Schedules may be seconds (int/float), a timedelta,
or a Celery schedule object (crontab...) with is_due().
"""

import importlib
import logging
import signal
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

logger = logging.getLogger(__name__)


def resolve_task(name: str):
    module, _, attr = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise CommandError(f"task {name!r} not found") from exc


def interval_seconds(schedule) -> float | None:
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)
    if isinstance(run_every, timedelta):
        return run_every.total_seconds()
    return None  # a crontab-like schedule: asked with is_due()


class Command(BaseCommand):
    help = "Run the periodic tasks (CELERY_BEAT_SCHEDULE) in-process without a broker."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every task once and exit")
        parser.add_argument("--loop", action="store_true", help="keep running (the default)")

    def handle(self, *args, **options):
        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {}
        entries = []
        for key, entry in schedule.items():
            entries.append(
                {
                    "key": key,
                    "task": resolve_task(entry["task"]),
                    "args": entry.get("args", ()),
                    "kwargs": entry.get("kwargs", {}),
                    "schedule": entry["schedule"],
                    "interval": interval_seconds(entry["schedule"]),
                    "next": 0.0,
                    "last": None,
                }
            )
        if options["once"]:
            for entry in entries:
                self._run(entry)
            return

        stop = threading.Event()

        def on_signal(signum, frame):
            stop.set()

        previous = signal.signal(signal.SIGTERM, on_signal)
        self.stdout.write(f"runtasks: {len(entries)} periodic tasks, Ctrl-C to stop")
        try:
            while not stop.is_set():
                now = time.monotonic()
                for entry in entries:
                    if entry["interval"] is not None:
                        if now >= entry["next"]:
                            entry["next"] = now + entry["interval"]
                            self._run(entry)
                    else:
                        due, _ = entry["schedule"].is_due(entry["last"] or timezone.now())
                        if due or entry["last"] is None:
                            self._run(entry)
                            entry["last"] = timezone.now()
                waits = [e["next"] - time.monotonic() for e in entries if e["interval"] is not None]
                stop.wait(max(0.1, min(waits + [1.0])))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write("runtasks: stopped")

    def _run(self, entry):
        started = time.monotonic()
        try:
            result = entry["task"](*entry["args"], **entry["kwargs"])
        except Exception:
            logger.exception("periodic task %s failed", entry["key"])
            self.stderr.write(f"{entry['key']}: failed (see log)")
            return
        self.stdout.write(f"{entry['key']}: {result} ({time.monotonic() - started:.2f} s)")
