"""Open311 GeoReport v2: services, posting a request with an api_key, reading requests, errors."""

from xml.etree import ElementTree as ET

import pytest

from accounts.models import ApiToken, Role
from accounts.testing import make_people, make_user
from cases import workflow
from cases.models import Case, Source
from catalog.models import Category, Kind
from geo import spatial
from geo.testing import make_small_geography

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture(autouse=True)
def fresh_index():
    spatial.reset_index()
    yield
    spatial.reset_index()


@pytest.fixture
def city(db):
    town = make_small_geography()
    people = make_people(town)
    garbage = Category.objects.create(
        scheme="GB/T 47678.5-2026",
        kind=Kind.EVENT,
        major_code="06",
        major_name="市容环境",
        minor_code="06001",
        minor_name="暴露垃圾",
        pinyin_initials="blj",
        department=people.city_management,
    )
    Category.objects.create(
        scheme="CJ/T 214-2007",
        kind=Kind.EVENT,
        major_code="01",
        major_name="市容环境",
        minor_code="0101",
        minor_name="暴露垃圾",
    )
    hotline = make_user("hotline", Role.INTAKE)
    _, key = ApiToken.issue(hotline, "12345 热线")
    return {"people": people, "garbage": garbage, "key": key, "hotline": hotline}


def post(client, **fields):
    return client.post("/open311/v2/requests.json", fields)


def test_services_list_the_current_scheme_only(client, city):
    services = client.get("/open311/v2/services.json").json()
    assert services == [
        {
            "service_code": "E06001",
            "service_name": "暴露垃圾",
            "description": "事件 · 市容环境 · 暴露垃圾",
            "metadata": False,
            "type": "realtime",
            "keywords": ["blj"],
            "group": "市容环境",
        }
    ]


def test_services_in_xml(client, city):
    response = client.get("/open311/v2/services.xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services" and root.find("service/service_code").text == "E06001"


def test_posting_a_request_makes_a_public_case_waiting_for_verification(client, city):
    response = post(
        client,
        api_key=city["key"],
        service_code="E06001",
        lat="24.8805",
        long="102.8505",
        description="路边有垃圾堆",
        first_name="三",
        last_name="张",
        phone="13800000000",
    )
    assert response.status_code == 201
    number = response.json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert (case.source, case.state, case.reporter_name) == (Source.PUBLIC, "reported", "张 三")
    listed = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert set(listed) == REQUEST_FIELDS
    assert listed["status"] == "open" and listed["address_id"] == "530114001001003"
    assert "13800000000" not in str(listed) and "张" not in str(listed)  # no personal data out


def test_a_retry_with_the_same_client_request_id_makes_one_case(client, city):
    for _ in range(2):
        post(
            client,
            api_key=city["key"],
            service_code="E06001",
            lat="24.8805",
            long="102.8505",
            client_request_id="hotline-77",
        )
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({"service_code": "E06001", "lat": "24.8805", "long": "102.8505"}, 403, "api_key"),
        (
            {"api_key": "KEY", "service_code": "E99999", "lat": "24.8805", "long": "102.8505"},
            400,
            "service_code",
        ),
        ({"api_key": "KEY", "service_code": "E06001", "address_string": "某路"}, 400, "lat"),
        ({"api_key": "KEY", "service_code": "E06001", "lat": "north", "long": "102.8505"}, 400, "lat"),
        ({"api_key": "KEY", "service_code": "E06001", "lat": "25.5", "long": "101.0"}, 400, "不在"),
    ],
    ids=["no-key", "unknown-service", "no-position", "bad-lat", "outside"],
)
def test_bad_posts_are_open311_errors_and_write_nothing(client, city, fields, status, words):
    fields = {k: (city["key"] if v == "KEY" else v) for k, v in fields.items()}
    response = post(client, **fields)
    assert response.status_code == status
    error = response.json()[0]
    assert error["code"] == status and words in error["description"]
    assert not Case.objects.exists()


def test_a_key_of_a_supervisor_cannot_pose_as_the_public(client, city):
    _, key = ApiToken.issue(city["people"].alice, "phone")
    response = post(client, api_key=key, service_code="E06001", lat="24.8805", long="102.8505")
    assert response.status_code == 403


def test_requests_filter_by_status_and_closed_ones_say_why(client, city):
    people = city["people"]
    case = workflow.report(
        city["hotline"], source=Source.PUBLIC, category=city["garbage"], lon=102.8505, lat=24.8805
    )
    workflow.report(
        city["hotline"], source=Source.PUBLIC, category=city["garbage"], lon=102.8525, lat=24.8815
    )
    workflow.refuse_registration(people.carol, case, reason="重复举报")
    closed = client.get("/open311/v2/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in closed] == [case.number]
    assert closed[0]["status_notes"] == "不予立案：重复举报"
    assert len(client.get("/open311/v2/requests.json?status=open").json()) == 1
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400


def test_an_unknown_request_is_a_404_in_the_asked_format(client, city):
    response = client.get("/open311/v2/requests/nope.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).find("error/code").text == "404"


def test_requests_filter_by_service_code(client, city):
    workflow.report(
        city["hotline"], source=Source.PUBLIC, category=city["garbage"], lon=102.8505, lat=24.8805
    )
    assert len(client.get("/open311/v2/requests.json?service_code=E06001").json()) == 1
    assert client.get("/open311/v2/requests.json?service_code=C06001").json() == []
    assert client.get("/open311/v2/services/E06001.json").json() == {
        "service_code": "E06001",
        "attributes": [],
    }
    assert client.get("/open311/v2/services/X1.json").status_code == 404


@pytest.mark.parametrize("value", ["abc", "2024-13-45T00:00:00Z", "2024-02-30T25:61:00+08:00"])
def test_a_bad_or_impossible_date_filter_is_a_400_that_names_the_parameter(client, city, value):
    response = client.get(f"/open311/v2/requests.json?start_date={value}")
    assert response.status_code == 400
    assert "start_date must be a w3 datetime" in response.json()[0]["description"]
