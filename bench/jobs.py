"""Background jobs benchmark: what the web tier absorbs while the LMS is slow, and what workers drain.

`python -m bench.jobs` (or `make bench-jobs`). Everything on loopback, fixed counts, one run:

1. **Completions per second the web tier absorbs while the LMS takes 2 s per AGS call**, with
   the tool as the Procfile serves it (gunicorn, 2 sync workers) and browsers completing a
   mini-module in parallel (each: its reflection prompts submitted, its sections seen — the last
   request completes it). *before*: jobs run inside the request that queues them (JOBS_QUEUE
   "immediate", which is what the tool did until the queue: the learner's request called the
   gradebook); *after*: the request only queues (a SQLite queue file; no worker runs meanwhile).
2. **Jobs per second** drained by one and by two workers (`flask jobs worker`, 4 threads each),
   the LMS taking 2 s per AGS call, then answering at once: the same score deliveries each time.

The figures are ratios within the run; absolute numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
from sqlalchemy import create_engine, text

from bench.harness import (
    REDIS_PREFIX,
    HttpBrowser,
    Platform,
    Stack,
    complete_module,
    launch,
    launch_stack,
    server_environment,
)
from lti_tool import create_app, paths
from lti_tool.devplatform.course import DEMO_COURSE, LEARNER, Member
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue

MODULE = "scaling-questions"
AGS_PATHS = ("/lineitems",)  # line item search and creation, and score POSTs beneath them
BROWSERS = 4
LEARNERS = int(__import__("os").environ.get("BENCH_LEARNERS", "48"))
BEFORE_LEARNERS = int(__import__("os").environ.get("BENCH_BEFORE", "8"))


def bench_course(learners: int) -> Any:
    extra = tuple(
        Member(key=f"learner-{n}", sub=f"bench-learner-{n:04d}", roles=(LEARNER,), name=f"L {n}")
        for n in range(learners)
    )
    return dataclasses.replace(DEMO_COURSE, members=DEMO_COURSE.members + extra)


class SlowLms:
    """In front of the development platform: every AGS call waits `seconds` before it answers."""

    def __init__(self, platform: Platform) -> None:
        self.seconds = 0.0
        self.calls = 0
        inner = platform.app.wsgi_app

        def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if any(part in environ.get("PATH_INFO", "") for part in AGS_PATHS):
                self.calls += 1
                time.sleep(self.seconds)
            return inner(environ, start_response)

        platform.app.wsgi_app = slow  # type: ignore[method-assign]


def queue_settings(workdir: Path) -> dict[str, str]:
    """The web tier's, the workers' and this process's queue: one file, one queue name."""
    return {
        "LTI_TOOL_REDIS_KEY_PREFIX": f'"{REDIS_PREFIX}"',
        "LTI_TOOL_JOBS_QUEUE": '"sqlite"',
        "LTI_TOOL_JOBS_SQLITE_PATH": f'"{workdir / "jobs.sqlite3"}"',
        "LTI_TOOL_ROSTER_SYNC_ON_LAUNCH": '"off"',
    }


def absorb(stack: Stack, keys: list[str]) -> tuple[float, list[float]]:
    """Launch every learner in `keys`, then complete the module from `BROWSERS` browsers at once.
    Returns completions per second and each completing flow's seconds."""
    module = load_catalogue(CONTENT_DIR / "en").get(MODULE)
    prompts = [prompt.id for prompt in module.prompts]
    sections = [section.id for section in module.sections]
    sessions = {key: requests.Session() for key in keys}
    pages: dict[str, str] = {}
    for key in keys:
        result = launch(HttpBrowser(sessions[key]), stack.platform, stack.tool.base_url, key, key)
        if not result.ok:
            raise RuntimeError(result.error)
        pages[key] = urljoin(stack.tool.base_url, result.launch_path)

    def one(key: str) -> float:
        started = time.perf_counter()
        complete_module(HttpBrowser(sessions[key]), pages[key], MODULE, prompts, sections)
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=BROWSERS) as pool:
        flows = list(pool.map(one, keys))
    wall = time.perf_counter() - started
    for session in sessions.values():
        session.close()
    return len(keys) / wall, flows


@contextmanager
def workers(stack: Stack, workdir: Path, count: int) -> Iterator[None]:
    """`count` workers (`flask jobs worker --threads 4`), started and ready: each has said so."""
    env = {
        **server_environment(stack.database_url, stack.redis_url, "WARNING"),
        **queue_settings(workdir),
    }
    logs = [workdir / f"worker-{count}-{n}.log" for n in range(count)]
    processes = []
    for log in logs:
        with log.open("wb") as output:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "flask",
                        "--app",
                        "lti_tool",
                        "jobs",
                        "worker",
                        "--threads",
                        "4",
                    ],
                    cwd=paths.PROJECT_ROOT,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        deadline = time.perf_counter() + 60
        while not all("worker:" in log.read_text() for log in logs):
            if time.perf_counter() > deadline:
                raise RuntimeError("a worker did not start: " + logs[0].read_text()[-2000:])
            time.sleep(0.05)
        time.sleep(1.0)  # its threads and its schedule's first look (the sweep) are under way
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


DRAIN_DEADLINE_SECONDS = 300


def outcomes(engine: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT status, attempts, last_error, count(*) FROM grade_score_record"
                    " GROUP BY status, attempts, last_error"
                )
            )
        ]


def delivered_count(engine: Any) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM grade_score_record WHERE status = 'delivered'")
            ).scalar_one()
        )


def send_again(stack: Stack, workdir: Path, engine: Any) -> int:
    """Every score waiting again, with its job queued, as after a wave of completions."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE grade_score_record SET status = 'pending', attempts = 0,"
                " next_attempt_at = CURRENT_TIMESTAMP, queued_at = CURRENT_TIMESTAMP,"
                " delivered_at = NULL, revision = revision + 1"
            )
        )
        ids = [row[0] for row in connection.execute(text("SELECT id FROM grade_score_record"))]
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": stack.database_url,
            "INSTANCE_PATH": str(workdir / "instance"),
            "REDIS_URL": stack.redis_url,
            "REDIS_KEY_PREFIX": REDIS_PREFIX,
            "DEV_PLATFORM": False,
            "JOBS_QUEUE": "sqlite",
            "JOBS_SQLITE_PATH": str(workdir / "jobs.sqlite3"),
        }
    )
    from lti_tool.extensions import db
    from lti_tool.grades.jobs import queue_deliveries
    from lti_tool.jobs.queue import queue

    with app.app_context():
        queue.flush()
        queue_deliveries(ids)
        db.session.remove()
        db.engine.dispose()
    return len(ids)


def drain(
    stack: Stack, workdir: Path, engine: Any, count: int, lms: SlowLms, seconds: float
) -> float:
    """Jobs per second `count` workers deliver, the LMS taking `seconds` per AGS call."""
    lms.seconds = seconds
    with workers(stack, workdir, count):
        total = send_again(stack, workdir, engine)
        started = time.perf_counter()
        while delivered_count(engine) < total:
            if time.perf_counter() - started > DRAIN_DEADLINE_SECONDS:
                raise RuntimeError(f"not all delivered: {outcomes(engine)}")
            time.sleep(0.05)
        wall = time.perf_counter() - started
    return total / wall


def run(
    database: str,
    postgres_url: str | None,
    lms_seconds: float,
    modes: tuple[str, ...] = ("before", "after"),
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    keys = [f"learner-{n}" for n in range(LEARNERS)]
    course = bench_course(LEARNERS)
    for mode, settings in (("before", {"LTI_TOOL_JOBS_QUEUE": '"immediate"'}), ("after", None)):
        if mode not in modes:
            continue
        with tempfile.TemporaryDirectory(prefix=f"mw-bench-jobs-{mode}-") as folder:
            workdir = Path(folder)
            env = settings or queue_settings(workdir)
            env = {**env, "LTI_TOOL_ROSTER_SYNC_ON_LAUNCH": '"off"'}
            with launch_stack(
                workdir,
                database=database,
                postgres_url=postgres_url,
                extra_env=env,
                platform_overrides={"course": course},
            ) as stack:
                lms = SlowLms(stack.platform)
                lms.seconds = lms_seconds
                # Before, every completion holds a web worker for the LMS: fewer, or it takes minutes.
                chosen = keys[:BEFORE_LEARNERS] if mode == "before" else keys
                rate, flows = absorb(stack, chosen)
                figures[f"{mode}_completions_per_second"] = rate
                figures[f"{mode}_flow_median_seconds"] = statistics.median(flows)
                figures[f"{mode}_completions"] = len(chosen)
                if mode == "after":
                    engine = create_engine(stack.database_url)
                    drain(stack, workdir, engine, 2, lms, 0.0)  # warm-up: the columns, the token
                    for seconds in (lms_seconds, 0.0):
                        for count in (1, 2):
                            figures[f"jobs_per_second_{count}_workers_lms_{seconds:g}s"] = drain(
                                stack, workdir, engine, count, lms, seconds
                            )
                    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--lms-seconds", type=float, default=2.0)
    parser.add_argument("--only", choices=("before", "after"), help="run one mode (debugging)")
    args = parser.parse_args()
    modes = (args.only,) if args.only else ("before", "after")
    figures = run(args.database, args.postgres_url, args.lms_seconds, modes)
    if args.only:
        print(figures)
        return
    before, after = (
        figures["before_completions_per_second"],
        figures["after_completions_per_second"],
    )
    print(f"database: {args.database}; the LMS takes {args.lms_seconds:g} s per AGS call")
    print(
        f"completions absorbed per second, before (in the request): {before:.2f}"
        f" ({figures['before_completions']} learners, median flow {figures['before_flow_median_seconds']:.2f} s)"
    )
    print(
        f"completions absorbed per second, after (queued):          {after:.2f}"
        f" ({figures['after_completions']} learners, median flow {figures['after_flow_median_seconds']:.2f} s)"
    )
    print(f"  ratio after / before: {after / before:.1f}")
    for seconds in (args.lms_seconds, 0.0):
        one = figures[f"jobs_per_second_1_workers_lms_{seconds:g}s"]
        two = figures[f"jobs_per_second_2_workers_lms_{seconds:g}s"]
        print(
            f"jobs per second, LMS {seconds:g} s per call: 1 worker {one:.2f}, 2 workers {two:.2f}"
            f" (ratio {two / one:.2f})"
        )


if __name__ == "__main__":
    main()
