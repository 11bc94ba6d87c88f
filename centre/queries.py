"""Which cases each list of the centre shows: the work queues, the boards and the search.

Every list is a query on indexed columns (state, due_at, reported_at, department) so it stays fast
with a million cases: lists are ordered by an indexed column and paged with LIMIT, and no list
counts all its rows unless the count is itself cheap (a queue, not the archive).
This module only reads.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from cases.models import OPEN_STATES, Case, Extension, Source, State
from geo.models import Street

DUE_SOON = timedelta(hours=2)  # "即将超期": the step's deadline is within this


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    states: tuple[str, ...]
    roles: tuple[str, ...]
    order: tuple[str, ...] = ("due_at", "id")


QUEUES = {
    q.slug: q
    for q in [
        Queue("intake", _("受理"), (State.REPORTED, State.VERIFYING), ("intake", "shift_leader", "admin")),
        Queue("registration", _("立案"), (State.ACCEPTED,), ("shift_leader", "admin")),
        Queue(
            "dispatch",
            _("派遣"),
            (State.REGISTERED, State.RETURNED),
            ("dispatcher", "shift_leader", "admin"),
        ),
        Queue(
            "closing",
            _("核查结案"),
            (State.FEEDBACK, State.CHECKING, State.CHECKED),
            ("intake", "shift_leader", "admin"),
        ),
    ]
}


# Area polygons are large (a street's outline has thousands of vertices): a list never loads them.
HEAVY_RELATED = (
    "street__geometry_wkb",
    "community__geometry_wkb",
    "unit_grid__geometry_wkb",
)


def case_list_base():
    return Case.objects.select_related(
        "category", "street", "community", "unit_grid", "department", "responsibility_grid"
    ).defer("description", *HEAVY_RELATED)


class CaseFilter(forms.Form):
    """The filters every list offers; all optional, combined with AND."""

    number = forms.CharField(label=_("案件号"), required=False)
    q = forms.CharField(label=_("地址/描述"), required=False)
    category = forms.CharField(label=_("类别"), required=False, help_text=_("小类代码或名称"))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", "—"), *State.choices])
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", "—"), *Source.choices])
    street = forms.ModelChoiceField(
        label=_("街道"), required=False, queryset=Street.objects.only("id", "code", "name"), empty_label="—"
    )
    community = forms.CharField(label=_("社区"), required=False, help_text=_("代码或名称"))
    grid = forms.CharField(label=_("单元网格"), required=False)
    department = forms.ModelChoiceField(
        label=_("处置部门"), required=False, queryset=Department.objects.filter(active=True), empty_label="—"
    )
    date_from = forms.DateField(
        label=_("上报起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("上报止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("仅超期"), required=False)

    def apply(self, rows, now=None):
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        now = now or timezone.now()
        if data["number"]:
            rows = rows.filter(number__icontains=data["number"].strip())
        if data["q"]:
            rows = rows.filter(Q(address__icontains=data["q"]) | Q(description__icontains=data["q"]))
        if data["category"]:
            text = data["category"].strip()
            rows = rows.filter(Q(category__minor_code=text) | Q(category__minor_name__icontains=text))
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["source"]:
            rows = rows.filter(source=data["source"])
        if data["street"]:
            rows = rows.filter(street=data["street"])
        if data["community"]:
            text = data["community"].strip()
            rows = rows.filter(Q(community__code=text) | Q(community__name__icontains=text))
        if data["grid"]:
            rows = rows.filter(unit_grid__code__startswith=data["grid"].strip())
        if data["department"]:
            rows = rows.filter(department=data["department"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            rows = rows.filter(reported_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            end = datetime.combine(data["date_to"], time.min, tzinfo=tz) + timedelta(days=1)
            rows = rows.filter(reported_at__lt=end)
        if data["overdue"]:
            rows = rows.filter(state__in=OPEN_STATES, due_at__lt=now)
        return rows

    def is_filtered(self) -> bool:
        return self.is_valid() and any(v not in (None, "", False) for v in self.cleaned_data.values())


def queue_rows(queue: Queue):
    return case_list_base().filter(state__in=queue.states).order_by(*queue.order)


def overdue_rows(now):
    return case_list_base().filter(state__in=OPEN_STATES, due_at__lt=now).order_by("due_at", "id")


def due_soon_rows(now):
    return (
        case_list_base()
        .filter(state__in=OPEN_STATES, due_at__gte=now, due_at__lt=now + DUE_SOON)
        .order_by("due_at", "id")
    )


def key_case_rows():
    """紧盯重点: flagged by a leader (督办) or by rule (key_case, e.g. a safety hazard), still open."""
    return (
        case_list_base()
        .filter(state__in=OPEN_STATES)
        .filter(Q(key_case=True) | Q(supervised=True) | Q(category__safety_hazard=True))
        .order_by("due_at", "id")
    )


def pending_extensions():
    return (
        Extension.objects.filter(status=Extension.Status.PENDING)
        .select_related("case", "case__category", "department", "requested_by")
        .order_by("requested_at")
    )


def department_inbox(department):
    """The department's open cases: waiting to be signed for, being handled, sent back for rework."""
    return (
        case_list_base()
        .filter(department=department, state__in=(State.DISPATCHED, State.HANDLING))
        .order_by("handle_due_at", "due_at", "id")
    )


def duplicate_counts(cases) -> dict[int, int]:
    """How many possible duplicates each case of a page has, by cases.workflow.duplicate_candidates'
    rule (same sub-type, open, within URBANGRID_DUPLICATE_METRES and URBANGRID_DUPLICATE_DAYS), in one
    query for the whole page instead of one per row."""
    import math

    from django.conf import settings

    if not cases:
        return {}
    metres = float(getattr(settings, "URBANGRID_DUPLICATE_METRES", 50))
    window = timedelta(days=int(getattr(settings, "URBANGRID_DUPLICATE_DAYS", 7)))
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(cases[0].lat)), 0.01))
    nearby = Case.objects.filter(
        category_id__in={c.category_id for c in cases},
        state__in=OPEN_STATES,
        reported_at__gte=min(c.reported_at for c in cases) - window,
        reported_at__lte=max(c.reported_at for c in cases) + window,
        lon__range=(min(c.lon for c in cases) - dlon, max(c.lon for c in cases) + dlon),
        lat__range=(min(c.lat for c in cases) - dlat, max(c.lat for c in cases) + dlat),
    ).values_list("id", "category_id", "lon", "lat", "reported_at")
    by_category: dict[int, list] = {}
    for row in nearby:
        by_category.setdefault(row[1], []).append(row)

    def metres_between(lon1, lat1, lon2, lat2):
        x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
        return 6_371_000 * math.hypot(x, math.radians(lat2 - lat1))

    return {
        case.pk: sum(
            1
            for pk, _cat, lon, lat, reported_at in by_category.get(case.category_id, ())
            if pk != case.pk
            and abs(reported_at - case.reported_at) <= window
            and metres_between(case.lon, case.lat, lon, lat) <= metres
        )
        for case in cases
    }


def label_cases(cases, now) -> None:
    """Attach the display labels a list shows. Model.get_FOO_display() rebuilds its choices map and
    translates every label on each call, which costs more than the query for a page of 50 cases."""
    from catalog.models import Step

    states = {k: str(v) for k, v in State.choices}
    sources = {k: str(v) for k, v in Source.choices}
    steps = {k: str(v) for k, v in Step.choices}
    for case in cases:
        case.state_label = states.get(case.state, case.state)
        case.source_label = sources.get(case.source, case.source)
        case.step_label = steps.get(case.step, case.step)
        case.badge = deadline_badge(case.due_at, now)


def deadline_badge(due_at, now) -> str:
    """CSS class of a deadline: overdue, due-soon or ok (blank without a deadline)."""
    if due_at is None:
        return ""
    if due_at < now:
        return "overdue"
    if due_at < now + DUE_SOON:
        return "due-soon"
    return "ok"
