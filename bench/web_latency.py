"""Benchmark: latency of the web pages and the API on a database of 1M incidents, 20 concurrent clients.

    python bench/web_latency.py                                   # PostgreSQL (scripts/ensure-postgres), 1M incidents
    python bench/web_latency.py --incidents 100000 --database sqlite
    python bench/web_latency.py --reuse DIR                       # skip the load, reuse a prepared VIGIE_HOME

The database is filled once with `vigie import acled` of a synthetic ACLED file (ACLED's terms
forbid committing or redistributing its rows, so they are generated, into an organisation), and a
member of that organisation gets a session and an API token. `vigie serve --workers 2 --threads 1`
(gunicorn, one process per core) runs in its own processes; the load comes from a second process: 20
client threads on loopback, each with its own connection, request after request (a closed loop, no
pause), for --seconds per URL. Figures: requests, p50/p95/p99 latency, errors, the CPU time per
request of the server's processes, of PostgreSQL's and of the load itself (from /proc), and the
weight of each page on the wire (body + static files it links, gzip as whitenoise serves them).
Results print as Markdown; copy them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
VIGIE = str(Path(PYTHON).with_name("vigie"))

SETUP_USER = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from vigie.api.tokens import issue_token
from vigie.core.models import Membership, Organisation
from vigie.incidents.models import Incident
organisation = Organisation.objects.get(slug="bench")
user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
Membership.objects.get_or_create(user=user, organisation=organisation, role="analyst")
client = Client()
client.force_login(user)
token, _record = issue_token(user, replace=True)
some = list(Incident.objects.order_by("-date_start", "-id").values_list("pk", flat=True)[:200:10])
region = Incident.objects.exclude(admin1=None).values_list("admin1_id", flat=True).first()
print(json.dumps({"session": client.cookies["sessionid"].value, "token": token, "incidents": some,
                  "region": region, "count": Incident.objects.count()}))
"""


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    if done.returncode not in (0, 2):
        raise RuntimeError(
            f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done


def prepare(home: Path, env: dict, incidents: int) -> None:
    from vigie_testing import acled_ucdp as synthetic

    home.mkdir(parents=True, exist_ok=True)
    run([VIGIE, "init"], env)
    run([VIGIE, "organisation", "add", "bench", "Bench organisation"], env)
    path = home / "acled.csv"
    start = time.perf_counter()
    synthetic.write_acled(path, synthetic.acled_events(incidents, seed=7), seed=7)
    print(f"generated {incidents:,} ACLED rows in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    run([VIGIE, "import", "acled", str(path), "--organisation", "bench", "--quiet"], env)
    print(f"imported in {time.perf_counter() - start:.0f} s", flush=True)
    path.unlink()


def serve(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    # The server's messages go to a file: a pipe nobody reads fills up and blocks the server.
    log = open(Path(env["VIGIE_HOME"]) / "bench-server.log", "ab")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [VIGIE, "serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log.name
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/static/vigie/vigie.css")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the server did not start: " + Path(process.log_path).read_text()[-2000:])


def load(port: int, paths: list[str], headers: dict, seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, i = [], number
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += clients  # no two clients on the same path at once, each client through its share
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    with lock:
                        errors[0] += 1
                        statuses[response.status] = statuses.get(response.status, 0) + 1
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
            if latencies
            else float("nan")
        )

    if statuses:
        print(f"  error statuses: {statuses}", flush=True)
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen) -> list[int]:
    """The server's process and its workers."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        children = []
    return [server.pid, *map(int, children)]


def database_pids() -> list[int]:
    """PostgreSQL's processes on this machine (its backends do the queries' work)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def weight(port: int, path: str, headers: dict) -> int:
    """Bytes on the wire for a page and the static files it links (gzip accepted, as browsers do)."""
    headers = {**headers, "Accept-Encoding": "gzip"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    total = len(body)
    if response.getheader("Content-Encoding") == "gzip":
        import gzip

        body = gzip.decompress(body)
    for asset in sorted(set(re.findall(rb'(?:src|href)="(/static/[^"]+)"', body))):
        connection.request("GET", asset.decode(), headers=headers)
        total += len(connection.getresponse().read())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--reuse", type=Path, help="a VIGIE_HOME prepared by an earlier run (and its database)"
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="only the lines whose name contains this text")
    parser.add_argument(
        "--workers", type=int, default=2, help="server processes (vigie serve --workers)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per server process (1: sync workers)"
    )
    args = parser.parse_args()

    home = args.reuse or Path(tempfile.mkdtemp(prefix="vigie-bench-web-"))
    env = {
        **os.environ,
        "VIGIE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "vigie.settings.development",
    }
    if args.database == "postgresql":
        base = subprocess.run(
            [str(ROOT / "scripts" / "ensure-postgres")], capture_output=True, text=True, check=True
        ).stdout.strip()
        url = base.rsplit("/", 1)[0] + "/vigie_bench_web"
        env["DATABASE_URL"] = url
        if not args.reuse:
            import psycopg

            with psycopg.connect(
                base.rsplit("/", 1)[0] + "/postgres", autocommit=True
            ) as connection:
                connection.execute("DROP DATABASE IF EXISTS vigie_bench_web")
                connection.execute("CREATE DATABASE vigie_bench_web")
    else:
        env.pop("DATABASE_URL", None)
    if not args.reuse:
        prepare(home, env, args.incidents)
    facts = json.loads(run([PYTHON, "-c", SETUP_USER], env).stdout.strip().splitlines()[-1])
    print(f"database: {args.database}, {facts['count']:,} incidents; VIGIE_HOME={home}", flush=True)
    server = serve(env, args.port, args.workers, args.threads)
    try:
        session = {"Cookie": f"sessionid={facts['session']}", "Accept-Language": "fr"}
        token = {"Authorization": f"Token {facts['token']}", "Accept": "application/json"}
        ids = facts["incidents"]
        cases = [
            ("incident list (member)", ["/incidents/"], session),
            (
                "incident list, filtered by region",
                [f"/incidents/?admin1={facts['region']}"],
                session,
            ),
            # A different filter each time: nothing drawn before can be reused (the filter form is
            # kept a minute per audience and filters).
            (
                "incident list, a new filter each time",
                [
                    f"/incidents/?date_to={datetime.date(2024, 12, 31) - datetime.timedelta(days=n)}&admin1={facts['region']}"
                    for n in range(3000)
                ],
                session,
            ),
            ("incident detail", [f"/incidents/{i}/" for i in ids], session),
            ("dashboard", ["/"], session),
            ("API incident list", ["/api/v1/incidents/"], token),
            ("API incident detail", [f"/api/v1/incidents/{i}/" for i in ids], token),
        ]
        print(
            f"\n{args.clients} concurrent clients, {args.seconds:.0f} s per line; server: {args.workers} processes "
            f"of {args.threads} threads\n"
        )
        print(
            "| page | requests | errors | p50 ms | p95 ms | p99 ms | CPU ms per request: server, database, "
            "load | weight on the wire |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, paths, headers in cases:
            if args.only not in name:
                continue
            load(args.port, paths[:2], headers, 2, 4)  # warm up
            watched = server_pids(server)
            database = database_pids() if args.database == "postgresql" else []
            before = cpu_seconds(watched), cpu_seconds(database), time.process_time()
            result = load(args.port, paths, headers, args.seconds, args.clients)
            after = cpu_seconds(watched), cpu_seconds(database), time.process_time()
            per_request = [
                (b - a) * 1000 / max(1, result["requests"])
                for a, b in zip(before, after, strict=True)
            ]
            size = (
                weight(args.port, paths[0], headers) if not paths[0].startswith("/api/") else None
            )
            shown = f"{size / 1024:.0f} KB" if size is not None else "-"
            cpu = " / ".join(f"{value:.1f}" for value in per_request)
            print(
                f"| {name} | {result['requests']:,} | {result['errors']} | {result['p50']:.0f} | {result['p95']:.0f} "
                f"| {result['p99']:.0f} | {cpu} | {shown} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
    if not args.reuse:
        print(f"\n(kept for --reuse: {home})")


if __name__ == "__main__":
    if shutil.which(VIGIE) is None and not Path(VIGIE).exists():
        sys.exit(f"{VIGIE} not found: run from the project's virtual environment")
    main()
