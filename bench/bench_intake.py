"""Case intake through the HTTP API: POST /api/cases/reports with 20 concurrent supervisors.

    .venv/bin/python bench/bench_intake.py                  # 3 runs of 3,000 reports on SQLite
    .venv/bin/python bench/bench_intake.py --smoke          # 1 run of 60 reports
    .venv/bin/python bench/bench_intake.py --pg postgresql://postgres@127.0.0.1:5432/postgres

A real server on a throwaway database: gunicorn with 4 sync worker processes (two per core: one
runs while another waits for the database; processes, not threads, because of the GIL). 20
supervisors sign in through the login page (session cookie + CSRF token) and post multipart
reports (one ~1 KB JPEG, a client_id, a position in their town) as fast as the server answers.
Every report goes the whole way: session and CSRF check, photo decoded and re-encoded, grid
lookup, deadline, number, the case, its event and its attachment row committed, the file stored.
A sync worker closes the connection after each answer, so each report comes on a new connection,
as from phones that report minutes apart. `--threads N` runs gthread workers instead, whose
keep-alive connections stay with the worker that accepted them: cap them with
`--worker-connections` or one worker gets them all.

The load generator is one asyncio process with raw sockets and request bytes built before the
clock starts, so it takes little of the machine's two cores. CPU time per report is printed for
the server, (on PostgreSQL) the database backends, the load generator and whatever else ran on
the machine meanwhile (other people's work: it slows the figure down). Any answer other than 201
is counted and printed and makes the bench fail (exit 1), and the database must hold exactly one
case, one event and one photo per answered report.

Figure: reports per second and p50/p95 latency, median over --runs runs. Baseline in the same
database, measured right after: raw inserts of rows as wide as a case into a scratch table, one
row per transaction (what each report needs at least) and one executemany transaction.
"""

import argparse
import asyncio
import io
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from http.client import HTTPConnection
from urllib.parse import urlencode

from _casesdb import ROOT, prepare, throwaway_database

HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


# -- the server -----------------------------------------------------------------------------------


def wait_for_port(process, port, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def start_server(port: int, workers: int, threads: int, connections: int):
    worker_class = "gthread" if threads > 1 else "sync"
    command = [
        sys.executable, "-m", "gunicorn", "urbangrid.wsgi", "-b", f"{HOST}:{port}",
        "-w", str(workers), "-k", worker_class, "--threads", str(threads),
        "--worker-connections", str(connections),
        "--keep-alive", "30", "--backlog", "256", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL)
    wait_for_port(process, port)
    if threads > 1:
        name = f"gunicorn {workers} workers x {threads} threads (gthread, keep-alive)"
    else:
        name = f"gunicorn {workers} sync workers (a connection per request)"
    return process, name


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each process still running."""
    seconds = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two cpu_seconds() readings (a process that started in between
    counts whole; one that ended in between is lost, so keep such processes alive)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def process_tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


def database_backends():
    """A function listing the PostgreSQL server processes that serve the bench's database."""
    import psycopg

    url = os.environ["DATABASE_URL"]

    def pids():
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return [row[0] for row in rows]

    return pids


# -- the clients ----------------------------------------------------------------------------------


def login(port: int, username: str, password: str) -> tuple[str, str]:
    """Sign in through the login page like a browser: (sessionid, csrftoken)."""
    conn = HTTPConnection(HOST, port, timeout=60)
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


def build_requests(count: int, category_ids, seed: int) -> list[tuple[bytes, bytes]]:
    """(headers tail, body) of `count` reports, each with its own client_id."""
    rnd = random.Random(seed)
    photos = [jpeg(seed * 100 + i) for i in range(32)]
    built = []
    for i in range(count):
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
        tail = f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        built.append((tail, body))
    return built


async def read_response(reader) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of one HTTP/1.1 answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readexactly(2)
        body = b"".join(chunks)
    else:
        body = await reader.read()
    return status, body, headers.get("connection", "").lower() != "close"


async def post_all(port: int, tokens, requests, reuse=True) -> tuple[list[float], list[tuple[int, bytes]]]:
    """Each client posts the next report as soon as its previous one is answered."""
    latencies, failures = [], []
    pending = iter(requests)

    async def client(token):
        sessionid, csrftoken = token
        head = (
            f"POST /api/cases/reports HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"Cookie: sessionid={sessionid}; csrftoken={csrftoken}\r\nX-CSRFToken: {csrftoken}\r\n"
            + ("" if reuse else "Connection: close\r\n")
        ).encode()
        reader = writer = None
        for tail, body in pending:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            started = time.perf_counter()
            writer.write(head + tail + body)
            status, answer, keep_alive = await read_response(reader)
            elapsed = time.perf_counter() - started
            if status == 201:
                latencies.append(elapsed)
            else:
                failures.append((status, answer[:300]))
            if not keep_alive:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client(token) for token in tokens))
    return latencies, failures


# -- the baseline ---------------------------------------------------------------------------------


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


# -- the run --------------------------------------------------------------------------------------


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one run of 60 reports")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server URL (a throwaway database is created)")
    parser.add_argument("--reports", type=int, default=None, help="reports per run")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync workers)")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--close", action="store_true", help="a new connection for every report")
    parser.add_argument(
        "--worker-connections", type=int, default=1000, help="gthread: connections per worker"
    )
    args = parser.parse_args()
    total = args.reports or (60 if args.smoke else 3000)
    runs = args.runs or (1 if args.smoke else 3)

    with throwaway_database("intake", args.pg) as label:
        town, people = prepare()
        from django.db import connections

        from accounts.models import Role
        from accounts.testing import PASSWORD, make_user
        from cases.models import Attachment, Case, CaseEvent
        from catalog.models import Category

        usernames = []
        for i in range(args.clients):
            supervisor = make_user(f"supervisor{i + 1:02d}", Role.SUPERVISOR, people.contractor)
            (town.rg_west if i % 2 == 0 else town.rg_east).supervisors.add(supervisor)
            usernames.append(supervisor.username)
        category_ids = list(Category.objects.values_list("id", flat=True))
        connections.close_all()  # the server writes from here on

        server, server_name = start_server(args.port, args.workers, args.threads, args.worker_connections)
        results, failures = [], []
        try:
            tokens = [login(args.port, username, PASSWORD) for username in usernames]
            # Warm-up: imports, the grid index and a database connection in every worker.
            warm = build_requests(args.clients * args.workers * max(1, args.threads), category_ids, seed=0)
            _, warm_failures = asyncio.run(post_all(args.port, tokens, warm))
            failures += warm_failures
            if args.pg:
                backends = database_backends()
            else:
                backends = list
            for run in range(runs):
                requests = build_requests(total, category_ids, seed=run + 1)
                server_before, db_before = cpu_seconds(process_tree(server.pid)), cpu_seconds(backends())
                busy, client_cpu = machine_busy_seconds(), time.process_time()
                started = time.perf_counter()
                latencies, run_failures = asyncio.run(post_all(args.port, tokens, requests, not args.close))
                wall = time.perf_counter() - started
                client_cpu = time.process_time() - client_cpu
                busy = machine_busy_seconds() - busy
                server_cpu = cpu_used(server_before, cpu_seconds(process_tree(server.pid)))
                db_cpu = cpu_used(db_before, cpu_seconds(backends()))
                failures += run_failures
                latencies.sort()
                ok = len(latencies)
                result = {
                    "ok": ok,
                    "rate": ok / wall,
                    "p50": statistics.median(latencies) * 1000 if ok else 0.0,
                    "p95": percentile(latencies, 0.95) * 1000 if ok else 0.0,
                    "wall": wall,
                    "client_ms": client_cpu / total * 1000,
                    "server_ms": server_cpu / total * 1000,
                    "db_ms": db_cpu / total * 1000,
                    "other_ms": max(0.0, busy - client_cpu - server_cpu - db_cpu) / total * 1000,
                    "cores": busy / wall,
                }
                results.append(result)
                print(
                    f"run {run + 1}: {ok} reports in {wall:.2f} s = {result['rate']:,.0f}/s, "
                    f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms; CPU per report: "
                    f"server {result['server_ms']:.2f} ms, "
                    + (f"database {result['db_ms']:.2f} ms, " if args.pg else "")
                    + f"client {result['client_ms']:.2f} ms, "
                    f"other processes {result['other_ms']:.2f} ms; cores busy {result['cores']:.2f} of 2",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)

        answered = len(warm) + sum(r["ok"] for r in results)
        cases = Case.objects.count()
        assert cases == answered, (cases, answered)
        assert CaseEvent.objects.filter(action="report").count() == cases
        assert Attachment.objects.filter(purpose=Attachment.Purpose.REPORT).count() == cases
        baselines = [raw_insert_rates(500 if args.smoke else 3000) for _ in range(runs)]

        def median(key):
            return statistics.median(r[key] for r in results)

        single = statistics.median(b[0] for b in baselines)
        many = statistics.median(b[1] for b in baselines)
        rate = median("rate")
        print(
            f"server: {server_name} on {HOST}:{args.port}, {label}; {args.clients} clients, one asyncio process"
        )
        print(f"intake via HTTP API (median of {runs} runs of {total}):  {rate:,.0f} reports/s   "
              f"p50 {median('p50'):.0f} ms   p95 {median('p95'):.0f} ms")  # fmt: skip
        print(
            f"CPU per report: server {median('server_ms'):.2f} ms"
            + (f" + database backends {median('db_ms'):.2f} ms" if args.pg else "")
            + f", load generator {median('client_ms'):.2f} ms, other processes on the machine "
            f"{median('other_ms'):.2f} ms"
        )
        own_ms = median("server_ms") + median("client_ms") + median("db_ms")
        print(f"derived, not measured: 2 cores doing nothing else would take {2000 / own_ms:,.0f} reports/s "
              f"at {own_ms:.2f} ms of CPU per report")  # fmt: skip
        print(f"raw insert, 40-column rows, one row per transaction: {single:,.0f} rows/s "
              f"(intake = {rate / single:.1%} of it)")  # fmt: skip
        print(f"raw insert, 40-column rows, one executemany:         {many:,.0f} rows/s")
        print(f"non-2xx answers: {len(failures)}")
        print(f"target >= 300 reports/s: {'met' if rate >= 300 else 'NOT met'}")
        if failures:
            statuses = sorted({status for status, _ in failures})
            print(f"FAILED: {len(failures)} answers were not 201 (statuses {statuses}), first: {failures[0]}")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
