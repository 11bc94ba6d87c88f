"""Time to compute one month of every indicator for a district with 200,000 cases in that month
and 5 million track points, beside the same aggregates written as raw SQL GROUP BY queries.

    .venv/bin/python bench/bench_evaluation.py            # 200,000 cases, 5,000,000 points (cached)
    .venv/bin/python bench/bench_evaluation.py --smoke    # 2,000 cases, 20,000 points, seconds
    .venv/bin/python bench/bench_evaluation.py --pg postgresql://postgres@127.0.0.1:5432/bench_evaluation

"Ours" is what the evaluation pages and the contract run for a month: evaluation.indicators
.evaluate() for the 8 object types (supervisor, intake, shift leader, dispatcher, department,
street, community, responsibility grid: figures, rates, scores, grades), the dashboard measures
(acceptance pass rate, safety hazards, satisfaction, collectors on duty), the attendance summary
and the patrol activity of every supervisor straight from the track points. "Raw" is the same
figures as hand-written SQL: one GROUP BY per object type over the events (conditional counts
with the same EXISTS tests), one over the cases per region, one over the track points. Both are
run on the same data in the same process; medians of --repeat runs. The figures of both are
compared before timing, so the raw baseline computes the same thing.

What is precomputed: only the daily attendance roll-up (AttendanceDay: point → unit grid for
every point, a nightly job), timed apart (0 when the cached rows are reused). Every other figure
is computed from the cases, case events and track points at query time; there is no facts table.
Both sides read the same indexes (cases migration 0002: a covering index of the events for the
period aggregates, (case, action, at, department, on_time) for the EXISTS tests, (grid, source,
reported_at) of cases for missed reports) and run with the same session settings
(evaluation.session.aggregate_queries: on PostgreSQL no JIT and work_mem 64MB, for the
transaction). PostgreSQL gets VACUUM ANALYZE first, as autovacuum keeps a production table.
Target: ours < 5 s and within 3× of raw.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MONTH_START = datetime.date(2024, 3, 1)
MONTH_END = datetime.date(2024, 4, 1)
GRID_STEP = 0.001


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, finishes in seconds")
    parser.add_argument("--pg", metavar="URL", help="use this PostgreSQL database instead of SQLite")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--points", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.smoke:
        args.cases, args.points, args.repeat = 2_000, 20_000, 1
    return args


def setup_django(args):
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbangrid.settings"
    if args.pg:
        os.environ["DATABASE_URL"] = args.pg
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(bench_dir / f"evaluation_{args.cases}_{args.points}.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# ---- data ------------------------------------------------------------------------------------


def bulk_insert(table, columns, rows):
    """Write rows fast: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def db_time(moment):
    """What the backend stores for an aware datetime (SQLite: naive UTC text)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return moment
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")


def build(args):
    """The bench district: geography, people, a month of cases with their events, shifts, tracks."""
    import numpy as np
    import shapely

    from accounts.models import Department, Role, User
    from catalog.models import Category
    from evaluation import facts as f
    from geo.models import Community, District, ResponsibilityGrid, Street, UnitGrid
    from geo.spatial import grids_changed
    from patrol.models import Shift, TrackPoint

    Case, CaseEvent = f.Case(), f.CaseEvent()
    if Case.objects.count() == args.cases and TrackPoint.objects.count() >= args.points * 0.95:
        print(f"data: reusing {args.cases:,} cases and {TrackPoint.objects.count():,} track points")
        return
    from django.db import connection

    # Case events refuse delete() through the ORM (history is immutable); bench data is not history.
    with connection.cursor() as cursor:
        for model in (CaseEvent, Case, TrackPoint, Shift):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    rng = np.random.default_rng(20240301)
    started = time.perf_counter()

    # Geography: 10 streets × 5 communities; 24 responsibility grids of 50 unit grids (0.001° cells).
    district, _ = District.objects.get_or_create(code="530114", defaults={"name": "呈贡区"})
    streets = [
        Street.objects.get_or_create(
            code=f"530114{s:03d}", defaults={"name": f"街道{s}", "district": district}
        )[0]
        for s in range(1, 11)
    ]
    communities = [
        Community.objects.get_or_create(
            code=f"{st.code}{c:03d}", defaults={"name": f"{st.name}社区{c}", "street": st}
        )[0]
        for st in streets
        for c in range(1, 6)
    ]
    rgs = [
        ResponsibilityGrid.objects.get_or_create(code=f"RG{r:02d}", defaults={"name": f"责任网格{r}"})[0]
        for r in range(1, 25)
    ]
    if not UnitGrid.objects.exists():
        grids = []
        for index in range(24 * 50):
            rg, cell = rgs[index // 50], index % 50
            column, row = (index // 50) * 10 + cell % 10, cell // 10
            community = communities[(index // 50) * 2 % 50]
            grid = UnitGrid(
                code=f"{community.code}{cell + 1:03d}",
                name=f"网格{index}",
                community=community,
                street=community.street,
                responsibility_grid=rg,
            )
            grid.set_shape(
                shapely.box(
                    102.8 + column * GRID_STEP,
                    24.8 + row * GRID_STEP,
                    102.8 + (column + 1) * GRID_STEP,
                    24.8 + (row + 1) * GRID_STEP,
                )
            )
            grids.append(grid)
        UnitGrid.objects.bulk_create(grids)
        grids_changed()
    grids = list(
        UnitGrid.objects.order_by("id").values_list(
            "id", "community_id", "street_id", "responsibility_grid_id"
        )
    )

    def people(prefix, role, n):
        return [
            User.objects.get_or_create(username=f"{prefix}{i:02d}", defaults={"role": role})[0]
            for i in range(n)
        ]

    supervisors = people("bsup", Role.SUPERVISOR, 48)
    for index, rg in enumerate(rgs):
        rg.supervisors.set(supervisors[2 * index : 2 * index + 2])
    intake, leaders, dispatchers = (
        people("bint", Role.INTAKE, 6),
        people("blead", Role.SHIFT_LEADER, 4),
        people("bdisp", Role.DISPATCHER, 6),
    )
    departments = [
        Department.objects.get_or_create(code=f"bdept{i:02d}", defaults={"name": f"部门{i}"})[0]
        for i in range(40)
    ]
    hazard, _ = Category.objects.get_or_create(
        scheme="GB/T 47678.5-2026",
        minor_code="01001",
        defaults={
            "kind": "component",
            "major_code": "01",
            "major_name": "公用设施",
            "minor_name": "井盖缺失",
            "safety_hazard": True,
        },
    )
    plain, _ = Category.objects.get_or_create(
        scheme="GB/T 47678.5-2026",
        minor_code="06001",
        defaults={"kind": "event", "major_code": "06", "major_name": "市容环境", "minor_name": "暴露垃圾"},
    )

    # Shifts: every supervisor 08:00–12:00 and 14:00–18:00 local, every day of the month.
    tz = datetime.timezone(datetime.timedelta(hours=8))
    days = (MONTH_END - MONTH_START).days
    shift_rows = []
    for day in range(days):
        date = MONTH_START + datetime.timedelta(days=day)
        for sup in supervisors:
            for begin, end in ((8, 12), (14, 18)):
                shift_rows.append(
                    (
                        sup.pk,
                        db_time(datetime.datetime.combine(date, datetime.time(begin), tz)),
                        db_time(datetime.datetime.combine(date, datetime.time(end), tz)),
                        0,
                        0.0,
                        False,
                    )
                )
    bulk_insert(
        Shift._meta.db_table,
        ["supervisor_id", "started_at", "ended_at", "point_count", "distance_m", "no_positions"],
        shift_rows,
    )

    # Track points: each supervisor walks inside (mostly) their own 50 cells, 8 h a day.
    per_day = max(1, args.points // (48 * days))
    interval = max(1, (8 * 3600) // per_day)
    point_count = 0
    for sup_index, sup in enumerate(supervisors):
        rg_index = sup_index // 2
        for day in range(days):
            date = MONTH_START + datetime.timedelta(days=day)
            base = datetime.datetime.combine(date, datetime.time(8), tz).timestamp()
            seconds = base + np.arange(per_day) * interval
            seconds = np.where(seconds >= base + 4 * 3600, seconds + 2 * 3600, seconds)  # lunch break
            walk = rng.integers(0, 500, per_day)
            lon = 102.8 + (rg_index * 10 + (walk % 10)) * GRID_STEP + rng.uniform(0.0001, 0.0009, per_day)
            lat = 24.8 + (walk // 100) * GRID_STEP + rng.uniform(0.0001, 0.0009, per_day)
            lon[rng.random(per_day) < 0.05] += 0.01  # now and then outside the own grid
            rows = [
                (sup.pk, db_time(datetime.datetime.fromtimestamp(t, datetime.UTC)), float(x), float(y), 10, 0)
                for t, x, y in zip(seconds, lon, lat, strict=True)
            ]
            bulk_insert(
                TrackPoint._meta.db_table,
                ["supervisor_id", "recorded_at", "lon", "lat", "accuracy_m", "flags"],
                rows,
            )
            point_count += len(rows)
    print(f"data: {point_count:,} track points in {time.perf_counter() - started:.1f} s")

    # Cases and their events.
    started = time.perf_counter()
    n = args.cases
    month_seconds = days * 86400
    month_start = datetime.datetime.combine(MONTH_START, datetime.time(0), tz).timestamp()
    reported = month_start + np.sort(rng.uniform(0, month_seconds - 3 * 86400, n))
    grid_pick = rng.integers(0, len(grids), n)
    source_roll = rng.random(n)
    sources = np.where(
        source_roll < 0.85,
        "supervisor",
        np.where(source_roll < 0.92, "self_handled", np.where(source_roll < 0.97, "public", "video")),
    )
    now = db_time(datetime.datetime.now(datetime.UTC))
    case_rows = []
    for i in range(n):
        grid = grids[grid_pick[i]]
        rg_index = grid_pick[i] // 50  # 50 unit grids per responsibility grid, in order
        reporter = supervisors[2 * rg_index + (i % 2)].pk if sources[i] in f.SUPERVISOR_SOURCES else None
        category = hazard if i % 50 == 0 else plain
        case_rows.append(
            full_row(
                Case,
                now,
                number=f"B{i:09d}",
                source=str(sources[i]),
                kind=category.kind,
                category_id=category.pk,
                lon=102.85,
                lat=24.85,
                unit_grid_id=grid[0],
                community_id=grid[1],
                street_id=grid[2],
                responsibility_grid_id=grid[3],
                reporter_id=reporter,
                state="closed",
                reported_at=db_time(datetime.datetime.fromtimestamp(reported[i], datetime.UTC)),
            )
        )
    bulk_insert(Case._meta.db_table, columns_of(Case), case_rows)
    ids = dict(Case.objects.values_list("number", "id"))
    events = []
    roles = {u.pk: u.role for u in supervisors + intake + leaders + dispatchers}

    def event(case_id, action, actor, moment, on_time=None, department=None, due=None):
        events.append(
            full_row(
                CaseEvent,
                now,
                case_id=case_id,
                action=action,
                actor_id=actor,
                role=roles.get(actor, "department"),
                at=db_time(datetime.datetime.fromtimestamp(moment, datetime.UTC)),
                due_at=None if due is None else db_time(datetime.datetime.fromtimestamp(due, datetime.UTC)),
                on_time=on_time,
                department_id=department,
                details="{}",
            )
        )

    rolls = rng.random((n, 8))
    for i in range(n):
        case_id, t = ids[f"B{i:09d}"], reported[i]
        rg_index = grid_pick[i] // 50
        sup = supervisors[2 * rg_index + (i % 2)].pk
        clerk, leader, dispatcher = intake[i % 6].pk, leaders[i % 4].pk, dispatchers[i % 6].pk
        dept = departments[i % 40].pk
        r = rolls[i]
        source = sources[i]
        if source == "self_handled":
            event(case_id, f.REPORT_SELF_HANDLED, sup, t)
            continue
        if source == "supervisor":
            event(case_id, f.REPORT, sup, t)
            if r[0] < 0.05:
                event(case_id, f.REJECT, clerk, t + 300)
                continue
            event(case_id, f.ACCEPT, clerk, t + 300, True)
        else:
            event(case_id, f.ACCEPT, clerk, t + 300, True)
            event(case_id, f.SEND_VERIFICATION, clerk, t + 600, bool(r[1] > 0.05))
            event(case_id, f.ANSWER_VERIFICATION, sup, t + 2400, bool(r[2] > 0.1))
        event(case_id, f.REGISTER, leader, t + 3000, bool(r[3] > 0.04))
        if r[4] < 0.01:
            event(case_id, f.VOID, leader, t + 3600)
            continue
        if r[4] < 0.015:
            event(case_id, f.PARK, leader, t + 3600)
            continue
        event(case_id, f.DISPATCH, dispatcher, t + 3300, bool(r[5] > 0.05), dept, t + 90000)
        if r[6] < 0.03:
            event(case_id, f.RETURN_TO_CENTRE, None, t + 4000, None, dept)
            dept = departments[(i + 1) % 40].pk
            event(case_id, f.REASSIGN, dispatcher, t + 4500, True, dept, t + 91000)
        on_time = bool(r[7] > 0.1)
        event(case_id, f.GIVE_FEEDBACK, None, t + (50000 if on_time else 100000), on_time, dept)
        event(case_id, f.SEND_CHECK, clerk, t + 101000, None, None, t + (100500 if r[2] < 0.03 else 110000))
        event(case_id, f.ANSWER_CHECK, sup, t + 104000, bool(r[1] < 0.9))
        event(case_id, f.CLOSE, leader, t + 105000, on_time)
        if len(events) > 200_000:
            flush(CaseEvent, events)
    flush(CaseEvent, events)
    print(
        f"data: {n:,} cases with {CaseEvent.objects.count():,} events in {time.perf_counter() - started:.1f} s"
    )


def flush(CaseEvent, events):  # noqa: N803
    bulk_insert(CaseEvent._meta.db_table, columns_of(CaseEvent), events)
    events.clear()


def _insertable(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def columns_of(model):
    return [field.column for field in _insertable(model)]


def full_row(model, now, **values):
    """A row with every column: the given values, else the field's default, '' or NULL."""
    from django.db import models

    row = []
    for field in _insertable(model):
        if field.attname in values:
            row.append(values[field.attname])
        elif field.has_default():
            default = field.get_default()
            row.append("{}" if isinstance(field, models.JSONField) else default)
        elif isinstance(field, models.DateTimeField) and not field.null:
            row.append(now)
        elif field.null:
            row.append(None)
        else:
            row.append("")
    return row


# ---- the two ways of computing -----------------------------------------------------------------


def ours():
    from evaluation import indicators, measures
    from evaluation.indicators import OBJECT_TYPES, Period

    period = Period(MONTH_START, MONTH_END)
    result = indicators.evaluate_many(list(OBJECT_TYPES), period)
    supervisors = [row["id"] for row in result["supervisor"]["rows"]]
    result["dashboard"] = {
        "acceptance": measures.acceptance_pass_rate(MONTH_START, MONTH_END),
        "hazards": measures.hazards_removed_within_limit(MONTH_START, MONTH_END),
        "satisfaction": measures.satisfaction_rate(MONTH_START, MONTH_END),
        "collectors": measures.collectors_on_duty(MONTH_START, MONTH_END),
    }
    result["attendance"] = measures.attendance_summary(supervisors, MONTH_START, MONTH_END)
    result["patrol"] = measures.patrol_activity(MONTH_START, MONTH_END)
    return result


def raw_queries():
    """The same figures as plain SQL: (name, sql, params)."""
    from evaluation import facts as f
    from evaluation.measures import local_bounds
    from patrol.models import Shift, TrackPoint

    Case, CaseEvent = f.Case(), f.CaseEvent()
    ev, cs = CaseEvent._meta.db_table, Case._meta.db_table
    m2m = Case._meta.get_field("responsibility_grid").related_model.supervisors.through._meta.db_table
    since, until = (db_time(x) for x in local_bounds(MONTH_START, MONTH_END))

    def has(action, extra=""):
        return f"EXISTS (SELECT 1 FROM {ev} x WHERE x.case_id = e.case_id AND x.action = '{action}' {extra})"

    parked = (
        f"EXISTS (SELECT 1 FROM {ev} p WHERE p.case_id = e.case_id AND p.action = 'park' AND p.at < %(until)s "
        f"AND NOT EXISTS (SELECT 1 FROM {ev} u WHERE u.case_id = e.case_id AND u.action = 'unpark' "
        f"AND u.at > p.at AND u.at < %(until)s))"
    )
    in_month = "e.at >= %(since)s AND e.at < %(until)s"
    people = f"""
        SELECT e.actor_id,
          COUNT(DISTINCT CASE WHEN e.action IN ('report', 'self_handled') AND e.role = 'supervisor'
                THEN e.case_id END),
          COUNT(DISTINCT CASE WHEN e.role = 'supervisor' AND (e.action = 'self_handled'
                OR (e.action = 'report' AND {has("accept")}))
                THEN e.case_id END),
          SUM(CASE WHEN e.action = 'verify' THEN 1 ELSE 0 END),
          SUM(CASE WHEN e.action = 'check' AND e.on_time THEN 1 ELSE 0 END),
          COUNT(DISTINCT CASE WHEN e.action = 'accept' THEN e.case_id END),
          SUM(CASE WHEN e.action = 'send_check' AND (e.on_time OR (e.on_time IS NULL
              AND e.due_at IS NOT NULL AND e.at <= e.due_at)) THEN 1 ELSE 0 END),
          COUNT(DISTINCT CASE WHEN e.action = 'register' AND {has("void")} THEN e.case_id END),
          COUNT(DISTINCT CASE WHEN e.action = 'close' AND e.on_time THEN e.case_id END),
          SUM(CASE WHEN e.action IN ('dispatch', 'reassign') AND {has("return", "AND x.at > e.at")}
              THEN 1 ELSE 0 END)
        FROM {ev} e WHERE {in_month} AND e.actor_id IS NOT NULL
          AND e.action IN ('report', 'self_handled', 'verify', 'check', 'accept', 'send_check', 'register',
                           'close', 'dispatch', 'reassign')
        GROUP BY e.actor_id"""
    grid_registered = f"""
        SELECT s.user_id, COUNT(DISTINCT e.case_id) FROM {ev} e JOIN {cs} c ON c.id = e.case_id
        JOIN {m2m} s ON s.responsibilitygrid_id = c.responsibility_grid_id
        WHERE {in_month} AND e.action = 'register' AND NOT {parked} GROUP BY s.user_id"""
    missed = f"""
        SELECT s.user_id, COUNT(DISTINCT c.id) FROM {cs} c
        JOIN {m2m} s ON s.responsibilitygrid_id = c.responsibility_grid_id
        JOIN {Shift._meta.db_table} sh ON sh.supervisor_id = s.user_id AND sh.started_at <= c.reported_at
             AND (sh.ended_at >= c.reported_at OR sh.ended_at IS NULL)
        WHERE c.reported_at >= %(since)s AND c.reported_at < %(until)s AND c.source IN ('public', 'leader', 'video')
        GROUP BY s.user_id"""
    fed_back = (
        f"EXISTS (SELECT 1 FROM {ev} x WHERE x.case_id = e.case_id AND x.action = 'feedback' "
        f"AND x.department_id = e.department_id AND x.at < %(until)s)"
    )
    returned = (
        f"EXISTS (SELECT 1 FROM {ev} x WHERE x.case_id = e.case_id AND x.action = 'return' "
        f"AND x.department_id = e.department_id AND x.at < %(until)s)"
    )
    departments = f"""
        SELECT e.department_id,
          COUNT(DISTINCT CASE WHEN e.action IN ('dispatch', 'reassign') AND NOT {returned} THEN e.case_id END),
          COUNT(DISTINCT CASE WHEN e.action = 'feedback' THEN e.case_id END),
          COUNT(DISTINCT CASE WHEN e.action IN ('dispatch', 'reassign') AND NOT {returned} AND e.due_at < %(until)s
                AND NOT {fed_back} THEN e.case_id END)
        FROM {ev} e WHERE {in_month} AND e.department_id IS NOT NULL
          AND e.action IN ('dispatch', 'reassign', 'feedback')
        GROUP BY e.department_id"""
    queries = [
        ("people", people),
        ("grid_registered", grid_registered),
        ("missed", missed),
        ("departments", departments),
    ]
    for field in ("street_id", "community_id", "responsibility_grid_id"):
        queries.append(
            (
                f"region_cases_{field}",
                f"""
            SELECT c.{field}, COUNT(*), SUM(CASE WHEN c.source IN ('supervisor', 'self_handled') THEN 1 ELSE 0 END)
            FROM {cs} c WHERE c.reported_at >= %(since)s AND c.reported_at < %(until)s GROUP BY c.{field}""",
            )
        )
        queries.append(
            (
                f"region_events_{field}",
                f"""
            SELECT c.{field}, COUNT(DISTINCT e.case_id),
              COUNT(DISTINCT CASE WHEN {has("close", "AND x.at < %(until)s")} THEN e.case_id END),
              COUNT(DISTINCT CASE WHEN {has("close", "AND x.at < %(until)s AND x.on_time")} THEN e.case_id END)
            FROM {ev} e JOIN {cs} c ON c.id = e.case_id
            WHERE {in_month} AND e.action = 'register' AND NOT {parked} GROUP BY c.{field}""",
            )
        )
    queries.append(
        (
            "patrol",
            f"""
        SELECT supervisor_id, COUNT(*), MIN(recorded_at), MAX(recorded_at) FROM {TrackPoint._meta.db_table}
        WHERE recorded_at >= %(since)s AND recorded_at < %(until)s GROUP BY supervisor_id""",
        )
    )
    return queries, {"since": since, "until": until}


def raw():
    from django.db import connection

    from evaluation.session import aggregate_queries

    queries, params = raw_queries()
    results = {}
    # The same session settings as ours (PostgreSQL: no JIT, work_mem for the groupings).
    with aggregate_queries(), connection.cursor() as cursor:
        for name, sql in queries:
            started = time.perf_counter()
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
            if os.environ.get("BENCH_VERBOSE"):
                print(f"  raw {name}: {time.perf_counter() - started:.2f} s", flush=True)
    return results


def compare(ours_result, raw_result):
    """A few figures of each kind must agree, or the baseline is not the same computation."""
    supervisor = {row["id"]: row["all_figures"] for row in ours_result["supervisor"]["rows"]}
    people = {row[0]: row for row in raw_result["people"]}
    for sid, figures in supervisor.items():
        row = people.get(sid)
        assert row is not None and (row[1], row[2], row[3], row[4]) == (
            figures["reports"],
            figures["valid_reports"],
            figures["verifications"],
            figures["checks_on_time"],
        ), (sid, figures, row)
        assert dict(raw_result["missed"]).get(sid, 0) == figures["missed"]
        assert dict(raw_result["grid_registered"]).get(sid, 0) == figures["registered_in_grid"]
    for row in ours_result["intake"]["rows"]:
        raw_row = people.get(row["id"])
        assert raw_row is not None and (raw_row[5], raw_row[6]) == (
            row["figures"]["accepted"],
            row["figures"]["check_sent_on_time"],
        ), (row, raw_row)
    for row in ours_result["department"]["rows"]:
        raw_row = {r[0]: r for r in raw_result["departments"]}.get(row["id"])
        if raw_row:
            assert (raw_row[1], raw_row[2], raw_row[3]) == (
                row["figures"]["assigned"],
                row["figures"]["handled"],
                row["figures"]["overdue_pending"],
            ), row
    for row in ours_result["shift_leader"]["rows"]:
        raw_row = people.get(row["id"])
        assert raw_row is not None and (raw_row[7], raw_row[8]) == (
            row["figures"]["voided"],
            row["figures"]["closed_on_time"],
        ), (row, raw_row)
    for row in ours_result["dispatcher"]["rows"]:
        raw_row = people.get(row["id"])
        assert raw_row is not None and raw_row[9] == row["figures"]["returned"], (row, raw_row)
    for kind, field in (
        ("street", "street_id"),
        ("community", "community_id"),
        ("grid", "responsibility_grid_id"),
    ):
        events = {r[0]: r for r in raw_result[f"region_events_{field}"]}
        cases = {r[0]: r for r in raw_result[f"region_cases_{field}"]}
        for row in ours_result[kind]["rows"]:
            figures = row["figures"]
            assert events.get(row["id"], (None, 0, 0, 0))[1:] == (
                figures["registered"],
                figures["closed"],
                figures["closed_on_time"],
            ), (kind, row)
            assert cases.get(row["id"], (None, 0, 0))[1:] == (
                figures["reports"],
                figures["supervisor_reports"],
            ), (
                kind,
                row,
            )
    patrol = {r[0]: r[1] for r in raw_result["patrol"]}
    assert {r["supervisor_id"]: r["points"] for r in ours_result["patrol"]} == patrol


def timed(function, repeat):
    durations = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def main():
    args = parse_args()
    setup_django(args)
    from django.db import connection

    from evaluation import attendance

    build(args)
    # Planner statistics and visibility map, as a production database keeps them: PostgreSQL's
    # autovacuum analyses and (since 13, also for insert-only tables) vacuums, which index-only
    # scans need; SQLite needs ANALYZE or it may scan the time index inside correlated EXISTS tests.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    started = time.perf_counter()
    day = MONTH_START
    from evaluation.models import AttendanceDay

    if (
        AttendanceDay.objects.filter(day__gte=MONTH_START, day__lt=MONTH_END).values("day").distinct().count()
        < (MONTH_END - MONTH_START).days
    ):
        while day < MONTH_END:
            attendance.rollup_day(day)
            day += datetime.timedelta(days=1)
    rollup = time.perf_counter() - started
    print(f"attendance rolled up in {rollup:.1f} s", flush=True)

    raw_seconds, raw_result = timed(raw, args.repeat)
    print(f"raw: {raw_seconds:.2f} s", flush=True)
    our_seconds, our_result = timed(ours, args.repeat)
    print(f"ours: {our_seconds:.2f} s", flush=True)
    compare(our_result, raw_result)

    from evaluation import facts as f
    from patrol.models import TrackPoint

    print()
    print(
        f"database: {connection.vendor}; month {MONTH_START:%Y-%m}: {f.Case().objects.count():,} cases, "
        f"{f.CaseEvent().objects.count():,} events, {TrackPoint.objects.count():,} track points"
    )
    print(
        f"attendance roll-up of the month (nightly job, point → grid for every point): {rollup:.2f} s"
        " (0 when reused); nothing else is precomputed"
    )
    print(f"raw SQL GROUP BY queries (same figures):        {raw_seconds:.2f} s (median of {args.repeat})")
    print(f"ours: every indicator of the month:              {our_seconds:.2f} s (median of {args.repeat})")
    ratio = our_seconds / raw_seconds if raw_seconds else float("inf")
    print(
        f"ratio ours / raw: {ratio:.2f}× (target ≤ 3×); target < 5 s: "
        f"{'met' if our_seconds < 5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
