"""The roster, the review queue and the cohort pages of a growing course: time and SQL per request.

    python -m bench.course_pages [--database sqlite|postgres|both] [--learners 20,200,2000,10000]
                                 [--repeat 15]

For each database: a throwaway database (`bench.harness.fresh_database`), the development platform
on loopback and the tool in this process. The demo course's facilitator launches for real (login,
the platform's /auth, launch), then `bench.course_seed` fills the course in bulk, step by step up
to each size of --learners: learners, module work with shared reflections waiting for feedback,
mentoring webs with strands and snapshots. After each step the cohort publication is dropped and
made again from the bigger course by one request, and on PostgreSQL the tables are analyzed (as
autovacuum would do after such a load, so the planner knows their sizes); then the facilitator
requests each page (`pages()`) once to warm up, then --repeat rounds of every page in turn,
timing the WSGI call (routing, queries, rendering) and counting its SQL statements with a
`before_cursor_execute` listener. The cohort pages are
measured with the production period (a day, so a read checks nothing) and, marked "(period
over)", with a period of 0 s: each read then checks the webs for changes before showing figures.

A page's cost must not grow with the course: the run exits 1 when a page's p50 at 2,000 learners
is above 1.5 × its p50 at the smallest size of the same run, when its statements differ between
sizes or between repeats, or when a request fails. Prints a table and writes
bench/results/<timestamp>-course-pages.json. See bench/README.md ("Course pages benchmark").
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
from sqlalchemy import delete, event, select, text

from bench.course_seed import seed_course
from bench.harness import (
    RESULTS_DIR,
    configured_postgres_url,
    databases_to_run,
    fresh_database,
    launch,
    prepare_database,
    serve_platform,
    tool_app,
)
from bench.launches import (
    IN_PROCESS_TOOL_URL,
    QueryCounter,
    TestClientBrowser,
    summarise,
)
from bench.progress_seed import assign_modules

FACILITATOR = "amelie"  # the demo course's facilitator on the development platform
LIMIT_RATIO = 1.5
GATED_SIZE = 2000  # the bound: within LIMIT_RATIO of the smallest course at this size


# The cohort pages as in production (COHORT_PUBLISH_SECONDS, a day: within it a read checks
# nothing), and once the period is over (0 s: each read checks the webs for changes first).
DAY = 24 * 3600
CHECK_DUE = "(period over)"


def pages(slug: str) -> dict[str, str]:
    """What a facilitator asks for, relative to their launch (`/l/<launch_id>/`)."""
    return {
        "roster": "roster/",
        "roster, searched": "roster/?q=cote&status=all",
        "roster, page 3": "roster/?page=3",
        "review queue": f"modules/{slug}/review",
        "review queue, page 2": f"modules/{slug}/review?page=2",
        "review queue, waiting": f"modules/{slug}/review?status=waiting",
        "cohort": "web/cohort",
        "cohort since": "web/cohort?since=2000-01-01",
        "cohort report": "web/cohort/report",
        f"cohort {CHECK_DUE}": "web/cohort",
        f"cohort since {CHECK_DUE}": "web/cohort?since=2000-01-01",
    }


def _measure_all(
    client: Any, app: Any, urls: dict[str, str], counter: QueryCounter, repeat: int
) -> dict[str, dict[str, Any]]:
    """Each page once to warm up (templates, translations), then `repeat` rounds of every page in
    turn: a burst of load from another process on a shared machine lands on every page alike
    instead of on whichever page was being measured then."""
    times: dict[str, list[float]] = {label: [] for label in urls}
    statements: dict[str, set[int]] = {label: set() for label in urls}
    failures = dict.fromkeys(urls, 0)
    sizes = dict.fromkeys(urls, 0)
    for round_number in range(repeat + 1):
        for label, url in urls.items():
            app.config["COHORT_PUBLISH_SECONDS"] = 0 if CHECK_DUE in label else DAY
            counter.count = 0
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            if round_number == 0:
                continue  # the warm-up
            times[label].append(elapsed)
            statements[label].add(counter.count)
            failures[label] += response.status_code != 200
            sizes[label] = len(response.get_data())
    return {
        label: {
            "server_ms": summarise(times[label]),
            "sql": max(statements[label]),
            "sql_stable": len(statements[label]) == 1,
            "bytes": sizes[label],
            "failures": failures[label],
        }
        for label in urls
    }


def run(database: str, options: argparse.Namespace) -> dict[str, Any]:
    from lti_tool.extensions import db
    from lti_tool.learning_modules.services.catalogue import catalogue_of
    from lti_tool.mentoring_web.models import CohortPublication
    from lti_tool.people.models import Context

    with (
        tempfile.TemporaryDirectory(prefix=f"bench-pages-{database}-") as tmp,
        fresh_database(database, Path(tmp), options.postgres_url) as database_url,
        serve_platform(IN_PROCESS_TOOL_URL) as platform,
        requests.Session() as platform_http,
    ):
        workdir = Path(tmp)
        prepare_database(database_url, platform.settings, workdir)
        app = tool_app(database_url, workdir)
        app.config["ROSTER_SYNC_ON_LAUNCH"] = "off"  # the seeded course is the roster here
        app.config["COHORT_PUBLISH_SECONDS"] = DAY
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
            for size in options.sizes:
                started = time.perf_counter()
                with app.app_context():  # seeding has its own session, closed before measuring
                    seeded = seed_course(
                        db.session,
                        issuer=platform.settings.issuer,
                        context_pk=context_pk,
                        modules=modules,
                        numbers=range(seeded_up_to, size),
                        now=datetime.now(UTC).replace(tzinfo=None),
                        rng=rng,
                    )
                    db.session.execute(delete(CohortPublication))  # republished from this course
                    db.session.commit()
                    db.session.remove()
                client.get(base + "web/cohort")  # publishes the bigger course's figures
                if database == "postgres":
                    # As autovacuum would soon after such a load: fresh planner statistics.
                    with engine.connect() as connection:
                        connection.execute(text("ANALYZE"))
                        connection.commit()
                seeded_up_to = size
                seconds = round(time.perf_counter() - started, 2)
                print(f"  {database}: {size} learners seeded ({seconds} s for this step)")
                urls = {label: base + path for label, path in pages(modules[2].slug).items()}
                measured = _measure_all(client, app, urls, counter, options.repeat)
                app.config["COHORT_PUBLISH_SECONDS"] = DAY
                steps.append(
                    {"learners": size, "seed_seconds": seconds, "seeded": seeded, "pages": measured}
                )
        finally:
            event.remove(engine, "before_cursor_execute", counter)
            engine.dispose()
    return {"database": database, "steps": steps}


FULL_PAGE_SIZE = 200  # the first size at which every listed page shows a full page of rows


def ratios(run_result: dict[str, Any], base_size: int | None = None) -> dict[str, dict[int, float]]:
    """Each page's p50 at every size over its p50 at the smallest size of the same run (or at
    `base_size`, when it was measured; {} when it was not)."""
    steps = run_result["steps"]
    first = (
        steps[0]
        if base_size is None
        else next((step for step in steps if step["learners"] == base_size), None)
    )
    if first is None:
        return {}
    found: dict[str, dict[int, float]] = {}
    for step in steps:
        for label, figures in step["pages"].items():
            base = first["pages"][label]["server_ms"]["p50"]
            found.setdefault(label, {})[step["learners"]] = figures["server_ms"]["p50"] / base
    return found


def problems(run_result: dict[str, Any]) -> list[str]:
    """Why this run fails the issue's bound; [] when it holds."""
    found = []
    by_page: dict[str, set[int]] = {}
    for step in run_result["steps"]:
        for label, figures in step["pages"].items():
            by_page.setdefault(label, set()).add(figures["sql"])
            if not figures["sql_stable"]:
                found.append(f"{label}: statements vary between repeats at {step['learners']}")
            if figures["failures"]:
                found.append(f"{label}: {figures['failures']} failed requests")
    found += [f"{label}: statements {sorted(n)}" for label, n in by_page.items() if len(n) > 1]
    for label, by_size in ratios(run_result).items():
        if by_size.get(GATED_SIZE, 0) > LIMIT_RATIO:
            found.append(f"{label}: {by_size[GATED_SIZE]:.2f}× at {GATED_SIZE} learners")
    return found


def print_report(run_result: dict[str, Any], repeat: int) -> None:
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[run_result["database"]]
    print(f"\n{name}: server time per request in ms over {repeat} requests; SQL statements")
    print(
        f"  {'page':<28}{'learners':>9}{'p50':>9}{'ratio':>8}{'÷200':>8}{'p90':>9}{'SQL':>6}"
        f"{'KiB':>8}"
    )
    by_ratio = ratios(run_result)
    by_full = ratios(run_result, FULL_PAGE_SIZE)
    for label in run_result["steps"][0]["pages"]:
        for step in run_result["steps"]:
            figures = step["pages"][label]
            ms = figures["server_ms"]
            ratio = by_ratio[label][step["learners"]]
            full = by_full.get(label, {}).get(step["learners"])
            full_text = (
                f"{full:>7.2f}×" if full is not None and step["learners"] >= 200 else " " * 8
            )
            print(
                f"  {label:<28}{step['learners']:>9}{ms['p50']:>9.1f}{ratio:>7.2f}×{full_text}"
                f"{ms['p90']:>9.1f}{figures['sql']:>6}{figures['bytes'] / 1024:>8.0f}"
            )
    for problem in problems(run_result) or ["none: every page within bounds"]:
        print(f"  problem: {problem}")


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.course_pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"))
    parser.add_argument(
        "--learners", default="20,200,2000,10000", help="course sizes (20,200,2000,10000)"
    )
    parser.add_argument("--repeat", type=int, default=15, help="rounds of requests per size (15)")
    options = parser.parse_args(argv)
    options.postgres_url = configured_postgres_url()
    try:
        options.sizes = sorted({int(n) for n in options.learners.split(",")})
    except ValueError:
        parser.error("--learners is a comma-separated list of whole numbers")
    if not all(1 <= n <= 50_000 for n in options.sizes) or not 2 <= options.repeat <= 1_000:
        parser.error("--learners must be 1..50000 and --repeat 2..1000")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    databases = databases_to_run(options.database, options.postgres_url)
    if databases is None:
        return 2
    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "benchmark": "course_pages",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": host.platform(),
            "python": host.python_version(),
        },
        "settings": {"learners": options.sizes, "repeat": options.repeat},
        "runs": [],
    }
    for database in databases:
        result = run(database, options)
        result["problems"] = problems(result)
        result["ratios"] = ratios(result)
        result["ratios_to_200"] = ratios(result, FULL_PAGE_SIZE)
        report["runs"].append(result)
        print_report(result, options.repeat)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}-course-pages.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 1 if any(result["problems"] for result in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
