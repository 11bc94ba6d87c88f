"""The page after login: each role lands on its own workbench."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.models import Role

# Where each role works. Queues and the inbox are this app's; /m/ is the phone app, /contract/ the
# contractor's pages.
WORKBENCH = {
    Role.INTAKE: "centre:queue-intake",
    Role.SHIFT_LEADER: "centre:queue-registration",
    Role.DISPATCHER: "centre:queue-dispatch",
    Role.DEPARTMENT: "centre:inbox",
    Role.LEADER: "centre:screen",
    Role.ADMIN: "centre:map",
    Role.SUPERVISOR: "/m/",
    Role.CONTRACTOR: "/contract/",
}


@login_required
def home(request):
    target = WORKBENCH.get(request.user.role)
    if target is None:
        return render(request, "centre/no_workbench.html", status=403)
    return redirect(target)
