"""Indicators (考核指标) of supervisors, intake operators, shift leaders, dispatchers, departments
and regions for any period, computed from the case history with SQL aggregates.

Each figure is defined once, as a filter over case events (or cases) plus the field that names the
object it belongs to. The same definition gives the GROUP BY aggregate of a whole period and the
list of cases behind one figure of one object (`cases_behind`), so a figure and its drill-down
can never disagree. Rates are figure / figure with None for a zero denominator; scores and grades
come from the rule set in force on the period's first day (evaluation/rules.py).

Counting rules (why a case crossing a period end is counted where it is):
- a step is counted in the period its event happened in (a report on 31 January and its check on
  2 February count in January and February respectively);
- outcomes of a step (a report later accepted, a registration later voided, a dispatch later
  returned) belong to the period of the step, whenever the outcome happened;
- regional closure rates are cohort rates: of the cases registered in the period, those closed by
  the period's end (closed on time: the close event met its limit);
- parked (挂账) cases are left out of 立案数 while parked at the period's end; voided (作废) cases
  stay in 立案数 and count against the shift leader's 准确立案率.

This module only reads; it never writes anything.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, When
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, User

from . import facts as f
from .measures import local_bounds, rate
from .rules import band_score, grade, rules_for, weighted_score
from .session import aggregate_queries


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day
    end: datetime.date  # day after the last

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def bounds(self):
        return local_bounds(self.start, self.end)

    @property
    def label(self) -> str:
        last = self.end - datetime.timedelta(days=1)
        return (
            self.start.isoformat() if last == self.start else f"{self.start.isoformat()} — {last.isoformat()}"
        )


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    base: str  # "event": counted over case events in the period; "case": over cases reported in it
    group: str  # the field naming the object the row belongs to
    condition: Callable  # (period) -> Q on the base model
    # "case": distinct cases (what most figures count); "event": each step, for timeliness of
    # steps a case can go through twice (a second check after rework is a second check).
    count: str = "case"
    hidden: bool = False  # evidence only (contract items), not a column of the tables


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str
    complement_of: str | None = None  # numerator = denominator − this figure


@dataclass
class ObjectType:
    key: str
    label: str
    figures: list[Figure]
    rates: list[Rate]
    count_scores: dict[str, str] = field(default_factory=dict)  # score component → figure key
    complements: dict[str, str] = field(default_factory=dict)  # score component → rate key (1 − rate)


# ---- conditions ------------------------------------------------------------------------------


def _action(*names) -> Q:
    return Q(**{f"{f.EVENT_ACTION}__in": names})


EVENTS = "event"  # Figure.count: count each step, not distinct cases


def _on_time() -> Q:
    """The step met its deadline: as recorded, or (for steps that record a deadline but no verdict,
    such as sending a check) done by its due_at."""
    return Q(**{f.EVENT_ON_TIME: True}) | Q(
        **{f"{f.EVENT_ON_TIME}__isnull": True, "due_at__isnull": False, f"{f.EVENT_TIME}__lte": F("due_at")}
    )


def _late() -> Q:
    return Q(**{f.EVENT_ON_TIME: False}) | Q(
        **{f"{f.EVENT_ON_TIME}__isnull": True, "due_at__isnull": False, f"{f.EVENT_TIME}__gt": F("due_at")}
    )


def _by_supervisor() -> Q:
    """The actor was a supervisor when acting (public reports are entered by intake operators)."""
    return Q(role=f.SUPERVISOR_ROLE)


def _case_has(*names, **extra) -> Exists:
    """The event's case also has an event of one of these actions (anywhere in its history)."""
    return Exists(
        f.CaseEvent().objects.filter(case=OuterRef("case"), **{f"{f.EVENT_ACTION}__in": names}, **extra)
    )


def _parked_at(until) -> Q:
    """The case was parked (挂账) at `until`: a park before it with no unpark after that park."""
    unparked_later = f.CaseEvent().objects.filter(
        case=OuterRef("case"),
        **{
            f.EVENT_ACTION: f.UNPARK,
            f"{f.EVENT_TIME}__gt": OuterRef(f.EVENT_TIME),
            f"{f.EVENT_TIME}__lt": until,
        },
    )
    parks = (
        f.CaseEvent()
        .objects.filter(case=OuterRef("case"), **{f.EVENT_ACTION: f.PARK, f"{f.EVENT_TIME}__lt": until})
        .filter(~Exists(unparked_later))
    )
    return Q(Exists(parks))


def _closed_by(until, *, on_time=False) -> Q:
    extra = {f"{f.EVENT_TIME}__lt": until}
    if on_time:
        extra[f.EVENT_ON_TIME] = True
    return Q(_case_has(f.CLOSE, **extra))


def _shared(condition):
    """A condition that other figures' conditions are built on gives one and the same Q for a
    period (and time zone, which the period's bounds depend on), so that figure_counts_many can
    see it in each of them and evaluate it once, in the WHERE. Q objects are never changed after
    they are built (filters and & | ~ make new ones), so sharing them is safe."""
    from django.utils import timezone

    @functools.lru_cache(maxsize=64)
    def cached(period, _zone):
        return condition(period)

    @functools.wraps(condition)
    def shared(period):
        return cached(period, str(timezone.get_current_timezone()))

    return shared


@_shared
def _registered_not_parked(period) -> Q:
    return _action(f.REGISTER) & ~_parked_at(period.bounds[1])


# ---- the object types ------------------------------------------------------------------------

ACTOR = f.EVENT_ACTOR
SUPERVISOR_OF_GRID = "case__responsibility_grid__supervisors"


def _missed_report(period) -> Q:
    """漏报: reported from another source while a supervisor of that grid was on duty."""
    reported = F(f.CASE_CREATED)
    on_duty = Q(responsibility_grid__supervisors__shifts__started_at__lte=reported) & (
        Q(responsibility_grid__supervisors__shifts__ended_at__gte=reported)
        | Q(responsibility_grid__supervisors__shifts__ended_at__isnull=True)
    )
    return Q(**{f"{f.CASE_SOURCE}__in": f.OTHER_SOURCES}) & on_duty


SUPERVISOR = ObjectType(
    "supervisor",
    _("监督员"),
    figures=[
        Figure(
            "reports",
            _("上报数"),
            "event",
            ACTOR,
            lambda p: _action(f.REPORT, f.REPORT_SELF_HANDLED) & _by_supervisor(),
        ),
        Figure(
            "valid_reports",
            _("有效上报数"),
            "event",
            ACTOR,
            lambda p: (
                (_action(f.REPORT_SELF_HANDLED) | (_action(f.REPORT) & Q(_case_has(f.ACCEPT))))
                & _by_supervisor()
            ),
        ),
        Figure("missed", _("漏报数"), "case", "responsibility_grid__supervisors", _missed_report),
        Figure(
            "registered_in_grid", _("责任网格立案数"), "event", SUPERVISOR_OF_GRID, _registered_not_parked
        ),
        Figure(
            "verifications", _("核实数"), "event", ACTOR, lambda p: _action(f.ANSWER_VERIFICATION), EVENTS
        ),
        Figure(
            "verifications_on_time",
            _("按时核实数"),
            "event",
            ACTOR,
            lambda p: _action(f.ANSWER_VERIFICATION) & _on_time(),
            EVENTS,
        ),
        Figure("checks", _("核查数"), "event", ACTOR, lambda p: _action(f.ANSWER_CHECK), EVENTS),
        Figure(
            "checks_on_time",
            _("按时核查数"),
            "event",
            ACTOR,
            lambda p: _action(f.ANSWER_CHECK) & _on_time(),
            EVENTS,
        ),
        # Evidence of the contract's assessment items (not columns of the table).
        Figure(
            "invalid_reports",
            _("无效上报数"),
            "event",
            ACTOR,
            lambda p: _action(f.REPORT) & _by_supervisor() & ~Q(_case_has(f.ACCEPT)),
            hidden=True,
        ),
        Figure(
            "late_verifications",
            _("超时核实数"),
            "event",
            ACTOR,
            lambda p: _action(f.ANSWER_VERIFICATION) & _late(),
            EVENTS,
            hidden=True,
        ),
        Figure(
            "late_checks",
            _("超时核查数"),
            "event",
            ACTOR,
            lambda p: _action(f.ANSWER_CHECK) & _late(),
            EVENTS,
            hidden=True,
        ),
    ],
    rates=[
        Rate("valid_report_rate", _("有效上报率"), "valid_reports", "reports"),
        Rate("miss_rate", _("漏报率"), "missed", "registered_in_grid"),
        Rate("verify_on_time_rate", _("按时核实率"), "verifications_on_time", "verifications"),
        Rate("check_on_time_rate", _("按时核查率"), "checks_on_time", "checks"),
    ],
    complements={"miss_rate_complement": "miss_rate"},
)

INTAKE = ObjectType(
    "intake",
    _("受理员"),
    figures=[
        Figure("accepted", _("受理数"), "event", ACTOR, lambda p: _action(f.ACCEPT)),
        Figure(
            "verify_sent", _("核实派发数"), "event", ACTOR, lambda p: _action(f.SEND_VERIFICATION), EVENTS
        ),
        Figure(
            "verify_sent_on_time",
            _("核实按时派发数"),
            "event",
            ACTOR,
            lambda p: _action(f.SEND_VERIFICATION) & _on_time(),
            EVENTS,
        ),
        Figure("check_sent", _("核查派发数"), "event", ACTOR, lambda p: _action(f.SEND_CHECK), EVENTS),
        Figure(
            "check_sent_on_time",
            _("核查按时派发数"),
            "event",
            ACTOR,
            lambda p: _action(f.SEND_CHECK) & _on_time(),
            EVENTS,
        ),
    ],
    rates=[
        Rate("verify_dispatch_on_time_rate", _("核实按时派发率"), "verify_sent_on_time", "verify_sent"),
        Rate("check_dispatch_on_time_rate", _("核查按时派发率"), "check_sent_on_time", "check_sent"),
    ],
    count_scores={"accepted_count_score": "accepted"},
)

SHIFT_LEADER = ObjectType(
    "shift_leader",
    _("值班长"),
    figures=[
        Figure("registered", _("立案数"), "event", ACTOR, lambda p: _action(f.REGISTER)),
        Figure(
            "registered_on_time", _("按时立案数"), "event", ACTOR, lambda p: _action(f.REGISTER) & _on_time()
        ),
        Figure("voided", _("作废数"), "event", ACTOR, lambda p: _action(f.REGISTER) & Q(_case_has(f.VOID))),
        Figure("closed", _("结案数"), "event", ACTOR, lambda p: _action(f.CLOSE)),
        Figure("closed_on_time", _("按时结案数"), "event", ACTOR, lambda p: _action(f.CLOSE) & _on_time()),
    ],
    rates=[
        Rate("register_on_time_rate", _("按时立案率"), "registered_on_time", "registered"),
        Rate("register_accuracy_rate", _("准确立案率"), "voided", "registered", complement_of="voided"),
        Rate("close_on_time_rate", _("按时结案率"), "closed_on_time", "closed"),
    ],
)


def _returned_after_dispatch() -> Q:
    return Q(_case_has(f.RETURN_TO_CENTRE, **{f"{f.EVENT_TIME}__gt": OuterRef(f.EVENT_TIME)}))


DISPATCHER = ObjectType(
    "dispatcher",
    _("派遣员"),
    figures=[
        Figure("dispatched", _("派遣数"), "event", ACTOR, lambda p: _action(f.DISPATCH, f.REASSIGN), EVENTS),
        Figure(
            "dispatched_on_time",
            _("按时派遣数"),
            "event",
            ACTOR,
            lambda p: _action(f.DISPATCH, f.REASSIGN) & _on_time(),
            EVENTS,
        ),
        Figure(
            "returned",
            _("返工（回退）数"),
            "event",
            ACTOR,
            lambda p: _action(f.DISPATCH, f.REASSIGN) & _returned_after_dispatch(),
            EVENTS,
        ),
    ],
    rates=[
        Rate("dispatch_on_time_rate", _("按时派遣率"), "dispatched_on_time", "dispatched"),
        Rate("dispatch_accuracy_rate", _("准确派遣率"), "returned", "dispatched", complement_of="returned"),
    ],
    count_scores={"dispatch_count_score": "dispatched"},
)


def _returned_by_department(until) -> Q:
    """The department sent the case back to the centre (回退) before `until`: not theirs."""
    returned = f.CaseEvent().objects.filter(
        case=OuterRef("case"),
        **{
            f.EVENT_ACTION: f.RETURN_TO_CENTRE,
            f.EVENT_DEPARTMENT: OuterRef(f.EVENT_DEPARTMENT),
            f"{f.EVENT_TIME}__lt": until,
        },
    )
    return Q(Exists(returned))


@_shared
def _assigned(period) -> Q:
    """Sent to the department in the period (dispatch or reassignment) and not returned by it."""
    return _action(f.DISPATCH, f.REASSIGN) & ~_returned_by_department(period.bounds[1])


def _overdue_pending(period) -> Q:
    """Assigned in the period, past its deadline at the period's end, no feedback by then."""
    until = period.bounds[1]
    fed_back = f.CaseEvent().objects.filter(
        case=OuterRef("case"),
        **{
            f.EVENT_ACTION: f.GIVE_FEEDBACK,
            f.EVENT_DEPARTMENT: OuterRef(f.EVENT_DEPARTMENT),
            f"{f.EVENT_TIME}__lt": until,
        },
    )
    return _assigned(period) & Q(due_at__lt=until) & ~Q(Exists(fed_back))


def _handled_on_time(period) -> Q:
    """Fed back in the period, and no feedback of the department on that case in the period late."""
    since, until = period.bounds
    late = f.CaseEvent().objects.filter(
        case=OuterRef("case"),
        **{
            f.EVENT_ACTION: f.GIVE_FEEDBACK,
            f.EVENT_DEPARTMENT: OuterRef(f.EVENT_DEPARTMENT),
            f.EVENT_ON_TIME: False,
            f"{f.EVENT_TIME}__gte": since,
            f"{f.EVENT_TIME}__lt": until,
        },
    )
    return _action(f.GIVE_FEEDBACK) & _on_time() & ~Q(Exists(late))


DEPT = f.EVENT_DEPARTMENT
DEPARTMENT = ObjectType(
    "department",
    _("专业部门"),
    figures=[
        Figure("assigned", _("应处置数"), "event", DEPT, _assigned),
        Figure("handled", _("处置数"), "event", DEPT, lambda p: _action(f.GIVE_FEEDBACK)),
        Figure("handled_on_time", _("按期处置数"), "event", DEPT, _handled_on_time),
        Figure("reworked", _("返工数"), "event", DEPT, lambda p: _action(f.REWORK)),
        Figure("overdue_pending", _("超期待处置数"), "event", DEPT, _overdue_pending),
        Figure("extended", _("延期数"), "event", DEPT, lambda p: f.extension_granted()),
    ],
    rates=[
        Rate("handled_rate", _("处置率"), "handled", "assigned"),
        Rate("handled_on_time_rate", _("按期处置率"), "handled_on_time", "assigned"),
        Rate("rework_rate", _("返工率"), "reworked", "handled"),
        Rate("overdue_pending_rate", _("超期待处置率"), "overdue_pending", "assigned"),
        Rate("extension_rate", _("延期率"), "extended", "assigned"),
    ],
    complements={
        "rework_rate_complement": "rework_rate",
        "overdue_pending_rate_complement": "overdue_pending_rate",
        "extension_rate_complement": "extension_rate",
    },
)


# The region figures' conditions, one function each shared by the three region types (and by the
# supervisors' 责任网格立案数), so that figure_counts_many evaluates each condition once per row.
def _any_case(period) -> Q:
    return Q()


def _supervisor_source(period) -> Q:
    return Q(**{f"{f.CASE_SOURCE}__in": f.SUPERVISOR_SOURCES})


def _registered_and_closed(period) -> Q:
    return _registered_not_parked(period) & _closed_by(period.bounds[1])


def _registered_and_closed_on_time(period) -> Q:
    return _registered_not_parked(period) & _closed_by(period.bounds[1], on_time=True)


def _region(key, label, case_field) -> ObjectType:
    return ObjectType(
        key,
        label,
        figures=[
            Figure("reports", _("上报数"), "case", case_field, _any_case),
            Figure("supervisor_reports", _("监督员上报数"), "case", case_field, _supervisor_source),
            Figure(
                "registered", _("立案数（不含挂账）"), "event", f"case__{case_field}", _registered_not_parked
            ),
            Figure("closed", _("结案数"), "event", f"case__{case_field}", _registered_and_closed),
            Figure(
                "closed_on_time",
                _("按期结案数"),
                "event",
                f"case__{case_field}",
                _registered_and_closed_on_time,
            ),
        ],
        rates=[
            Rate("supervisor_report_rate", _("监督举报率"), "supervisor_reports", "reports"),
            Rate("close_rate", _("结案率"), "closed", "registered"),
            Rate("close_on_time_rate", _("按期结案率"), "closed_on_time", "registered"),
        ],
    )


STREET = _region("street", _("街道"), "street")
COMMUNITY = _region("community", _("社区"), "community")
GRID = _region("grid", _("责任网格"), "responsibility_grid")

OBJECT_TYPES = {
    t.key: t for t in (SUPERVISOR, INTAKE, SHIFT_LEADER, DISPATCHER, DEPARTMENT, STREET, COMMUNITY, GRID)
}
# Region types share the "region" section of the rules.
RULE_SECTION = {"street": "region", "community": "region", "grid": "region"}


def object_type(key: str) -> ObjectType:
    from urbangrid.errors import NotFound

    if key not in OBJECT_TYPES:
        raise NotFound(str(_("未知的考核对象类型")))
    return OBJECT_TYPES[key]


def objects_of(object_type_key: str) -> dict[int, str]:
    """Every object of a type that gets a row, even with nothing counted: id → name."""
    from geo.models import Community, ResponsibilityGrid, Street

    roles = {
        "supervisor": Role.SUPERVISOR,
        "intake": Role.INTAKE,
        "shift_leader": Role.SHIFT_LEADER,
        "dispatcher": Role.DISPATCHER,
    }
    if object_type_key in roles:
        users = User.objects.filter(role=roles[object_type_key], is_active=True).order_by("username")
        return {u.pk: str(u) for u in users}
    if object_type_key == "department":
        departments = Department.objects.filter(active=True).exclude(kind=Department.Kind.CONTRACTOR)
        return {d.pk: d.name for d in departments}
    model = {"street": Street, "community": Community, "grid": ResponsibilityGrid}[object_type_key]
    return {o.pk: f"{o.code} {o.name}" for o in model.objects.order_by("code")}


# ---- computing -------------------------------------------------------------------------------


def _base(figure: Figure, period: Period):
    since, until = period.bounds
    if figure.base == "event":
        return f.CaseEvent().objects.filter(**{f"{f.EVENT_TIME}__gte": since, f"{f.EVENT_TIME}__lt": until})
    return f.Case().objects.filter(**{f"{f.CASE_CREATED}__gte": since, f"{f.CASE_CREATED}__lt": until})


def figure_counts(object_type_key: str, period: Period, *, hidden: bool = False) -> dict[int, dict[str, int]]:
    """object id → figure → count for one object type (with the evidence-only figures if `hidden`)."""
    return figure_counts_many([object_type_key], period, hidden=hidden)[object_type_key]


def figure_counts_many(
    object_type_keys, period: Period, *, hidden: bool = False
) -> dict[str, dict[int, dict[str, int]]]:
    """object type → object id → figure → count for all the types asked for, in a few GROUP BY
    queries that share the work (every sharing below is exact):

    - figures grouped by the same field of the base row share one query: the four kinds of centre
      staff are all grouped by the event's actor, so their figures come from one pass over the
      period's events;
    - figures grouped by a field of the case (its street, community, responsibility grid) share
      one query over all those fields at once, whatever the field: a case has one street, one
      community and one grid, so per-case counts summed per street, per community or per grid
      are the same as three separate queries;
    - a grouping that ends in a many-to-many hop (the supervisors of the case's responsibility
      grid) is counted per grid and spread to each grid's supervisors afterwards, when the
      condition does not look through that hop (a case has one grid: the sums stay distinct);
    - a condition used by several figures (the region types share theirs) is evaluated once;
    - on the events, figures of disjoint sets of actions are counted by separate queries, each
      reading only its actions' rows and evaluating only its own conditions (one query per
      condition per row is what costs, not the index range scans), and a query of event-counted
      figures only needs no grouping per case.
    """
    entries: dict[tuple, list] = {}
    for type_key in object_type_keys:
        for figure in object_type(type_key).figures:
            if figure.hidden and not hidden:
                continue
            condition = figure.condition(period)
            paths = _referenced_paths(condition)
            model = f.Case() if figure.base == "case" else f.CaseEvent()
            group, spread = figure.group, None
            hop = _many_to_many_tail(model, group)
            if hop is not None and paths is not None and not any(p.startswith(group) for p in paths):
                group, spread = hop[0], hop[1]
            case_level = figure.base == "case" or group.startswith("case__")
            if case_level and _single_valued(model, group):
                key = (figure.base, "per case")
            else:
                key = (figure.base, group)
            entries.setdefault(key, []).append((type_key, figure, group, condition, paths, spread))
    counts: dict[str, dict[int, dict[str, int]]] = {key: {} for key in object_type_keys}
    with aggregate_queries():
        for (base, _group), batch_entries in entries.items():
            model = f.Case() if base == "case" else f.CaseEvent()
            for part in _by_actions(batch_entries) if base == "event" else [batch_entries]:
                batch = _Batch(base, model)
                for entry in part:
                    batch.add(*entry)
                for type_key, figure_key, object_id, value in batch.run(period):
                    counts[type_key].setdefault(object_id, {})[figure_key] = value
    return counts


def _by_actions(entries) -> list[list]:
    """The entries split into parts whose conditions share no event action (one part when a
    condition's actions cannot be read)."""
    actions = [_actions_of(entry[3]) for entry in entries]
    if any(found is None for found in actions):
        return [entries]
    parts: list[tuple[set, list]] = []
    for entry, found in zip(entries, actions, strict=True):
        joined = [part for part in parts if part[0] & found]
        merged = (set(found), [entry])
        for part in joined:
            merged[0].update(part[0])
            merged[1][:0] = part[1]
            parts.remove(part)
        parts.append(merged)
    return [part_entries for _actions, part_entries in parts]


class _Batch:
    """Figures counted by one query: their groups, their distinct conditions, who gets what."""

    def __init__(self, base: str, model):
        self.base = base
        self.model = model
        self.groups: list[str] = []
        self.conditions: dict[tuple, tuple[str, Q, bool]] = {}  # key → (alias, condition, per event)
        self.targets: list[tuple[str, str, int, str, str | None]] = []
        self.multi_valued = False  # a condition or group joins rows that repeat a base row
        self.distinct_cases = False  # some figure counts the distinct cases of its rows

    def add(self, type_key, figure: Figure, group: str, condition, paths, spread):
        if group not in self.groups:
            self.groups.append(group)
        per_event = figure.base == "event" and figure.count == EVENTS
        self.distinct_cases |= figure.base == "event" and not per_event
        key = (figure.condition, per_event)
        if key not in self.conditions:
            self.conditions[key] = (f"n{len(self.conditions)}", condition, per_event)
        if paths is None or not all(_single_valued(self.model, p) for p in paths | {group}):
            self.multi_valued = True
        self.targets.append((type_key, figure.key, self.groups.index(group), self.conditions[key][0], spread))

    def run(self, period):
        query = _base_query(self.base, period)
        conditions = [condition for _alias, condition, _per_event in self.conditions.values()]
        scope = _actions_scope(conditions) if self.base == "event" else None
        filters = Q(**{f"{f.EVENT_ACTION}__in": sorted(scope)}) if scope is not None else Q()
        aggregated = {
            alias: (condition, per_event) for alias, condition, per_event in self.conditions.values()
        }
        if len(self.groups) == 1 and not _single_valued(self.model, self.groups[0]):
            # Rows without an object are dropped below; a many-to-many join is made inner here.
            filters &= Q(**{f"{self.groups[0]}__isnull": False})
        # What every condition requires is the WHERE, evaluated once per row (with one condition:
        # all of it, and the joins of a many-to-many become inner joins there).
        common, aggregated = _common_conjuncts(aggregated)
        filters &= common
        # One filter() call, so that a many-to-many named by both the condition and the group is
        # one join (the drill-down, cases_behind, filters the same way).
        query = query.filter(filters)
        rows = _grouped_counts(
            query, self.groups, aggregated, per_case=self.distinct_cases or self.multi_valued
        )
        spread_to = {}
        for type_key, figure_key, index, alias, spread in self.targets:
            totals: dict[int, int] = {}
            for row in rows:
                object_id = row[0][index]
                if object_id is None:
                    continue
                if spread is not None:
                    if spread not in spread_to:
                        spread_to[spread] = _spread_map(spread)
                    receivers = spread_to[spread].get(object_id, ())
                else:
                    receivers = (object_id,)
                for receiver in receivers:
                    totals[receiver] = totals.get(receiver, 0) + row[1][alias]
            for object_id, value in totals.items():
                yield type_key, figure_key, object_id, value


def _conjuncts(condition) -> list:
    if (
        isinstance(condition, Q)
        and not condition.negated
        and (condition.connector == Q.AND or len(condition) == 1)
    ):
        return list(condition.children)
    return [condition]


def _common_conjuncts(aggregated: dict) -> tuple[Q, dict]:
    """(the conjuncts every condition has, each condition without them). A row failing a common
    conjunct counts in no figure, so filtering it out before the aggregates changes no count."""
    conjuncts = {alias: _conjuncts(condition) for alias, (condition, _per_event) in aggregated.items()}
    first, *others = conjuncts.values()
    common = [c for c in first if all(any(c == o for o in other) for other in others)]
    if not common:
        return Q(), aggregated
    rest = {}
    for alias, (_condition, per_event) in aggregated.items():
        remaining = [c for c in conjuncts[alias] if not any(c == k for k in common)]
        rest[alias] = (Q(*remaining), per_event)
    return Q(*common), rest


def _base_query(base: str, period: Period):
    since, until = period.bounds
    if base == "event":
        return f.CaseEvent().objects.filter(**{f"{f.EVENT_TIME}__gte": since, f"{f.EVENT_TIME}__lt": until})
    return f.Case().objects.filter(**{f"{f.CASE_CREATED}__gte": since, f"{f.CASE_CREATED}__lt": until})


def _many_to_many_tail(model, path: str):
    """(prefix, m2m field) when `path` is single-valued up to a last many-to-many hop, else None."""
    parts = path.split("__")
    if len(parts) < 2 or not _single_valued(model, "__".join(parts[:-1])):
        return None
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    field = model._meta.get_field(parts[-1])
    if not field.many_to_many or field.auto_created:  # forward many-to-many fields only
        return None
    return "__".join(parts[:-1]), (model._meta.label, parts[-1])


def _spread_map(spread) -> dict[int, list[int]]:
    """owner id → related ids through a many-to-many field, e.g. grid → its supervisors."""
    from django.apps import apps

    label, name = spread
    field = apps.get_model(label)._meta.get_field(name)
    through = field.remote_field.through
    pairs = through.objects.values_list(
        f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    )
    mapping: dict[int, list[int]] = {}
    for owner, related in pairs:
        mapping.setdefault(owner, []).append(related)
    return mapping


def _single_valued(model, path: str) -> bool:
    """The lookup path names at most one row per base row (no reverse or many-to-many hop)."""
    from django.core.exceptions import FieldDoesNotExist

    for part in path.split("__"):
        if part == "pk":
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True  # a lookup or transform (in, lte, isnull, ...): the path ended before it
        if field.many_to_many or field.one_to_many:
            return False
        if not field.is_relation:
            return True
        model = field.related_model
    return True


def _referenced_paths(condition) -> set[str] | None:
    """The lookup paths of the base model a condition names (its own lookups, F() and OuterRef()
    of its subqueries); None when it holds something this cannot read."""
    from django.db.models.expressions import BaseExpression, OuterRef, ResolvedOuterRef
    from django.db.models.sql.query import Query
    from django.db.models.sql.where import WhereNode

    paths: set[str] = set()

    def outer(node) -> bool:  # OuterRef()s of a subquery: paths of the base model
        if isinstance(node, ResolvedOuterRef | OuterRef):
            paths.add(node.name)
            return True
        if isinstance(node, Query):
            return outer(node.where)
        if isinstance(node, WhereNode):
            return all(outer(child) for child in node.children)
        if hasattr(node, "query") and isinstance(node.query, Query):
            if not outer(node.query):
                return False
        if hasattr(node, "get_source_expressions"):
            return all(outer(child) for child in node.get_source_expressions() if child is not None)
        return isinstance(node, BaseExpression) or not hasattr(node, "resolve_expression")

    def walk(node) -> bool:
        if isinstance(node, Q):
            return all(walk(child) for child in node.children)
        if isinstance(node, tuple):
            key, value = node
            paths.add(key)
            if isinstance(value, F):
                paths.add(value.name)
                return True
            return not hasattr(value, "resolve_expression") or isinstance(value, OuterRef)
        if isinstance(node, F):
            paths.add(node.name)
            return True
        if isinstance(node, BaseExpression):
            return outer(node)
        return False

    return paths if walk(condition) else None


def _actions_of(condition) -> set[str] | None:
    """The event actions a condition can match, read from its Q tree; None when it cannot tell."""
    if isinstance(condition, tuple):
        key, value = condition
        if key == f"{f.EVENT_ACTION}__in":
            return set(value)
        if key == f.EVENT_ACTION:
            return {value}
        return None
    if not isinstance(condition, Q) or condition.negated or not condition.children:
        return None
    found = [_actions_of(child) for child in condition.children]
    if condition.connector == Q.AND:
        known = [actions for actions in found if actions is not None]
        return set.intersection(*known) if known else None
    if any(actions is None for actions in found):
        return None
    return set().union(*found)


def _actions_scope(conditions) -> set[str] | None:
    scope = set()
    for condition in conditions:
        actions = _actions_of(condition)
        if actions is None:
            return None
        scope |= actions
    return scope


def _grouped_counts(query, groups: list[str], aggregated: dict, *, per_case: bool) -> list[tuple]:
    """[((group values...), {alias: count})]: rows of `query` meeting each condition, per group.

    With `per_case`, GROUP BY (groups, case) first, then GROUP BY groups: the inner aggregate gives,
    per case, 1 if any of its rows meets a case-counted condition (MAX) and the number of rows
    meeting an event-counted one (COUNT ... FILTER); the outer one sums them. That is
    COUNT(DISTINCT case) for every case figure at the price of a single grouping, where one
    COUNT(DISTINCT) per figure would sort the rows once per figure. Without it (cases counted
    over the cases themselves, no join repeating a case) one grouping counts them directly.
    """
    from django.db import connection
    from django.db.models import IntegerField, Sum, Value

    case_field = "pk" if query.model is f.Case() else "case"
    names = {f"group_{i}": F(group) for i, group in enumerate(groups)}
    one = Value(1, output_field=IntegerField())
    inner = {}
    for alias, (condition, per_event) in aggregated.items():
        if per_event:
            # COUNT(case_id): a column of the events' covering index, where the id is not.
            inner[alias] = Count(case_field, filter=condition or None)
        elif per_case:
            inner[alias] = Max(Case(When(condition, then=one), default=0)) if condition else Max(one)
        else:
            inner[alias] = Sum(Case(When(condition, then=one), default=0)) if condition else Count(case_field)
    quote = connection.ops.quote_name
    group_columns = ", ".join(quote(name) for name in names)
    if per_case:
        grouped = (
            query.annotate(**names, case_id_=F(case_field))
            .values(*names, "case_id_")
            .annotate(**inner)
            .order_by()
        )
        sql, params = grouped.query.sql_with_params()
        sums = ", ".join(f"SUM({quote(alias)}) AS {quote(alias)}" for alias in inner)
        sql = f"SELECT {group_columns}, {sums} FROM ({sql}) per_case GROUP BY {group_columns}"
    else:
        grouped = query.annotate(**names).values(*names).annotate(**inner).order_by()
        sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = {column[0]: index for index, column in enumerate(cursor.description)}
        rows = cursor.fetchall()
    group_at = [columns[name] for name in names]
    alias_at = {alias: columns[alias] for alias in inner}
    return [
        (tuple(row[i] for i in group_at), {alias: int(row[i] or 0) for alias, i in alias_at.items()})
        for row in rows
    ]


def _counter(figure: Figure, condition: Q) -> Count:
    """COUNT(DISTINCT case) or COUNT(event) with the figure's condition as the aggregate's FILTER.

    Cases are counted distinct also on the case base, where joining shifts can repeat a case.
    """
    if figure.base == "case":
        return Count("pk", filter=condition or None, distinct=True)
    if figure.count == "case":
        return Count("case", filter=condition or None, distinct=True)
    return Count("pk", filter=condition or None)


def _rates(kind: ObjectType, figures: dict[str, int]) -> dict[str, Decimal | None]:
    rates = {}
    for r in kind.rates:
        denominator = figures.get(r.denominator, 0)
        numerator = figures.get(r.numerator, 0)
        if r.complement_of:
            numerator = denominator - figures.get(r.complement_of, 0)
        rates[r.key] = rate(numerator, denominator)
    return rates


def evaluate(object_type_key: str, period: Period) -> dict:
    """Every object of a type over a period: figures, rates, score and grade, with the rules used."""
    return evaluate_many([object_type_key], period)[object_type_key]


def evaluate_many(object_type_keys, period: Period) -> dict[str, dict]:
    """`evaluate` for several object types, their figures counted together (figure_counts_many)."""
    all_counts = figure_counts_many(object_type_keys, period)
    return {key: _scored(key, period, all_counts[key]) for key in object_type_keys}


def _scored(object_type_key: str, period: Period, counts: dict[int, dict[str, int]]) -> dict:
    kind = object_type(object_type_key)
    rule_set = rules_for(period.start)
    section = rule_set.rules[RULE_SECTION.get(kind.key, kind.key)]
    names = objects_of(kind.key)
    # Objects outside the list (e.g. someone who left) get a row only if something was counted.
    extra = [i for i, figures in counts.items() if i not in names and any(figures.values())]
    rows = []
    for object_id in list(names) + extra:
        figures = {
            fig.key: counts.get(object_id, {}).get(fig.key, 0) for fig in kind.figures if not fig.hidden
        }
        rates = _rates(kind, figures)
        shown = {fig.key: figures[fig.key] for fig in kind.figures if not fig.hidden}
        components = dict(rates)
        for component, rate_key in kind.complements.items():
            components[component] = None if rates[rate_key] is None else 1 - rates[rate_key]
        for component, figure_key in kind.count_scores.items():
            components[component] = band_score(figures[figure_key], section["count_bands"], period.days) / 100
        score = weighted_score(section["weights"], components)
        rows.append(
            {
                "id": object_id,
                "name": names.get(object_id, str(object_id)),
                "figures": shown,
                "all_figures": figures,
                "rates": rates,
                "score": score,
                "grade": grade(score, rule_set.rules["grades"]),
            }
        )
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["name"]))
    return {
        "object_type": kind.key,
        "label": str(kind.label),
        "period": period,
        "rule_set": rule_set,
        "figures": [(fig.key, str(fig.label)) for fig in kind.figures if not fig.hidden],
        "rates": [(r.key, str(r.label)) for r in kind.rates],
        "rows": rows,
    }


def cases_behind(object_type_key: str, object_id: int, figure_key: str, period: Period):
    """The cases counted in one figure of one object: the drill-down of a number."""
    from urbangrid.errors import NotFound

    kind = object_type(object_type_key)
    figure = next((fig for fig in kind.figures if fig.key == figure_key), None)
    if figure is None:
        raise NotFound(str(_("未知的指标")))
    matching = _base(figure, period).filter(figure.condition(period), **{figure.group: object_id})
    case_ids = matching.values("case_id") if figure.base == "event" else matching.values("pk")
    return f.Case().objects.filter(pk__in=case_ids).order_by(f.CASE_CREATED)


EVIDENCE_FIGURES = {
    "missed_reports": "missed",
    "late_verifications": "late_verifications",
    "late_checks": "late_checks",
    "invalid_reports": "invalid_reports",
}


def supervisor_item_evidence(source: str, supervisor_ids, start: datetime.date, end: datetime.date):
    """(quantity, evidence) of a contract assessment item over the contractor's supervisors:
    the figure per supervisor and the cases behind it."""
    from urbangrid.errors import DomainError

    if source not in EVIDENCE_FIGURES:
        raise DomainError(str(_("未知的考核数据来源：%(source)s")) % {"source": source})
    figure_key = EVIDENCE_FIGURES[source]
    period = Period(start, end)
    counts = figure_counts("supervisor", period, hidden=True)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=supervisor_ids)}
    quantity = 0
    per_supervisor = {}
    cases = []
    for supervisor_id in sorted(supervisor_ids, key=lambda i: names.get(i, "")):
        n = counts.get(supervisor_id, {}).get(figure_key, 0)
        if not n:
            continue
        quantity += n
        per_supervisor[names.get(supervisor_id, str(supervisor_id))] = n
        for case in cases_behind("supervisor", supervisor_id, figure_key, period):
            cases.append({"id": case.pk, "number": case.number, "who": names.get(supervisor_id, "")})
    return quantity, {"figures": per_supervisor, "cases": cases}
