"""The demo catalogue: data/catalog.csv plus plausible local settings for the Chenggong centre.

Local settings are rules over the sub-type's name and major class (in the spirit of the Taiyuan and
Kunming published limits), not a hand-typed table: a department per sub-type, urgency and safety
hazard for things that can hurt someone (missing covers, gas, power), 立案条件/结案条件 texts, and
time limits per step and area class. Deterministic; once settings exist (any TimeLimit row) a
second run keeps them as they are.
"""

from decimal import Decimal

from django.db import transaction

from .cache import catalog_changed
from .importing import default_catalogue_path, import_catalogue_file
from .models import Category, Kind, LimitUnit, Step, TimeLimit, Urgency

H, D, MIN, CH = (
    LimitUnit.WORKING_HOURS,
    LimitUnit.WORKING_DAYS,
    LimitUnit.CLOCK_MINUTES,
    LimitUnit.CLOCK_HOURS,
)

# Defaults (category NULL): (step, area class, amount, unit).
DEFAULT_LIMITS = [
    (Step.ACCEPT, "", 10, MIN),
    (Step.VERIFY, "A", 1, CH),
    (Step.VERIFY, "B", 1.5, CH),
    (Step.VERIFY, "C", 2, CH),
    (Step.REGISTER, "", 30, MIN),
    (Step.DISPATCH, "", 30, MIN),
    (Step.HANDLE, "A", 2, D),
    (Step.HANDLE, "B", 3, D),
    (Step.HANDLE, "C", 5, D),
    (Step.CHECK, "A", 1, CH),
    (Step.CHECK, "B", 1.5, CH),
    (Step.CHECK, "C", 2, CH),
    (Step.CLOSE, "", 1, H),
]

# Words in a sub-type's name that make it a safety hazard handled as urgent (clock-time limits).
HAZARD_WORDS = [
    "井盖",
    "箅子",
    "燃气",
    "输油",
    "高压",
    "变压器",
    "电力设施",
    "塌陷",
    "漏气",
    "泄漏",
    "危险",
    "火灾",
    "爆管",
    "信号灯",
]

# (words in the name, department code), first match wins; then the major class fallbacks below.
DEPARTMENT_BY_WORD = [
    (["供水", "上水", "自来水", "供水器", "消防"], "zls"),
    (["污水", "雨水", "中水", "排水", "箅子", "河道", "水域", "堤岸", "防洪", "积水", "民用水井"], "slj"),
    (["电力", "变压器", "高压", "供电"], "gdj"),
    (["路灯", "地灯", "景观灯", "灯"], "ldj"),
    (["通讯", "通信", "电视", "网络", "信息亭", "电话亭", "邮筒"], "txyys"),
    (["燃气", "输油", "热力"], "rqgs"),
    (["信号灯", "电子眼", "监控", "交通标志", "标线", "护栏", "隔离", "乱停", "停放", "机动车"], "jjdd"),
    (["公交", "出租", "停车", "客运", "非机动车"], "jtj"),
    (["桥", "地下通道", "道路", "路面", "路缘石", "盲道", "台阶", "坡道", "人行道", "边坡"], "zjj"),
    (["油烟", "噪声", "污染", "焚烧", "排污", "医疗废物", "废水", "扬尘"], "sthj"),
    (["垃圾", "公厕", "厕所", "果皮箱", "不洁", "渣土", "遗撒", "环卫", "粪", "满溢", "动物尸体"], "hws"),
    (["树", "绿", "花", "草", "病虫害", "公园"], "ylj"),
    (["无照", "经营", "商品", "市场"], "scj"),
    (
        ["违章", "私搭", "乱建", "违法建设", "占道", "摊", "广告", "招牌", "标语", "张贴", "涂写", "散发"],
        "zfj",
    ),
    (["施工", "工地", "建筑", "房屋", "拆迁"], "zjj"),
]
DEPARTMENT_BY_MAJOR_WORD = [
    ("园林", "ylj"),
    ("环卫", "hws"),
    ("交通", "jtj"),
    ("施工", "zjj"),
    ("宣传广告", "zfj"),
    ("街面秩序", "zfj"),
    ("突发", "cgj"),
]


def department_code_for(category: Category) -> str:
    for words, code in DEPARTMENT_BY_WORD:
        if any(word in category.minor_name for word in words):
            return code
    for word, code in DEPARTMENT_BY_MAJOR_WORD:
        if word in category.major_name:
            return code
    return "cgj"


def is_hazard(category: Category) -> bool:
    return any(word in category.minor_name for word in HAZARD_WORDS) or "突发" in category.major_name


def conditions_for(category: Category) -> tuple[str, str]:
    """立案条件 and 结案条件 texts for a sub-type."""
    name = category.minor_name.removesuffix("异常")  # 污水井盖异常 → 污水井盖
    if "井盖" in name or "箅子" in name:
        return (
            f"{name}丢失、破损、移位，或与路面高差超过 2 cm，有现场照片和准确位置。",
            f"{name}已补齐或更换，安装平稳、与路面高差不超过 1 cm，核查照片与处置照片一致。",
        )
    if category.kind == Kind.COMPONENT or category.minor_name.endswith("异常"):  # a component's fault
        return (
            f"{name}存在破损、丢失、倾斜、污损或功能异常，位于本区城市管理范围内，有现场照片和准确位置，且无同一问题在办案件。",
            f"{name}已修复、更换或清理，恢复正常使用，核查照片与处置照片一致。",
        )
    return (
        f"在城市道路、广场、绿地等公共区域发现{name}，影响市容环境或公共秩序，有现场照片和准确位置，且无同一问题在办案件。",
        f"{name}问题已消除，现场恢复整洁有序，核查照片确认无反复。",
    )


def own_limits_for(category: Category) -> list[tuple]:
    """Limits of the sub-type's own, over the defaults; (step, area class, amount, unit)."""
    name = category.minor_name
    if is_hazard(category):
        return [
            (Step.REGISTER, "", 10, MIN),
            (Step.DISPATCH, "", 10, MIN),
            (Step.HANDLE, "A", 2, CH),
            (Step.HANDLE, "B", 2, CH),
            (Step.HANDLE, "C", 4, CH),
            (Step.CHECK, "", 1, CH),
        ]
    if "灯" in name:  # three dark lamps in a row: fixed within one working day in town
        return [(Step.HANDLE, "A", 1, D), (Step.HANDLE, "B", 2, D), (Step.HANDLE, "C", 2, D)]
    if any(word in name for word in ["垃圾", "不洁", "满溢", "遗撒", "动物尸体", "渣土"]):
        return [(Step.HANDLE, "A", 2, H), (Step.HANDLE, "B", 4, H), (Step.HANDLE, "C", 1, D)]
    if any(word in name for word in ["私搭", "乱建", "违章", "违法建设"]):
        return [(Step.HANDLE, "", 10, D)]
    if any(word in name for word in ["占道", "摊", "乱停", "停放"]):
        return [(Step.HANDLE, "A", 1, H), (Step.HANDLE, "B", 2, H), (Step.HANDLE, "C", 4, H)]
    return []


def load_catalogue(stdout, options) -> None:
    from accounts.demo import load_departments

    result = import_catalogue_file(default_catalogue_path())
    departments = {d.code: d for d in load_departments().values()}
    if TimeLimit.objects.exists():
        # Settings were loaded before and may have been edited since: a demo reload keeps them.
        stdout.write("catalogue: local settings already present, kept as they are")
        return
    with transaction.atomic():
        categories = list(Category.objects.all())
        limits = [
            TimeLimit(category=None, step=s, area_class=a, amount=Decimal(str(n)), unit=u)
            for s, a, n, u in DEFAULT_LIMITS
        ]
        for category in categories:
            hazard = is_hazard(category)
            category.department = departments[department_code_for(category)]
            category.urgency = Urgency.URGENT if hazard else Urgency.NORMAL
            category.safety_hazard = hazard
            category.registration_condition, category.closing_condition = conditions_for(category)
            limits += [
                TimeLimit(category=category, step=s, area_class=a, amount=Decimal(str(n)), unit=u)
                for s, a, n, u in own_limits_for(category)
            ]
        Category.objects.bulk_update(
            categories,
            ["department", "urgency", "safety_hazard", "registration_condition", "closing_condition"],
            batch_size=500,
        )
        TimeLimit.objects.all().delete()
        TimeLimit.objects.bulk_create(limits, batch_size=1000)
        catalog_changed()
    schemes = ", ".join(f"{scheme} {count}" for scheme, count in sorted(result.by_scheme.items()))
    urgent = sum(1 for c in categories if c.urgency == Urgency.URGENT)
    stdout.write(
        f"catalogue: {len(categories)} sub-types ({schemes}), {urgent} urgent, {len(limits)} time limits"
    )
