"""Case intake through the HTTP API: POST /api/cases/reports with 20 concurrent supervisors.

    .venv/bin/python bench/bench_intake.py                  # 3,000 reports on SQLite
    .venv/bin/python bench/bench_intake.py --smoke          # 60 reports
    .venv/bin/python bench/bench_intake.py --pg postgresql://postgres@127.0.0.1:5432/postgres

A real server process on 127.0.0.1:8108 (gunicorn with 2 workers x 8 threads when installed,
else a threaded wsgiref server: bench/_serve.py) on a throwaway database; 20 supervisors sign in
through the login page (session cookie + CSRF token; bearer tokens are refused on POST while
SessionAuth comes first in accounts.auth.api_auth: its CSRF check raises before TokenAuth is
tried) and post multipart reports (one ~1 KB JPEG, a client_id) as fast as the server answers. Figure: reports per second and p50/p95 latency.
Baseline in the same run and database: raw inserts of rows as wide as a case into a scratch table,
both one row per transaction (what each report needs at least) and one executemany transaction.
"""

import argparse
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection

from _casesdb import ROOT, prepare, throwaway_database

PORT = 8108
HOST = "127.0.0.1"


def jpeg(seed: int) -> bytes:
    from PIL import Image

    rnd = random.Random(seed)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), tuple(rnd.randrange(256) for _ in range(3))).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def multipart(fields: dict, photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_for_port(process, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            socket.create_connection((HOST, PORT), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def login(username: str, password: str) -> tuple[str, str]:
    """Sign in through the login page like a browser: (sessionid, csrftoken)."""
    import re
    from urllib.parse import urlencode

    conn = HTTPConnection(HOST, PORT, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrftoken = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": form_token})
    conn.request("POST", "/accounts/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrftoken}",
    })  # fmt: skip
    response = conn.getresponse()
    response.read()
    cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
    found = re.search(r"sessionid=([^;]+)", cookies)
    if response.status != 302 or found is None:
        raise RuntimeError(f"login of {username} failed: {response.status}")
    csrf = re.search(r"csrftoken=([^;]+)", cookies)
    conn.close()
    return found.group(1), csrf.group(1) if csrf else csrftoken


def start_server():
    env = dict(os.environ)
    try:
        import gunicorn  # noqa: F401

        command = [sys.executable, "-m", "gunicorn", "urbangrid.wsgi", "-b", f"{HOST}:{PORT}", "-w", "2",
                   "--threads", "8", "--log-level", "warning"]  # fmt: skip
        name = "gunicorn 2 workers x 8 threads"
    except ImportError:
        command = [sys.executable, str(ROOT / "bench" / "_serve.py"), HOST, str(PORT)]
        name = "wsgiref with 16 threads (gunicorn not installed)"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    wait_for_port(process)
    return process, name


def raw_insert_rates(rows: int) -> tuple[float, float]:
    """Rows/s inserting 40-column rows (a case's width): one per transaction, and one executemany."""
    from django.db import connection, transaction

    columns = [f"c{i}" for i in range(40)]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_scratch")
        cursor.execute(f"CREATE TABLE bench_scratch ({', '.join(c + ' varchar(40)' for c in columns)})")
    sql = f"INSERT INTO bench_scratch ({', '.join(columns)}) VALUES ({', '.join(['%s'] * 40)})"
    data = [tuple(f"value {r} {i}" for i in range(40)) for r in range(rows)]
    started = time.perf_counter()
    for row in data:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, row)
    single = rows / (time.perf_counter() - started)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, data * 10)
    many = rows * 10 / (time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_scratch")
    return single, many


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="60 reports")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server URL (a throwaway database is created)")
    parser.add_argument("--reports", type=int, default=None)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    total = args.reports or (60 if args.smoke else 3000)

    with throwaway_database("intake", args.pg) as label:
        town, people = prepare()
        from accounts.models import Role
        from accounts.testing import PASSWORD, make_user
        from cases.models import Case, CaseEvent
        from catalog.models import Category

        usernames = []
        for i in range(args.clients):
            supervisor = make_user(f"supervisor{i + 1:02d}", Role.SUPERVISOR, people.contractor)
            (town.rg_west if i % 2 == 0 else town.rg_east).supervisors.add(supervisor)
            usernames.append(supervisor.username)
        category_ids = list(Category.objects.values_list("id", flat=True))
        from django.db import connections

        connections.close_all()  # the server process writes from here on

        photos = [jpeg(i) for i in range(32)]
        counter = iter(range(total))
        lock = threading.Lock()
        latencies, failures = [], []

        def client(token):
            rnd = random.Random(token[0])
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                body, content_type = multipart(
                    {
                        "category_id": rnd.choice(category_ids),
                        "lon": f"{102.8502 + rnd.random() * 0.0036:.7f}",
                        "lat": f"{24.8802 + rnd.random() * 0.0016:.7f}",
                        "description": "暴露垃圾",
                        "client_id": uuid.uuid4().hex,
                    },
                    photos[i % len(photos)],
                )
                started = time.perf_counter()
                conn = HTTPConnection(HOST, PORT, timeout=60)
                sessionid, csrftoken = token
                headers = {
                    "Content-Type": content_type,
                    "Cookie": f"sessionid={sessionid}; csrftoken={csrftoken}",
                    "X-CSRFToken": csrftoken,
                }
                conn.request("POST", "/api/cases/reports", body, headers)
                response = conn.getresponse()
                payload = response.read()
                conn.close()
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status == 201:
                        latencies.append(elapsed)
                    else:
                        failures.append((response.status, payload[:200]))

        server, server_name = start_server()
        try:
            tokens = [login(username, PASSWORD) for username in usernames]
            # Warm-up: one report per client (imports, the grid index, connections).
            warm = iter(range(args.clients))
            threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
            counter, saved = warm, counter
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            latencies.clear()
            counter = saved
            threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)

        if failures:
            print(f"{len(failures)} failed requests, first: {failures[0]}")
        ok = len(latencies)
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(0.95 * (ok - 1))] * 1000
        cases = Case.objects.count()
        assert cases == ok + args.clients, (cases, ok)
        assert CaseEvent.objects.filter(action="report").count() == cases
        single, many = raw_insert_rates(500 if args.smoke else 3000)
        print(f"server: {server_name} on {HOST}:{PORT}, {label}")
        print(f"{ok} reports by {args.clients} concurrent clients in {wall:.1f} s")
        print(f"intake via HTTP API:  {ok / wall:,.0f} reports/s   p50 {p50:.0f} ms   p95 {p95:.0f} ms")
        print(f"raw insert, 40-column rows, one row per transaction: {single:,.0f} rows/s")
        print(f"raw insert, 40-column rows, one executemany:         {many:,.0f} rows/s")
        print(f"target >= 300 reports/s: {'met' if ok / wall >= 300 else 'NOT met'}")
        return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
