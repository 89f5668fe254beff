"""Faults, with real worker processes (`flask jobs worker`, as the Procfile starts them).

The tool's database is this test's own (a SQLite file, or PostgreSQL in CI); the LMS is the fake
platform on a loopback port, with a wrapper in front of its services that can hold a call, refuse
it, or slow it down, and that looks at the tool's database each time it is called. The test waits
for outcomes with a deadline; nothing is asserted about how long anything took.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from lti_tool import paths
from lti_tool.extensions import db
from lti_tool.jobs.queue import queue
from tests import databases
from tests.fake_platform import FakePlatform
from tests.integration.grades.helpers import Launched
from tests.integration.jobs.helpers import complete_module, score_rows

pytestmark = pytest.mark.slow
DEADLINE_SECONDS = 60
SERVICE_PATHS = ("/token", "/lineitems", "/scores", "/memberships")
WORKER_SETTINGS = {
    "JOBS_PERIODIC_CHECK_SECONDS": 1,  # the sweep looks every second instead of every minute
    "GRADE_CLAIM_SECONDS": 3,  # a killed worker's score is free again after 3 s
    "GRADE_REQUEUE_AFTER_SECONDS": 2,  # a queued score untried for 2 s has lost its job
    "GRADE_RETRY_BACKOFF_SECONDS": [2, 4, 8],
}


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict:
    return {
        "JOBS_QUEUE": "sqlite",
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
        "ROSTER_SYNC_ON_LAUNCH": "off",  # only grades travel in these tests
        **WORKER_SETTINGS,
    }


@pytest.fixture(autouse=True)
def _empty_queue(app: Flask) -> Iterator[None]:
    queue.flush()
    yield
    with suppress(Exception):  # a Redis of the test's own is gone by now
        queue.flush()


@dataclass
class Lms:
    """What the fake LMS's services saw: each call, the tool's database meanwhile, and control."""

    app: Flask
    calls: list[tuple[float, str]] = field(default_factory=list)
    in_flight: Counter = field(default_factory=Counter)
    most_in_flight: int = 0
    open_transactions: list[str] = field(default_factory=list)
    hold_scores: threading.Event | None = None  # set: score POSTs wait until it is cleared
    held: threading.Event = field(default_factory=threading.Event)
    slow_scores_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    down: bool = False  # every service call refused with 503, counted in `refused`
    refused: list[tuple[float, str]] = field(default_factory=list)

    def score_calls(self) -> list[float]:
        with self.lock:
            return [moment for moment, path in self.calls if path.endswith("/scores")]


def _tool_transactions_open(url: str) -> str | None:
    """A write lock (SQLite) or a worker's idle transaction (PostgreSQL) held right now.

    On SQLite another worker thread may be between two statements of a short write: the probe
    waits a second for the lock. A lock held across this very call would never come free, as
    the LMS has not answered yet.
    """
    if url.startswith("sqlite"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=1)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
        except sqlite3.OperationalError as error:
            return str(error)
        finally:
            other.close()
        return None
    import psycopg

    # On PostgreSQL another worker thread may be between two statements too: a transaction that
    # is still open, the same one, 0.3 s later, while this call waits, is held across a call.
    query = (
        "SELECT pid, xact_start FROM pg_stat_activity WHERE application_name = 'mw-job-worker'"
        " AND state LIKE 'idle in transaction%'"
    )
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.autocommit = True
        before = set(connection.execute(query).fetchall())
        if not before:
            return None
        time.sleep(0.3)
        still = before & set(connection.execute(query).fetchall())
    return f"{len(still)} transaction(s) open across the call" if still else None


@pytest.fixture
def lms(app: Flask, fake_platform: FakePlatform) -> Lms:
    seen = Lms(app)
    inner = fake_platform.platform_app.wsgi_app
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    def watching(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not any(part in path for part in SERVICE_PATHS):
            return inner(environ, start_response)
        is_score = path.endswith("/scores") and environ["REQUEST_METHOD"] == "POST"
        with seen.lock:
            seen.calls.append((time.monotonic(), path))
            if seen.down:  # decided under the lock, so the test can end the outage exactly
                seen.refused.append((time.monotonic(), path))
                start_response("503 Service Unavailable", [("Content-Type", "application/json")])
                return [b'{"error": "temporarily_unavailable"}']
        held_open = _tool_transactions_open(url)
        if held_open:
            seen.open_transactions.append(f"{path}: {held_open}")
        if is_score and seen.hold_scores is not None and seen.hold_scores.is_set():
            seen.held.set()
            while seen.hold_scores.is_set():
                time.sleep(0.05)
            # The caller is gone (killed): like an LMS whose request never completed, keep nothing.
            start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
            return [b"caller went away"]
        if not is_score:
            return inner(environ, start_response)
        # One score: one learner in one column. Token requests and line item searches of
        # different workers may well run side by side; two sends of one score may not.
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        key = path + " " + str(json.loads(body or b"{}").get("userId"))
        with seen.lock:
            seen.in_flight[key] += 1
            seen.most_in_flight = max(seen.most_in_flight, seen.in_flight[key])
        try:
            if seen.slow_scores_seconds:
                time.sleep(seen.slow_scores_seconds)
            return inner(environ, start_response)
        finally:
            with seen.lock:
                seen.in_flight[key] -= 1

    fake_platform.platform_app.wsgi_app = watching
    return seen


def _worker_environment(app: Flask, **settings: Any) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LTI_TOOL_") and key not in ("DATABASE_URL", "REDIS_URL", "FLASK_APP")
    }
    config = app.config
    url = config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **inherited,
        "LTI_TOOL_ENV": "test",
        "DATABASE_URL": url,
        "LTI_TOOL_INSTANCE_PATH": app.instance_path,
        "LTI_TOOL_REDIS_KEY_PREFIX": config["REDIS_KEY_PREFIX"],
        "LTI_TOOL_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    if config.get("REDIS_URL"):
        env["REDIS_URL"] = config["REDIS_URL"]
    if databases.is_postgres(url):  # named, so the LMS can tell the worker's connections apart
        env["LTI_TOOL_SQLALCHEMY_ENGINE_OPTIONS"] = json.dumps(
            {
                "pool_pre_ping": True,
                "hide_parameters": True,
                "connect_args": {"application_name": "mw-job-worker"},
            }
        )
    for name in ("JOBS_QUEUE", "JOBS_SQLITE_PATH", "JOBS_REDIS_URL", *WORKER_SETTINGS):
        value = settings.get(name, config.get(name))
        if value is not None:
            env[f"LTI_TOOL_{name}"] = value if isinstance(value, str) else json.dumps(value)
    return env


@contextmanager
def worker(
    app: Flask, log: Path, *, threads: int = 2, **settings: Any
) -> Iterator[subprocess.Popen]:
    """`flask jobs worker` in a process of its own; stopped with SIGTERM (or already killed)."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "lti_tool",
                "jobs",
                "worker",
                "--threads",
                str(threads),
            ],
            cwd=paths.PROJECT_ROOT,
            env=_worker_environment(app, **settings),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(what: str, condition: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"never happened: {what}\n{log.read_text()[-4000:] if log.exists() else ''}")


def delivered(app: Flask) -> bool:
    rows = score_rows(app)
    return bool(rows) and all(row.status == "delivered" for row in rows)


def record_scores(app: Flask, fake_platform: FakePlatform, slugs: list[str]) -> list[int]:
    """Several learners complete several modules (recorded as the module player records them),
    and their jobs are queued as the request queues them."""
    from lti_tool.grades.jobs import queue_deliveries
    from tests.integration.grades.helpers import record

    record_ids = []
    for user in ("jean-francois", "priya", "zoe"):
        launched = Launched(app, fake_platform, user)
        record_ids += [record(app, launched, slug) for slug in slugs]
    with app.app_context():
        queue_deliveries(record_ids)
        db.session.remove()
    return record_ids


def test_a_worker_killed_mid_delivery_leaves_the_score_to_be_sent_later_once(
    app: Flask, fake_platform: FakePlatform, lms: Lms, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    lms.hold_scores = threading.Event()
    lms.hold_scores.set()
    complete_module(app, fake_platform)
    with worker(app, log) as first:
        wait_for("the worker sends the score", lms.held.is_set, log)
        first.send_signal(signal.SIGKILL)  # mid-call: no outcome written, the claim still held
        first.wait()
    lms.hold_scores.clear()
    [row] = score_rows(app)
    assert (row.status, row.attempts) == ("pending", 1)
    assert fake_platform.state.scores == []

    with worker(app, log):
        wait_for("a second worker delivers it", lambda: delivered(app), log)
    [row] = score_rows(app)
    assert row.attempts == 2
    [score] = fake_platform.state.scores  # once
    assert score.user_id == row.user_sub
    assert lms.open_transactions == []


def test_an_lms_down_for_a_long_stretch_gets_its_scores_once_back_without_a_storm(
    app: Flask, fake_platform: FakePlatform, lms: Lms, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    lms.down = True
    record_ids = record_scores(app, fake_platform, ["scaling-questions", "creating-a-third-point"])
    with worker(app, log, threads=4):
        # With waits of 2, 4, 8 s each score is tried at 0, 2 and 6 s while the LMS is down.
        wait_for("three attempts at each score, all finished", lambda: _tried(app, 3), log)
        with lms.lock:
            lms.down = False
            refused = list(lms.refused)
            back_at = time.monotonic()
        wait_for("every score delivered", lambda: delivered(app), log)
    rows = score_rows(app)
    assert len(rows) == len(record_ids)
    # Each failed attempt was one refused token request, and nothing else knocked.
    assert sum(row.attempts - 1 for row in rows) == len(refused)
    # No storm: no score was tried more often than its waits (2, 4, 8 s) allow in the outage.
    outage = back_at - refused[0][0]
    allowed = 1 + sum(1 for elapsed in (2, 6, 14) if elapsed <= outage)
    assert all(3 <= row.attempts - 1 <= allowed for row in rows)
    # Each score's third attempt came at least 2 + 4 s after its first: the waits were kept.
    assert refused[-1][0] - refused[0][0] >= 6
    assert Counter(score.user_id for score in fake_platform.state.scores) == Counter(
        row.user_sub for row in rows
    )  # once each, after the LMS came back
    assert lms.open_transactions == []


def _tried(app: Flask, times: int) -> bool:
    """Every score has been tried `times` times, and no attempt is in flight."""
    rows = score_rows(app)
    return all(row.attempts >= times and row.claimed_until is None for row in rows)


def test_two_workers_never_send_one_score_at_the_same_time(
    app: Flask, fake_platform: FakePlatform, lms: Lms, tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    lms.slow_scores_seconds = 0.3
    slugs = [
        "scaling-questions",
        "creating-a-third-point",
        "the-power-of-listening",
        "mentoring-is",
    ]
    record_ids = record_scores(app, fake_platform, slugs)
    from lti_tool.grades.jobs import queue_deliveries

    with app.app_context():
        queue_deliveries(record_ids * 3)  # every score queued four times in all
        db.session.remove()
    with worker(app, log, threads=4), worker(app, log, threads=4):
        wait_for("every score delivered", lambda: delivered(app), log)
    assert len(fake_platform.state.scores) == len(record_ids)  # each exactly once
    assert lms.most_in_flight == 1  # never two calls for one score at once
    assert lms.open_transactions == []


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """A Redis server of this test's own on a free port, that the test can stop and start again."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        running.append(process)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    start.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
    yield start
    for process in running:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_with_redis_down_requests_still_succeed_and_jobs_resume_when_it_is_back(
    app: Flask, fake_platform: FakePlatform, lms: Lms, tmp_path: Path, own_redis: Any
) -> None:
    from lti_tool.jobs.queue import configure

    log = tmp_path / "worker.log"
    redis_server = own_redis()
    app.config.update(JOBS_QUEUE="redis", JOBS_REDIS_URL=own_redis.url)
    configure(app)
    with worker(app, log) as running:
        complete_module(app, fake_platform, "priya")
        wait_for("the first score delivered", lambda: delivered(app), log)

        redis_server.terminate()
        redis_server.wait()
        complete_module(app, fake_platform, "zoe")  # every page answered (asserted inside)
        rows = score_rows(app)
        assert [row.status for row in rows] == ["delivered", "pending"]
        assert rows[1].queued_at is None  # refused by the queue: for the next sweep
        assert len(fake_platform.state.scores) == 1

        own_redis()  # back, empty
        wait_for("the second score delivered", lambda: delivered(app), log)
        assert running.poll() is None  # the worker rode out the outage
    assert len(fake_platform.state.scores) == 2
    assert lms.open_transactions == []


def test_the_worker_refuses_to_start_on_the_immediate_queue(app: Flask, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "lti_tool", "jobs", "worker"],
        cwd=paths.PROJECT_ROOT,
        env=_worker_environment(app, JOBS_QUEUE="immediate"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "jobs run inside requests and need no worker" in done.stderr


def test_no_worker_query_outlives_its_transaction(app: Flask) -> None:
    """The probe used above can see a transaction left open (so its silence means something)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert _tool_transactions_open(url) is None
    if url.startswith("sqlite"):
        with app.app_context():
            connection = db.engine.connect()
            transaction = connection.begin()
            connection.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
            connection.execute(text("INSERT INTO probe VALUES (1)"))
            assert _tool_transactions_open(url) is not None
            transaction.rollback()
            connection.close()
            db.session.remove()
        return
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, application_name="mw-job-worker") as worker_like:
        worker_like.execute("SELECT 1")  # psycopg opens a transaction: now idle in it
        assert _tool_transactions_open(url) is not None
