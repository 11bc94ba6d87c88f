"""Bad input on every form of the centre's pages gives a form error or a message, never a 500."""

import pytest
from django.test import Client

from cases import workflow
from cases.models import Case

pytestmark = pytest.mark.django_db

GARBAGE = ["", "abc", "-1", "9" * 30, "2026-13-45T99:99", "2026-02-30T10:00", "\x00", "<script>", "1e309"]


def browser(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def case_in(state, people, report):
    case = report()
    steps = {
        "reported": [],
        "accepted": [lambda c: workflow.accept(people.carol, c)],
        "handling": [
            lambda c: workflow.accept(people.carol, c),
            lambda c: workflow.register(people.sam, c),
            lambda c: workflow.dispatch(people.dan, c, people.city_management),
            lambda c: workflow.accept_by_department(people.dora, c),
        ],
    }[state]
    for step in steps:
        case = step(case)
    return case


@pytest.mark.parametrize(
    "state, who, actions",
    [
        ("reported", "carol", ["accept", "merge", "refuse", "send-verification", "urge"]),
        ("accepted", "sam", ["register", "refuse-registration", "void", "key-case"]),
        ("handling", "dora", ["feedback", "extension", "return"]),
        ("handling", "dan", ["reassign", "urge"]),
        ("handling", "leo", ["supervise"]),
        ("handling", "sam", ["park", "void"]),
    ],
)
def test_garbage_posted_to_case_actions_is_never_a_500(people, report, state, who, actions):
    case = case_in(state, people, report)
    client = browser(getattr(people, who))
    for action in actions:
        for value in GARBAGE:
            data = {"reason": value, "department": value, "until": value, "other": value, "next": value}
            response = client.post(f"/case/{case.number}/do/{action}/", data)
            assert response.status_code in (302, 400, 403, 404), (action, value, response.status_code)
            case = Case.objects.get(pk=case.pk)


def test_garbage_in_list_filters_and_paging_is_never_a_500(people, report):
    report()
    client = browser(people.carol)
    for value in GARBAGE:
        params = {
            "number": value, "category": value, "state": value, "street": value, "community": value,
            "grid": value, "source": value, "date_from": value, "date_to": value, "department": value,
            "overdue": value, "page": value,
        }  # fmt: skip
        for path in ("/queue/intake/", "/board/overdue/", "/board/all/", "/export/board/all.xlsx"):
            response = client.get(path, params)
            assert response.status_code in (200, 400), (path, value, response.status_code)


def test_garbage_on_the_inbox_extension_and_supervision_forms_is_never_a_500(people, report):
    case = case_in("handling", people, report)
    workflow.request_extension(
        people.dora, case, until=case.handle_due_at.replace(year=case.handle_due_at.year + 1), reason="备料"
    )
    for value in GARBAGE:
        response = browser(people.dora).post("/inbox/", {"read": value})
        assert response.status_code in (200, 302, 400), ("inbox", value, response.status_code)
        response = browser(people.dora).get("/inbox/", {"number": value, "category": value, "overdue": value})
        assert response.status_code == 200, ("inbox filter", value, response.status_code)
        response = browser(people.sam).post(
            "/extensions/", {"extension": value, "decision": value, "note": value}
        )
        assert response.status_code in (200, 302, 400, 404), ("extensions", value, response.status_code)
        response = browser(people.leo).post("/supervise/department/", {"department": value, "note": value})
        assert response.status_code in (200, 302), ("supervise", value, response.status_code)
        for path in ("/map/grids.json", "/map/cases.json", "/map/coverage.json"):
            response = browser(people.leo).get(path, {"bbox": value, "zoom": value, "day": value})
            assert response.status_code in (200, 400), (path, value, response.status_code)
        response = browser(people.leo).get("/map/track/1/", {"day": value})
        assert response.status_code in (200, 400, 404), ("track", value, response.status_code)
        response = browser(people.carol).get("/live/", {"v": value, "cid": value, "eid": value, "rid": value})
        assert response.status_code in (200, 204), ("live", value, response.status_code)
