"""A 核查 answered from alice's phone: the department said it fixed the cover; alice goes and looks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases import workflow
from cases.models import Attachment, Source, State, Task
from mobile.tests.conftest import open_screen, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_upload(name):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def check_task(alice, centre, catalogue):
    """alice reported a broken cover; dora (城管局) says she replaced it; carol sends the 核查."""
    case = workflow.report(
        alice,
        source=Source.SUPERVISOR,
        category=catalogue["污水井盖"],
        lon=102.8504,
        lat=24.8815,
        description="井盖破损",
        photos=[photo_upload("before.jpg")],
    )
    workflow.accept(centre.carol, case)
    workflow.register(centre.sam, case)
    case = workflow.dispatch(centre.dan, case, centre.city_management)
    workflow.accept_by_department(centre.dora, case)
    workflow.give_feedback(centre.dora, case, note="已更换井盖", photos=[photo_upload("after.jpg")])
    return workflow.send_check(centre.carol, case)


def test_alice_answers_a_check_with_a_photo_and_the_case_is_checked(check_task, phone, alice, small_photo):
    open_screen(phone, "#tasks")
    phone.locator("#task-list li", has_text="核查").locator("a").tap()
    phone.wait_for_selector("#task-choices .choice")
    assert "剩余 1 小时 59 分" in phone.locator("#task-detail").inner_text()
    phone.locator("#task-choices .choice", has_text="已处置").tap()
    phone.set_input_files('[data-group="task"] input[type=file]', str(small_photo))
    phone.wait_for_selector('[data-group="task"] .photo img')
    phone.fill("#task-note", "已更换，平整")
    screenshot(phone, "10-task-check-answer")
    phone.locator("#task-form button[type=submit]").tap()
    phone.wait_for_function(
        "UGApp.counts && UGApp.counts.total === 1 && UGApp.counts.sent === 1", timeout=30_000
    )

    task = Task.objects.get(pk=check_task.pk)
    assert (task.status, task.passed, task.note, task.answered_by) == (
        Task.Status.DONE,
        True,
        "已更换，平整",
        alice,
    )
    assert task.case.state == State.CHECKED
    assert task.case.attachments.filter(purpose=Attachment.Purpose.CHECK).count() == 1
    phone.wait_for_function("location.hash === '#tasks'")
    phone.wait_for_selector("#task-empty:not([hidden])")
