"""Progress at a glance for a large course: server time and SQL statements per request.

    python -m bench.progress_grid [--database sqlite|postgres|both] [--learners 2000] [--repeat 15]

For each database: a throwaway database (`bench.harness.fresh_database`), the development platform
on loopback and the tool in this process. The demo course's facilitator launches for real (login,
the platform's /auth, launch), then `bench.progress_seed` fills the course in bulk, in three steps
(1 %, 10 % and 100 % of --learners: 20, 200 and 2,000 by default). After each step the facilitator
requests, through the Flask test client, the grid's first page, a filtered and searched page, a
sorted later page and the CSV export, each once to warm up and then --repeat times, timing each
request (the WSGI call: routing, queries, rendering) and counting its SQL statements with a
`before_cursor_execute` listener. The statements must not grow with the course: the run exits 1
if they do, or if any request fails. Prints a table and writes
bench/results/<timestamp>-progress-grid.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import event, select

from bench.harness import (
    fresh_database,
    launch,
    postgres_answers,
    prepare_database,
    serve_platform,
    tool_app,
)
from bench.launches import (
    DEFAULT_POSTGRES_URL,
    IN_PROCESS_TOOL_URL,
    RESULTS_DIR,
    QueryCounter,
    TestClientBrowser,
    summarise,
)
from bench.progress_seed import assign_modules, seed_learners

FACILITATOR = "amelie"  # the demo course's facilitator on the development platform


def pages(slug: str) -> dict[str, str]:
    """What a facilitator asks for, relative to their launch (`/l/<launch_id>/`)."""
    return {
        "grid, first page": "progress/",
        "grid, filtered + searched": f"progress/?q=cote&module={slug}&state=in_progress&roster=active",
        "grid, sorted (page 2)": "progress/?sort=activity&order=desc&page=2",
        "CSV export": "progress/export.csv",
    }


def sizes(learners: int) -> list[int]:
    return sorted({max(1, learners // 100), max(1, learners // 10), learners})


def _measure(client: Any, url: str, counter: QueryCounter, repeat: int) -> dict[str, Any]:
    client.get(url)  # warm-up: template compilation, translations
    times, statements, failures = [], set(), 0
    for _ in range(repeat):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        statements.add(counter.count)
        failures += response.status_code != 200
    return {
        "server_ms": summarise(times),
        "sql": max(statements),
        "sql_stable": len(statements) == 1,
        "bytes": len(response.get_data()),
        "failures": failures,
    }


def run(database: str, options: argparse.Namespace) -> dict[str, Any]:
    from lti_tool.extensions import db
    from lti_tool.learning_modules.services.catalogue import catalogue_of
    from lti_tool.people.models import Context

    with (
        tempfile.TemporaryDirectory(prefix=f"bench-progress-{database}-") as tmp,
        fresh_database(database, Path(tmp), options.postgres_url) as database_url,
        serve_platform(IN_PROCESS_TOOL_URL) as platform,
        requests.Session() as platform_http,
    ):
        workdir = Path(tmp)
        prepare_database(database_url, platform.settings, workdir)
        app = tool_app(database_url, workdir)
        app.config["ROSTER_SYNC_ON_LAUNCH"] = "off"  # the seeded course is the roster here
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        client = app.test_client()
        browser = TestClientBrowser(client, platform_http, counter)
        result = launch(browser, platform, IN_PROCESS_TOOL_URL, FACILITATOR, "facilitator")
        if not result.ok:
            raise RuntimeError(f"the facilitator's launch failed: {result.error}")
        base = result.launch_path
        rng = random.Random(2026)  # the same course on every run
        steps: list[dict[str, Any]] = []
        with app.app_context():
            context_pk = db.session.scalar(
                select(Context.id).where(Context.context_id == platform.settings.course.id)
            )
            modules = assign_modules(
                db.session, context_pk, catalogue_of(app), datetime.now(UTC).date()
            )
            db.session.commit()
            db.session.remove()
        seeded_up_to = 0
        event.listen(engine, "before_cursor_execute", counter)
        try:
            for size in sizes(options.learners):
                started = time.perf_counter()
                with app.app_context():  # seeding has its own session, closed before measuring
                    seeded = seed_learners(
                        db.session,
                        issuer=platform.settings.issuer,
                        context_pk=context_pk,
                        modules=modules,
                        numbers=range(seeded_up_to, size),
                        now=datetime.now(UTC).replace(tzinfo=None),
                        rng=rng,
                    )
                    db.session.commit()
                    db.session.remove()
                seeded_up_to = size
                seconds = round(time.perf_counter() - started, 2)
                print(f"  {database}: {size} learners seeded ({seconds} s for this step)")
                measured = {
                    label: _measure(client, base + path, counter, options.repeat)
                    for label, path in pages(modules[2].slug).items()
                }
                steps.append(
                    {
                        "learners": size,
                        "seed_seconds": seconds,
                        "seeded": vars(seeded),
                        "pages": measured,
                    }
                )
        finally:
            event.remove(engine, "before_cursor_execute", counter)
            engine.dispose()
    return {"database": database, "steps": steps}


def bounded(run_result: dict[str, Any]) -> bool:
    """The same statements per page at every course size, and the same at each repeat."""
    by_page: dict[str, set[int]] = {}
    for step in run_result["steps"]:
        for label, figures in step["pages"].items():
            by_page.setdefault(label, set()).add(figures["sql"])
            if not figures["sql_stable"]:
                return False
    return all(len(counts) == 1 for counts in by_page.values())


def print_report(run_result: dict[str, Any], repeat: int) -> None:
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[run_result["database"]]
    print(f"\n{name}: server time per request in ms over {repeat} requests; SQL statements")
    print(f"  {'page':<28}{'learners':>9}{'p50':>9}{'p90':>9}{'max':>9}{'SQL':>6}{'KiB':>8}")
    labels = list(run_result["steps"][0]["pages"])
    for label in labels:
        for step in run_result["steps"]:
            figures = step["pages"][label]
            ms = figures["server_ms"]
            print(
                f"  {label:<28}{step['learners']:>9}{ms['p50']:>9.1f}{ms['p90']:>9.1f}"
                f"{ms['max']:>9.1f}{figures['sql']:>6}{figures['bytes'] / 1024:>8.0f}"
            )
    verdict = "constant" if bounded(run_result) else "NOT constant"
    print(f"  SQL statements per request: {verdict} across course sizes")


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.progress_grid", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--learners", type=int, default=2000, help="largest course size (2000)")
    parser.add_argument("--repeat", type=int, default=15, help="requests per page and size (15)")
    options = parser.parse_args(argv)
    configured = os.environ.get("DATABASE_URL") or ""
    options.postgres_url = configured if configured.startswith("postgres") else DEFAULT_POSTGRES_URL
    if not 10 <= options.learners <= 50_000 or not 2 <= options.repeat <= 1_000:
        parser.error("--learners must be 10..50000 and --repeat 2..1000")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    postgres_up = postgres_answers(options.postgres_url)
    if options.database is None:
        options.database = "both" if postgres_up else "sqlite"
        if not postgres_up:
            print(f"PostgreSQL does not answer at {options.postgres_url}: SQLite only.")
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    if "postgres" in databases and not postgres_up:
        print(f"PostgreSQL does not answer at {options.postgres_url}.", file=sys.stderr)
        return 2
    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "benchmark": "progress_grid",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": host.platform(),
            "python": host.python_version(),
        },
        "settings": {"learners": sizes(options.learners), "repeat": options.repeat},
        "runs": [],
    }
    for database in databases:
        result = run(database, options)
        report["runs"].append(result)
        print_report(result, options.repeat)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}-progress-grid.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    failed = any(
        figures["failures"]
        for result in report["runs"]
        for step in result["steps"]
        for figures in step["pages"].values()
    )
    return 1 if failed or not all(bounded(result) for result in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
