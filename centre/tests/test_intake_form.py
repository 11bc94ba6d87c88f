"""The intake form's sub-type search: the same catalogue search the phone app uses ("jg" → 井盖),
and every bad input a form error."""

import pytest

from cases.models import Case

pytestmark = pytest.mark.django_db

GOOD = {"source": "public", "lon": "102.8525", "lat": "24.8815", "description": "路边垃圾堆放"}


def test_the_form_offers_a_search_box_over_the_catalogue_search_api(client, people, catalogue):
    client.force_login(people.carol)
    html = client.get("/report/new/").content.decode()
    assert 'data-api="/api/catalog/categories"' in html
    assert 'type="hidden" name="category"' in html
    assert "/static/centre/category_search.js" in html
    assert '<select name="category"' not in html


def test_the_search_the_form_calls_finds_a_sub_type_by_pinyin_initials_for_centre_staff(
    client, people, catalogue
):
    client.force_login(people.carol)
    found = client.get("/api/catalog/categories", {"q": "jg", "limit": 12}).json()
    assert [c["minor_name"] for c in found] == ["污水井盖"]
    assert [c["minor_name"] for c in client.get("/api/catalog/categories", {"q": "垃圾"}).json()] == [
        "暴露垃圾"
    ]


def test_a_form_returned_with_an_error_keeps_the_chosen_sub_type(client, people, catalogue):
    client.force_login(people.carol)
    response = client.post("/report/new/", {**GOOD, "category": catalogue.cover.pk, "lon": "abc"})
    assert response.status_code == 200 and response.context["form"].errors["lon"]
    html = response.content.decode()
    assert f'name="category" value="{catalogue.cover.pk}"' in html
    assert 'value="污水井盖（市政公用设施·GB 01002）"' in html


@pytest.mark.parametrize(
    "changes",
    [
        {"category": ""},
        {"category": "abc"},
        {"category": "999999"},
        {"category": "1 OR 1=1"},
        {"lon": ""},
        {"lat": "91"},
        {"lon": "nan"},
        {"description": ""},
        {"source": "supervisor"},
        {"reporter_phone": "1" * 41},
    ],
)
def test_bad_input_on_the_intake_form_is_a_form_error(client, people, catalogue, changes):
    client.force_login(people.carol)
    data = {**GOOD, "category": catalogue.garbage.pk, **changes}
    response = client.post("/report/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Case.objects.exists()


def test_an_inactive_sub_type_is_refused_on_the_form(client, people, catalogue):
    catalogue.garbage.active = False
    catalogue.garbage.save()
    client.force_login(people.carol)
    response = client.post("/report/new/", {**GOOD, "category": catalogue.garbage.pk})
    assert "所选小类不存在或已停用" in response.content.decode()
    assert not Case.objects.exists()
