"""Full LTI launches per second through gunicorn, and SQL queries per request.

    python -m bench.launches [--database sqlite|postgres|both] [--redis] [--concurrency 4]
                             [--launches 300] [--warmup 30] [--workers 2]

For each database, `bench.harness.launch_stack` serves the tool with gunicorn (2 workers, as the
Procfile) against a fresh database, with the development platform in this process. C browser
threads run a warm-up, then a fixed number of full launches: POST /lti/login, the platform's /auth
(the fake LMS: timed, and reported as its share), POST /lti/launch, GET the first page. A second,
in-process run through the Flask test client counts the SQL statements each tool request executes
(a `before_cursor_execute` listener). Prints a table and writes bench/results/<timestamp>.json.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import requests
from flask.testing import FlaskClient
from sqlalchemy import event

from bench.harness import (
    DEFAULT_REDIS_URL,
    RESULTS_DIR,
    STEP_HEADER,
    STEPS,
    TOOL_STEPS,
    LaunchResult,
    Page,
    configured_postgres_url,
    databases_to_run,
    fresh_database,
    launch,
    launch_stack,
    prepare_database,
    run_launches,
    serve_platform,
    tool_app,
)

IN_PROCESS_TOOL_URL = "http://localhost"  # the Flask test client's host
STEP_LABELS = {
    "total": "full launch",
    "login": "login (POST /lti/login)",
    "auth": "platform /auth (fake LMS)",
    "launch": "launch + first page (POST /lti/launch)",
}


# -- throughput and latency through gunicorn ----------------------------------------------------


def summarise(values: list[float]) -> dict[str, float]:
    """Milliseconds: p50/p90/p99 (inclusive quantiles), max and mean."""
    ms = [value * 1000 for value in values]
    if len(ms) < 2:
        ms = ms * 2 or [0.0, 0.0]
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 1),
        "p90": round(cuts[89], 1),
        "p99": round(cuts[98], 1),
        "max": round(max(ms), 1),
        "mean": round(statistics.fmean(ms), 1),
    }


def measure(database: str, options: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-{database}-") as workdir,
        launch_stack(
            Path(workdir),
            database=database,
            postgres_url=options.postgres_url,
            redis_url=options.redis_url,
            workers=options.workers,
            log_level="INFO",  # as production logs: one line per login and per launch
        ) as stack,
    ):
        warmup, _ = run_launches(
            stack, options.warmup, concurrency=options.concurrency, tag_prefix="warmup"
        )
        results, seconds = run_launches(
            stack, options.launches, concurrency=options.concurrency, tag_prefix="launch"
        )
        stack.tool.stop()  # flushes the access log
        entries = [e for e in stack.tool.access_entries() if e.tag.startswith("launch-")]
    ok = [r for r in results if r.ok]
    server_times: dict[str, list[float]] = {step: [] for step in TOOL_STEPS}
    for entry in entries:
        step = entry.tag.rpartition(":")[2]
        if step in server_times:
            server_times[step].append(entry.micros / 1e6)
    total_time = sum(r.timings["total"] for r in ok)
    return {
        "database": database,
        "state_store": "redis" if options.redis_url else "database",
        "launches": len(results),
        "ok": len(ok),
        "errors": len(results) - len(ok),
        "warmup_errors": sum(not r.ok for r in warmup),
        "error_samples": [r.error for r in results if not r.ok][:5],
        "wall_seconds": round(seconds, 3),
        "launches_per_second": round(len(ok) / seconds, 1),
        "latency_ms": {
            step: summarise([r.timings[step] for r in ok]) for step in ("total", *STEPS) if ok
        },
        "server_latency_ms": {
            step: summarise(values) for step, values in server_times.items() if values
        },
        "platform_auth_share": round(sum(r.timings["auth"] for r in ok) / total_time, 3)
        if ok
        else None,
        "requests_per_worker": dict(Counter(str(e.pid) for e in entries)),
    }


# -- SQL statements per request, in process -----------------------------------------------------


class QueryCounter:
    """A `before_cursor_execute` listener: counts statements and keeps the last request's."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.count += 1
        self.statements.append(" ".join(statement.split()))

    def reset(self) -> None:
        self.count = 0
        self.statements = []


class TestClientBrowser:
    """The tool through the Flask test client (counting SQL per request); the platform over HTTP."""

    def __init__(
        self, client: FlaskClient, platform_http: requests.Session, counter: QueryCounter
    ) -> None:
        self.client = client
        self.platform_http = platform_http
        self.counter = counter
        self.queries: dict[str, int] = {}
        self.statements: dict[str, list[str]] = {}

    def _tool(self, method: str, url: str, headers: Mapping[str, str], **kwargs: Any) -> Page:
        self.counter.reset()
        response = self.client.open(url, method=method, headers=dict(headers), **kwargs)
        step = headers[STEP_HEADER].rpartition(":")[2]
        self.queries[step] = self.counter.count
        self.statements[step] = list(self.counter.statements)
        return Page(
            response.status_code,
            response.headers.get("Location", ""),
            response.get_data(as_text=True),
            response.headers.get("Content-Location", ""),
        )

    def get(self, url: str, headers: Mapping[str, str]) -> Page:
        if url.startswith(IN_PROCESS_TOOL_URL + "/"):
            return self._tool("GET", url, headers)
        response = self.platform_http.get(url, headers=dict(headers), timeout=30)
        return Page(response.status_code, response.headers.get("Location", ""), response.text)

    def post(self, url: str, data: Mapping[str, str], headers: Mapping[str, str]) -> Page:
        return self._tool("POST", url, headers, data=dict(data))


def count_queries(database: str, options: argparse.Namespace, launches: int = 10) -> dict:
    """SQL statements per tool request: the first launch (new user, JWKS fetch), then steady state
    (median and max over `launches` more, each user already known). Pool pre-pings not counted."""
    from lti_tool.extensions import db

    with (
        tempfile.TemporaryDirectory(prefix=f"bench-queries-{database}-") as tmp,
        fresh_database(database, Path(tmp), options.postgres_url) as database_url,
        serve_platform(IN_PROCESS_TOOL_URL) as platform,
        requests.Session() as platform_http,
    ):
        workdir = Path(tmp)
        prepare_database(database_url, platform.settings, workdir)
        app = tool_app(database_url, workdir, options.redis_url)
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        runs: list[dict[str, int]] = []
        statements: dict[str, dict[str, list[str]]] = {}  # by user: their last launch's
        try:
            users = platform.user_keys
            for n in range(len(users) + launches):
                browser = TestClientBrowser(app.test_client(), platform_http, counter)
                result: LaunchResult = launch(
                    browser, platform, IN_PROCESS_TOOL_URL, users[n % len(users)], f"q-{n}"
                )
                if not result.ok:
                    raise RuntimeError(f"in-process launch failed: {result.error}")
                runs.append(browser.queries)
                statements[users[n % len(users)]] = browser.statements
        finally:
            event.remove(engine, "before_cursor_execute", counter)
            with app.app_context():
                db.session.remove()
            engine.dispose()
    steady = runs[len(platform.user_keys) :]
    return {
        "state_store": "redis" if options.redis_url else "database",
        "first_launch": runs[0],
        "steady": {
            step: {
                "median": statistics.median(run[step] for run in steady),
                "max": max(run[step] for run in steady),
            }
            for step in TOOL_STEPS
        },
        "steady_statements": statements,
    }


# -- report -------------------------------------------------------------------------------------


def print_report(run: dict[str, Any], queries: dict[str, Any]) -> None:
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[run["database"]]
    print(
        f"\n{name} — state in {run['state_store']}: {run['launches']} launches, "
        f"{run['ok']} ok, {run['errors']} errors, {run['wall_seconds']} s"
    )
    print(f"  {run['launches_per_second']} full launches/s")
    print(f"  {'step (ms)':<28}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}   server p50")
    for step, label in STEP_LABELS.items():
        figures = run["latency_ms"].get(step)
        if figures is None:
            continue
        server = run["server_latency_ms"].get(step, {}).get("p50")
        cells = "".join(f"{figures[key]:>8.1f}" for key in ("p50", "p90", "p99", "max"))
        print(f"  {label:<28}{cells}   {'' if server is None else f'{server:.1f}'}")
    if run["platform_auth_share"] is not None:
        print(f"  the fake LMS's /auth: {run['platform_auth_share']:.0%} of launch time")
    workers = ", ".join(f"pid {pid}: {n}" for pid, n in sorted(run["requests_per_worker"].items()))
    print(f"  tool requests per worker: {workers}")
    if run["warmup_errors"]:
        print(f"  warm-up errors: {run['warmup_errors']}")
    for sample in run["error_samples"]:
        print(f"  error: {sample}")
    steady = queries["steady"]
    for user, steps in queries["steady_statements"].items():
        print(f"  SQL of a returning launch by {user}:")
        for step in TOOL_STEPS:
            for statement in steps.get(step, []):
                print(f"    {step:<7}{statement[:150]}")
    print(
        "  SQL per request (steady): "
        + ", ".join(
            f"{label} {steady[step]['median']:g} (max {steady[step]['max']})"
            for step, label in (("login", "login"), ("launch", "launch and course page"))
        )
        + f"; first launch: {queries['first_launch']}"
    )


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.launches", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--redis", action="store_true", help="launch state in Redis (REDIS_URL)")
    parser.add_argument("--concurrency", type=int, default=4, help="browser threads (4)")
    parser.add_argument("--launches", type=int, default=300, help="measured launches (300)")
    parser.add_argument("--warmup", type=int, default=30, help="launches before measuring (30)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    options = parser.parse_args(argv)
    options.postgres_url = configured_postgres_url()
    options.redis_url = (
        (os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL) if options.redis else None
    )
    if not 1 <= options.launches <= 10_000 or not 1 <= options.concurrency <= 64:
        parser.error("--launches must be 1..10000 and --concurrency 1..64")
    if not 0 <= options.warmup <= 1_000 or not 1 <= options.workers <= 16:
        parser.error("--warmup must be 0..1000 and --workers 1..16")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    databases = databases_to_run(options.database, options.postgres_url)
    if databases is None:
        return 2

    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": host.platform(),
            "python": host.python_version(),
            "gunicorn": version("gunicorn"),
        },
        "settings": {
            "concurrency": options.concurrency,
            "launches": options.launches,
            "warmup": options.warmup,
            "workers": options.workers,
            "state_store": "redis" if options.redis_url else "database",
        },
        "runs": [],
    }
    print(
        f"{options.launches} launches after {options.warmup} warm-up, {options.concurrency} "
        f"clients, gunicorn {options.workers} workers, {os.cpu_count()} CPUs"
    )
    for database in databases:
        run = measure(database, options)
        run["queries_per_request"] = count_queries(database, options)
        report["runs"].append(run)
        print_report(run, run["queries_per_request"])

    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    failed = any(run["errors"] or run["warmup_errors"] for run in report["runs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
