"""The only way a component's state changes: `change_state`, which appends the history row.

Nothing else writes Component.state or ComponentStateChange (imports create components with their
initial state and no history).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CENTRE_ROLES, Role
from accounts.permissions import require_role
from urbangrid.errors import Conflict, DomainError

from .models import Component, ComponentState, ComponentStateChange

# Who may record a change: the centre, the departments that maintain components, administrators.
STATE_CHANGE_ROLES = (*CENTRE_ROLES, Role.DEPARTMENT)


def change_state(component: Component, new_state: str, actor, reason: str = "") -> ComponentStateChange:
    """Set the component's state and append a ComponentStateChange, in one transaction.

    `actor` None means the system itself (e.g. a closed case's rules); otherwise the actor needs a
    centre or department role. Raises DomainError on an unknown state or a state it already has.
    """
    if actor is not None:
        require_role(actor, *STATE_CHANGE_ROLES)
    if new_state not in ComponentState.values:
        raise DomainError(_("未知的部件状态“%(state)s”。") % {"state": new_state})
    with transaction.atomic():
        locked = Component.objects.select_for_update().get(pk=component.pk)
        if locked.state == new_state:
            raise Conflict(
                _("部件 %(code)s 已经是“%(state)s”状态。")
                % {"code": locked.identifier, "state": ComponentState(new_state).label}
            )
        change = ComponentStateChange.objects.create(
            component=locked,
            from_state=locked.state,
            to_state=new_state,
            changed_by=actor,
            reason=(reason or "").strip(),
        )
        today = timezone.localdate()
        Component.objects.filter(pk=locked.pk).update(state=new_state, changed=today)
    component.state, component.changed = new_state, today
    return change
