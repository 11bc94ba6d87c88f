"""督办 of a whole department: only leaders, with a note; an immutable record and a notice for the
department's inbox, written together; the same over HTTP."""

import pytest

from cases import workflow
from cases.models import DepartmentSupervision, ImmutableError, Reminder

pytestmark = pytest.mark.django_db


def test_a_leader_supervises_a_department_leaving_a_record_and_a_notice(people):
    supervision = workflow.supervise_department(people.leo, people.water_company, note=" 本周超期案件过多 ")
    assert (supervision.department, supervision.actor, supervision.role, supervision.note) == (
        people.water_company,
        people.leo,
        "leader",
        "本周超期案件过多",
    )
    notice = Reminder.objects.get()
    assert (
        notice.kind,
        notice.case,
        notice.department,
        notice.created_by,
        notice.note,
        notice.supervision,
    ) == (
        Reminder.Kind.SUPERVISED,
        None,
        people.water_company,
        people.leo,
        "本周超期案件过多",
        supervision,
    )
    assert notice.created_at == supervision.at


def test_the_record_of_a_department_supervision_can_be_neither_changed_nor_deleted(people):
    supervision = workflow.supervise_department(people.leo, people.water_company, note="加快处置")
    supervision.note = "改过的意见"
    with pytest.raises(ImmutableError):
        supervision.save()
    with pytest.raises(ImmutableError):
        supervision.delete()
    with pytest.raises(ImmutableError):
        DepartmentSupervision.objects.all().delete()
    with pytest.raises(ImmutableError):
        DepartmentSupervision.objects.update(note="x")
    assert DepartmentSupervision.objects.get().note == "加快处置"


@pytest.mark.parametrize("who", ["sam", "carol", "dan", "erin", "alice"])
def test_only_leaders_supervise_a_department(people, who):
    with pytest.raises(workflow.NotAllowed):
        workflow.supervise_department(getattr(people, who), people.water_company, note="督办")
    assert not DepartmentSupervision.objects.exists() and not Reminder.objects.exists()


def test_a_department_supervision_needs_a_note_and_an_active_department(people):
    with pytest.raises(workflow.DomainError, match="督办意见"):
        workflow.supervise_department(people.leo, people.water_company, note="  ")
    people.water_company.active = False
    people.water_company.save()
    with pytest.raises(workflow.DomainError, match="已停用"):
        workflow.supervise_department(people.leo, people.water_company, note="督办")
    assert not DepartmentSupervision.objects.exists() and not Reminder.objects.exists()


def test_a_failed_notice_leaves_no_record(people, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Reminder.objects, "create", broken)
    with pytest.raises(RuntimeError):
        workflow.supervise_department(people.leo, people.water_company, note="督办")
    assert not DepartmentSupervision.objects.exists()


def test_a_leader_supervises_a_department_over_the_api(client, people):
    client.force_login(people.leo)
    response = client.post(
        f"/api/cases/departments/{people.water_company.pk}/supervise",
        {"note": "本周超期案件过多"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["department_name"], body["actor"], body["note"]) == (
        "呈贡区自来水有限公司",
        "leo",
        "本周超期案件过多",
    )
    client.force_login(people.erin)
    assert [(r["kind"], r["case_number"], r["note"]) for r in client.get("/api/cases/reminders").json()] == [
        ("supervised", None, "本周超期案件过多")
    ]


def test_the_api_refuses_other_roles_blank_notes_and_unknown_departments(client, people):
    url = f"/api/cases/departments/{people.water_company.pk}/supervise"
    client.force_login(people.sam)
    assert client.post(url, {"note": "督办"}, content_type="application/json").status_code == 403
    client.force_login(people.leo)
    assert client.post(url, {"note": ""}, content_type="application/json").status_code == 400
    assert client.post(url, {"note": "督\x00办"}, content_type="application/json").status_code == 400
    assert client.post(url, {}, content_type="application/json").status_code in (400, 422)
    assert (
        client.post(
            "/api/cases/departments/999999/supervise", {"note": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert not DepartmentSupervision.objects.exists()
