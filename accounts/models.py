"""People, their roles and the organisations they work for.

Every permission check in the system starts from `User.role` and the user's scope: the department
a handler works for, the responsibility grids a supervisor patrols, the street a street leader leads.
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("监督员")
    INTAKE = "intake", _("受理员")
    SHIFT_LEADER = "shift_leader", _("值班长")
    DISPATCHER = "dispatcher", _("派遣员")
    DEPARTMENT = "department", _("部门处置人员")
    LEADER = "leader", _("领导")
    CONTRACTOR = "contractor", _("外包服务商管理员")
    ADMIN = "admin", _("系统管理员")


# Roles that work in the command centre (指挥中心) and see every case of the district.
CENTRE_ROLES = frozenset({Role.INTAKE, Role.SHIFT_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN})


class Department(models.Model):  # 专业部门 / 街道办事处 / 社区 / 外包服务商
    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("专业部门")
        STREET_OFFICE = "street_office", _("街道办事处")
        COMMUNITY = "community", _("社区")
        CONTRACTOR = "contractor", _("外包服务商")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROFESSIONAL)
    # Street offices and communities own a territory (属地); professional departments do not.
    street = models.ForeignKey(
        "geo.Street", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("所属街道")
    )
    community = models.ForeignKey(
        "geo.Community", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("所属社区")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SUPERVISOR)
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # A leader or officer of one street sees that street only; blank means the whole district.
    street = models.ForeignKey(
        "geo.Street", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("所属街道")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_centre_staff(self) -> bool:
        return self.role in CENTRE_ROLES


class ApiToken(models.Model):
    """A bearer token for other systems and scripts; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        raw = "ug_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(raw)), raw
