import io

from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.demo import load_people
from accounts.models import Department, Role, User


def test_demo_people_staff_each_responsibility_grid_with_two_supervisors(town):
    load_people(io.StringIO(), {})
    assert list(town.rg_west.supervisors.order_by("username").values_list("username", flat=True)) == [
        "supervisor01",
        "supervisor02",
    ]
    assert list(town.rg_east.supervisors.order_by("username").values_list("username", flat=True)) == [
        "supervisor03",
        "supervisor04",
    ]
    assert User.objects.filter(role=Role.SUPERVISOR).count() == 48


def test_demo_people_have_a_street_office_per_street_and_a_handler_per_department(town):
    load_people(io.StringIO(), {})
    office = Department.objects.get(code="530114001")
    assert office.name == "龙城街道办事处"
    assert office.kind == Department.Kind.STREET_OFFICE
    assert User.objects.get(username="dept_530114001").department == office
    assert User.objects.get(username="dept_sthj").department.name == "昆明市生态环境局呈贡分局"


def test_demo_people_load_twice_gives_the_same_people(town):
    load_people(io.StringIO(), {})
    first = list(User.objects.order_by("username").values_list("username", "full_name", "phone"))
    load_people(io.StringIO(), {})
    assert list(User.objects.order_by("username").values_list("username", "full_name", "phone")) == first


def test_every_demo_login_works_with_the_demo_password(town):
    load_people(io.StringIO(), {})
    assert authenticate(username="supervisor48", password="demo1234") is not None
    assert authenticate(username="admin", password="demo1234").is_superuser


def test_demo_logins_prints_one_login_per_role(town):
    load_people(io.StringIO(), {})
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 8
    assert lines[0].split()[:3] == ["监督员", "supervisor01", "demo1234"]
    assert "dept_cgj" in out.getvalue()


def test_the_login_page_signs_in_a_demo_user(client, town):
    load_people(io.StringIO(), {})
    response = client.post("/accounts/login/", {"username": "intake1", "password": "demo1234"})
    assert response.status_code == 302
    assert client.get("/api/accounts/me").json()["role"] == "intake"


def test_a_reload_keeps_edits_made_since(town):
    load_people(io.StringIO(), {})
    User.objects.filter(username="intake1").update(full_name="李明")
    Department.objects.filter(code="cgj").update(phone="0871-12345678")
    town.rg_west.supervisors.set([User.objects.get(username="supervisor05")])
    load_people(io.StringIO(), {})
    assert User.objects.get(username="intake1").full_name == "李明"
    assert Department.objects.get(code="cgj").phone == "0871-12345678"
    assert list(town.rg_west.supervisors.values_list("username", flat=True)) == ["supervisor05"]
