"""Demo components (部件) spread over the demo unit grids: denser in area class A, of the common
sub-types (covers, lamps, bins, street trees, signs…), a few damaged or lost.

Deterministic (a fixed random seed, grids and categories read in code order) and fast: numpy for
the placement, geo.spatial.locate_many for the grid of each point, one prepared INSERT. Idempotent: if
any component exists nothing is written.
"""

import datetime

import numpy as np
from django.conf import settings
from django.db import transaction

from .importing import insert_components
from .models import Component, ComponentState

SEED = 20261129
GRID_WEIGHT = {"A": 6.0, "B": 2.0, "C": 0.4}
# GB/T 47678.5-2026 component sub-type → relative frequency on the street.
SUBTYPE_WEIGHT = {
    "04002": 15,  # 行道树
    "01037": 12,  # 路灯
    "01002": 8,  # 污水井盖
    "01003": 8,  # 雨水井盖
    "01004": 8,  # 雨水箅子
    "03005": 8,  # 垃圾箱
    "01001": 5,  # 供水井盖
    "01007": 4,  # 通信井盖
    "01005": 3,  # 电力井盖
    "02010": 3,  # 交通标志牌及标线
    "04011": 3,  # 树池树穴
    "01006": 2,  # 路灯井盖
    "01011": 2,  # 燃气井盖
    "01030": 2,  # 电力立杆
    "01031": 2,  # 通信立杆
    "02017": 2,  # 交通护栏
    "02012": 1.5,  # 路名牌
    "01027": 1,  # 通信交接箱
    "01048": 1,  # 变压器（箱）
    "01050": 1,  # 监控电子眼设施
    "02004": 1,  # 公交站设施
    "02014": 1,  # 交通信号灯
    "02020": 1,  # 人行横道桩
    "02027": 1,  # 存车支架
    "04007": 1,  # 街头座椅
    "04008": 1,  # 绿地护栏
    "01054": 0.5,  # 充电桩
    "01075": 0.5,  # 快递柜
    "03008": 0.5,  # 宣传栏
    "03001": 0.3,  # 公共厕所
}
STATE_SHARE = [
    (ComponentState.GOOD, 0.96),
    (ComponentState.DAMAGED, 0.025),
    (ComponentState.LOST, 0.01),
    (ComponentState.DISCARDED, 0.005),
]
MAINTAINERS = ["云南城投市政养护有限公司", "呈贡区市政设施维护中心", "昆明绿源园林养护有限公司"]
CENSUS_START = datetime.date(2024, 3, 1)


def load_components(stdout, options) -> None:
    from catalog.models import Category, Kind, Scheme
    from geo.models import UnitGrid
    from geo.spatial import locate_many

    count = int(options.get("components", 30000))
    if Component.objects.exists():
        stdout.write("components: already loaded, skipped")
        return
    grids = list(
        UnitGrid.objects.order_by("code").values_list(
            "id", "area_class", "min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat"
        )
    )
    categories = {
        c.minor_code: c
        for c in Category.objects.select_related("department").filter(
            scheme=Scheme.GB_2026, kind=Kind.COMPONENT, minor_code__in=SUBTYPE_WEIGHT
        )
    }
    if not grids or not categories or count == 0:
        stdout.write("components: no unit grids or no catalogue yet, skipped")
        return
    rng = np.random.default_rng(SEED)
    ids = np.array([g[0] for g in grids], dtype=np.int64)
    weights = np.array([GRID_WEIGHT.get(g[1], 1.0) for g in grids])
    box = np.array([g[2:6] for g in grids], dtype=float)
    centroid = np.array([g[6:8] for g in grids], dtype=float)
    chosen = rng.choice(len(grids), size=count, p=weights / weights.sum())
    lons = box[chosen, 0] + rng.random(count) * (box[chosen, 2] - box[chosen, 0])
    lats = box[chosen, 1] + rng.random(count) * (box[chosen, 3] - box[chosen, 1])
    located = locate_many(lons, lats)
    # A point of a clipped grid's box that falls outside the district goes to the grid's centroid.
    outside = located < 0
    lons[outside], lats[outside] = centroid[chosen[outside], 0], centroid[chosen[outside], 1]
    located[outside] = ids[chosen[outside]]

    codes = [code for code in SUBTYPE_WEIGHT if code in categories]
    code_weights = np.array([SUBTYPE_WEIGHT[c] for c in codes])
    subtype = rng.choice(len(codes), size=count, p=code_weights / code_weights.sum())
    states = [s for s, _share in STATE_SHARE]
    state_index = rng.choice(len(states), size=count, p=[share for _s, share in STATE_SHARE])
    recorded_day = rng.integers(0, 600, size=count)
    maintainer_index = rng.integers(0, len(MAINTAINERS), size=count)

    district = settings.URBANGRID_DISTRICT_CODE
    serials = dict.fromkeys(codes, 0)
    components = []
    for i in range(count):
        code = codes[subtype[i]]
        category = categories[code]
        serials[code] += 1
        first = CENSUS_START + datetime.timedelta(days=int(recorded_day[i]))
        state = states[state_index[i]]
        department = category.department.name if category.department_id else ""
        components.append(
            Component(
                identifier=f"{district}{code}{serials[code]:06d}",
                category=category,
                name=category.minor_name,
                competent_department=department,
                owner=department,
                maintainer=MAINTAINERS[maintainer_index[i]],
                unit_grid_id=int(located[i]),
                state=state,
                first_recorded=first,
                changed=first if state == ComponentState.GOOD else first + datetime.timedelta(days=90),
                data_source="2024年部件普查（演示数据）",
                lon=round(float(lons[i]), 7),
                lat=round(float(lats[i]), 7),
            )
        )
    with transaction.atomic():
        insert_components(components)
    stdout.write(f"components: {count} over {len(set(located.tolist()))} unit grids")
