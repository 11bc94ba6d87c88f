"""The case API: the whole closed loop, each step allowed only to its role and scope.

Handlers only parse, call cases.workflow and render; permission and state checks live in the
workflow (and visibility in cases.queries).
"""

from datetime import date, datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.models import Department
from catalog.models import Category
from urbangrid.errors import DomainError, NotAllowed, NotFound

from . import workflow
from .models import Case, DepartmentSupervision, Extension, Reminder, Source, Task
from .queries import due_soon, overdue, visible_cases, visible_tasks

router = Router(tags=["cases"])

MAX_PHOTOS = 9


# -- schemas --------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    purpose: str
    url: str
    content_type: str
    width: int | None
    height: int | None
    exif_lon: float | None
    exif_lat: float | None
    event_id: int | None

    @staticmethod
    def resolve_url(obj):
        return obj.file.url


class EventOut(Schema):
    id: int
    action: str
    actor: str | None
    role: str
    at: datetime
    from_state: str
    to_state: str
    reason: str
    step: str
    due_at: datetime | None
    on_time: bool | None
    department: str | None
    details: dict

    @staticmethod
    def resolve_actor(obj):
        return str(obj.actor) if obj.actor_id else None

    @staticmethod
    def resolve_department(obj):
        return obj.department.name if obj.department_id else None


class TaskOut(Schema):
    id: int
    case_number: str
    kind: str
    status: str
    due_at: datetime | None
    created_at: datetime
    answered_at: datetime | None
    passed: bool | None
    note: str
    lon: float
    lat: float
    address: str
    category: str
    description: str

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number

    @staticmethod
    def resolve_lon(obj):
        return obj.case.lon

    @staticmethod
    def resolve_lat(obj):
        return obj.case.lat

    @staticmethod
    def resolve_address(obj):
        return obj.case.address

    @staticmethod
    def resolve_category(obj):
        return obj.case.category.minor_name

    @staticmethod
    def resolve_description(obj):
        return obj.case.description


class CaseOut(Schema):
    id: int
    number: str
    source: str
    kind: str
    category_id: int
    category: str
    state: str
    state_label: str
    step: str
    due_at: datetime | None
    overdue: bool
    lon: float
    lat: float
    unit_grid: str | None
    street: str | None
    community: str | None
    address: str
    description: str
    urgency: str
    department_id: int | None
    department: str | None
    reported_at: datetime
    closed_at: datetime | None
    key_case: bool
    supervised: bool

    @staticmethod
    def resolve_category(obj):
        return obj.category.minor_name

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.due_at is not None and obj.due_at < timezone.now()

    @staticmethod
    def resolve_unit_grid(obj):
        return obj.unit_grid.code if obj.unit_grid_id else None

    @staticmethod
    def resolve_street(obj):
        return obj.street.name if obj.street_id else None

    @staticmethod
    def resolve_community(obj):
        return obj.community.name if obj.community_id else None

    @staticmethod
    def resolve_department(obj):
        return obj.department.name if obj.department_id else None


class CaseDetailOut(CaseOut):
    component_id: int | None
    reporter: str | None
    handle_due_at: datetime | None
    merged_into: str | None
    merged_cases: list[str]
    events: list[EventOut]
    attachments: list[AttachmentOut]
    tasks: list[TaskOut]

    @staticmethod
    def resolve_reporter(obj):
        return str(obj.reporter) if obj.reporter_id else (obj.reporter_name or None)

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into.number if obj.merged_into_id else None

    @staticmethod
    def resolve_merged_cases(obj):
        return [c.number for c in obj.merged_cases.all()]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.select_related("actor", "department"))

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.select_related("case", "case__category"))


class ReportOut(Schema):
    """The answer to a report or a self-handled report: what the phone's outbox keeps (the number
    above all); the whole case with its history is at `url`. Built from the case in memory, so
    the answer costs no query."""

    id: int
    number: str
    state: str
    unit_grid: str | None
    address: str
    client_id: str | None
    reported_at: datetime
    url: str

    @staticmethod
    def resolve_unit_grid(obj):
        return obj.unit_grid.code if obj.unit_grid_id else None

    @staticmethod
    def resolve_url(obj):
        return reverse("api:case_detail", kwargs={"number": obj.number})


class ReportIn(Schema):
    source: str = Source.SUPERVISOR
    category_id: int
    lon: float
    lat: float
    description: str = ""
    address: str = ""
    component_id: int | None = None
    urgency: str | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    client_id: str | None = None


class SelfHandledIn(Schema):
    category_id: int
    lon: float
    lat: float
    description: str = ""
    address: str = ""
    component_id: int | None = None
    client_id: str | None = None


class ReasonIn(Schema):
    reason: str = ""


class DispatchIn(Schema):
    department_id: int
    reason: str = ""


class ExtensionIn(Schema):
    until: datetime
    reason: str


class ExtensionDecisionIn(Schema):
    approve: bool
    note: str = ""


class ExtensionOut(Schema):
    id: int
    case_number: str
    department: str
    requested_at: datetime
    requested_due_at: datetime
    reason: str
    status: str
    decision_note: str

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number

    @staticmethod
    def resolve_department(obj):
        return obj.department.name


class AnswerIn(Schema):
    passed: bool
    note: str = ""
    client_id: str | None = None


class NoteIn(Schema):
    note: str


class KeyIn(Schema):
    key: bool
    note: str = ""


class MergeIn(Schema):
    other: str
    reason: str = ""


class SuggestionOut(Schema):
    department_id: int | None
    department: str | None
    duplicates: list[CaseOut]


class ReminderOut(Schema):
    id: int
    case_number: str | None
    kind: str
    note: str
    created_at: datetime
    due_at: datetime | None

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number if obj.case_id else None


# -- helpers --------------------------------------------------------------------------------------

CASE_RELATED = ("category", "unit_grid", "street", "community", "department")


def _case(request, number: str) -> Case:
    case = visible_cases(request.user).select_related(*CASE_RELATED).filter(number=number).first()
    if case is None:
        raise NotFound(_("案件 %(number)s 不存在或您无权查看。") % {"number": number})
    return case


def _category(category_id: int) -> Category:
    from catalog import cache

    category = cache.category(category_id)  # the process's copy of the catalogue: no query
    if category is None:
        raise DomainError(_("案件类别不存在。"))
    return category


def _component(component_id: int | None):
    if component_id is None:
        return None
    from assets.models import Component

    component = Component.objects.filter(pk=component_id).first()
    if component is None:
        raise DomainError(_("部件不存在。"))
    return component


def _photos(files) -> list:
    files = list(files or [])
    if len(files) > MAX_PHOTOS:
        raise DomainError(_("照片最多 %(n)s 张。") % {"n": MAX_PHOTOS})
    return files


def _detail(case: Case) -> Case:
    return Case.objects.select_related(*CASE_RELATED, "reporter", "merged_into").get(pk=case.pk)


# -- intake ---------------------------------------------------------------------------------------


@router.post("/reports", response={201: ReportOut, 200: ReportOut}, summary="Report a problem (上报)")
def create_report(request, payload: Form[ReportIn], photos: File[list[UploadedFile]] = None):
    """Multipart form with 0–9 `photos`. A retry with the same client_id returns the first case (200)."""
    received = workflow.receive_report(
        request.user,
        source=payload.source,
        category=_category(payload.category_id),
        lon=payload.lon,
        lat=payload.lat,
        description=payload.description,
        address=payload.address,
        component=_component(payload.component_id),
        urgency=payload.urgency,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        photos=_photos(photos),
        client_id=payload.client_id,
    )
    return Status(201 if received.created else 200, received.case)


@router.post(
    "/self-handled", response={201: ReportOut, 200: ReportOut}, summary="Self-handled report (自处置)"
)
def create_self_handled(
    request,
    payload: Form[SelfHandledIn],
    before: File[list[UploadedFile]] = None,
    after: File[list[UploadedFile]] = None,
):
    received = workflow.receive_self_handled(
        request.user,
        category=_category(payload.category_id),
        lon=payload.lon,
        lat=payload.lat,
        before=_photos(before),
        after=_photos(after),
        description=payload.description,
        address=payload.address,
        component=_component(payload.component_id),
        client_id=payload.client_id,
    )
    return Status(201 if received.created else 200, received.case)


@router.get("/", response=list[CaseOut], summary="List cases visible to me, with filters")
@paginate(LimitOffsetPagination)
def list_cases(
    request,
    q: str = "",
    state: str = "",
    source: str = "",
    category_id: int | None = None,
    street_id: int | None = None,
    community_id: int | None = None,
    unit_grid: str = "",
    department_id: int | None = None,
    reported_from: date | None = None,
    reported_to: date | None = None,
    is_overdue: bool = False,
    is_due_soon: bool = False,
    key_case: bool | None = None,
):
    cases = visible_cases(request.user).select_related(*CASE_RELATED)
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(address__icontains=q) | Q(description__icontains=q))
    if state:
        cases = cases.filter(state__in=state.split(","))
    if source:
        cases = cases.filter(source__in=source.split(","))
    if category_id:
        cases = cases.filter(category_id=category_id)
    if street_id:
        cases = cases.filter(street_id=street_id)
    if community_id:
        cases = cases.filter(community_id=community_id)
    if unit_grid:
        cases = cases.filter(unit_grid__code=unit_grid)
    if department_id:
        cases = cases.filter(department_id=department_id)
    if reported_from:
        cases = cases.filter(reported_at__date__gte=reported_from)
    if reported_to:
        cases = cases.filter(reported_at__date__lte=reported_to)
    if is_overdue:
        cases = overdue(cases)
    if is_due_soon:
        cases = due_soon(cases)
    if key_case is not None:
        cases = cases.filter(key_case=key_case)
    return cases.order_by("-reported_at", "-id")


@router.get("/tasks", response=list[TaskOut], summary="My open 核实/核查 tasks")
def my_tasks(request, status: str = "open"):
    tasks = visible_tasks(request.user).select_related("case__category")
    if status:
        tasks = tasks.filter(status=status)
    return list(tasks.order_by("due_at", "id")[:200])


@router.post("/tasks/{task_id}/answer", response=TaskOut, summary="Answer a 核实/核查 task")
def answer_task(request, task_id: int, payload: Form[AnswerIn], photos: File[list[UploadedFile]] = None):
    task = visible_tasks(request.user).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("任务不存在或不在您负责的网格内。"))
    task = workflow.answer_task(
        request.user,
        task,
        passed=payload.passed,
        note=payload.note,
        photos=_photos(photos),
        client_id=payload.client_id,
    )
    return Task.objects.select_related("case__category").get(pk=task.pk)


@router.get("/reminders", response=list[ReminderOut], summary="Reminders, 催办 and 督办 for me")
def my_reminders(request, unread: bool = True):
    user = request.user
    reminders = Reminder.objects.select_related("case").filter(
        Q(recipient=user) | (Q(department_id=user.department_id) if user.department_id else Q(pk__in=[]))
    )
    if unread:
        reminders = reminders.filter(read_at__isnull=True)
    return list(reminders.order_by("-created_at")[:100])


@router.get("/extensions", response=list[ExtensionOut], summary="Extension requests (pending by default)")
def list_extensions(request, status: str = Extension.Status.PENDING):
    visible = visible_cases(request.user).values("pk")
    extensions = Extension.objects.select_related("case", "department").filter(case__in=visible)
    if status:
        extensions = extensions.filter(status=status)
    return list(extensions.order_by("requested_at")[:200])


@router.post(
    "/extensions/{extension_id}/decide", response=ExtensionOut, summary="Approve or refuse an extension"
)
def decide_extension(request, extension_id: int, payload: ExtensionDecisionIn):
    visible = visible_cases(request.user).values("pk")
    extension = get_object_or_404(Extension.objects.filter(case__in=visible), pk=extension_id)
    extension = workflow.decide_extension(request.user, extension, approve=payload.approve, note=payload.note)
    return Extension.objects.select_related("case", "department").get(pk=extension.pk)


class DepartmentSupervisionOut(Schema):
    id: int
    department_id: int
    department_name: str
    actor: str
    at: datetime
    note: str

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username


@router.post(
    "/departments/{department_id}/supervise",
    response={201: DepartmentSupervisionOut},
    summary="督办 a whole department (leaders)",
)
def supervise_department(request, department_id: int, payload: NoteIn):
    department = get_object_or_404(Department, pk=department_id)
    supervision = workflow.supervise_department(request.user, department, note=payload.note)
    return Status(
        201, DepartmentSupervision.objects.select_related("department", "actor").get(pk=supervision.pk)
    )


@router.get("/{number}", response=CaseDetailOut, summary="One case with its history")
def case_detail(request, number: str):
    return _detail(_case(request, number))


@router.get("/{number}/suggestion", response=SuggestionOut, summary="Suggested department and duplicates")
def suggestion(request, number: str):
    case = _case(request, number)
    if not request.user.is_centre_staff and not request.user.is_superuser:
        raise NotAllowed(_("仅指挥中心人员可查看派遣建议。"))
    department = workflow.suggest_department(case)
    duplicates = Case.objects.select_related(*CASE_RELATED).filter(
        pk__in=[c.pk for c in workflow.duplicate_candidates(case)]
    )
    return {
        "department_id": department.pk if department else None,
        "department": department.name if department else None,
        "duplicates": list(duplicates),
    }


def _department(department_id: int) -> Department:
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise DomainError(_("处置部门不存在。"))
    return department


# One endpoint per action; each calls its workflow function and returns the case.


@router.post("/{number}/accept", response=CaseDetailOut, summary="受理")
def accept(request, number: str, payload: ReasonIn):
    return _detail(workflow.accept(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/verification", response=TaskOut, summary="派发核实")
def send_verification(request, number: str):
    task = workflow.send_verification(request.user, _case(request, number))
    return Task.objects.select_related("case__category").get(pk=task.pk)


@router.post("/{number}/merge", response=CaseDetailOut, summary="合并重复上报")
def merge(request, number: str, payload: MergeIn):
    case = _case(request, number)
    other = _case(request, payload.other)
    return _detail(workflow.merge(request.user, case, other, reason=payload.reason))


@router.post("/{number}/register", response=CaseDetailOut, summary="立案")
def register(request, number: str, payload: ReasonIn):
    return _detail(workflow.register(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/refuse", response=CaseDetailOut, summary="不予立案 / 不予受理")
def refuse(request, number: str, payload: ReasonIn):
    return _detail(workflow.refuse_registration(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/dispatch", response=CaseDetailOut, summary="派遣 / 改派")
def dispatch(request, number: str, payload: DispatchIn):
    case = _case(request, number)
    return _detail(
        workflow.dispatch(request.user, case, _department(payload.department_id), reason=payload.reason)
    )


@router.post("/{number}/department-accept", response=CaseDetailOut, summary="部门签收")
def department_accept(request, number: str):
    return _detail(workflow.accept_by_department(request.user, _case(request, number)))


@router.post("/{number}/return", response=CaseDetailOut, summary="回退")
def return_to_centre(request, number: str, payload: ReasonIn):
    return _detail(workflow.return_to_centre(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/extensions", response={201: ExtensionOut}, summary="申请延期")
def request_extension(request, number: str, payload: ExtensionIn):
    extension = workflow.request_extension(
        request.user, _case(request, number), until=payload.until, reason=payload.reason
    )
    return Status(201, Extension.objects.select_related("case", "department").get(pk=extension.pk))


@router.post("/{number}/feedback", response=CaseDetailOut, summary="处置反馈 (multipart with photos)")
def feedback(request, number: str, note: Form[str], photos: File[list[UploadedFile]] = None):
    return _detail(
        workflow.give_feedback(request.user, _case(request, number), note=note, photos=_photos(photos))
    )


@router.post("/{number}/check", response=TaskOut, summary="派发核查")
def send_check(request, number: str):
    task = workflow.send_check(request.user, _case(request, number))
    return Task.objects.select_related("case__category").get(pk=task.pk)


@router.post("/{number}/close", response=CaseDetailOut, summary="结案")
def close(request, number: str, payload: ReasonIn):
    return _detail(workflow.close(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/rework", response=CaseDetailOut, summary="返工")
def rework(request, number: str, payload: ReasonIn):
    return _detail(workflow.rework(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/park", response=CaseDetailOut, summary="挂账")
def park(request, number: str, payload: ReasonIn):
    return _detail(workflow.park(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/unpark", response=CaseDetailOut, summary="解除挂账")
def unpark(request, number: str, payload: ReasonIn):
    return _detail(workflow.unpark(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/void", response=CaseDetailOut, summary="作废")
def void(request, number: str, payload: ReasonIn):
    return _detail(workflow.void(request.user, _case(request, number), reason=payload.reason))


@router.post("/{number}/supervise", response=CaseDetailOut, summary="督办")
def supervise(request, number: str, payload: NoteIn):
    return _detail(workflow.supervise(request.user, _case(request, number), note=payload.note))


@router.post("/{number}/urge", response=CaseDetailOut, summary="催办")
def urge(request, number: str, payload: NoteIn):
    return _detail(workflow.urge(request.user, _case(request, number), note=payload.note))


@router.post("/{number}/key", response=CaseDetailOut, summary="紧盯重点")
def key_case(request, number: str, payload: KeyIn):
    return _detail(
        workflow.set_key_case(request.user, _case(request, number), key=payload.key, note=payload.note)
    )
