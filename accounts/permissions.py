"""Server-side permission helpers: every view, API endpoint and domain function asks these.

They answer from the user's role and scope (department, responsibility grids, street) only; they
never write anything. A refusal is a urbangrid.errors.NotAllowed, which the API turns into a 403.
"""

from django.utils.translation import gettext as _

from urbangrid.errors import NotAllowed

from .models import CENTRE_ROLES, Role


def is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_centre(user) -> bool:
    """Command-centre staff (受理员, 值班长, 派遣员, 领导, 管理员) see every case of the district."""
    return is_authenticated(user) and (user.role in CENTRE_ROLES or user.is_superuser)


def is_admin(user) -> bool:
    return is_authenticated(user) and (user.role == Role.ADMIN or user.is_superuser)


def require_role(user, *roles) -> None:
    """Raise NotAllowed unless the user is active and has one of the roles.

    A superuser passes every check: the break-glass account of an installation.
    """
    if not is_authenticated(user):
        raise NotAllowed(_("请先登录。"))
    if user.is_superuser or user.role in roles:
        return
    labels = "、".join(str(Role(role).label) for role in roles)
    raise NotAllowed(_("此操作仅限%(roles)s。") % {"roles": labels})


def require_centre(user) -> None:
    require_role(user, *CENTRE_ROLES)


def supervised_unit_grid_ids(user) -> set[int]:
    """Ids of the unit grids in the responsibility grids the user patrols (empty for non-supervisors)."""
    if not is_authenticated(user):
        return set()
    from geo.models import UnitGrid

    return set(UnitGrid.objects.filter(responsibility_grid__supervisors=user).values_list("id", flat=True))


def supervises_unit_grid(user, unit_grid_id: int | None) -> bool:
    """True when the unit grid lies in one of the user's responsibility grids."""
    if unit_grid_id is None or not is_authenticated(user):
        return False
    from geo.models import UnitGrid

    return UnitGrid.objects.filter(id=unit_grid_id, responsibility_grid__supervisors=user).exists()


def require_supervisor_of(user, unit_grid_id: int | None) -> None:
    """A supervisor may act only in the unit grids of their own responsibility grids."""
    require_role(user, Role.SUPERVISOR)
    if user.is_superuser:
        return
    if not supervises_unit_grid(user, unit_grid_id):
        raise NotAllowed(_("该网格不在您负责的责任网格内。"))


def require_department_member(user, department_id: int | None) -> None:
    """A department handler may act only for their own department."""
    require_role(user, Role.DEPARTMENT)
    if user.is_superuser:
        return
    if department_id is None or user.department_id != department_id:
        raise NotAllowed(_("该案件不属于您的部门。"))
