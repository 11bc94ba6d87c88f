"""Which time limit applies to a step of a case.

Lookup order, most specific first: the sub-type's own limit for the area class, the sub-type's
own limit for every class (area_class ""), the default (category NULL) for the area class, the
default for every class. None when nothing is configured: the step then has no deadline.

Read from the process's copy of the catalogue (catalog.cache): no query.
"""

from . import cache
from .models import TimeLimit


def time_limit_for(category, step: str, area_class: str = "") -> TimeLimit | None:
    classes = [area_class, ""] if area_class else [""]
    scopes = [category.pk, None] if category is not None and category.pk is not None else [None]
    for scope in scopes:
        for cls in classes:
            limit = cache.time_limit(scope, step, cls)
            if limit is not None:
                return limit
    return None
