"""Which time limit applies to a step of a case.

Lookup order, most specific first: the sub-type's own limit for the area class, the sub-type's
own limit for every class (area_class ""), the default (category NULL) for the area class, the
default for every class. None when nothing is configured: the step then has no deadline.
"""

from django.db.models import Q

from .models import TimeLimit


def time_limit_for(category, step: str, area_class: str = "") -> TimeLimit | None:
    classes = [area_class, ""] if area_class else [""]
    scope = Q(category__isnull=True)
    if category is not None:
        scope |= Q(category=category)
    candidates = list(TimeLimit.objects.filter(scope, step=step, area_class__in=classes))

    def rank(limit: TimeLimit):
        return (limit.category_id is None, limit.area_class == "")

    return min(candidates, key=rank) if candidates else None
