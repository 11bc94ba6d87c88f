"""Who sees which evaluation: the centre everything; a contractor its supervisors; a department itself."""

from django.utils.translation import gettext as _

from accounts.models import CENTRE_ROLES, Role
from urbangrid.errors import NotAllowed


def allowed_types(user) -> list[str]:
    from .indicators import OBJECT_TYPES

    if not user.is_authenticated:
        raise NotAllowed(_("请先登录"))
    if user.role in CENTRE_ROLES or user.is_superuser:
        return list(OBJECT_TYPES)
    if user.role == Role.CONTRACTOR:
        return ["supervisor"]
    if user.role == Role.DEPARTMENT and user.department_id:
        return ["department"]
    raise NotAllowed(_("无权查看考核结果"))


def check_type(user, object_type: str, object_id: int | None = None) -> None:
    if object_type not in allowed_types(user):
        raise NotAllowed(_("无权查看该类考核结果"))
    if user.role == Role.DEPARTMENT and object_id is not None and object_id != user.department_id:
        raise NotAllowed(_("只能查看本单位的考核结果"))


def visible_rows(user, object_type: str, rows: list[dict]) -> list[dict]:
    if user.role == Role.DEPARTMENT:
        return [row for row in rows if row["id"] == user.department_id]
    if user.role == Role.CONTRACTOR:
        from accounts.models import User

        own = set(User.objects.filter(department_id=user.department_id).values_list("pk", flat=True))
        return [row for row in rows if row["id"] in own] or rows
    return rows
