"""The closed loop (闭环): every change of a case's state goes through one function here.

Each function checks the actor's role and scope, locks the case row, checks the state, writes in
one transaction and appends an immutable CaseEvent (actor, role, time, from/to state, reason,
attachments, the completed step's deadline and whether it was met), then sets the deadline of the
next step. Views, the API, the phone app, background tasks, the simulator and the admin all call
these; nothing else writes Case.state.

Intake (受理)
    report(actor, *, source, category, lon, lat, ...) -> Case            上报 (idempotent by client_id)
    receive_report(...) -> Received(case, created)                         the same, telling a retry apart
    report_self_handled(actor, *, category, lon, lat, before, after, ...) -> Case   自处置, closed at once
    receive_self_handled(...) -> Received(case, created)
    send_verification(actor, case) -> Task                                 派发核实
    accept(actor, case)                                                    受理
    merge(actor, case, other, *, reason) -> Case                           合并重复上报
Registration (立案)
    register(actor, case)                                                  立案
    refuse_registration(actor, case, *, reason)                            不予立案 / 不予受理
Dispatch (派遣)
    suggest_department(case) -> Department | None
    dispatch(actor, case, department, *, reason="")                        派遣 (改派 after a 回退)
    reassign(actor, case, department, *, reason)                           改派 a case a department holds
Handling (处置) by the department
    accept_by_department(actor, case)                                      签收
    return_to_centre(actor, case, *, reason)                               回退
    request_extension(actor, case, *, until, reason) -> Extension          申请延期
    decide_extension(actor, extension, *, approve, note="")                审批延期
    give_feedback(actor, case, *, note, photos)                            处置反馈
Check and close (核查结案)
    send_check(actor, case) -> Task                                        派发核查
    answer_task(actor, task, *, passed, note="", photos=(), client_id=None) -> Task   核实/核查回复
    close(actor, case, *, reason="")                                       结案
    rework(actor, case, *, reason)                                         返工
Exceptions
    park(actor, case, *, reason) / unpark(actor, case, *, reason="")       挂账 / 解除挂账
    void(actor, case, *, reason)                                           作废
    supervise(actor, case, *, note) / urge(actor, case, *, note)           督办 / 催办
    supervise_department(actor, department, *, note) -> DepartmentSupervision   督办 a whole department
    set_key_case(actor, case, *, key, note="")                             紧盯重点
    escalate(case, *, at=None)                                             automatic 督办 of an overdue case

Every function takes `at` (default: now) so the simulator can write history; the API never passes it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CENTRE_ROLES, Department, Role
from accounts.permissions import require_role
from catalog.models import Step, Urgency
from urbangrid.errors import Conflict, DomainError, NotAllowed, NotFound

from .models import (
    FINAL_STATES,
    Attachment,
    Case,
    CaseEvent,
    CaseNumberSequence,
    DepartmentSupervision,
    DispatchRule,
    Extension,
    Reminder,
    Source,
    State,
    Task,
)

# Who may do what (superusers pass every check through accounts.permissions.require_role).
INTAKE = (Role.INTAKE, Role.SHIFT_LEADER, Role.ADMIN)
REGISTRARS = (Role.SHIFT_LEADER, Role.ADMIN)
DISPATCHERS = (Role.DISPATCHER, Role.SHIFT_LEADER, Role.ADMIN)
CLOSERS = (Role.SHIFT_LEADER, Role.ADMIN)
LEADERS = (Role.LEADER, Role.ADMIN)
REPORTERS_BY_SOURCE = {
    Source.SUPERVISOR: (Role.SUPERVISOR,),
    Source.SELF_HANDLED: (Role.SUPERVISOR,),
    Source.PUBLIC: (Role.INTAKE, Role.SHIFT_LEADER, Role.ADMIN),
    Source.LEADER: (Role.LEADER, Role.SHIFT_LEADER, Role.ADMIN),
    Source.VIDEO: (Role.INTAKE, Role.SHIFT_LEADER, Role.ADMIN),
}

# States a department can act in, and states from which a case can be parked.
WITH_DEPARTMENT = (State.DISPATCHED, State.HANDLING)
PARKABLE = (State.REGISTERED, State.DISPATCHED, State.HANDLING, State.RETURNED)


# -- helpers ------------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _locked(case: Case) -> Case:
    """The case row, locked for this transaction; the caller's copy may be stale."""
    try:
        # The category and department come along: nearly every transition reads them.
        return (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "department")
            .get(pk=case.pk)
        )
    except Case.DoesNotExist:
        raise NotFound(_("案件不存在。")) from None


def _require_state(case: Case, *states: str) -> None:
    if case.state not in states:
        allowed = "、".join(str(State(s).label) for s in states)
        raise Conflict(
            _("案件 %(number)s 当前状态为「%(state)s」，此操作只能在「%(allowed)s」状态下进行。")
            % {"number": case.number, "state": State(case.state).label, "allowed": allowed}
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写原因。"))
    if "\x00" in reason:  # PostgreSQL cannot store it: a 400, not a database error
        raise DomainError(_("输入中含有不允许的控制字符。"))
    return reason


def _require_department_member(actor, case: Case) -> None:
    require_role(actor, Role.DEPARTMENT, Role.ADMIN)
    if actor.is_superuser or actor.role == Role.ADMIN:
        return
    if actor.department_id is None or actor.department_id != case.department_id:
        raise NotAllowed(_("该案件不属于您的部门。"))


def _due(case: Case, step: str, start: datetime) -> datetime | None:
    from .deadlines import due_for

    return due_for(case.category, step, case.area_class or "", start, urgent=case.urgency == Urgency.URGENT)


def _set_step(case: Case, step: str, start: datetime) -> None:
    """Start the case's next step: its deadline is counted from `start`."""
    case.step = step
    case.step_started_at = start
    case.due_at = _due(case, step, start)


def _clear_step(case: Case) -> None:
    case.step = ""
    case.step_started_at = None
    case.due_at = None


def _record(
    case: Case,
    actor,
    action: str,
    at: datetime,
    *,
    from_state: str,
    reason: str = "",
    completes: str | None = None,
    due_at: datetime | None = None,
    department: Department | None = None,
    details: dict | None = None,
) -> CaseEvent:
    """Append the event. `completes` names the step this action finishes; its deadline (the case's
    current due_at unless given) decides `on_time`."""
    if completes is not None and due_at is None and case.step == completes:
        due_at = case.due_at
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        role=getattr(actor, "role", "") or "",
        at=at,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        step=completes or "",
        due_at=due_at,
        on_time=None if (completes is None or due_at is None) else at <= due_at,
        department=department,
        details=details or {},
    )


def _attach(photos, *, case: Case, event: CaseEvent, purpose: str, actor) -> list[Attachment]:
    if not photos:
        return []
    from .attachments import CleanImage, clean_image, store_clean_image

    # Every photo is checked before any is written: a rollback cannot remove files.
    cleaned = [photo if isinstance(photo, CleanImage) else clean_image(photo) for photo in photos]
    return [
        store_clean_image(clean, case=case, event=event, purpose=purpose, uploaded_by=actor)
        for clean in cleaned
    ]


def _next_number(district_code: str, year: int) -> str:
    """Case numbers read 530114-2026-0000123: district, year, a serial without gaps or races.

    One UPDATE … RETURNING both locks the year's row until the transaction ends and reads the new
    serial (SQLite ≥ 3.35 and PostgreSQL): the row is the one point every report passes through."""
    table = CaseNumberSequence._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE district_code = %s AND year = %s RETURNING last"
    with connection.cursor() as cursor:
        cursor.execute(sql, [district_code, year])
        row = cursor.fetchone()
        if row is None:  # the first case of the year: create the row, racing writers allowed
            try:
                with transaction.atomic():
                    CaseNumberSequence.objects.create(district_code=district_code, year=year)
            except IntegrityError:
                pass  # created by a concurrent transaction
            cursor.execute(sql, [district_code, year])
            row = cursor.fetchone()
    return f"{district_code}-{year}-{row[0]:07d}"


def _locate(case: Case) -> None:
    """Fill the unit grid and everything above it from the position (read-only: callers run it
    before their transaction)."""
    from geo.models import Community, Street, UnitGrid
    from geo.spatial import locate_or_error

    hit = locate_or_error(case.lon, case.lat)
    # The process's grid index knows the ids and names, so this costs no query. The rows are built
    # as `.only()` would load them: any other field is deferred and read from the database on use.
    grid = UnitGrid.from_db(
        None,
        ["id", "code", "community_id", "street_id"],
        [hit.unit_grid_id, hit.code, hit.community_id, hit.street_id],
    )
    grid.community = Community.from_db(None, ["id", "name"], [hit.community_id, hit.community_name])
    grid.street = Street.from_db(None, ["id", "name"], [hit.street_id, hit.street_name])
    case.unit_grid, case.community, case.street = grid, grid.community, grid.street
    case.responsibility_grid_id = hit.responsibility_grid_id
    case.area_class = hit.area_class
    if not case.address:
        case.address = f"{hit.street_name}{hit.community_name} 网格{hit.code}"


def _grid_supervisor_check(actor, responsibility_grid_id: int | None) -> None:
    if actor.is_superuser or actor.role == Role.ADMIN:
        return
    if (
        responsibility_grid_id is None
        or not actor.responsibility_grids.filter(pk=responsibility_grid_id).exists()
    ):
        raise NotAllowed(_("该任务不在您负责的网格内。"))


# -- intake (受理) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """What an intake call did: the case, and whether this call made it (False: a retry with a
    client_id already used, answered with the first case and writing nothing)."""

    case: Case
    created: bool


def report(actor, **kwargs) -> Case:
    """A new report (上报); see receive_report()."""
    return receive_report(actor, **kwargs).case


def receive_report(
    actor,
    *,
    source: str,
    category,
    lon: float,
    lat: float,
    description: str = "",
    address: str = "",
    component=None,
    urgency: str | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos=(),
    client_id: str | None = None,
    at: datetime | None = None,
) -> Received:
    """A new report (上报). The same client_id twice returns the first case and writes nothing.

    Everything that only reads or is slow (photo decoding, grid lookup, deadline) happens before
    the transaction, and the photo files are written before it too: on SQLite the transaction
    holds the database's single write lock from BEGIN IMMEDIATE to COMMIT, so it holds it only for
    the number and the inserts."""
    if source not in Source.values or source == Source.SELF_HANDLED:
        raise DomainError(_("未知的案件来源：%(source)s") % {"source": source})
    require_role(actor, *REPORTERS_BY_SOURCE[Source(source)])
    if client_id:
        existing = _reported_before(client_id, actor)
        if existing is not None:
            return existing
    if category is None or not category.active:
        raise DomainError(_("请选择有效的案件类别。"))
    if component is not None and component.category_id != category.pk:
        raise DomainError(_("所选部件与案件类别不一致。"))
    if source == Source.SUPERVISOR and not photos:
        raise DomainError(_("监督员上报至少需要一张照片。"))
    cleaned = _clean(photos)
    at = _now(at)
    case = Case(
        source=source,
        kind=category.kind,
        category=category,
        component=component,
        lon=lon,
        lat=lat,
        address=address.strip(),
        description=description.strip(),
        urgency=urgency or category.urgency,
        reporter=actor,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        state=State.REPORTED,
        reported_at=at,
        client_id=client_id or None,
        key_case=category.safety_hazard,
    )
    _locate(case)
    _set_step(case, Step.ACCEPT, at)
    files = _write_files(cleaned, Attachment.Purpose.REPORT, actor)

    def insert():
        case.number = _next_number(settings.URBANGRID_DISTRICT_CODE, timezone.localtime(at).year)
        case.save(force_insert=True)
        event = _record(case, actor, "report", at, from_state="", details={"source": source})
        _insert_attachments(files, case=case, event=event)

    return _insert_once(insert, case, files, client_id, actor)


def _reported_before(client_id: str, actor) -> Received | None:
    # Nearly every call finds nothing: ask with a narrow query (compiling one for a whole case row
    # costs more than running it) and load the case only for a real retry.
    if not Case.objects.filter(client_id=client_id).order_by().values_list("pk")[:1]:
        return None
    existing = Case.objects.select_related("unit_grid").get(client_id=client_id)
    return Received(_same_reporter_or_conflict(existing, actor), created=False)


def _insert_once(insert, case: Case, files: list, client_id: str | None, actor) -> Received:
    """Run `insert` in one transaction; on failure remove the files written for it. A unique
    client_id taken meanwhile by a concurrent retry answers with the case that retry made."""
    from .attachments import delete_files

    try:
        with transaction.atomic():
            insert()
    except IntegrityError:
        delete_files(files)
        existing = _reported_before(client_id, actor) if client_id else None
        if existing is None:
            raise
        return existing
    except BaseException:
        delete_files(files)
        raise
    return Received(case, created=True)


def _clean(photos) -> list:
    from .attachments import CleanImage, clean_image

    return [photo if isinstance(photo, CleanImage) else clean_image(photo) for photo in photos or ()]


def _write_files(cleaned, purpose: str, actor) -> list[Attachment]:
    """Write every cleaned photo's file; the rows are inserted later, in the transaction."""
    from .attachments import delete_files, write_clean_image

    written = []
    try:
        for clean in cleaned:
            written.append(write_clean_image(clean, purpose=purpose, uploaded_by=actor))
    except BaseException:
        delete_files(written)
        raise
    return written


def _insert_attachments(files: list[Attachment], *, case: Case, event: CaseEvent) -> None:
    for attachment in files:
        attachment.case, attachment.event = case, event
    if files:
        Attachment.objects.bulk_create(files)


def _same_reporter_or_conflict(existing: Case, actor) -> Case:
    if existing.reporter_id != actor.pk:
        raise Conflict(_("该上报编号已被其他用户使用。"))
    return existing


def report_self_handled(actor, **kwargs) -> Case:
    """A problem the supervisor fixed on the spot (自处置); see receive_self_handled()."""
    return receive_self_handled(actor, **kwargs).case


def receive_self_handled(
    actor,
    *,
    category,
    lon: float,
    lat: float,
    before,
    after,
    description: str = "",
    address: str = "",
    component=None,
    client_id: str | None = None,
    at: datetime | None = None,
) -> Received:
    """A problem the supervisor fixed on the spot (自处置): closed at once, counted as a case.
    Prepared outside the transaction like receive_report()."""
    require_role(actor, Role.SUPERVISOR)
    if client_id:
        existing = _reported_before(client_id, actor)
        if existing is not None:
            return existing
    if not before or not after:
        raise DomainError(_("自处置需要处置前和处置后的照片。"))
    if category is None or not category.active:
        raise DomainError(_("请选择有效的案件类别。"))
    # Both sets checked before anything is written, so a bad after-photo leaves no before-file.
    before, after = _clean(before), _clean(after)
    at = _now(at)
    case = Case(
        source=Source.SELF_HANDLED,
        kind=category.kind,
        category=category,
        component=component,
        lon=lon,
        lat=lat,
        address=address.strip(),
        description=description.strip(),
        urgency=category.urgency,
        reporter=actor,
        state=State.CLOSED,
        reported_at=at,
        accepted_at=at,
        registered_at=at,
        closed_at=at,
        client_id=client_id or None,
    )
    _locate(case)
    files = _write_files(before, Attachment.Purpose.BEFORE, actor)
    try:
        files += _write_files(after, Attachment.Purpose.AFTER, actor)
    except BaseException:
        from .attachments import delete_files

        delete_files(files)
        raise

    def insert():
        case.number = _next_number(settings.URBANGRID_DISTRICT_CODE, timezone.localtime(at).year)
        case.save(force_insert=True)
        event = _record(
            case, actor, "self_handled", at, from_state="", details={"source": Source.SELF_HANDLED}
        )
        _insert_attachments(files, case=case, event=event)

    return _insert_once(insert, case, files, client_id, actor)


def _open_task(case: Case, kind: str, actor, at: datetime) -> Task:
    if case.responsibility_grid_id is None:
        raise DomainError(_("案件所在网格没有责任网格，无法派发任务。"))
    if case.tasks.filter(kind=kind, status=Task.Status.OPEN).exists():
        raise Conflict(_("该案件已有未完成的同类任务。"))
    return Task.objects.create(
        case=case,
        kind=kind,
        responsibility_grid_id=case.responsibility_grid_id,
        created_by=actor,
        created_at=at,
        due_at=case.due_at,
    )


def send_verification(actor, case: Case, *, at: datetime | None = None) -> Task:
    """Send a 核实 task to the supervisors of the case's grid (public and other unverified reports)."""
    require_role(actor, *INTAKE)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.REPORTED)
        before = case.state
        due = case.due_at
        case.state = State.VERIFYING
        _set_step(case, Step.VERIFY, at)
        task = _open_task(case, Task.Kind.VERIFY, actor, at)
        case.save()
        _record(
            case,
            actor,
            "send_verification",
            at,
            from_state=before,
            completes=Step.ACCEPT,
            due_at=due,
            details={"task": task.pk},
        )
    return task


def accept(actor, case: Case, *, reason: str = "", at: datetime | None = None) -> Case:
    """受理: the report is a valid problem and goes on to registration."""
    require_role(actor, *INTAKE)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.REPORTED)
        if (
            case.source == Source.PUBLIC
            and not case.tasks.filter(kind=Task.Kind.VERIFY, passed=True).exists()
        ):
            raise Conflict(_("公众举报须先经监督员核实后才能受理。"))
        before = case.state
        completes = case.step
        due = case.due_at
        case.state = State.ACCEPTED
        case.accepted_at = at
        _set_step(case, Step.REGISTER, at)
        case.save()
        _record(case, actor, "accept", at, from_state=before, reason=reason, completes=completes, due_at=due)
    return case


def duplicate_candidates(case: Case, *, metres: float | None = None, days: int | None = None):
    """Open cases of the same sub-type near this one, reported recently: offered for merge."""
    import math
    from datetime import timedelta

    metres = metres if metres is not None else float(getattr(settings, "URBANGRID_DUPLICATE_METRES", 50))
    days = days if days is not None else int(getattr(settings, "URBANGRID_DUPLICATE_DAYS", 7))
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * max(math.cos(math.radians(case.lat)), 0.01))
    open_states = [s for s in State.values if s not in FINAL_STATES and s != State.PARKED]
    nearby = Case.objects.filter(
        category_id=case.category_id,
        state__in=open_states,
        lon__range=(case.lon - dlon, case.lon + dlon),
        lat__range=(case.lat - dlat, case.lat + dlat),
        reported_at__gte=case.reported_at - timedelta(days=days),
        reported_at__lte=case.reported_at + timedelta(days=days),
    ).exclude(pk=case.pk)
    return [
        other
        for other in nearby.order_by("reported_at")[:50]
        if _metres(case.lon, case.lat, other.lon, other.lat) <= metres
    ]


def _metres(lon1, lat1, lon2, lat2) -> float:
    import math

    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000 * math.hypot(x, y)


def merge(actor, case: Case, other: Case, *, reason: str = "", at: datetime | None = None) -> Case:
    """Merge two reports of one problem. The later report joins the earlier one, which keeps its
    reporter (the first reporter is credited); both keep their photos and history. Returns the
    surviving case."""
    require_role(actor, *INTAKE)
    if case.pk == other.pk:
        raise DomainError(_("不能与自身合并。"))
    at = _now(at)
    with transaction.atomic():
        # Lock both rows in id order so two merges of the same pair cannot deadlock.
        first_id, second_id = sorted([case.pk, other.pk])
        rows = {
            c.pk: c
            for c in Case.objects.select_for_update().filter(pk__in=[first_id, second_id]).order_by("pk")
        }
        if len(rows) != 2:
            raise NotFound(_("案件不存在。"))
        a, b = rows[case.pk], rows[other.pk]
        keep, merged = (a, b) if (a.reported_at, a.pk) <= (b.reported_at, b.pk) else (b, a)
        if merged.state not in (State.REPORTED, State.VERIFYING, State.ACCEPTED):
            raise Conflict(_("案件 %(number)s 已立案，不能作为重复上报合并。") % {"number": merged.number})
        if keep.state in FINAL_STATES:
            raise Conflict(_("案件 %(number)s 已办结，不能合并到它。") % {"number": keep.number})
        if keep.category_id != merged.category_id:
            raise DomainError(_("只能合并同一类别的案件。"))
        before = merged.state
        merged.state = State.MERGED
        merged.merged_into = keep
        _clear_step(merged)
        merged.save()
        merged.tasks.filter(status=Task.Status.OPEN).update(status=Task.Status.CANCELLED)
        _record(merged, actor, "merged", at, from_state=before, reason=reason, details={"into": keep.number})
        _record(
            keep, actor, "merge", at, from_state=keep.state, reason=reason, details={"merged": merged.number}
        )
    return keep


# -- registration (立案) ------------------------------------------------------------------------


def register(actor, case: Case, *, reason: str = "", at: datetime | None = None) -> Case:
    """立案: the sub-type's 立案条件 holds; the case goes to dispatch."""
    require_role(actor, *REGISTRARS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.ACCEPTED)
        before = case.state
        case.state = State.REGISTERED
        case.registered_at = at
        due = case.due_at
        completes = case.step
        _set_step(case, Step.DISPATCH, at)
        case.save()
        _record(
            case, actor, "register", at, from_state=before, reason=reason, completes=completes, due_at=due
        )
    return case


def refuse_registration(actor, case: Case, *, reason: str, at: datetime | None = None) -> Case:
    """不予立案 (or 不予受理 at intake): the report is not a case; the reason is required."""
    reason = _require_reason(reason)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        if case.state == State.ACCEPTED:
            require_role(actor, *REGISTRARS)
        else:
            require_role(actor, *INTAKE)
        _require_state(case, State.REPORTED, State.ACCEPTED)
        before = case.state
        completes, due = case.step, case.due_at
        case.state = State.NOT_REGISTERED
        _clear_step(case)
        case.save()
        case.tasks.filter(status=Task.Status.OPEN).update(status=Task.Status.CANCELLED)
        _record(case, actor, "refuse", at, from_state=before, reason=reason, completes=completes, due_at=due)
    return case


# -- dispatch (派遣) -----------------------------------------------------------------------------


def suggest_department(case: Case) -> Department | None:
    """The department for the case's sub-type and place: the most specific 属地 rule (community, then
    street, each for the sub-type before the catch-all), else the sub-type's own department."""
    rules = DispatchRule.objects.filter(department__active=True).select_related("department")
    candidates = [
        (case.community_id and {"community_id": case.community_id, "category_id": case.category_id}),
        (case.community_id and {"community_id": case.community_id, "category__isnull": True}),
        (
            case.street_id
            and {"street_id": case.street_id, "community__isnull": True, "category_id": case.category_id}
        ),
        (
            case.street_id
            and {"street_id": case.street_id, "community__isnull": True, "category__isnull": True}
        ),
    ]
    for lookup in candidates:
        if lookup:
            rule = rules.filter(**lookup).order_by("id").first()
            if rule is not None:
                return rule.department
    department = case.category.department
    return department if department is not None and department.active else None


def dispatch(
    actor, case: Case, department: Department, *, reason: str = "", at: datetime | None = None
) -> Case:
    """派遣 a registered case (or 改派 a returned one) to a department. Overriding the suggested
    department, and every 改派, needs a reason."""
    return _send_to_department(actor, case, department, reason, at, (State.REGISTERED, State.RETURNED))


def reassign(actor, case: Case, department: Department, *, reason: str, at: datetime | None = None) -> Case:
    """改派 a case a department holds now (the centre noticed the wrong department first)."""
    return _send_to_department(actor, case, department, reason, at, WITH_DEPARTMENT)


def _send_to_department(actor, case, department, reason, at, from_states) -> Case:
    require_role(actor, *DISPATCHERS)
    if department is None or not department.active:
        raise DomainError(_("请选择有效的处置部门。"))
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, *from_states)
        suggested = suggest_department(case)
        is_reassignment = case.state != State.REGISTERED
        if is_reassignment or (suggested is not None and suggested.pk != department.pk):
            reason = _require_reason(reason)
        if case.department_id == department.pk:
            raise Conflict(_("案件已在该部门处置。"))
        before = case.state
        previous = case.department
        completes, due = case.step, case.due_at
        case.state = State.DISPATCHED
        case.department = department
        case.dispatched_at = at
        case.dispatch_count = F("dispatch_count") + 1
        _set_step(case, Step.HANDLE, at)
        case.handle_due_at = case.due_at
        case.save()
        case.refresh_from_db(fields=["dispatch_count"])
        if previous is not None:
            case.extensions.filter(status=Extension.Status.PENDING).update(
                status=Extension.Status.REJECTED, decision_note=_("案件已改派")
            )
        _record(
            case,
            actor,
            "reassign" if is_reassignment else "dispatch",
            at,
            from_state=before,
            reason=reason,
            completes=Step.DISPATCH if completes == Step.DISPATCH else None,
            due_at=due if completes == Step.DISPATCH else None,
            department=department,
            details={
                "suggested": suggested.pk if suggested else None,
                "previous": previous.pk if previous else None,
            },
        )
    return case


# -- handling (处置) by the department ----------------------------------------------------------


def accept_by_department(actor, case: Case, *, at: datetime | None = None) -> Case:
    """签收: the department takes the case on. The handling deadline runs on from dispatch."""
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_department_member(actor, case)
        _require_state(case, State.DISPATCHED)
        before = case.state
        case.state = State.HANDLING
        case.save()
        _record(case, actor, "department_accept", at, from_state=before, department=case.department)
    return case


def return_to_centre(actor, case: Case, *, reason: str, at: datetime | None = None) -> Case:
    """回退: the case is not this department's; the centre must 改派. Counts against dispatch accuracy."""
    reason = _require_reason(reason)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_department_member(actor, case)
        _require_state(case, *WITH_DEPARTMENT)
        before = case.state
        department = case.department
        case.state = State.RETURNED
        case.department = None
        case.handle_due_at = None
        case.return_count = F("return_count") + 1
        _set_step(case, Step.DISPATCH, at)
        case.save()
        case.refresh_from_db(fields=["return_count"])
        case.extensions.filter(status=Extension.Status.PENDING).update(
            status=Extension.Status.REJECTED, decision_note=_("案件已回退")
        )
        _record(case, actor, "return", at, from_state=before, reason=reason, department=department)
    return case


def request_extension(
    actor, case: Case, *, until: datetime, reason: str, at: datetime | None = None
) -> Extension:
    """申请延期: the department asks the 值班长 for a later handling deadline."""
    reason = _require_reason(reason)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_department_member(actor, case)
        _require_state(case, *WITH_DEPARTMENT)
        if until is None or (case.handle_due_at and until <= case.handle_due_at) or until <= at:
            raise DomainError(_("延期后的期限必须晚于当前处置期限。"))
        if case.extensions.filter(status=Extension.Status.PENDING).exists():
            raise Conflict(_("该案件已有待审批的延期申请。"))
        extension = Extension.objects.create(
            case=case,
            department=case.department,
            requested_by=actor,
            requested_at=at,
            requested_due_at=until,
            reason=reason,
        )
        _record(
            case,
            actor,
            "request_extension",
            at,
            from_state=case.state,
            reason=reason,
            department=case.department,
            details={"extension": extension.pk, "until": until.isoformat()},
        )
    return extension


def decide_extension(
    actor, extension: Extension, *, approve: bool, note: str = "", at: datetime | None = None
) -> Extension:
    """审批延期 (值班长). Approval moves the handling deadline; a refusal needs a note."""
    require_role(actor, *REGISTRARS)
    if not approve:
        note = _require_reason(note)
    at = _now(at)
    with transaction.atomic():
        case = _locked(extension.case)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != Extension.Status.PENDING:
            raise Conflict(_("该延期申请已处理。"))
        extension.status = Extension.Status.APPROVED if approve else Extension.Status.REJECTED
        extension.decided_by = actor
        extension.decided_at = at
        extension.decision_note = note
        extension.save()
        if approve:
            case.handle_due_at = extension.requested_due_at
            case.extension_count = F("extension_count") + 1
            if case.step == Step.HANDLE:
                case.due_at = extension.requested_due_at
            case.save()
            case.refresh_from_db(fields=["extension_count"])
        _record(
            case,
            actor,
            "approve_extension" if approve else "reject_extension",
            at,
            from_state=case.state,
            reason=note,
            department=extension.department,
            details={"extension": extension.pk, "until": extension.requested_due_at.isoformat()},
        )
    return extension


def give_feedback(actor, case: Case, *, note: str, photos=(), at: datetime | None = None) -> Case:
    """处置反馈: the department says the problem is fixed, with after-photos."""
    note = _require_reason(note)
    if not photos:
        raise DomainError(_("处置反馈需要至少一张处置后照片。"))
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_department_member(actor, case)
        _require_state(case, *WITH_DEPARTMENT)
        before = case.state
        due = case.handle_due_at or case.due_at
        case.state = State.FEEDBACK
        _set_step(case, Step.CHECK, at)
        case.save()
        event = _record(
            case,
            actor,
            "feedback",
            at,
            from_state=before,
            reason=note,
            completes=Step.HANDLE,
            due_at=due,
            department=case.department,
        )
        _attach(photos, case=case, event=event, purpose=Attachment.Purpose.FEEDBACK, actor=actor)
    return case


# -- check and close (核查结案) -------------------------------------------------------------------


def send_check(actor, case: Case, *, at: datetime | None = None) -> Task:
    """派发核查: the grid's supervisors go back and photograph the result."""
    require_role(actor, *INTAKE)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.FEEDBACK)
        before = case.state
        case.state = State.CHECKING
        task = _open_task(case, Task.Kind.CHECK, actor, at)
        case.save()
        # Sending the check is due with the check itself; this event says whether it left in time.
        _record(
            case,
            actor,
            "send_check",
            at,
            from_state=before,
            details={"task": task.pk},
            due_at=case.due_at,
            completes=None,
        )
    return task


def answer_task(
    actor,
    task: Task,
    *,
    passed: bool,
    note: str = "",
    photos=(),
    client_id: str | None = None,
    at: datetime | None = None,
) -> Task:
    """A supervisor's answer to a 核实 (the problem exists?) or 核查 (the problem is fixed?) task.
    The same client_id twice returns the first answer."""
    require_role(actor, Role.SUPERVISOR, Role.ADMIN)
    if client_id:
        existing = Task.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.answered_by_id != actor.pk:
                raise Conflict(_("该回复编号已被其他用户使用。"))
            return existing
    if not photos and actor.role == Role.SUPERVISOR:
        raise DomainError(_("核实/核查回复需要至少一张照片。"))
    at = _now(at)
    try:
        with transaction.atomic():
            task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
            _grid_supervisor_check(actor, task.responsibility_grid_id)
            if task.status != Task.Status.OPEN:
                raise Conflict(_("该任务已完成或已取消。"))
            case = _locked(task.case)
            expected = State.VERIFYING if task.kind == Task.Kind.VERIFY else State.CHECKING
            _require_state(case, expected)
            task.status = Task.Status.DONE
            task.passed = bool(passed)
            task.note = note.strip()
            task.answered_by = actor
            task.answered_at = at
            task.assignee = task.assignee or actor
            task.client_id = client_id or None
            task.save()
            before = case.state
            due = case.due_at
            if task.kind == Task.Kind.VERIFY:
                # Verified: back to intake with the answer; intake accepts (受理) or refuses.
                case.state = State.REPORTED
                _set_step(case, Step.ACCEPT, at)
                action, completes, purpose = "verify", Step.VERIFY, Attachment.Purpose.VERIFY
            else:
                case.state = State.CHECKED
                _set_step(case, Step.CLOSE, at)
                action, completes, purpose = "check", Step.CHECK, Attachment.Purpose.CHECK
            case.save()
            event = _record(
                case,
                actor,
                action,
                at,
                from_state=before,
                reason=task.note,
                completes=completes,
                due_at=due,
                details={"task": task.pk, "passed": task.passed},
            )
            _attach(photos, case=case, event=event, purpose=purpose, actor=actor)
    except IntegrityError:
        existing = Task.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing
    return task


def _last_check(case: Case) -> Task | None:
    return (
        case.tasks.filter(kind=Task.Kind.CHECK, status=Task.Status.DONE)
        .order_by("-answered_at", "-id")
        .first()
    )


def close(actor, case: Case, *, reason: str = "", at: datetime | None = None) -> Case:
    """结案: only when the 核查 confirmed the department's feedback."""
    require_role(actor, *CLOSERS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.CHECKED)
        check = _last_check(case)
        if check is None or not check.passed:
            raise Conflict(_("核查未通过，不能结案，请返工。"))
        before = case.state
        completes, due = case.step, case.due_at
        case.state = State.CLOSED
        case.closed_at = at
        _clear_step(case)
        case.save()
        _record(
            case,
            actor,
            "close",
            at,
            from_state=before,
            reason=reason,
            completes=completes,
            due_at=due,
            department=case.department,
        )
    return case


def rework(actor, case: Case, *, reason: str, at: datetime | None = None) -> Case:
    """返工: the check found the problem not fixed; back to the same department with a new limit."""
    reason = _require_reason(reason)
    require_role(actor, *DISPATCHERS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.CHECKED, State.FEEDBACK)
        if case.state == State.CHECKED:
            check = _last_check(case)
            if check is not None and check.passed:
                raise Conflict(_("核查已通过，无需返工。"))
        before = case.state
        case.state = State.HANDLING
        case.rework_count = F("rework_count") + 1
        _set_step(case, Step.HANDLE, at)
        case.handle_due_at = case.due_at
        case.save()
        case.refresh_from_db(fields=["rework_count"])
        _record(case, actor, "rework", at, from_state=before, reason=reason, department=case.department)
    return case


# -- exceptions -----------------------------------------------------------------------------------


def park(actor, case: Case, *, reason: str, at: datetime | None = None) -> Case:
    """挂账: a long-term or seasonal problem, set aside without a deadline (excluded from 立案数)."""
    reason = _require_reason(reason)
    require_role(actor, *REGISTRARS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, *PARKABLE)
        before = case.state
        case.state = State.PARKED
        _clear_step(case)
        case.save()
        _record(case, actor, "park", at, from_state=before, reason=reason, department=case.department)
    return case


def unpark(actor, case: Case, *, reason: str = "", at: datetime | None = None) -> Case:
    """解除挂账: back to the state it was parked from, with a fresh deadline for that step."""
    require_role(actor, *REGISTRARS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        _require_state(case, State.PARKED)
        parked = case.events.filter(action="park").order_by("-at", "-id").first()
        previous = parked.from_state if parked else State.REGISTERED
        step_of = {
            State.REGISTERED: Step.DISPATCH,
            State.RETURNED: Step.DISPATCH,
            State.DISPATCHED: Step.HANDLE,
            State.HANDLING: Step.HANDLE,
        }
        case.state = previous
        _set_step(case, step_of.get(previous, Step.DISPATCH), at)
        if case.step == Step.HANDLE:
            case.handle_due_at = case.due_at
        case.save()
        _record(case, actor, "unpark", at, from_state=State.PARKED, reason=reason, department=case.department)
    return case


def void(actor, case: Case, *, reason: str, at: datetime | None = None) -> Case:
    """作废: a wrong case (duplicate, test, nonsense). Counts against 准确立案率 once registered."""
    reason = _require_reason(reason)
    require_role(actor, *REGISTRARS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        if case.state in FINAL_STATES:
            _require_state(case, *[s for s in State.values if s not in FINAL_STATES])
        before = case.state
        case.state = State.VOIDED
        _clear_step(case)
        case.save()
        case.tasks.filter(status=Task.Status.OPEN).update(status=Task.Status.CANCELLED)
        case.extensions.filter(status=Extension.Status.PENDING).update(
            status=Extension.Status.REJECTED, decision_note=_("案件已作废")
        )
        _record(case, actor, "void", at, from_state=before, reason=reason, department=case.department)
    return case


def _notify(case: Case, actor, kind: str, note: str, at: datetime) -> None:
    """A reminder for the people now responsible for the case: its department, else the centre."""
    Reminder.objects.create(
        case=case,
        kind=kind,
        step=case.step,
        due_at=case.due_at,
        department=case.department,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=at,
        note=note,
    )


def supervise(actor, case: Case, *, note: str, at: datetime | None = None) -> Case:
    """督办 by a leader: the case is flagged and the handler sees the note at the top of the inbox."""
    note = _require_reason(note)
    require_role(actor, *LEADERS)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        if case.state in FINAL_STATES:
            raise Conflict(_("案件已办结，无需督办。"))
        case.supervised = True
        case.save(update_fields=["supervised", "updated_at"])
        _notify(case, actor, Reminder.Kind.SUPERVISED, note, at)
        _record(case, actor, "supervise", at, from_state=case.state, reason=note, department=case.department)
    return case


def supervise_department(
    actor, department: Department, *, note: str, at: datetime | None = None
) -> DepartmentSupervision:
    """督办 of a whole department by a leader: no case changes, so no CaseEvent; the immutable
    DepartmentSupervision record is the audit trail, and a notice (Reminder without a case) puts the
    note at the top of the inbox of everyone in that department. Both in one transaction."""
    require_role(actor, *LEADERS)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写督办意见。"))
    if "\x00" in note:
        raise DomainError(_("输入中含有不允许的控制字符。"))
    if not department.active:
        raise DomainError(_("部门「%(name)s」已停用，不能督办。") % {"name": department.name})
    at = _now(at)
    with transaction.atomic():
        supervision = DepartmentSupervision.objects.create(
            department=department, actor=actor, role=actor.role, at=at, note=note
        )
        Reminder.objects.create(
            kind=Reminder.Kind.SUPERVISED,
            department=department,
            created_by=actor,
            created_at=at,
            note=note,
            supervision=supervision,
        )
    return supervision


def urge(actor, case: Case, *, note: str, at: datetime | None = None) -> Case:
    """催办 by centre staff: a reminder to whoever holds the case now."""
    note = _require_reason(note)
    require_role(actor, *CENTRE_ROLES)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        if case.state in FINAL_STATES or case.state == State.PARKED:
            raise Conflict(_("案件不在办理中，无需催办。"))
        _notify(case, actor, Reminder.Kind.URGED, note, at)
        _record(case, actor, "urge", at, from_state=case.state, reason=note, department=case.department)
    return case


def set_key_case(actor, case: Case, *, key: bool, note: str = "", at: datetime | None = None) -> Case:
    """紧盯重点: a leader or shift leader flags (or unflags) a case to be watched closely. Setting
    the flag it already has changes nothing and records nothing."""
    require_role(actor, *LEADERS, Role.SHIFT_LEADER)
    at = _now(at)
    with transaction.atomic():
        case = _locked(case)
        if case.key_case == bool(key):
            return case  # already so: no second event for a repeated tap
        if key and case.state in FINAL_STATES:
            raise Conflict(_("案件已办结，无需紧盯。"))
        case.key_case = bool(key)
        case.save(update_fields=["key_case", "updated_at"])
        _record(case, actor, "key_case" if key else "unkey_case", at, from_state=case.state, reason=note)
    return case


def escalate(case: Case, *, at: datetime | None = None) -> bool:
    """Automatic 督办 of a case long overdue (called by the deadline scan): flags the case, records
    the event and leaves the leaders a reminder, all in one transaction. Compare-and-set: returns
    False when another worker escalated it first or the case moved on."""
    at = _now(at)
    with transaction.atomic():
        changed = (
            Case.objects.filter(pk=case.pk, supervised=False, due_at__lt=at)
            .exclude(state__in=list(FINAL_STATES) + [State.PARKED])
            .update(supervised=True)
        )
        if not changed:
            return False
        case = Case.objects.get(pk=case.pk)
        _record(
            case,
            None,
            "escalate",
            at,
            from_state=case.state,
            reason=_("超期自动督办"),
            department=case.department,
            details={"step": case.step, "due_at": case.due_at.isoformat()},
        )
        # In the same transaction: an escalation is never recorded without the leaders' reminder.
        Reminder.objects.create(
            case=case,
            kind=Reminder.Kind.ESCALATED,
            step=case.step or "",
            due_at=None,
            created_at=at,
            note=_("超期自动督办"),
        )
    return True
