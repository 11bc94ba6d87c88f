"""Accounts API: who am I, departments, users (centre staff only), API tokens (administrators)."""

from datetime import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from .actions import issue_token, revoke_token
from .models import ApiToken, Department, Role, User
from .permissions import is_centre, require_centre, require_role

router = Router(tags=["accounts"])


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    street_id: int | None
    phone: str
    active: bool


class GridRef(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    is_centre: bool
    department: DepartmentOut | None
    street_id: int | None
    responsibility_grids: list[GridRef]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    phone: str
    department_id: int | None
    is_active: bool


class TokenIn(Schema):
    user_id: int
    name: str


class TokenOut(Schema):
    id: int
    user_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class IssuedTokenOut(TokenOut):
    token: str


def _department(d: Department | None) -> dict | None:
    if d is None:
        return None
    return {
        "id": d.id,
        "code": d.code,
        "name": d.name,
        "kind": d.kind,
        "kind_label": str(d.get_kind_display()),
        "street_id": d.street_id,
        "phone": d.phone,
        "active": d.active,
    }


def _user(u: User) -> dict:
    return {
        "id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "role": u.role,
        "role_label": str(u.get_role_display()),
        "phone": u.phone,
        "department_id": u.department_id,
        "is_active": u.is_active,
    }


@router.get("/me", response=MeOut, summary="The signed-in user, their role, department and grids")
def me(request):
    user = request.user
    grids = list(user.responsibility_grids.order_by("code").values("id", "code", "name"))
    return {
        **_user(user),
        "is_centre": is_centre(user),
        "department": _department(user.department),
        "street_id": user.street_id,
        "responsibility_grids": grids,
    }


@router.get("/departments", response=list[DepartmentOut], summary="Departments and street offices")
def departments(request, kind: str = "", active: bool = True):
    qs = Department.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if active:
        qs = qs.filter(active=True)
    return [_department(d) for d in qs]


@router.get("/users", response=list[UserOut], summary="Users (command-centre staff only)")
def users(request, role: str = "", department_id: int | None = None, q: str = ""):
    require_centre(request.user)
    qs = User.objects.filter(is_active=True).order_by("username")
    if role:
        qs = qs.filter(role=role)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return [_user(u) for u in qs[:1000]]


@router.get("/tokens", response=list[TokenOut], summary="API tokens (administrators only)")
def tokens(request):
    require_role(request.user, Role.ADMIN)
    return list(ApiToken.objects.order_by("id"))


@router.post("/tokens", response={201: IssuedTokenOut}, summary="Issue an API token (shown once)")
def create_token(request, payload: TokenIn):
    require_role(request.user, Role.ADMIN)
    user = get_object_or_404(User, pk=payload.user_id)
    token, raw = issue_token(request.user, user, payload.name)
    return Status(
        201,
        {
            "id": token.id,
            "user_id": token.user_id,
            "name": token.name,
            "created_at": token.created_at,
            "last_used_at": None,
            "token": raw,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def delete_token(request, token_id: int):
    revoke_token(request.user, token_id)
    return Status(204, None)
