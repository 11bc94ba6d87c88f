"""A case simulator: realistic history for N days, written through the real workflow functions.

`simulate(days=60, end=date, seed=1)` drives cases/workflow.py with `at=` timestamps, in time order
per case, on whatever geography, catalogue and people are loaded (the demo, or a test's small
town): a daily volume of reports weighted towards the common sub-types, patrol hours (8:00-20:00
with two peaks), denser in the urban core (area class A), supervisors reporting in their own
responsibility grids, ~17% self-handled, public reports verified first, ~3% not registered, some
returns and reassignments, extensions (approved or refused), rework after a failed check, a few
parked and voided, most closed on time, some late. A case whose next step would fall after "now"
stays open at that step, so the last days fill the queues and the overdue boards.

Photos are tiny generated JPEGs (a few hundred bytes each, a pool of distinct colours) stored as
real Attachment rows through cases.attachments.

`bulk(cases=N, ...)` (see cases/bulk.py) writes benchmark volumes without the workflow.
"""

import io
import random
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from urbangrid.errors import DomainError

# Sub-types seen most often in a Chinese district (matched on the catalogue's minor name).
COMMON = [
    ("暴露垃圾", 14),
    ("乱停", 12),  # 乱停放 / 违章停车
    ("摊", 10),  # 流动摊贩 / 占道经营 / 店外摊
    ("占道", 8),
    ("井盖", 7),
    ("路灯", 6),
    ("小广告", 6),
    ("乱堆", 5),
    ("积存垃圾", 5),
    ("道路", 3),
    ("绿地", 3),
    ("广告", 2),
]
AREA_WEIGHT = {"A": 5.0, "B": 2.0, "C": 1.0}
# Patrol hours: weight per hour of the day (8:00-20:00, peaks mid-morning and mid-afternoon).
HOUR_WEIGHT = {
    7: 1,
    8: 5,
    9: 9,
    10: 10,
    11: 8,
    12: 4,
    13: 4,
    14: 8,
    15: 10,
    16: 9,
    17: 6,
    18: 4,
    19: 3,
    20: 1,
}


@dataclass
class Rates:
    per_day: tuple[int, int] = (150, 250)
    self_handled: float = 0.17
    public: float = 0.12
    leader: float = 0.01
    video: float = 0.02
    verify_fails: float = 0.10
    not_registered: float = 0.03
    returned: float = 0.025
    reassigned: float = 0.01
    extension: float = 0.05
    extension_refused: float = 0.3
    rework: float = 0.05
    parked: float = 0.004
    voided: float = 0.003
    late: float = 0.08
    urged: float = 0.01


@dataclass
class Stats:
    cases: int = 0
    events: int = 0
    by_action: dict = field(default_factory=dict)
    open: int = 0

    def count(self, action: str) -> None:
        self.by_action[action] = self.by_action.get(action, 0) + 1


class Photos:
    """Small distinct JPEGs: a pool per purpose, cycled."""

    def __init__(self, rng: random.Random, size: int = 48):
        from PIL import Image

        self.pool = []
        for _ in range(64):
            colour = tuple(rng.randrange(256) for _ in range(3))
            image = Image.new("RGB", (size, size * 3 // 4), colour)
            # A second colour block so photos differ in content, not only in tint.
            x = rng.randrange(size // 2)
            image.paste(tuple(255 - c for c in colour), (x, x // 2, x + size // 3, x // 2 + size // 4))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=60)
            self.pool.append(buffer.getvalue())
        self.index = 0

    def next(self) -> bytes:
        self.index = (self.index + 1) % len(self.pool)
        return self.pool[self.index]


class World:
    """What the simulator needs from the loaded data, read once."""

    def __init__(self):
        from accounts.models import Role, User
        from catalog.models import Category
        from geo.models import UnitGrid

        self.intake = _one(Role.INTAKE)
        self.shift_leader = _one(Role.SHIFT_LEADER)
        self.dispatcher = _one(Role.DISPATCHER) or self.shift_leader
        self.leader = _one(Role.LEADER)
        if self.intake is None or self.shift_leader is None:
            raise DomainError("simulate_cases: no intake operator or shift leader loaded")
        handlers = {}
        for user in User.objects.filter(role=Role.DEPARTMENT, is_active=True).order_by("id"):
            if user.department_id is not None:
                handlers.setdefault(user.department_id, user)
        self.handlers = handlers
        supervisors = {}
        for user in User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("id"):
            for rg_id in user.responsibility_grids.values_list("pk", flat=True):
                supervisors.setdefault(rg_id, []).append(user)
        self.supervisors = supervisors
        grids = list(
            UnitGrid.objects.filter(responsibility_grid_id__in=list(supervisors))
            .order_by("id")
            .values_list("min_lon", "min_lat", "max_lon", "max_lat", "area_class", "responsibility_grid_id")
        )
        if not grids:
            raise DomainError("simulate_cases: no unit grids with supervisors loaded")
        self.grids = grids
        self.grid_weights = list(accumulate(AREA_WEIGHT.get(g[4], 1.0) for g in grids))
        categories = list(
            Category.objects.filter(active=True, department_id__in=list(handlers)).order_by("id")
        )
        if not categories:
            raise DomainError("simulate_cases: no active sub-types with a department that has a handler")
        self.categories = categories
        weights = []
        for category in categories:
            weight = 0.3
            for word, w in COMMON:
                if word in category.minor_name:
                    weight = max(weight, w)
            weights.append(weight)
        self.category_weights = list(accumulate(weights))
        self.departments = sorted(handlers)

    def grid(self, rng):
        return self.grids[bisect(self.grid_weights, rng.random() * self.grid_weights[-1])]

    def category(self, rng):
        return self.categories[bisect(self.category_weights, rng.random() * self.category_weights[-1])]


def _one(role):
    from accounts.models import User

    return User.objects.filter(role=role, is_active=True).order_by("id").first()


def _report_times(rng, day: date, count: int) -> list[datetime]:
    hours = list(HOUR_WEIGHT)
    cumulative = list(accumulate(HOUR_WEIGHT.values()))
    times = []
    for _ in range(count):
        hour = hours[bisect(cumulative, rng.random() * cumulative[-1])]
        moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
        times.append(timezone.make_aware(moment))
    return sorted(times)


class Simulator:
    def __init__(self, *, seed: int = 1, rates: Rates | None = None, stdout=None):
        self.rng = random.Random(seed)
        self.rates = rates or Rates()
        self.world = World()
        self.photos = Photos(self.rng)
        self.stats = Stats()
        self.stdout = stdout

    # -- timing ---------------------------------------------------------------------------------

    def _after(self, at: datetime, due: datetime | None, *, late: bool | None = None) -> datetime:
        """When the next action happens: a fraction of the time left to the step's deadline (late
        ones past it), nudged into working hours when there is room."""
        rng = self.rng
        if late is None:
            late = rng.random() < self.rates.late
        if due is None or due <= at:
            span = timedelta(hours=4)
            moment = at + span * rng.uniform(0.05, 1.0)
        elif late:
            moment = due + (due - at) * rng.uniform(0.05, 0.8) + timedelta(minutes=rng.randrange(5, 120))
        else:
            moment = at + (due - at) * rng.triangular(0.05, 0.95, 0.3)
        local = timezone.localtime(moment)
        if local.hour >= 21 or local.hour < 8:
            morning = local.replace(hour=8, minute=rng.randrange(60), second=rng.randrange(60))
            if local.hour >= 21:
                morning += timedelta(days=1)
            if late or due is None or morning <= due:
                moment = morning
        return moment

    # -- one case -------------------------------------------------------------------------------

    def run_case(self, reported_at: datetime, now: datetime) -> None:
        from cases import workflow
        from cases.models import Source

        rng, rates, world = self.rng, self.rates, self.world
        grid = world.grid(rng)
        min_lon, min_lat, max_lon, max_lat, _area, rg_id = grid
        lon = round(rng.uniform(min_lon, max_lon), 7)
        lat = round(rng.uniform(min_lat, max_lat), 7)
        supervisor = rng.choice(world.supervisors[rg_id])
        category = world.category(rng)
        roll = rng.random()
        try:
            if roll < rates.self_handled:
                workflow.report_self_handled(
                    supervisor,
                    category=category,
                    lon=lon,
                    lat=lat,
                    before=[self.photos.next()],
                    after=[self.photos.next()],
                    description=f"{category.minor_name}，已现场处置",
                    at=reported_at,
                )
                self._done("self_handled")
                return
            roll -= rates.self_handled
            if roll < rates.public:
                source, actor, photos = Source.PUBLIC, world.intake, []
            elif roll < rates.public + rates.leader and world.leader is not None:
                source, actor, photos = Source.LEADER, world.leader, []
            elif roll < rates.public + rates.leader + rates.video:
                source, actor, photos = Source.VIDEO, world.intake, []
            else:
                source, actor, photos = Source.SUPERVISOR, supervisor, [self.photos.next()]
            extra = {}
            if source == Source.PUBLIC:
                extra = {
                    "reporter_name": "市民",
                    "reporter_phone": f"1{rng.randrange(3, 9)}{rng.randrange(10**9):09d}",
                }
            case = workflow.report(
                actor,
                source=source,
                category=category,
                lon=lon,
                lat=lat,
                description=f"{category.minor_name}",
                photos=photos,
                at=reported_at,
                **extra,
            )
        except DomainError:
            return  # the random point fell outside the district (a border grid): no report
        self._done("report")
        self._lifecycle(case, reported_at, now, supervisor)

    def _done(self, action: str) -> None:
        self.stats.count(action)
        self.stats.events += 1
        if action in ("self_handled", "report"):
            self.stats.cases += 1

    def _lifecycle(self, case, at: datetime, now: datetime, supervisor) -> None:
        from cases import workflow
        from cases.models import Source

        rng, rates, world = self.rng, self.rates, self.world

        def step(moment):
            return moment is not None and moment <= now

        # 受理 (after 核实 for public reports)
        when = self._after(at, case.due_at)
        if case.source == Source.PUBLIC:
            if not step(when):
                return self._open()
            task = workflow.send_verification(world.intake, case, at=when)
            self._done("send_verification")
            at, when = when, self._after(when, task.due_at)
            if not step(when):
                return self._open()
            passed = rng.random() >= rates.verify_fails
            workflow.answer_task(
                supervisor,
                task,
                passed=passed,
                note="现场核实" if passed else "现场未发现该问题",
                photos=[self.photos.next()],
                at=when,
            )
            self._done("verify")
            case.refresh_from_db()
            at, when = when, self._after(when, case.due_at)
            if not step(when):
                return self._open()
            if not passed:
                workflow.refuse_registration(world.intake, case, reason="核实不属实，不予受理", at=when)
                return self._done("refuse")
        if not step(when):
            return self._open()
        case = workflow.accept(world.intake, case, at=when)
        self._done("accept")
        at, when = when, self._after(when, case.due_at)
        if not step(when):
            return self._open()
        if rng.random() < rates.not_registered:
            workflow.refuse_registration(world.shift_leader, case, reason="不符合立案条件", at=when)
            return self._done("refuse")
        case = workflow.register(world.shift_leader, case, at=when)
        self._done("register")
        at, when = when, self._after(when, case.due_at)
        if not step(when):
            return self._open()
        if rng.random() < rates.voided:
            workflow.void(world.shift_leader, case, reason="重复立案，作废", at=when)
            return self._done("void")
        department = workflow.suggest_department(case)
        if department is None or department.pk not in world.handlers:
            department_id = rng.choice(world.departments)
            from accounts.models import Department

            department = Department.objects.get(pk=department_id)
            reason = "按实际管辖部门派遣"
        else:
            reason = ""
        case = workflow.dispatch(world.dispatcher, case, department, reason=reason, at=when)
        self._done("dispatch")
        handle_due = case.handle_due_at
        at, when = when, self._after(when, case.due_at, late=False)
        # 回退 and 改派
        if rng.random() < rates.returned + rates.reassigned and len(world.departments) > 1:
            if not step(when):
                return self._open()
            other_id = rng.choice([d for d in world.departments if d != case.department_id])
            from accounts.models import Department

            other = Department.objects.get(pk=other_id)
            if rng.random() < rates.returned / (rates.returned + rates.reassigned):
                handler = world.handlers[case.department_id]
                case = workflow.return_to_centre(handler, case, reason="不属于本部门职责", at=when)
                self._done("return")
                at, when = when, self._after(when, case.due_at)
                if not step(when):
                    return self._open()
                case = workflow.dispatch(world.dispatcher, case, other, reason="回退后改派", at=when)
                self._done("dispatch")
            else:
                case = workflow.reassign(world.dispatcher, case, other, reason="派遣有误，改派", at=when)
                self._done("reassign")
            handle_due = case.handle_due_at
            at, when = when, self._after(when, case.due_at, late=False)
        if not step(when):
            return self._open()
        handler = world.handlers[case.department_id]
        case = workflow.accept_by_department(handler, case, at=when)
        self._done("department_accept")
        at = when
        # 延期
        if rng.random() < rates.extension and handle_due is not None:
            when = self._after(at, handle_due, late=False)
            if not step(when):
                return self._open()
            until = handle_due + max(handle_due - at, timedelta(hours=8))
            extension = workflow.request_extension(
                handler, case, until=until, reason="需协调施工，申请延期", at=when
            )
            self._done("request_extension")
            at, when = when, when + timedelta(minutes=rng.randrange(10, 180))
            if not step(when):
                return self._open()
            approve = rng.random() >= rates.extension_refused
            workflow.decide_extension(
                world.shift_leader, extension, approve=approve, note="" if approve else "理由不充分", at=when
            )
            self._done("approve_extension" if approve else "reject_extension")
            case.refresh_from_db()
            at = when
        if rng.random() < rates.parked:
            when = at + timedelta(hours=rng.randrange(1, 24))
            if not step(when):
                return self._open()
            workflow.park(world.shift_leader, case, reason="需纳入年度改造计划，挂账", at=when)
            return self._done("park")
        reworked = False
        while True:
            when = self._after(at, case.handle_due_at or case.due_at)
            if world.leader is not None and rng.random() < rates.urged:
                urge_at = at + (when - at) / 2
                if step(urge_at):
                    workflow.urge(world.dispatcher, case, note="请尽快处置", at=urge_at)
                    self._done("urge")
            if not step(when):
                return self._open()
            case = workflow.give_feedback(
                handler, case, note="已处置完毕", photos=[self.photos.next()], at=when
            )
            self._done("feedback")
            at, when = when, self._after(when, case.due_at)
            if not step(when):
                return self._open()
            task = workflow.send_check(world.intake, case, at=when)
            self._done("send_check")
            at, when = when, self._after(when, task.due_at)
            if not step(when):
                return self._open()
            passed = reworked or rng.random() >= rates.rework
            workflow.answer_task(
                supervisor,
                task,
                passed=passed,
                note="已整改" if passed else "问题仍存在",
                photos=[self.photos.next()],
                at=when,
            )
            self._done("check")
            case.refresh_from_db()
            at, when = when, self._after(when, case.due_at)
            if not step(when):
                return self._open()
            if passed:
                workflow.close(world.shift_leader, case, at=when)
                return self._done("close")
            case = workflow.rework(world.dispatcher, case, reason="核查未通过，返工", at=when)
            self._done("rework")
            reworked = True
            at = when

    def _open(self) -> None:
        self.stats.open += 1

    # -- the whole run --------------------------------------------------------------------------

    def run(self, *, days: int, end: date, now: datetime | None = None) -> Stats:
        with _fast_lookups():
            return self._run(days=days, end=end, now=now)

    def _run(self, *, days: int, end: date, now: datetime | None = None) -> Stats:
        now = now or min(timezone.now(), timezone.make_aware(datetime.combine(end, time(23, 59, 59))))
        first = end - timedelta(days=days - 1)
        low, high = self.rates.per_day
        for offset in range(days):
            day = first + timedelta(days=offset)
            count = self.rng.randint(low, high)
            if day.weekday() >= 5:
                count = count * 3 // 4  # fewer patrols at weekends
            with transaction.atomic():
                for reported_at in _report_times(self.rng, day, count):
                    if reported_at > now:
                        break
                    self.run_case(reported_at, now)
            if self.stdout is not None and (offset % 10 == 9 or offset == days - 1):
                self.stdout.write(f"  {day}: {self.stats.cases} cases, {self.stats.events} events")
        return self.stats


@contextmanager
def _fast_lookups():
    """For the length of a run: memoise the catalogue's time limits and the dispatch suggestion
    (neither changes while the simulator runs) and stop logging every SQL statement under DEBUG.
    Everything is restored afterwards; the workflow functions themselves run unchanged."""
    from django.conf import settings

    from cases import workflow
    from catalog import limits

    original_limit, original_suggest, debug = (
        limits.time_limit_for,
        workflow.suggest_department,
        settings.DEBUG,
    )
    limit_cache, suggest_cache = {}, {}

    def time_limit_for(category, step, area_class=""):
        key = (getattr(category, "pk", category), step, area_class)
        if key not in limit_cache:
            limit_cache[key] = original_limit(category, step, area_class)
        return limit_cache[key]

    def suggest_department(case):
        key = (case.category_id, case.community_id, case.street_id)
        if key not in suggest_cache:
            suggest_cache[key] = original_suggest(case)
        return suggest_cache[key]

    limits.time_limit_for, workflow.suggest_department, settings.DEBUG = (
        time_limit_for,
        suggest_department,
        False,
    )
    try:
        yield
    finally:
        limits.time_limit_for, workflow.suggest_department, settings.DEBUG = (
            original_limit,
            original_suggest,
            debug,
        )


def simulate(
    *, days: int, end: date | None = None, seed: int = 1, rates: Rates | None = None, stdout=None, now=None
):
    """Simulate `days` days ending on `end` (default today). Returns Stats."""
    end = end or timezone.localdate()
    return Simulator(seed=seed, rates=rates, stdout=stdout).run(days=days, end=end, now=now)
