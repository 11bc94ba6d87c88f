"""The contract pages, the API and the printable sheet, as each person sees them."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from contract import assessment

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2024, 3, 1)


@pytest.fixture
def march_sheet(banded_contract, lena_the_leader):
    sheet = assessment.create_sheet(lena_the_leader, banded_contract, MARCH)
    assessment.set_item(
        lena_the_leader,
        sheet,
        "missed_reports",
        2,
        evidence={
            "figures": {"漏报数": 2},
            "cases": [{"id": 1, "number": "2024030100001"}, {"id": 2, "number": "2024030100002"}],
        },
    )
    return sheet


def test_the_leader_sees_the_sheet_with_its_evidence(client, lena_the_leader, march_sheet):
    client.force_login(lena_the_leader)
    page = client.get(f"/contract/assessments/{march_sheet.pk}/").content.decode()
    assert "月度考核表" in page
    assert "2024030100002" in page
    assert "中心审定" in page


def test_the_contractor_sees_its_own_sheet_but_another_contractor_does_not(
    client, carl_of_the_contractor, olga_of_another_contractor, march_sheet
):
    client.force_login(carl_of_the_contractor)
    assert client.get(f"/contract/assessments/{march_sheet.pk}/").status_code == 200
    client.force_login(olga_of_another_contractor)
    assert client.get(f"/contract/assessments/{march_sheet.pk}/").status_code == 404
    assert client.get(f"/api/contract/assessments/{march_sheet.pk}").status_code == 404


def test_the_api_refuses_to_change_an_approved_sheet(client, lena_the_leader, march_sheet):
    client.force_login(lena_the_leader)
    response = client.post(f"/api/contract/assessments/{march_sheet.pk}/approve")
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    response = client.put(
        f"/api/contract/assessments/{march_sheet.pk}/items/absence",
        {"quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "考核表已审定，不能修改"}


def test_the_api_drafts_a_sheet_and_sets_an_item(client, lena_the_leader, banded_contract):
    client.force_login(lena_the_leader)
    response = client.post(
        f"/api/contract/contracts/{banded_contract.pk}/assessments",
        {"month": "2024-04"},
        content_type="application/json",
    )
    assert response.status_code == 201
    sheet_id = response.json()["id"]
    response = client.put(
        f"/api/contract/assessments/{sheet_id}/items/absence",
        {"quantity": 12},
        content_type="application/json",
    )
    # 12 absence days × 1 point → 88 → band ≥ 80 → 80 % of 15,000 = 12,000
    assert response.json()["score"] == "88.00"
    assert response.json()["withheld_paid"] == "12000.00"
    assert (
        client.post(
            f"/api/contract/contracts/{banded_contract.pk}/assessments",
            {"month": "2024-13"},
            content_type="application/json",
        ).status_code
        == 400
    )


def test_the_contractor_acknowledges_through_the_page(
    client, lena_the_leader, carl_of_the_contractor, march_sheet
):
    assessment.approve(lena_the_leader, march_sheet)
    client.force_login(carl_of_the_contractor)
    assert "服务商确认" in client.get(f"/contract/assessments/{march_sheet.pk}/").content.decode()
    client.post(f"/contract/assessments/{march_sheet.pk}/acknowledge/")
    march_sheet.refresh_from_db()
    assert march_sheet.state == "acknowledged"


def test_the_sheet_prints_as_xlsx_and_pdf_in_chinese(client, lena_the_leader, march_sheet):
    client.force_login(lena_the_leader)
    response = client.get(f"/contract/assessments/{march_sheet.pk}.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    texts = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert "网格化管理信息采集服务月度考核表（2024年03月）" in texts
    assert any("2024030100001" in t for t in texts)
    assert any("服务商负责人（签字）" in t for t in texts)
    response = client.get(f"/contract/assessments/{march_sheet.pk}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_people_outside_the_centre_and_the_contractor_see_no_contracts(
    client, sam_the_supervisor, march_sheet
):
    client.force_login(sam_the_supervisor)
    assert client.get("/api/contract/contracts").status_code == 403
    assert client.get("/contract/").status_code == 403
