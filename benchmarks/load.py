"""The load test: gunicorn with the production settings on the bench database, and one locust process against it.

The server is started the way production starts it, by scripts/serve.sh (collectstatic, then gunicorn with
sendplan/gunicorn.conf.py), with DEBUG off, a random SECRET_KEY, plain http on loopback (SENDPLAN_HTTPS=0) and
two-factor off (SENDPLAN_TWO_FACTOR=0: the load users are SEND leads and board members, who never need it).
Workers: WEB_CONCURRENCY, default 2, one per core. Every request is Python rendering HTML, which holds a core for
its whole time apart from short waits on PostgreSQL, and PostgreSQL and locust run on the same 2 cores: more sync
workers than cores would only share the cores out more finely, and every queued request would wait just as long.

Locust runs headless in one process, niced, with a bounded number of people and a fixed window
(benchmarks/locustfile.py).
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings

from actions.models import Action
from benchmarks.seed import BENCH_PASSWORD, BenchPlan

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# Seconds a person spends on a page before the next click (locust's between(5, 15)): reading a dashboard or an
# action's progress takes longer, so this is brisk. 50 people then ask for about 5 pages a second in all.
THINK_TIME = (5, 15)


@dataclass
class PageLoad:
    name: str
    requests: int
    failures: int
    rps: float
    median_ms: float
    p95_ms: float
    max_ms: float


@dataclass
class LoadResult:
    people: int
    seconds: int
    workers: int
    spawn_rate: float
    think: tuple[float, float]
    total: PageLoad  # the browsing requests of the measured window
    pages: list[PageLoad]
    sign_in: dict = field(default_factory=dict)
    # The server's own time for the window's browsing requests (p50, p95 from gunicorn's access log): the rest of
    # what a person waited is the queue for a free worker.
    server_ms: tuple[float, float] | None = None


def run_load(
    bench: BenchPlan,
    *,
    people: int = 50,
    seconds: int = 60,
    spawn_rate: float = 1,
    think: tuple[float, float] = THINK_TIME,
    log=print,
) -> LoadResult:
    if people > len(bench.load_usernames):
        raise ValueError(f"{people} people but only {len(bench.load_usernames)} bench users to sign in as")
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="sendplan-load-") as tmp:
        tmp = Path(tmp)
        server_log = tmp / "server.log"
        server = _start_server(port, workers, server_log)
        try:
            _wait_until_up(server, port, server_log)
            config = {
                "usernames": bench.load_usernames[:people],
                "password": BENCH_PASSWORD,
                "plan": bench.plan.slug,
                "actions": list(Action.objects.filter(area__plan=bench.plan).values_list("pk", flat=True)),
                "seconds": seconds,
                "think_min": think[0],
                "think_max": think[1],
                # Sign-ins hash a password with a million PBKDF2 iterations each: allow them time on 2 cores.
                "ramp_timeout": 300,
                "sign_in_out": str(tmp / "sign_in.json"),
            }
            (tmp / "config.json").write_text(json.dumps(config))
            log(f"load: {people} people for {seconds} s against gunicorn ({workers} workers) on port {port}")
            locust = subprocess.run(
                [
                    "nice",
                    "-n",
                    "10",
                    str(Path(sys.executable).with_name("locust")),
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(people),
                    "--spawn-rate",
                    str(spawn_rate),
                    # A safety stop only: the locustfile ends the run `seconds` after the last sign-in.
                    "--run-time",
                    f"{seconds + config['ramp_timeout'] + 60}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(tmp / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],  # fmt: skip
                env={**os.environ, "BENCH_LOAD_CONFIG": str(tmp / "config.json")},
                capture_output=True,
                text=True,
                timeout=seconds + config["ramp_timeout"] + 180,
            )
            # Locust exits 1 when any request failed: the failures are in the figures. Anything else is a crash.
            if locust.returncode not in (0, 1) or not (tmp / "sign_in.json").exists():
                raise RuntimeError(f"locust failed ({locust.returncode}):\n{locust.stderr[-3000:]}")
            pages, total = _read_stats(tmp / "load_stats.csv")
            sign_in = json.loads((tmp / "sign_in.json").read_text())
        finally:
            _stop_server(server)
        lines = server_log.read_text().splitlines()
        errors = [line for line in lines if "level=ERROR" in line]
        if errors:
            log(f"load: the server logged {len(errors)} errors, e.g. {errors[0][:300]}")
        start = sign_in.get("window_start", 0)
        server = _server_times(lines, start, start + seconds)
    return LoadResult(
        people=people,
        seconds=seconds,
        workers=workers,
        spawn_rate=spawn_rate,
        think=think,
        total=total,
        server_ms=server,
        pages=pages,
        sign_in=sign_in,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "STATICFILES_BACKEND", "WHITENOISE_USE_FINDERS"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "sendplan.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SENDPLAN_HTTPS": "0",
        "SENDPLAN_TWO_FACTOR": "0",
        "SENDPLAN_MIGRATE": "0",  # the bench database is migrated already
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "PY": sys.executable,
    }
    with log_path.open("wb") as log:
        # A session of its own, so the whole server (the master and its workers) can be stopped together.
        return subprocess.Popen(
            [str(Path(settings.BASE_DIR) / "scripts" / "serve.sh")],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_until_up(server: subprocess.Popen, port: int, log_path: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped ({server.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout} s:\n{log_path.read_text()[-3000:]}")


def _stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)  # gunicorn stops its workers gracefully
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


ACCESS_LINE = re.compile(r'^(\S+) .*logger=gunicorn\.access .*method=GET path="([^"]*)" status=\d+ duration_ms=(\d+)')


def _server_times(lines: list[str], start: float, end: float) -> tuple[float, float] | None:
    """p50 and p95 of the server's own time for browsing requests (not sign-in) between `start` and `end`."""
    durations = []
    for line in lines:
        match = ACCESS_LINE.match(line)
        if not match or match.group(2).startswith("/accounts/"):
            continue
        when = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
        if start <= when <= end:
            durations.append(int(match.group(3)))
    if not durations:
        return None
    durations.sort()
    return statistics.median(durations), durations[min(len(durations) - 1, int(0.95 * len(durations)))]


def _read_stats(path: Path) -> tuple[list[PageLoad], PageLoad]:
    pages, total = [], None
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if not int(row["Request Count"]):
                continue  # e.g. the sign-in rows, emptied when the window started
            load = PageLoad(
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=float(row["Requests/s"]),
                median_ms=float(row["50%"]),
                p95_ms=float(row["95%"]),
                max_ms=float(row["Max Response Time"]),
            )
            if row["Name"] == "Aggregated":
                total = load
            else:
                pages.append(load)
    if total is None or not total.requests:
        raise RuntimeError(f"locust measured no requests ({path})")
    return pages, total
