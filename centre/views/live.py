"""Live updates by polling: a small fragment each page asks for every CENTRE_LIVE_POLL_SECONDS
(htmx) with the counts that matter to the viewer's role and a notice when new reports, dispatches or
reminders arrived since the last poll. Reads only.

Polling is conditional and costs three primary-key lookups when nothing happened: the fragment
carries the last case, event and reminder ids it has seen and a version (those ids and the current
minute, since deadlines pass with the clock); a poll whose version is still current gets 204 No
Content, which htmx leaves in place. Every change of a case appends a CaseEvent, so a new event id
is what "something happened" means.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import is_centre
from cases.models import Case, CaseEvent, Extension, Reminder, State

from .. import notices, queries


def _last_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _seen(request, name: str, default: int) -> int:
    """The id the client last saw; anything unreadable counts as having seen everything."""
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return default
    return value if 0 <= value <= default else default


@login_required
def badge(request):
    user = request.user
    centre = is_centre(user)
    department = user.department_id if user.role == Role.DEPARTMENT else None
    if not centre and not department:
        return HttpResponse("")
    now = timezone.now()
    last_case, last_event, last_reminder = _last_id(Case), _last_id(CaseEvent), _last_id(Reminder)
    version = f"{last_case}.{last_event}.{last_reminder}.{int(now.timestamp() // 60)}"
    if request.GET.get("v") == version:
        return HttpResponse(status=204)  # nothing new: htmx keeps the fragment it shows
    # A first poll (no ids yet) announces nothing: everything before it was already on the page.
    seen_case = _seen(request, "cid", last_case)
    seen_event = _seen(request, "eid", last_event)
    seen_reminder = _seen(request, "rid", last_reminder)
    context = {
        "v": version,
        "cid": last_case,
        "eid": last_event,
        "rid": last_reminder,
        "poll_seconds": settings.CENTRE_LIVE_POLL_SECONDS,
    }
    if centre:
        context |= {
            "intake": Case.objects.filter(state__in=(State.REPORTED, State.VERIFYING)).count(),
            "overdue": queries.overdue_rows(now).count(),
            "extensions": Extension.objects.filter(status=Extension.Status.PENDING).count(),
            "new_reports": Case.objects.filter(pk__gt=seen_case, pk__lte=last_case).count(),
            # The deadline scan's reminders for the centre's own steps (no department).
            "new_reminders": Reminder.objects.filter(
                pk__gt=seen_reminder, pk__lte=last_reminder, department=None, recipient=None
            ).count(),
            "centre": True,
        }
    else:
        context |= {
            "inbox": queries.department_inbox(department).count(),
            "new_cases": CaseEvent.objects.filter(
                pk__gt=seen_event,
                pk__lte=last_event,
                department_id=department,
                action__in=("dispatch", "reassign"),
            ).count(),
            "notices": notices.unread().filter(department_id=department).count(),
            "new_notices": Reminder.objects.filter(
                department_id=department, pk__gt=seen_reminder, pk__lte=last_reminder
            ).count(),
        }
    return render(request, "centre/_live.html", context)
