"""Searching the catalogue's sub-types by Chinese name, code or pinyin initials ("jg" → 井盖).

One function, used by the JSON API (which the phone app and the centre's intake form call); it
only reads.
"""

from django.db.models import Case, Q, Value, When

from .models import Category, Scheme

MAX_LIMIT = 500


def search_categories(
    q: str = "", *, kind: str = "", scheme: str = "", major_code: str = "", limit: int = 50
):
    """Active sub-types matching `q`, best first: the exact name, then names or initials that start
    with the query, then the rest; the current scheme (GB/T 47678.5-2026) before the legacy one."""
    qs = Category.objects.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if scheme:
        qs = qs.filter(scheme=scheme)
    if major_code:
        qs = qs.filter(major_code=major_code)
    q = (q or "").strip()
    if q:
        match = Q(minor_name__icontains=q) | Q(minor_code__startswith=q)
        starts = Q(minor_name__startswith=q)
        if q.isascii() and q.isalpha():
            match |= Q(pinyin_initials__contains=q.lower())
            starts |= Q(pinyin_initials__startswith=q.lower())
        qs = qs.filter(match)
        relevance = Case(When(minor_name=q, then=Value(0)), When(starts, then=Value(1)), default=Value(2))
    else:
        relevance = Value(0)
    legacy = Case(When(scheme=Scheme.GB_2026, then=Value(0)), default=Value(1))
    qs = qs.annotate(relevance=relevance, legacy=legacy).order_by("relevance", "legacy", "kind", "minor_code")
    return list(qs[: max(1, min(limit, MAX_LIMIT))])
