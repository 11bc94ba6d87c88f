"""Single-row version counters (geo's GridVersion, catalog's CatalogVersion) that tell every
process its in-memory copy of some tables is stale. The model has `version` and `changed_at`;
its only row has pk 1."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone


def current(model) -> tuple | None:
    """(version, changed_at) of the row, or None before the first change."""
    row = model.objects.filter(pk=1).values_list("version", "changed_at").first()
    return tuple(row) if row else None


def bump(model) -> None:
    """Count one change, inside the caller's transaction (a rollback undoes it)."""
    with transaction.atomic():
        updated = model.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())
        if not updated:
            model.objects.create(pk=1, version=1)
