"""Each process's copy of the catalogue's categories and time limits (what every report reads).

Loaded on first use and reloaded when the catalogue changes: `catalog_changed()` bumps the
CatalogVersion row, and every process compares its copy's version with that row at most once
every CATALOG_CACHE_CHECK_SECONDS (default 1 s); the process that made the change reloads at
once. Saves and deletes of single Category and TimeLimit rows call it through signals (catalog.apps);
code that changes them in bulk (bulk_create, bulk_update, QuerySet.update) must call it itself.

Every call answers fresh model instances, so callers may change them without touching the copy.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from urbangrid import versions

from .models import CatalogVersion, Category, TimeLimit

_CATEGORY_FIELDS = [field.attname for field in Category._meta.concrete_fields]
_LIMIT_FIELDS = [field.attname for field in TimeLimit._meta.concrete_fields]


@dataclass(frozen=True)
class _Copy:
    version: tuple | None
    categories: dict  # id -> row of _CATEGORY_FIELDS
    limits: dict  # (category_id or None, step, area_class) -> row of _LIMIT_FIELDS


_lock = threading.Lock()
_copy: _Copy | None = None
_next_check_at = 0.0
_force = False


def _current_version():
    return versions.current(CatalogVersion)


def _load(version) -> _Copy:
    categories = {row[0]: row for row in Category.objects.order_by().values_list(*_CATEGORY_FIELDS)}
    limits = {}
    for row in TimeLimit.objects.order_by().values_list(*_LIMIT_FIELDS):
        limit = dict(zip(_LIMIT_FIELDS, row, strict=True))
        limits[(limit["category_id"], limit["step"], limit["area_class"])] = row
    return _Copy(version, categories, limits)


def _current() -> _Copy:
    global _copy, _next_check_at, _force
    copy = _copy
    if copy is not None and not _force and time.monotonic() < _next_check_at:
        return copy
    with _lock:
        if _copy is not None and not _force and time.monotonic() < _next_check_at:
            return _copy
        version = _current_version()
        if _copy is None or _force or version != _copy.version:
            _force = False
            _copy = _load(version)
        _next_check_at = time.monotonic() + float(getattr(settings, "CATALOG_CACHE_CHECK_SECONDS", 1.0))
        return _copy


def category(pk) -> Category | None:
    """The category with that id, or None."""
    row = _current().categories.get(pk)
    return Category.from_db(None, _CATEGORY_FIELDS, row) if row is not None else None


def time_limit(category_id: int | None, step: str, area_class: str) -> TimeLimit | None:
    """The TimeLimit row of exactly that sub-type (None: the default), step and area class."""
    row = _current().limits.get((category_id, step, area_class))
    return TimeLimit.from_db(None, _LIMIT_FIELDS, row) if row is not None else None


def catalog_changed() -> None:
    """Call after any change to categories or time limits (signals do it for single rows).

    Bumps the CatalogVersion row (inside the caller's transaction, so a rollback undoes it) and
    makes this process reload on its next read; other processes follow within
    CATALOG_CACHE_CHECK_SECONDS. The row is bumped once per transaction: deleting a thousand
    limits sends a thousand signals but writes it once."""
    global _force
    _force = True  # this connection already sees the change
    connection = transaction.get_connection()
    # A bump earlier in this transaction is still pending while its on_commit entry is (a rollback
    # to a savepoint drops the entries registered after it, together with the bump).
    if connection.in_atomic_block and any(entry[1] is _force_reload for entry in connection.run_on_commit):
        return
    versions.bump(CatalogVersion)
    transaction.on_commit(_force_reload)  # and again once everyone can see it


def _force_reload():
    global _force
    _force = True


def reset() -> None:
    """Forget this process's copy (tests)."""
    global _copy, _force
    with _lock:
        _copy = None
        _force = False
