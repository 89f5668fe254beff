"""The job queue: Huey, on Redis when the tool runs on several hosts, on a SQLite file otherwise.

Why Huey: one small, well-kept library with both storages this tool needs — a SQLite file (no
server: development and a one-host install) and Redis (shared by any number of workers on any
number of hosts) — and periodic tasks, a consumer with worker threads, and an "immediate" mode
(jobs run in the caller, for the test suite) built in. Celery needs a broker even in development
and a separate beat process for schedules; RQ and Dramatiq need Redis (or RabbitMQ) everywhere and
an add-on for schedules.

`JOBS_QUEUE` picks the storage: "auto" (Redis at JOBS_REDIS_URL, which defaults to REDIS_URL, else
the SQLite file `jobs.sqlite3` in the instance folder), "redis", "sqlite", or "immediate".

Jobs carry ids, never payloads: what to deliver or sync is read from the database when the job
runs, so a job that is lost, repeated or run late does no harm, and the sweeps find what a lost
job left. `enqueue` never raises: a queue that is down leaves the row for the sweep.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.api import TaskWrapper
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage
from redis import ConnectionPool

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.jobs import services

log = logging.getLogger(__name__)
KINDS = ("auto", "redis", "sqlite", "immediate")

# Bound to its storage by `configure`; until then (imports, the CLI's help) jobs run immediately.
queue = Huey("mentoring-web", results=False, immediate=True)
_app: Flask | None = None


def configure(app: Flask) -> None:
    """Point the queue at the storage `app`'s configuration names; jobs run with `app`."""
    global _app
    kind = storage_kind(app.config)
    if kind == "immediate":
        queue.immediate = True
    else:
        queue._immediate = False  # the setter would rebuild the default storage first
        queue.storage = _storage(app, kind)
    _app = app


def storage_kind(config: Any) -> str:
    kind = config["JOBS_QUEUE"]
    if kind not in KINDS:
        raise ValueError(f"JOBS_QUEUE must be one of {', '.join(KINDS)}")
    if kind == "auto":
        return "redis" if config.get("JOBS_REDIS_URL") or config.get("REDIS_URL") else "sqlite"
    return str(kind)


def _storage(app: Flask, kind: str) -> RedisStorage | SqliteStorage:
    name = app.config["REDIS_KEY_PREFIX"] + "jobs"
    if kind == "redis":
        url = app.config.get("JOBS_REDIS_URL") or app.config.get("REDIS_URL")
        if not url:
            raise ValueError(
                "JOBS_QUEUE is 'redis' but neither JOBS_REDIS_URL nor REDIS_URL is set"
            )
        # Bounded waits: a Redis that is down or unreachable costs a click at most a second.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=1, socket_timeout=5)
        return RedisStorage(name, connection_pool=pool)
    path = app.config.get("JOBS_SQLITE_PATH") or os.path.join(app.instance_path, "jobs.sqlite3")

    def open_file() -> SqliteStorage:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return SqliteStorage(name, filename=path, timeout=15)

    return _OpenedOnFirstUse(open_file)  # type: ignore[return-value]


class _OpenedOnFirstUse:
    """A storage made when first used: creating an app (`flask --help`, a migration, a test's
    app) writes no queue file; the first job, or the worker, does."""

    def __init__(self, make: Callable[[], SqliteStorage]) -> None:
        self._make = make
        self._storage: SqliteStorage | None = None

    def __getattr__(self, name: str) -> Any:
        if self._storage is None:
            self._storage = self._make()
        return getattr(self._storage, name)


def app_for_jobs() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _app is None:
        raise RuntimeError("the job queue is not configured: create the app first")
    return _app


def job(function: Callable[..., None]) -> TaskWrapper:
    """A queued job: `function(*ids)` runs in an app context, with a database session of its own."""

    @functools.wraps(function)
    def run(*args: Any) -> None:
        with app_for_jobs().app_context():
            try:
                function(*args)
            finally:
                db.session.remove()

    return queue.task(name=f"{function.__module__}.{function.__name__}")(run)


def periodic(
    validate: Callable[[datetime], bool], *, every: str | int, lease_seconds: int
) -> Callable[[Callable[[], None]], TaskWrapper]:
    """A scheduled job that runs once per period across all workers.

    Every worker's scheduler enqueues it; the first to take its lease runs it, and keeps the lease
    until shortly before the next period (`every`: seconds, or the name of a setting), so copies
    enqueued by other hosts' schedulers skip. `lease_seconds` bounds one run: a worker killed
    mid-run blocks the job no longer than that.
    """

    def decorate(function: Callable[[], None]) -> TaskWrapper:
        name = f"{function.__module__}.{function.__name__}"

        @functools.wraps(function)
        def run() -> None:
            app = app_for_jobs()
            with app.app_context():
                period = every if isinstance(every, int) else int(app.config[every])
                holder = f"{socket.gethostname()}:{os.getpid()}:{id(run)}"
                started = utcnow()
                try:
                    if not services.take_lease(db.session, name, holder, started, lease_seconds):
                        return
                    try:
                        function()
                    finally:
                        db.session.rollback()
                        until = started + timedelta(seconds=period * 0.9)
                        services.hold_until(db.session, name, holder, max(until, utcnow()))
                finally:
                    db.session.remove()

        return queue.periodic_task(validate, name=name)(run)

    return decorate


def every_check(moment: datetime) -> bool:
    """Run at every look the scheduler takes (JOBS_PERIODIC_CHECK_SECONDS)."""
    return True


def enqueue(task: TaskWrapper, *ids: Any) -> bool:
    """Put `task(*ids)` on the queue; False (logged, never raised) when the queue is unreachable."""
    try:
        task(*ids)
    except Exception as error:  # Redis down, the SQLite file locked: the sweep finds the row
        log.warning(
            "job not queued",
            extra={"event": "jobs.not_queued", "job": task.name, "error": type(error).__name__},
        )
        return False
    return True


class WorkerConsumer(Consumer):
    """Huey's consumer, looking for due periodic jobs every `periodic_check_seconds` (Huey: 60)."""

    def __init__(self, huey: Huey, *, periodic_check_seconds: int, **options: Any) -> None:
        self.periodic_check_seconds = periodic_check_seconds
        super().__init__(huey, **options)

    def _create_scheduler(self) -> Any:
        scheduler = super()._create_scheduler()
        scheduler.periodic_task_seconds = self.periodic_check_seconds
        return scheduler
