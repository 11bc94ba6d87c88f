"""The case page: what each viewer sees and the actions they may take, all through the workflow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import DepartmentSupervision, Extension, Reminder, State

pytestmark = pytest.mark.django_db


def act(client, case, action, **data):
    return client.post(f"/case/{case.number}/do/{action}/", data)


def slugs(response):
    return [a.slug for a in response.context["actions"]]


def test_intake_sees_the_registration_condition_and_may_accept_or_refuse(client, people, report):
    case = report()
    client.force_login(people.carol)
    response = client.get(f"/case/{case.number}/")
    assert response.status_code == 200
    assert "井盖缺失、破损或移位" in response.content.decode()
    assert slugs(response) == ["accept", "merge", "refuse", "urge"]


def test_a_public_report_offers_verification_before_acceptance(client, people, catalogue):
    from cases.models import Source

    case = workflow.report(
        people.carol, source=Source.PUBLIC, category=catalogue.cover, lon=102.8505, lat=24.8805,
        reporter_name="市民张先生", reporter_phone="13800000000",
    )  # fmt: skip
    client.force_login(people.carol)
    assert "send-verification" in slugs(client.get(f"/case/{case.number}/"))
    assert "accept" not in slugs(client.get(f"/case/{case.number}/"))
    act(client, case, "send-verification")
    case.refresh_from_db()
    assert case.state == State.VERIFYING


def test_each_role_moves_the_case_on_through_the_page(client, people, report):
    case = report()
    client.force_login(people.carol)
    act(client, case, "accept")
    client.force_login(people.sam)
    act(client, case, "register")
    client.force_login(people.dan)
    response = act(client, case, "dispatch", department=people.city_management.pk)
    assert response.status_code == 302 and response["Location"] == f"/case/{case.number}/"
    case.refresh_from_db()
    assert (case.state, case.department) == (State.DISPATCHED, people.city_management)
    client.force_login(people.dora)
    act(client, case, "department-accept")
    case.refresh_from_db()
    assert case.state == State.HANDLING
    assert [e.action for e in case.events.order_by("at", "id")] == [
        "report", "accept", "register", "dispatch", "department_accept"
    ]  # fmt: skip


def test_overriding_the_suggested_department_without_a_reason_changes_nothing(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    client.force_login(people.dan)
    response = act(client, case, "dispatch", department=people.water_company.pk)
    case.refresh_from_db()
    assert case.state == State.REGISTERED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["请填写原因。"]
    act(client, case, "dispatch", department=people.water_company.pk, reason="该井盖属自来水公司")
    case.refresh_from_db()
    assert (case.state, case.department) == (State.DISPATCHED, people.water_company)


def test_a_wrong_role_is_refused_on_the_server_even_without_the_button(client, people, report):
    case = report()
    client.force_login(people.dan)
    assert act(client, case, "accept").status_code == 403
    case.refresh_from_db()
    assert case.state == State.REPORTED


def test_a_handler_of_another_department_cannot_see_the_case(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    workflow.dispatch(people.dan, case, people.city_management)
    client.force_login(people.erin)
    assert client.get(f"/case/{case.number}/").status_code == 404
    assert act(client, case, "department-accept").status_code == 404
    client.force_login(people.dora)
    assert slugs(client.get(f"/case/{case.number}/")) == [
        "department-accept",
        "feedback",
        "extension",
        "return",
    ]


def test_a_return_needs_a_reason_and_the_dispatcher_reassigns(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    workflow.dispatch(people.dan, case, people.city_management)
    client.force_login(people.dora)
    act(client, case, "return")
    case.refresh_from_db()
    assert case.state == State.DISPATCHED
    act(client, case, "return", reason="井盖属自来水公司")
    case.refresh_from_db()
    assert (case.state, case.department, case.return_count) == (State.RETURNED, None, 1)
    # dora still sees the case she returned, without actions.
    assert slugs(client.get(f"/case/{case.number}/")) == []
    client.force_login(people.dan)
    act(client, case, "dispatch", department=people.water_company.pk, reason="改派自来水公司")
    case.refresh_from_db()
    assert (case.state, case.department) == (State.DISPATCHED, people.water_company)
    assert case.events.filter(action="reassign").count() == 1


def test_an_extension_is_asked_for_and_approved_by_the_shift_leader(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    case = workflow.dispatch(people.dan, case, people.city_management)
    until = timezone.localtime(case.handle_due_at + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(people.dora)
    act(client, case, "extension", until=until.strftime("%Y-%m-%dT%H:%M"), reason="需采购井盖")
    extension = Extension.objects.get(case=case)
    assert extension.status == Extension.Status.PENDING
    client.force_login(people.dan)
    html = client.get("/extensions/").content.decode()
    assert case.number in html and "由值班长审批" in html
    client.force_login(people.sam)
    client.post("/extensions/", {"extension": extension.pk, "decision": "approve", "note": ""})
    case.refresh_from_db()
    assert case.handle_due_at == until


def test_a_rejected_extension_needs_a_note(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    case = workflow.dispatch(people.dan, case, people.city_management)
    extension = workflow.request_extension(
        people.dora, case, until=case.handle_due_at + timedelta(days=1), reason="需采购"
    )
    client.force_login(people.sam)
    client.post("/extensions/", {"extension": extension.pk, "decision": "reject", "note": ""})
    extension.refresh_from_db()
    assert extension.status == Extension.Status.PENDING
    client.post("/extensions/", {"extension": extension.pk, "decision": "reject", "note": "库存有井盖"})
    extension.refresh_from_db()
    assert extension.status == Extension.Status.REJECTED


def test_a_leaders_supervision_of_a_case_is_on_top_of_the_handlers_inbox(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    workflow.dispatch(people.dan, case, people.city_management)
    client.force_login(people.leo)
    act(client, case, "supervise", reason="今天下班前处理完毕")
    client.force_login(people.dora)
    response = client.get("/inbox/")
    notices = response.context["notices"]
    assert [(n.kind, n.note) for n in notices] == [(Reminder.Kind.SUPERVISED, "今天下班前处理完毕")]
    html = response.content.decode()
    assert html.index("今天下班前处理完毕") < html.index('class="inbox"')


def test_a_leader_supervises_a_whole_department(client, people):
    client.force_login(people.leo)
    response = client.post(
        "/supervise/department/", {"department": people.water_company.pk, "note": "本周超期案件过多"}
    )
    assert response.status_code == 302
    supervision = DepartmentSupervision.objects.get()
    assert (supervision.department, supervision.actor, supervision.note) == (
        people.water_company,
        people.leo,
        "本周超期案件过多",
    )
    assert "本周超期案件过多" in client.get("/supervise/department/").content.decode()  # the record, listed
    client.force_login(people.erin)
    assert [n.note for n in client.get("/inbox/").context["notices"]] == ["本周超期案件过多"]
    client.force_login(people.dora)
    assert client.get("/inbox/").context["notices"] == []
    client.force_login(people.carol)
    assert (
        client.post(
            "/supervise/department/", {"department": people.water_company.pk, "note": "x"}
        ).status_code
        == 403
    )
    assert DepartmentSupervision.objects.count() == 1


def test_a_department_supervision_stays_on_top_of_newer_deadline_reminders(client, people):
    workflow.supervise_department(people.leo, people.water_company, note="本月处置率偏低", at=timezone.now())
    later = timezone.now() + timedelta(minutes=5)
    Reminder.objects.bulk_create(
        Reminder(
            kind=Reminder.Kind.OVERDUE, department=people.water_company, created_at=later, note=f"超期 {n}"
        )
        for n in range(30)
    )
    client.force_login(people.erin)
    response = client.get("/inbox/")
    notices = response.context["notices"]
    assert (notices[0].kind, notices[0].note) == (Reminder.Kind.SUPERVISED, "本月处置率偏低")
    assert len(notices) == 20
    html = response.content.decode()
    assert html.index("本月处置率偏低") < html.index("超期 29")


@pytest.mark.parametrize(
    "data",
    [
        {"department": "", "note": "督办"},
        {"department": "abc", "note": "督办"},
        {"department": "999999", "note": "督办"},
        {"note": "督办"},
        {"department": "1", "note": ""},
        {"department": "1", "note": "   "},
    ],
)
def test_bad_input_on_the_department_supervision_form_is_a_form_error(client, people, data):
    if data.get("department") == "1":
        data = {**data, "department": str(people.water_company.pk)}
    client.force_login(people.leo)
    response = client.post("/supervise/department/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert not DepartmentSupervision.objects.exists()


def test_a_handler_marks_a_notice_read(client, people):
    workflow.supervise_department(people.leo, people.water_company, note="加快处置")
    notice = Reminder.objects.get()
    client.force_login(people.erin)
    client.post("/inbox/", {"read": notice.pk})
    assert client.get("/inbox/").context["notices"] == []


def test_intake_enters_a_hotline_report_located_by_its_position(client, people, catalogue):
    client.force_login(people.carol)
    response = client.post(
        "/report/new/",
        {
            "source": "public", "category": catalogue.garbage.pk, "lon": "102.8525", "lat": "24.8815",
            "description": "路边垃圾堆放", "reporter_name": "市民王女士", "reporter_phone": "13900000000",
        },
    )  # fmt: skip
    from cases.models import Case

    case = Case.objects.get()
    assert response["Location"] == f"/case/{case.number}/"
    assert (case.source, case.unit_grid.code, case.reporter_name) == (
        "public",
        "530114001002001",
        "市民王女士",
    )


def test_a_report_outside_the_district_is_refused_on_the_form(client, people, catalogue):
    client.force_login(people.carol)
    response = client.post(
        "/report/new/",
        {
            "source": "public",
            "category": catalogue.garbage.pk,
            "lon": "100.0",
            "lat": "20.0",
            "description": "x",
        },
    )
    assert response.status_code == 200
    assert "不在本区网格范围内" in response.content.decode()


def test_the_dispatcher_reassigns_a_case_a_department_holds(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    workflow.dispatch(people.dan, case, people.city_management)
    client.force_login(people.dan)
    act(client, case, "reassign", department=people.water_company.pk, reason="属供水设施")
    case.refresh_from_db()
    assert (case.state, case.department) == (State.DISPATCHED, people.water_company)


def test_a_notice_about_a_case_since_voided_leaves_the_inbox_and_its_count(client, people, report):
    kept, done = report(), report()
    for case in (kept, done):
        workflow.accept(people.carol, case)
        workflow.register(people.sam, case)
        workflow.dispatch(people.dan, case, people.city_management)
        workflow.urge(people.dan, case, note=f"请尽快处置 {case.number}")
    workflow.supervise_department(people.leo, people.city_management, note="本周清零")
    workflow.void(people.sam, done, reason="重复上报")
    client.force_login(people.dora)
    notices = client.get("/inbox/").context["notices"]
    # 督办 of the department first; the urge about the voided case is gone, the other one stays.
    assert [(n.kind, n.case_id) for n in notices] == [
        (Reminder.Kind.SUPERVISED, None),
        (Reminder.Kind.URGED, kept.pk),
    ]
    assert client.get("/live/").context["notices"] == 2
