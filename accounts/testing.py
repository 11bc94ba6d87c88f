"""Named people for tests of any app, on geo.testing's small geography.

alice    supervisor of RG01 (the west community, area class A)
bob      supervisor of RG02 (the east community, area class B)
carol    intake operator in the command centre (受理员)
dan      dispatcher (派遣员)
dora     handler of the city management bureau (城管局)
erin     handler of the water company (自来水公司)
adam     administrator
connie   the contractor's manager
"""

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from .models import Department, Role, User

PASSWORD = "pass-for-tests"


@dataclass
class People:
    alice: User
    bob: User
    carol: User
    dan: User
    dora: User
    erin: User
    adam: User
    connie: User
    city_management: Department
    water_company: Department
    contractor: Department


@functools.cache
def _password_hash() -> str:
    # Hashed once per process: a PBKDF2 hash per person would cost seconds per test.
    return make_password(PASSWORD)


def make_user(username: str, role: str, department=None, **extra) -> User:
    user = User(username=username, role=role, department=department, full_name=username.title(), **extra)
    user.password = _password_hash()
    user.save()
    return user


def make_people(geography) -> People:
    city_management = Department.objects.create(code="cgj", name="呈贡区城市管理局")
    water_company = Department.objects.create(code="zls", name="呈贡区自来水有限公司")
    contractor = Department.objects.create(
        code="contractor", name="外包服务商", kind=Department.Kind.CONTRACTOR
    )
    alice = make_user("alice", Role.SUPERVISOR, contractor)
    bob = make_user("bob", Role.SUPERVISOR, contractor)
    geography.rg_west.supervisors.add(alice)
    geography.rg_east.supervisors.add(bob)
    return People(
        alice=alice,
        bob=bob,
        carol=make_user("carol", Role.INTAKE),
        dan=make_user("dan", Role.DISPATCHER),
        dora=make_user("dora", Role.DEPARTMENT, city_management),
        erin=make_user("erin", Role.DEPARTMENT, water_company),
        adam=make_user("adam", Role.ADMIN),
        connie=make_user("connie", Role.CONTRACTOR, contractor),
        city_management=city_management,
        water_company=water_company,
        contractor=contractor,
    )
