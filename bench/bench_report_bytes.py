"""Bytes on the phone's data plan: one report with one photo from a 4000×3000 camera image, and
the app shell on the first load and on a later load (service worker cache).

    .venv/bin/python bench/bench_report_bytes.py [--smoke]

Runs the real phone app in headless Chromium (390×844, touch) against a local server on a
throwaway SQLite database. The photo is compressed by the page's own code (canvas → JPEG, the way
the phone does it); the report request is counted as it leaves the browser (headers + body).
Shell bytes are counted by the server (status line, headers and body of every response). The raw
baseline printed beside each figure: the camera file itself, and the shell files' plain sizes.
"""

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PORT = 8104


def setup_django():
    os.environ.pop("DATABASE_URL", None)
    path = ROOT / "var" / "bench" / "report_bytes.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(path)
    os.environ["MEDIA_ROOT"] = str(path.parent / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "urbangrid.settings"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Counter:
    """WSGI middleware: bytes of every response (status line, headers, body) by kind of URL."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.by_kind = {"shell": 0, "data": 0}
        self.requests = []

    @staticmethod
    def kind(path):
        return "data" if path.startswith(("/api/", "/m/api/")) else "shell"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        sizes = {"head": 0}

        def counting_start_response(status, headers, exc_info=None):
            sizes["head"] = len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers) + 2
            return start_response(status, headers, exc_info)

        body = self.app(environ, counting_start_response)
        total = 0
        for chunk in body:
            total += len(chunk)
            yield chunk
        if hasattr(body, "close"):
            body.close()
        with self.lock:
            self.by_kind[self.kind(path)] += sizes["head"] + total
            self.requests.append((path, sizes["head"] + total))


def serve(app):
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", PORT), Quiet)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="same measurement (it is quick); kept for CI")
    parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from django.test import Client
    from playwright.sync_api import sync_playwright

    from accounts.models import Role, User
    from catalog.models import Category
    from geo.testing import make_small_geography
    from mobile.testing import camera_jpeg
    from mobile.views import SHELL_STATIC

    town = make_small_geography()
    alice = User.objects.create_user(
        "alice", password="x-alice-123", role=Role.SUPERVISOR, full_name="李爱丽"
    )
    town.rg_west.supervisors.add(alice)
    Category.objects.get_or_create(
        scheme="GB/T 47678.5-2026",
        minor_code="01001",
        defaults={
            "kind": "component",
            "major_code": "01",
            "major_name": "公用设施",
            "minor_name": "上水井盖",
            "pinyin_initials": "ssjg",
        },
    )
    client = Client()
    client.force_login(alice)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    counter = Counter(StaticFilesHandler(get_wsgi_application()))
    server = serve(counter)
    base = f"http://127.0.0.1:{PORT}"
    photo = camera_jpeg()
    photo_path = Path(tempfile.mkdtemp()) / "IMG_4000x3000.jpg"
    photo_path.write_bytes(photo)
    shell_plain = sum(Path(finders.find(name)).stat().st_size for name in SHELL_STATIC)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            geolocation={"longitude": 102.8504, "latitude": 24.8815, "accuracy": 8},
            permissions=["geolocation"],
        )
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])

        # First load: the page, then the service worker installing the shell.
        page = context.new_page()
        counter.reset()
        page.goto(f"{base}/m/")
        page.evaluate("navigator.serviceWorker.ready")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
        page.wait_for_timeout(500)
        first_shell, first_data = counter.by_kind["shell"], counter.by_kind["data"]
        page.close()

        # A later load: a new visit in the same browser.
        counter.reset()
        page = context.new_page()
        page.goto(f"{base}/m/")
        page.wait_for_function("window.UGApp !== undefined")
        page.wait_for_timeout(800)
        later_shell, later_data = counter.by_kind["shell"], counter.by_kind["data"]
        later_requests = [path for path, _ in counter.requests if counter.kind(path) == "shell"]

        # One report with one photo from the camera file, compressed by the page's own code.
        sent = []

        def capture(route):
            request = route.request
            body = request.post_data_buffer or b""
            head = len(f"POST {request.url} HTTP/1.1\r\n") + sum(
                len(k) + len(v) + 4 for k, v in request.headers.items()
            )
            sent.append((head, len(body)))
            route.continue_()

        page.route("**/api/cases/reports", capture)
        page.goto(f"{base}/m/#report")
        page.wait_for_selector("#report-map .leaflet-marker-icon")
        page.set_input_files('[data-group="photos"] input[type=file]', str(photo_path))
        page.wait_for_selector('[data-group="photos"] .photo img')
        photo_bytes = page.evaluate(
            "document.querySelector('[data-group=\"photos\"] .photo small').textContent"
        )
        page.fill("#category-q", "jg")
        page.locator("#category-list .chip").first.tap()
        page.locator("#report-submit").tap()
        page.wait_for_function(
            "UGApp.counts && UGApp.counts.total >= 1 && UGApp.counts.waiting === 0", timeout=20_000
        )
        browser.close()
    server.shutdown()

    from cases.models import Case

    case = Case.objects.get()
    stored = case.attachments.get()
    head, body = sent[0] if sent else (0, 0)
    print(f"camera photo: 4000×3000 JPEG of {len(photo):,} bytes (raw baseline: sent as is)")
    print(
        f"report with one photo: {head + body:,} bytes sent ({body:,} body + {head:,} headers); photo after the phone's compression: {photo_bytes}"
    )
    print(f"on the server: case {case.number}, photo {stored.width}×{stored.height}, {stored.size:,} bytes")
    print(
        f"report target ≤ 300 KB: {'met' if head + body <= 300 * 1024 else 'NOT met'} ({(head + body) / 1024:.0f} KB)"
    )
    print(
        f"app shell, first load: {first_shell:,} bytes (files' plain size {shell_plain:,}); data on first load: {first_data:,} bytes"
    )
    print(
        f"app shell, later load: {later_shell:,} bytes ({', '.join(later_requests) or 'no requests'}); data on later load: {later_data:,} bytes"
    )
    print(
        f"shell target ≤ 400 KB first, ~0 after: {'met' if first_shell <= 400 * 1024 and later_shell <= 2048 else 'NOT met'}"
    )


if __name__ == "__main__":
    run()
