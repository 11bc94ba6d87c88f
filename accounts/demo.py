"""Demo people of the Chenggong district: departments, street offices, the contractor and users.

Deterministic and idempotent: missing departments and users are created (by code and username);
existing ones, and supervisors already assigned to a grid, are kept as they are, edits included.
Every password is DEMO_PASSWORD. Supervisors are assigned in pairs to the responsibility grids
RG01..RG24 of the geo demo: supervisor01 and supervisor02 on RG01, supervisor03 and supervisor04 on
RG02, and so on.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Department, Role, User

DEMO_PASSWORD = "demo1234"
SUPERVISORS = 48

# (code, name, phone): the professional departments (专业部门) a case can be dispatched to.
PROFESSIONAL_DEPARTMENTS = [
    ("cgj", "呈贡区城市管理局", "0871-67468001"),
    ("zfj", "呈贡区综合行政执法局", "0871-67468002"),
    ("zjj", "呈贡区住房和城乡建设局", "0871-67468003"),
    ("jtj", "呈贡区交通运输局", "0871-67468004"),
    ("jjdd", "昆明市公安局交通警察支队呈贡大队", "0871-67468005"),
    ("scj", "呈贡区市场监督管理局", "0871-67468006"),
    ("sthj", "昆明市生态环境局呈贡分局", "0871-67468007"),
    ("ylj", "呈贡区园林绿化管理中心", "0871-67468008"),
    ("hws", "呈贡区环境卫生管理站", "0871-67468009"),
    ("slj", "呈贡区水务局", "0871-67468010"),
    ("gdj", "云南电网昆明呈贡供电局", "0871-67468011"),
    ("zls", "呈贡区自来水有限公司", "0871-67468012"),
    ("rqgs", "昆明燃气呈贡分公司", "0871-67468013"),
    ("txyys", "通信运营商联合维护中心（电信、移动、联通）", "0871-67468014"),
    ("ldj", "呈贡区路灯管理所", "0871-67468015"),
]
CONTRACTOR = ("contractor", "云南数城信息采集服务有限公司", "0871-67468099")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "志强",
    "建华",
    "海燕",
    "红梅",
    "晓东",
    "春兰",
]


def person_name(number: int) -> str:
    """A deterministic plausible Chinese name for the n-th demo person."""
    return SURNAMES[(number * 7) % len(SURNAMES)] + GIVEN[(number * 11) % len(GIVEN)]


def load_departments() -> dict[str, Department]:
    """Professional departments, one street office per geo Street (code = street code), the contractor."""
    from geo.models import Street

    with transaction.atomic():
        departments = {}
        for code, name, phone in PROFESSIONAL_DEPARTMENTS:
            departments[code], _ = Department.objects.get_or_create(
                code=code, defaults={"name": name, "phone": phone, "kind": Department.Kind.PROFESSIONAL}
            )
        for street in Street.objects.order_by("code"):
            departments[street.code], _ = Department.objects.get_or_create(
                code=street.code,
                defaults={
                    "name": f"{street.name}办事处",
                    "kind": Department.Kind.STREET_OFFICE,
                    "street": street,
                    "phone": f"0871-6746{street.code[-3:]}",
                },
            )
        code, name, phone = CONTRACTOR
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "phone": phone, "kind": Department.Kind.CONTRACTOR}
        )
    return departments


def load_people(stdout, options) -> None:
    from geo.models import ResponsibilityGrid

    password = make_password(DEMO_PASSWORD)  # hashed once: 60 hashes would take most of a minute
    departments = load_departments()
    contractor = departments[CONTRACTOR[0]]
    with transaction.atomic():
        number = 0

        def person(username, role, department=None, **extra):
            nonlocal number
            number += 1
            user, _created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "full_name": person_name(number),
                    "department": department,
                    "phone": f"139{number:08d}",
                    "password": password,
                    **extra,
                },
            )
            return user

        supervisors = [
            person(f"supervisor{n:02d}", Role.SUPERVISOR, contractor) for n in range(1, SUPERVISORS + 1)
        ]
        person("intake1", Role.INTAKE)
        person("shiftlead1", Role.SHIFT_LEADER)
        person("dispatcher1", Role.DISPATCHER)
        person("leader1", Role.LEADER)
        person("contractor1", Role.CONTRACTOR, contractor)
        person("admin", Role.ADMIN, is_staff=True, is_superuser=True)
        for code, department in departments.items():
            if department.kind == Department.Kind.CONTRACTOR:
                continue
            person(f"dept_{code}", Role.DEPARTMENT, department)

        grids = list(ResponsibilityGrid.objects.order_by("code"))
        for index, grid in enumerate(grids):
            if not grid.supervisors.exists():  # a reload keeps assignments made since
                grid.supervisors.set(supervisors[2 * index : 2 * index + 2])
        if len(grids) * 2 > len(supervisors):
            stdout.write(f"people: {len(grids)} responsibility grids but only {len(supervisors)} supervisors")
    stdout.write(
        f"people: {len(departments)} departments, {User.objects.count()} users, "
        f"{min(len(grids), SUPERVISORS // 2)} responsibility grids staffed"
    )
