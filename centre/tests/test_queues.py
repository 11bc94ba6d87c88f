"""Work queues, boards and filters: each role sees its own queue, most pressing first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow

from .conftest import EAST_POINT

pytestmark = pytest.mark.django_db


def numbers(response):
    return [case.number for case in response.context["items"]]


def test_the_intake_queue_lists_new_reports_most_pressing_first(client, people, report):
    now = timezone.now()
    later = report(at=now - timedelta(minutes=1))
    earlier = report(at=now - timedelta(minutes=8))
    accepted = report(at=now - timedelta(minutes=5))
    workflow.accept(people.carol, accepted)
    client.force_login(people.carol)
    response = client.get("/queue/intake/")
    assert response.status_code == 200
    assert numbers(response) == [earlier.number, later.number]


def test_a_dispatcher_may_not_open_the_intake_queue(client, people):
    client.force_login(people.dan)
    assert client.get("/queue/intake/").status_code == 403


def test_handlers_may_not_open_any_centre_list(client, people):
    client.force_login(people.dora)
    for url in ("/queue/dispatch/", "/board/overdue/", "/board/all/", "/extensions/", "/screen/"):
        assert client.get(url).status_code == 403, url


def test_the_dispatch_queue_preselects_the_suggested_department(client, people, report, catalogue):
    case = report(category=catalogue.garbage)
    workflow.accept(people.carol, case)
    workflow.register(people.sam, case)
    client.force_login(people.dan)
    response = client.get("/queue/dispatch/")
    assert numbers(response) == [case.number]
    assert response.context["suggestions"][case.pk] == people.water_company
    html = response.content.decode()
    assert f'<option value="{people.water_company.pk}" selected>呈贡区自来水有限公司（建议）</option>' in html


def test_filters_narrow_any_list_by_street_category_and_overdue(client, people, report, catalogue):
    now = timezone.now()
    overdue = report(at=now - timedelta(minutes=30))  # accept limit 10 min
    fresh_garbage = report(category=catalogue.garbage, point=EAST_POINT, at=now)
    client.force_login(people.sam)
    assert numbers(client.get("/board/all/?overdue=on")) == [overdue.number]
    assert numbers(client.get("/board/all/?category=06001")) == [fresh_garbage.number]
    assert numbers(client.get("/board/all/?category=井盖")) == [overdue.number]
    assert numbers(client.get("/board/all/?community=530114001002")) == [fresh_garbage.number]
    assert numbers(client.get(f"/board/all/?number={overdue.number[-3:]}")) == [overdue.number]
    assert numbers(client.get("/board/all/?grid=530114001001")) == [overdue.number]
    assert numbers(client.get("/board/all/?state=reported&source=video")) == [
        fresh_garbage.number,
        overdue.number,
    ]


def test_the_overdue_and_due_soon_boards_split_by_deadline(client, people, report):
    now = timezone.now()
    overdue = report(at=now - timedelta(minutes=30))
    due_soon = report(at=now - timedelta(minutes=2))
    client.force_login(people.leo)
    assert numbers(client.get("/board/overdue/")) == [overdue.number]
    assert numbers(client.get("/board/due-soon/")) == [due_soon.number]


def test_key_cases_are_safety_hazards_and_cases_a_leader_supervises(client, people, report, catalogue):
    cover = report()  # a safety hazard: key from the start
    garbage = report(category=catalogue.garbage, point=EAST_POINT)
    quiet = report(category=catalogue.garbage, point=EAST_POINT)
    workflow.supervise(people.leo, garbage, note="三天内必须清理")
    client.force_login(people.leo)
    assert sorted(numbers(client.get("/board/key/"))) == sorted([cover.number, garbage.number])
    assert quiet.number not in numbers(client.get("/board/key/"))


def test_the_filtered_list_exports_to_xlsx(client, people, report, catalogue):
    import io

    from openpyxl import load_workbook

    report()
    garbage = report(category=catalogue.garbage, point=EAST_POINT)
    client.force_login(people.sam)
    response = client.get("/export/board/all.xlsx?category=06001")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("案件号", "上报时间", "来源", "小类代码", "小类")
    assert [r[0] for r in rows[1:]] == [garbage.number]
    assert rows[1][4] == "暴露垃圾" and rows[1][5] == "待受理" and rows[1][7] == "东社区"


def test_the_export_stops_at_its_limit_and_says_so(client, people, report, monkeypatch):
    import io

    from openpyxl import load_workbook

    from centre import export

    monkeypatch.setattr(export, "EXPORT_LIMIT", 2)
    for _ in range(3):
        report()
    client.force_login(people.sam)
    response = client.get("/export/board/all.xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(rows) == 4  # header, two cases, the note
    assert rows[3][0] == "仅导出前2条，请缩小筛选范围。"


def test_a_queue_export_keeps_the_queues_permission(client, people):
    client.force_login(people.dan)
    assert client.get("/export/queue/intake.xlsx").status_code == 403


def test_the_intake_queue_flags_a_likely_duplicate_report(client, people, report):
    first = report()
    second = report()  # same sub-type, same place, minutes apart
    client.force_login(people.carol)
    items = {c.number: c for c in client.get("/queue/intake/").context["items"]}
    assert items[first.number].duplicates == 1 and items[second.number].duplicates == 1
    page = client.get(f"/case/{second.number}/")
    assert [d.number for d in page.context["duplicates"]] == [first.number]
    client.post(f"/case/{second.number}/do/merge/", {"other": first.number, "reason": "同一井盖"})
    second.refresh_from_db()
    assert (second.state, second.merged_into) == ("merged", first)


def test_the_registration_queue_shows_the_condition_and_registers_in_one_click(client, people, report):
    case = report()
    workflow.accept(people.carol, case)
    client.force_login(people.sam)
    html = client.get("/queue/registration/").content.decode()
    assert "井盖缺失、破损或移位" in html
    response = client.post(f"/case/{case.number}/do/register/", {"next": "/queue/registration/"})
    assert response["Location"] == "/queue/registration/"
    case.refresh_from_db()
    assert case.state == "registered"


def test_the_page_wide_duplicate_count_agrees_with_the_workflows_rule(people, report, catalogue):
    from datetime import timedelta

    from django.utils import timezone

    from centre.queries import duplicate_counts

    now = timezone.now()
    a = report(at=now)
    b = report(point=(102.8507, 24.8806), at=now - timedelta(days=2))  # ~22 m away
    c = report(point=(102.8515, 24.8805), at=now)  # ~100 m away: not a duplicate
    d = report(category=catalogue.garbage, at=now)  # same place, other sub-type
    e = report(at=now - timedelta(days=9))  # same place, too long ago for a
    cases = [a, b, c, d, e]
    expected = {case.pk: len(workflow.duplicate_candidates(case)) for case in cases}
    assert duplicate_counts(cases) == expected
    assert expected == {a.pk: 1, b.pk: 2, c.pk: 0, d.pk: 0, e.pk: 1}
