"""What evaluation reads from the case history: the names of the case workflow's models, fields
and event actions, in one place, so the indicators depend on them only here.

A CaseEvent row is one step of the closed loop: who (actor, role) did what (action) to which case,
when (at), the step's deadline (due_at) and whether it was met (on_time; None where the step
has no limit), and for dispatches the department concerned.
"""

from django.apps import apps


def Case():  # noqa: N802 - read like the model it returns
    return apps.get_model("cases", "Case")


def CaseEvent():  # noqa: N802
    return apps.get_model("cases", "CaseEvent")


# CaseEvent fields
EVENT_TIME = "at"
EVENT_ACTION = "action"
EVENT_ACTOR = "actor"
EVENT_ON_TIME = "on_time"
EVENT_DEPARTMENT = "department"  # the department a dispatch sends to, or that fed back / returned

# Case fields
CASE_CREATED = "reported_at"
CASE_SOURCE = "source"

# Event actions, as cases/workflow.py records them
REPORT = "report"
REPORT_SELF_HANDLED = "self_handled"
ACCEPT = "accept"
REJECT = "refuse"  # 不予受理 / 不予立案
SEND_VERIFICATION = "send_verification"
ANSWER_VERIFICATION = "verify"
REGISTER = "register"
DISPATCH = "dispatch"  # also a new dispatch after a return (回退)
REASSIGN = "reassign"  # 改派 of a case a department holds
RETURN_TO_CENTRE = "return"
GIVE_FEEDBACK = "feedback"
EXTENSION_GRANTED = "approve_extension"
SEND_CHECK = "send_check"
ANSWER_CHECK = "check"
CLOSE = "close"
REWORK = "rework"
PARK = "park"
UNPARK = "unpark"
VOID = "void"

SUPERVISOR_ROLE = "supervisor"  # CaseEvent.role of a supervisor (accounts.models.Role.SUPERVISOR)

# Case sources (cases.models.Source)
SUPERVISOR_SOURCES = ("supervisor", "self_handled")
OTHER_SOURCES = ("public", "leader", "video")


def extension_granted():
    """Q on CaseEvent: an extension request that was granted."""
    from django.db.models import Q

    return Q(**{EVENT_ACTION: EXTENSION_GRANTED})
