"""Run the periodic tasks of CELERY_BEAT_SCHEDULE in this process, without a broker.

The embedded default (SQLite, no Redis) uses this instead of `celery -A urbangrid worker -B`;
both run the same task functions on the same schedule. A failing task is logged and the loop
goes on; SIGTERM or Ctrl-C stops it between tasks.
"""

import importlib
import logging
import signal
import time
from datetime import timedelta

from celery.schedules import schedule as every
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

log = logging.getLogger(__name__)


def _task(name: str):
    from celery import current_app

    current_app.loader.import_default_modules()
    task = current_app.tasks.get(name)
    if task is None:  # a dotted path to a function also works
        module_name, _, attribute = name.rpartition(".")
        try:
            task = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError):
            raise CommandError(f"unknown task {name!r} in CELERY_BEAT_SCHEDULE") from None
    return task


def _schedule(value):
    if isinstance(value, int | float):
        return every(timedelta(seconds=value))
    if isinstance(value, timedelta):
        return every(value)
    return value  # a celery schedule (crontab, solar…)


class Command(BaseCommand):
    help = "Run the periodic background tasks (reminders, escalation, reports) without a broker."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running every task on its schedule")
        parser.add_argument("--once", action="store_true", help="run every task once and stop (the default)")

    def handle(self, *args, **options):
        entries = {
            key: (_task(entry["task"]), _schedule(entry["schedule"]))
            for key, entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).items()
        }
        if not entries:
            self.stdout.write("no periodic tasks configured")
            return
        stopping = []
        if options["loop"]:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        last_run = {}
        try:
            while not stopping:
                wait = 60.0
                for key, (task, when) in entries.items():
                    due, next_seconds = (
                        (True, when.remaining_estimate(timezone.now()).total_seconds())
                        if key not in last_run
                        else when.is_due(last_run[key])
                    )
                    if due:
                        self._run(key, task)
                        last_run[key] = timezone.now()
                    wait = min(wait, max(float(next_seconds), 1.0))
                if not options["loop"]:
                    return
                # In slices, so that SIGTERM stops the loop within a second, not after the wait.
                deadline = time.monotonic() + wait
                while not stopping and time.monotonic() < deadline:
                    time.sleep(min(1.0, deadline - time.monotonic()))
        except KeyboardInterrupt:
            pass

    def _run(self, key, task):
        started = time.perf_counter()
        try:
            result = task.run() if hasattr(task, "run") else task()
        except Exception:
            log.exception("periodic task %s failed", key)
            self.stderr.write(f"{key}: failed (see the log)")
            return
        self.stdout.write(f"{key}: {result} ({time.perf_counter() - started:.2f} s)")
