"""Live updates: a small fragment each page polls (htmx, every 15 s) with the counts that matter to
the viewer's role and a notice when new reports or reminders arrived since the last poll. Reads only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Role
from accounts.permissions import is_centre
from cases.models import Case, Extension, Reminder, State

from .. import queries


@login_required
def badge(request):
    user = request.user
    now = timezone.now()
    # The fragment carries the time of this poll into the next one (no session write per poll).
    seen = parse_datetime(request.GET.get("since", "")) or now
    # Reminders are counted by id (the primary key index), not by their unindexed creation time.
    last_reminder = Reminder.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        seen_reminder = int(request.GET.get("rid", ""))
    except ValueError:
        seen_reminder = last_reminder
    context = {"now": now, "since": now.isoformat(), "rid": last_reminder}
    if is_centre(user):
        context |= {
            "intake": Case.objects.filter(state__in=(State.REPORTED, State.VERIFYING)).count(),
            "overdue": queries.overdue_rows(now).count(),
            "extensions": Extension.objects.filter(status=Extension.Status.PENDING).count(),
            "new_reports": Case.objects.filter(reported_at__gt=seen, reported_at__lte=now).count(),
            # The deadline scan's reminders for the centre's own steps (no department).
            "new_reminders": Reminder.objects.filter(
                pk__gt=seen_reminder, pk__lte=last_reminder, department=None, recipient=None
            ).count(),
            "centre": True,
        }
    elif user.role == Role.DEPARTMENT and user.department_id:
        context |= {
            "inbox": queries.department_inbox(user.department).count(),
            "new_cases": Case.objects.filter(
                department_id=user.department_id, state=State.DISPATCHED, dispatched_at__gt=seen
            ).count(),
            "notices": Reminder.objects.filter(department_id=user.department_id, read_at=None).count(),
            "new_notices": Reminder.objects.filter(
                department_id=user.department_id, pk__gt=seen_reminder, pk__lte=last_reminder
            ).count(),
        }
    else:
        return HttpResponse("")
    return render(request, "centre/_live.html", context)
