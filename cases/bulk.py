"""Benchmark volumes of cases (millions) without the workflow: `simulate_cases --bulk --cases N`.

Writes the rows the workflow would have written — Case, CaseEvent (the closed loop's events with
their step deadlines and on-time flags), Task (核实/核查) — with batched executemany on explicit ids,
then advances the CaseNumberSequence and the id sequences. No attachments and no files: a bulk case
has no photos (the simulator, not this, makes demo history with photos).

Consistency with the workflow: final cases (closed, not registered, voided) and parked ones have
`step` blank and `due_at` NULL; open cases carry their current step, its start and a due_at (about
one in eight already past: the "overdue now" board); numbers read 530114-YYYY-NNNNNNN in report
order, continuing the year's sequence. Deadlines are drawn, not computed with the working-time
calendar (that would cost more than the inserts); they are plausible, not exact.
"""

import random
from bisect import bisect
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from urbangrid.errors import DomainError

from .models import Case, CaseEvent, CaseNumberSequence, State, Task
from .simulator import AREA_WEIGHT, COMMON

BATCH = 20_000

CASE_COLUMNS = [
    "id", "number", "source", "kind", "category_id", "lon", "lat", "unit_grid_id", "community_id",
    "street_id", "responsibility_grid_id", "area_class", "address", "description", "urgency",
    "reporter_id", "reporter_name", "reporter_phone", "state", "step", "step_started_at", "due_at",
    "department_id", "handle_due_at", "reported_at", "accepted_at", "registered_at", "dispatched_at",
    "closed_at", "key_case", "supervised", "dispatch_count", "return_count", "rework_count",
    "extension_count", "updated_at",
]  # fmt: skip
EVENT_COLUMNS = [
    "case_id", "action", "actor_id", "role", "at", "from_state", "to_state", "reason", "step",
    "due_at", "on_time", "department_id", "details",
]  # fmt: skip
TASK_COLUMNS = [
    "case_id", "kind", "status", "responsibility_grid_id", "assignee_id", "created_by_id",
    "created_at", "due_at", "answered_by_id", "answered_at", "passed", "note",
]  # fmt: skip

# The supervisor-report loop: (action, from, to, step completed, step started, role of the actor).
LOOP = [
    ("accept", State.REPORTED, State.ACCEPTED, "accept", "register", "intake"),
    ("register", State.ACCEPTED, State.REGISTERED, "register", "dispatch", "shift_leader"),
    ("dispatch", State.REGISTERED, State.DISPATCHED, "dispatch", "handle", "dispatcher"),
    ("department_accept", State.DISPATCHED, State.HANDLING, None, None, "department"),
    ("feedback", State.HANDLING, State.FEEDBACK, "handle", "check", "department"),
    ("send_check", State.FEEDBACK, State.CHECKING, None, None, "intake"),
    ("check", State.CHECKING, State.CHECKED, "check", "close", "supervisor"),
    ("close", State.CHECKED, State.CLOSED, "close", None, "shift_leader"),
]
# Typical duration of each step, in hours (drawn around it).
STEP_HOURS = {"accept": 0.3, "register": 0.5, "dispatch": 0.5, "handle": 20.0, "check": 4.0, "close": 1.0}
LIMIT_HOURS = {"accept": 1.0, "register": 2.0, "dispatch": 2.0, "handle": 48.0, "check": 8.0, "close": 4.0}


def _people():
    from accounts.models import Role, User

    def first(role):
        return User.objects.filter(role=role).order_by("id").values_list("id", flat=True).first()

    handlers = {}
    for user_id, department_id in (
        User.objects.filter(role=Role.DEPARTMENT, department__isnull=False)
        .order_by("id")
        .values_list("id", "department_id")
    ):
        handlers.setdefault(department_id, user_id)
    supervisors = {}
    for user in User.objects.filter(role=Role.SUPERVISOR).order_by("id"):
        for rg_id in user.responsibility_grids.values_list("pk", flat=True):
            supervisors.setdefault(rg_id, []).append(user.pk)
    any_centre = first(Role.SHIFT_LEADER) or first(Role.ADMIN)
    return {
        "intake": first(Role.INTAKE) or any_centre,
        "shift_leader": any_centre,
        "dispatcher": first(Role.DISPATCHER) or any_centre,
        "handlers": handlers,
        "supervisors": supervisors,
    }


def bulk_cases(
    n: int, *, days: int | None = None, end=None, seed: int = 1, events: bool = True, stdout=None
) -> dict:
    """Write `n` cases reported over `days` days up to `end` (default: now). Returns row counts."""
    from catalog.models import Category
    from geo.models import UnitGrid

    rng = random.Random(seed)
    days = days or max(30, n // 2000)  # about 2,000 cases a day: a large city's volume
    people = _people()
    if people["shift_leader"] is None:
        raise DomainError("bulk: no shift leader or administrator loaded")
    grids = list(
        UnitGrid.objects.order_by("id").values_list(
            "id", "min_lon", "min_lat", "max_lon", "max_lat", "community_id", "street_id", "area_class",
            "responsibility_grid_id", "code",
        )
    )  # fmt: skip
    categories = list(Category.objects.filter(active=True).order_by("id"))
    if not grids or not categories:
        raise DomainError("bulk: load a geography and a catalogue first")
    grid_weights = list(accumulate(AREA_WEIGHT.get(g[7], 1.0) for g in grids))
    category_weights = list(
        accumulate(max([w for word, w in COMMON if word in c.minor_name] or [0.3]) for c in categories)
    )
    departments = sorted(people["handlers"]) or [None]

    now = timezone.now().astimezone(UTC)
    if end is not None:
        now = min(
            now,
            datetime.combine(end, datetime.max.time(), tzinfo=timezone.get_current_timezone()).astimezone(
                UTC
            ),
        )
    span = days * 86400.0
    offsets = sorted(rng.random() * span for _ in range(n))
    district = settings.URBANGRID_DISTRICT_CODE
    sqlite = connection.vendor == "sqlite"

    def dt(value):
        if value is None:
            return None
        return str(value.replace(tzinfo=None)) if sqlite else value

    counts = {"cases": 0, "events": 0, "tasks": 0}
    with transaction.atomic():
        next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        sequences = {}
        case_rows, event_rows, task_rows = [], [], []
        for index, reported in enumerate(_report_times(rng, offsets, span, now)):
            year = timezone.localtime(reported).year
            if year not in sequences:
                sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(
                    district_code=district, year=year
                )
                sequences[year] = sequence
            sequence = sequences[year]
            sequence.last += 1
            case_id = next_id + index
            grid = grids[bisect(grid_weights, rng.random() * grid_weights[-1])]
            gid, min_lon, min_lat, max_lon, max_lat, community_id, street_id, area, rg_id, code = grid
            category = categories[bisect(category_weights, rng.random() * category_weights[-1])]
            supervisor = rng.choice(people["supervisors"].get(rg_id) or [people["intake"]])
            if category.department_id in people["handlers"]:
                department = category.department_id
            else:
                department = rng.choice(departments)
            handler = people["handlers"].get(department)
            age_hours = (now - reported).total_seconds() / 3600
            roll = rng.random()
            row = {
                "source": "supervisor", "state": State.CLOSED, "step": "", "step_started_at": None,
                "due_at": None, "department_id": None, "handle_due_at": None, "accepted_at": None,
                "registered_at": None, "dispatched_at": None, "closed_at": None, "dispatch_count": 0,
            }  # fmt: skip
            events_of_case = []
            if roll < 0.17:  # 自处置: closed at once
                row.update(
                    source="self_handled", accepted_at=reported, registered_at=reported, closed_at=reported
                )
                events_of_case.append(
                    (
                        "self_handled",
                        supervisor,
                        "supervisor",
                        reported,
                        "",
                        State.CLOSED,
                        "",
                        None,
                        None,
                        None,
                        '{"source": "self_handled"}',
                    )
                )
            else:
                events_of_case.append(
                    (
                        "report",
                        supervisor,
                        "supervisor",
                        reported,
                        "",
                        State.REPORTED,
                        "",
                        None,
                        None,
                        None,
                        '{"source": "supervisor"}',
                    )
                )
                # How far along the loop the case got: old cases finished, young ones mid-way.
                if age_hours > 120 or rng.random() < min(1.0, age_hours / 120):
                    stop = len(LOOP)
                else:
                    stop = rng.randrange(len(LOOP))
                refused = rng.random() < 0.03
                if refused:
                    stop = min(stop, 1)
                parked = stop >= 4 and rng.random() < 0.004
                if parked:
                    stop = 4
                at, step_due = reported, reported + timedelta(hours=LIMIT_HOURS["accept"])
                state = State.REPORTED
                late = rng.random() < 0.08
                for action, before, after, completes, starts, role in LOOP[:stop]:
                    hours = STEP_HOURS.get(completes or "", 0.1)
                    at = at + timedelta(
                        hours=rng.uniform(0.2, 1.6) * hours * (2.5 if late and completes == "handle" else 1)
                    )
                    if at >= now:
                        break
                    actor = {
                        "intake": people["intake"],
                        "shift_leader": people["shift_leader"],
                        "dispatcher": people["dispatcher"],
                        "department": handler,
                        "supervisor": supervisor,
                    }[role]
                    on_time = None if completes is None else at <= step_due
                    events_of_case.append(
                        (
                            action,
                            actor,
                            role,
                            at,
                            before,
                            after,
                            completes or "",
                            step_due if completes else None,
                            on_time,
                            department if role in ("department", "dispatcher") or action == "close" else None,
                            "{}",
                        )
                    )
                    state = after
                    if action == "accept":
                        row["accepted_at"] = at
                    elif action == "register":
                        row["registered_at"] = at
                    elif action == "dispatch":
                        row.update(dispatched_at=at, department_id=department, dispatch_count=1)
                    elif action == "send_check":
                        task_rows.append(
                            (
                                case_id,
                                Task.Kind.CHECK,
                                Task.Status.OPEN,
                                rg_id,
                                None,
                                people["intake"],
                                dt(at),
                                dt(step_due),
                                None,
                                None,
                                None,
                                "",
                            )
                        )
                    elif action == "check":
                        task_rows[-1] = task_rows[-1][:2] + (
                            Task.Status.DONE,
                            rg_id,
                            supervisor,
                            people["intake"],
                            task_rows[-1][6],
                            task_rows[-1][7],
                            supervisor,
                            dt(at),
                            True,
                            "已整改",
                        )
                    elif action == "close":
                        row["closed_at"] = at
                    if starts:
                        step_due = at + timedelta(hours=LIMIT_HOURS[starts] * rng.uniform(0.8, 1.2))
                        row.update(step=starts, step_started_at=at)
                        if starts == "handle":
                            row["handle_due_at"] = step_due
                    if action == "close":
                        break
                if state == State.CHECKING:
                    row.update(step="check")
                if refused and state in (State.REPORTED, State.ACCEPTED) and stop == 1 and at < now:
                    events_of_case.append(
                        (
                            "refuse",
                            people["shift_leader"],
                            "shift_leader",
                            at,
                            state,
                            State.NOT_REGISTERED,
                            "",
                            None,
                            None,
                            None,
                            "{}",
                        )
                    )
                    state = State.NOT_REGISTERED
                if parked and state == State.HANDLING:
                    events_of_case.append(
                        (
                            "park",
                            people["shift_leader"],
                            "shift_leader",
                            at,
                            state,
                            State.PARKED,
                            "",
                            None,
                            None,
                            department,
                            "{}",
                        )
                    )
                    state = State.PARKED
                row["state"] = state
                if state in (State.CLOSED, State.NOT_REGISTERED, State.PARKED):
                    row.update(step="", step_started_at=None, due_at=None)
                else:
                    if state in (State.DISPATCHED, State.HANDLING):
                        row["step"] = "handle"
                    row["due_at"] = step_due
                    if not row["step_started_at"]:
                        row.update(step="accept", step_started_at=reported)
            lon = round(min_lon + (max_lon - min_lon) * rng.random(), 7)
            lat = round(min_lat + (max_lat - min_lat) * rng.random(), 7)
            case_rows.append((
                case_id, f"{district}-{year}-{sequence.last:07d}", row["source"], category.kind, category.pk,
                lon, lat, gid, community_id, street_id, rg_id, area, f"网格{code}", category.minor_name,
                category.urgency, supervisor, "", "", row["state"], row["step"], dt(row["step_started_at"]),
                dt(row["due_at"]), row["department_id"], dt(row["handle_due_at"]), dt(reported),
                dt(row["accepted_at"]), dt(row["registered_at"]), dt(row["dispatched_at"]), dt(row["closed_at"]),
                category.safety_hazard, False, row["dispatch_count"], 0, 0, 0, dt(now),
            ))  # fmt: skip
            if events:
                for (
                    action,
                    actor,
                    role,
                    at,
                    before,
                    after,
                    step,
                    due,
                    on_time,
                    dep,
                    details,
                ) in events_of_case:
                    event_rows.append(
                        (
                            case_id,
                            action,
                            actor,
                            role,
                            dt(at),
                            before,
                            after,
                            "",
                            step,
                            dt(due),
                            on_time,
                            dep,
                            details,
                        )
                    )
            if len(case_rows) >= BATCH:
                _flush(case_rows, event_rows, task_rows, counts, events)
                if stdout is not None and counts["cases"] % 200_000 == 0:
                    stdout.write(f"  {counts['cases']} cases")
        _flush(case_rows, event_rows, task_rows, counts, events)
        for sequence in sequences.values():
            sequence.save(update_fields=["last"])
        _reset_sequences()
    return counts


def _report_times(rng, offsets, span, now) -> list[datetime]:
    """Report times in order; night reports are moved into patrol hours (8:00-20:00, same date)."""
    times = []
    for offset in offsets:
        reported = now - timedelta(seconds=span - offset)
        local = timezone.localtime(reported)
        if local.hour < 8 or local.hour >= 20:
            local = local.replace(hour=8 + rng.randrange(12))
            reported = min(local.astimezone(UTC), now)
        times.append(reported)
    times.sort()
    return times


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than batched INSERTs
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        cursor.executemany(sql, rows)


def _flush(case_rows, event_rows, task_rows, counts, events: bool) -> None:
    _insert(Case._meta.db_table, CASE_COLUMNS, case_rows)
    counts["cases"] += len(case_rows)
    if events:
        _insert(CaseEvent._meta.db_table, EVENT_COLUMNS, event_rows)
        _insert(Task._meta.db_table, TASK_COLUMNS, task_rows)
        counts["events"] += len(event_rows)
        counts["tasks"] += len(task_rows)
    case_rows.clear()
    event_rows.clear()
    task_rows.clear()


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent, Task])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
