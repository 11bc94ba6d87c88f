"""One case from a hotline report to 结案 through the centre's and the department's pages, each role
in turn in its own browser, with a 回退 and 改派, an extension and a rework on the way. Screenshots of
every page at 1920×1080 (and the department inbox at phone width) go to screenshots/centre/.

The supervisor's 核实/核查 answers come from the phone app (another face, tested there); here they
are given through the same workflow function the app's API calls.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from cases import workflow
from cases.models import Case, State

from .conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "screenshots" / "centre"


@pytest.fixture
def served_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ROOT_URLCONF = "centre.tests.urls_with_media"


class Browsers:
    """One logged-in browser page per person, opened on first use."""

    def __init__(self, chromium, live_server):
        self.chromium, self.base, self.contexts = chromium, live_server.url, {}

    def as_(self, user, *, phone=False):
        key = (user.username, phone)
        if key not in self.contexts:
            viewport = {"width": 390, "height": 844} if phone else {"width": 1920, "height": 1080}
            context = self.chromium.new_context(
                viewport=viewport,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                is_mobile=phone,
                has_touch=phone,
            )
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": self.base,
                    }
                ]
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("dialog", lambda dialog: dialog.accept())
            self.contexts[key] = page
        return self.contexts[key]

    def open(self, user, path, *, phone=False):
        page = self.as_(user, phone=phone)
        page.goto(self.base + path)
        # Let the page's own requests (live badge, map layers) finish before the test writes.
        page.wait_for_load_state("networkidle")
        return page

    def close(self):
        for page in self.contexts.values():
            page.context.close()


def shot(page, name, *, full_page=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def submit(page, action, **fields):
    form = page.locator(f'form[data-action="{action}"]')
    for name, value in fields.items():
        form.locator(f'[name="{name}"]').fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def photo_file(name, color):
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(color=color)}


def state_of(number):
    return Case.objects.get(number=number).state


def test_one_case_walks_the_whole_loop_through_the_pages(
    chromium, live_server, served_media, people, catalogue
):
    browsers = Browsers(chromium, live_server)
    try:
        _walk(browsers, people, catalogue)
    finally:
        browsers.close()


def _walk(browsers, people, catalogue):
    # 1. carol (受理员) enters a hotline report and sends it to be verified (核实).
    page = browsers.open(people.carol, "/report/new/")
    page.select_option("#id_source", "public")
    # The sub-type is found by its pinyin initials, as on the phone: "jg" → 污水井盖.
    page.fill("#id_category", "jg")
    option = page.locator(".category-options li", has_text="污水井盖")
    option.wait_for()
    assert "暴露垃圾" not in page.locator(".category-options").inner_text()
    shot(page, "01a-intake-category-search")
    option.click()
    assert page.input_value('input[name="category"]') == str(catalogue.cover.pk)
    page.fill("#id_lon", "102.8505")
    page.fill("#id_lat", "24.8805")
    page.fill("#id_address", "龙城街道西社区 春城路12号")
    page.fill("#id_description", "人行道上污水井盖破损，有行人踩空危险")
    page.fill("#id_reporter_name", "市民张先生")
    page.fill("#id_reporter_phone", "13800000000")
    page.set_input_files('input[name="photos"]', photo_file("report.jpg", (120, 120, 120)))
    shot(page, "01-intake-new-report")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    number = page.locator("h1").inner_text().split()[0]
    case = Case.objects.get(number=number)
    assert case.source == "public" and case.unit_grid.code == "530114001001003"
    submit(page, "send-verification")
    assert state_of(number) == State.VERIFYING

    # 2. alice verifies on her phone: the problem is real.
    task = case.tasks.get(kind="verify")
    workflow.answer_task(people.alice, task, passed=True, note="情况属实", photos=[_upload("verify.jpg")])

    # 3. carol accepts (受理) with the keyboard shortcut A from the intake queue.
    page = browsers.open(people.carol, "/queue/intake/")
    shot(page, "02-intake-queue")
    with page.expect_navigation():
        page.click(f"text={number}")
    with page.expect_navigation():
        page.keyboard.press("a")
    assert state_of(number) == State.ACCEPTED

    # 4. sam (值班长) registers (立案), with the sub-type's 立案条件 in view.
    page = browsers.open(people.sam, "/queue/registration/")
    shot(page, "03-registration-queue")
    page.goto(browsers.base + f"/case/{number}/")
    assert "井盖缺失、破损或移位" in page.content()
    shot(page, "04-case-before-registration")
    submit(page, "register")
    assert state_of(number) == State.REGISTERED

    # 5. dan (派遣员) dispatches from the queue in one click: the suggestion is preselected.
    page = browsers.open(people.dan, "/queue/dispatch/")
    row = page.locator("tr", has_text=number)
    assert "呈贡区城市管理局（建议）" in row.locator("select option:checked").inner_text()
    shot(page, "05-dispatch-queue")
    with page.expect_navigation():
        row.locator("text=确认派遣").click()
    assert Case.objects.get(number=number).department == people.city_management

    # 6. dora (城管局) finds it in her inbox on her phone and returns it: not theirs (回退).
    page = browsers.open(people.dora, "/inbox/", phone=True)
    shot(page, "06-department-inbox-phone")
    with page.expect_navigation():
        page.click(f"text={number}")
    shot(page, "07-case-department-phone")
    submit(page, "return", reason="该井盖为自来水公司所有，请改派")
    assert state_of(number) == State.RETURNED

    # 7. dan sends it to the water company (改派), with the reason the override needs.
    page = browsers.open(people.dan, f"/case/{number}/")
    page.locator('form[data-action="dispatch"] select[name="department"]').select_option(
        str(people.water_company.pk)
    )
    submit(page, "dispatch", reason="回退后改派自来水公司")
    assert Case.objects.get(number=number).department == people.water_company

    # 7b. leo (领导) presses the water company as a whole (部门督办) from his page.
    page = browsers.open(people.leo, "/supervise/department/")
    page.select_option('select[name="department"]', str(people.water_company.pk))
    page.fill('textarea[name="note"]', "本周超期案件较多，请加快处置")
    with page.expect_navigation():
        page.click('form[data-action="supervise-department"] button[type=submit]')
    assert "已对呈贡区自来水有限公司督办" in page.content()

    # 8. erin (自来水公司) finds the 督办 on top of her inbox, signs for the case and asks for an
    # extension (延期).
    page = browsers.open(people.erin, "/inbox/")
    first_notice = page.locator(".notice").first
    assert "本周超期案件较多，请加快处置" in first_notice.inner_text()
    assert page.locator(".notice-supervised").count() == 1
    shot(page, "08-department-inbox")
    page.goto(browsers.base + f"/case/{number}/")
    submit(page, "department-accept")
    until = Case.objects.get(number=number).handle_due_at
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.localtime(until + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    submit(page, "extension", until=later, reason="需采购同型号井盖")
    assert state_of(number) == State.HANDLING

    # 9. sam approves the extension.
    page = browsers.open(people.sam, "/extensions/")
    shot(page, "09-extensions")
    with page.expect_navigation():
        page.locator("tr", has_text=number).locator("button", has_text="批准").click()
    case = Case.objects.get(number=number)
    assert timezone.localtime(case.handle_due_at).strftime("%Y-%m-%dT%H:%M") == later

    # 10. erin feeds back with an after-photo.
    page = browsers.open(people.erin, f"/case/{number}/")
    page.set_input_files(
        'form[data-action="feedback"] input[name="photos"]', photo_file("after1.jpg", (40, 160, 40))
    )
    submit(page, "feedback", reason="已临时加固")
    assert state_of(number) == State.FEEDBACK

    # 11. carol sends the check (核查); alice finds it not fixed.
    page = browsers.open(people.carol, "/queue/closing/")
    shot(page, "10-closing-queue")
    page.goto(browsers.base + f"/case/{number}/")
    submit(page, "send-check")
    task = Case.objects.get(number=number).tasks.get(kind="check", status="open")
    workflow.answer_task(people.alice, task, passed=False, note="井盖仍破损", photos=[_upload("check1.jpg")])

    # 12. dan sends it back for rework (返工); erin feeds back again.
    page = browsers.open(people.dan, f"/case/{number}/")
    submit(page, "rework", reason="核查未通过：井盖仍破损")
    assert state_of(number) == State.HANDLING
    page = browsers.open(people.erin, f"/case/{number}/")
    page.set_input_files(
        'form[data-action="feedback"] input[name="photos"]', photo_file("after2.jpg", (30, 200, 60))
    )
    submit(page, "feedback", reason="已更换新井盖")

    # 13. carol sends the check again; alice confirms; sam closes (结案) with both photos in view.
    page = browsers.open(people.carol, f"/case/{number}/")
    submit(page, "send-check")
    task = Case.objects.get(number=number).tasks.get(kind="check", status="open")
    workflow.answer_task(people.alice, task, passed=True, note="已更换", photos=[_upload("check2.jpg")])
    page = browsers.open(people.sam, f"/case/{number}/")
    shot(page, "11-case-before-closing")
    submit(page, "close")
    assert state_of(number) == State.CLOSED
    shot(page, "12-case-closed")
    actions = list(
        Case.objects.get(number=number).events.order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == [
        "report", "send_verification", "verify", "accept", "register", "dispatch", "return", "reassign",
        "department_accept", "request_extension", "approve_extension", "feedback", "send_check", "check",
        "rework", "feedback", "send_check", "check", "close",
    ]  # fmt: skip

    # 14. The leader's pages: the big screen, the map, the boards, department supervision.
    page = browsers.open(people.leo, "/screen/")
    page.wait_for_function("document.getElementById('k-today').textContent !== '–'")
    page.wait_for_timeout(800)
    shot(page, "13-big-screen", full_page=False)
    page = browsers.open(people.leo, "/map/")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane canvas').length > 0")
    page.wait_for_timeout(500)
    shot(page, "14-live-map", full_page=False)
    for name, path in [("15-board-overdue", "/board/overdue/"), ("16-board-key", "/board/key/"),
                       ("17-search", "/board/all/"), ("18-supervise-department", "/supervise/department/")]:  # fmt: skip
        shot(browsers.open(people.leo, path), name)
    page = browsers.open(people.erin, "/inbox/stats/")
    shot(page, "19-department-statistics")


def _upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg(color=(90, 90, 200)), content_type="image/jpeg")
