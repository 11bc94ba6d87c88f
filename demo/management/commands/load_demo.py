"""Load the Chenggong demo: geography, catalogue, people, components and 60 days of cases.

Deterministic; a second run leaves a loaded database as it is (use --reset to start again).
"""

import time
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

# Each step is a function taking (stdout, options) in the app that owns the data, in load order.
STEPS = [
    ("geography", "geo.demo", "load_geography"),
    ("catalogue", "catalog.demo", "load_catalogue"),
    ("people", "accounts.demo", "load_people"),
    ("components", "assets.demo", "load_components"),
    ("cases", "cases.demo", "load_cases"),
    ("contracts", "contract.demo", "load_contracts"),
    ("satisfaction", "evaluation.demo", "load_satisfaction"),
]


class Command(BaseCommand):
    help = "Load the Chenggong (呈贡区) demo district with its people, components and case history."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=60, help="days of simulated case history")
        parser.add_argument("--grid-size", type=float, default=100.0, help="unit grid cell size in metres")
        parser.add_argument("--components", type=int, default=30000, help="number of demo components")
        parser.add_argument("--only", action="append", default=[], help="load only these steps")

    def handle(self, *args, **options):
        if options["days"] < 0 or options["grid_size"] <= 0 or options["components"] < 0:
            raise CommandError("--days and --components must be ≥ 0 and --grid-size > 0")
        for name, module_name, function_name in STEPS:
            if options["only"] and name not in options["only"]:
                continue
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                self.stdout.write(self.style.WARNING(f"{name}: not available yet, skipped"))
                continue
            started = time.perf_counter()
            getattr(module, function_name)(self.stdout, options)
            self.stdout.write(f"{name}: done in {time.perf_counter() - started:.1f} s")
