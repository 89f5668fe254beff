"""Progress at a glance for a large course: server time and SQL statements per request.

    python -m bench.progress_grid [--database sqlite|postgres|both] [--sizes 20,200,2000,10000]
                                  [--repeat 15]

For each database: a throwaway database (`bench.harness.fresh_database`), the development platform
on loopback and the tool in this process. The demo course's facilitator launches for real (login,
the platform's /auth, launch); then for each of --sizes a course of that many learners is made and
filled in bulk by `bench.progress_seed`, and the facilitator gets a launch into it (their launch's
context with the course swapped). The facilitator requests, through the Flask test client, the
grid's first page, a filtered and searched page, a sorted later page and the CSV export of every
course, each once to warm up and then --repeat rounds of every course and page in turn, timing
each request (the WSGI call and reading the whole body: routing, queries, rendering, the streamed
export) and counting its SQL statements with a `before_cursor_execute` listener; one more request
of each runs under tracemalloc for the peak of Python memory it allocates. Each figure is also given as a ratio to the smallest size's
in the same run. The run exits 1 if a request fails, if the statements of a page change with the
course's size, or if a grid page at 2,000 learners takes more than 1.5 times its time at the
smallest size (not the export, which writes every learner, nor the name search, which finds one
person or none among 20). Prints a table and writes
bench/results/<timestamp>-progress-grid.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import random
import secrets
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import event, select

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
from bench.progress_seed import assign_modules, seed_learners

FACILITATOR = "amelie"  # the demo course's facilitator on the development platform
DEFAULT_SIZES = (20, 200, 2000, 10000)
CHECKED_SIZE, MAX_RATIO = 2000, 1.5  # a grid page at 2,000 learners: at most 1.5x its time at 20
EXPORT = "CSV export"
NAME_SEARCH = "grid, searched by name"
# Checked against MAX_RATIO: the grid pages whose course of 20 shows people too. The export writes
# every learner, and a name found once in 20 learners shows a near-empty page there.
UNCHECKED = (EXPORT, NAME_SEARCH)


def pages(slug: str) -> dict[str, str]:
    """What a facilitator asks for, relative to their launch (`/l/<launch_id>/`)."""
    return {
        "grid, first page": "progress/",
        # A search every learner's email matches (each row is still searched) and a state in one
        # module: a page with people on it at every size.
        "grid, filtered + searched": f"progress/?q=example&module={slug}&state=in_progress&roster=active",
        "grid, sorted (page 2)": "progress/?sort=activity&order=desc&page=2",
        # A name: one person or none in a course of 20, so its page there is nearly empty.
        NAME_SEARCH: f"progress/?q=cote&module={slug}&state=in_progress&roster=active",
        EXPORT: "progress/export.csv",
    }


def _course_launch(app: Any, client: Any, base: str, context_pk: int, size: int) -> str:
    """A launch of the facilitator into another course: their real launch's context with the
    course swapped, stored and bound to this browser as a launch of theirs would be, so each
    course size has its own course in one database and the sizes can be measured in turn."""
    from lti_tool.extensions import db
    from lti_tool.launches.binding import SESSION_KEY
    from lti_tool.launches.services import launch_key, load_launch

    store = app.extensions["lti_state_store"]
    launch_id = base.strip("/").split("/")[1]
    with app.app_context():
        original = load_launch(store, launch_id)
        assert original is not None
        copy = replace(
            original,
            launch_id=secrets.token_urlsafe(24),
            context_pk=context_pk,
            context_id=f"bench-course-{size}",
            context_title=f"Bench course of {size}",
        )
        store.set(launch_key(copy.launch_id), copy.to_json(), 24 * 3600)
        db.session.commit()  # the state store may be the database
        db.session.remove()
    with client.session_transaction() as session:
        session[SESSION_KEY] = [*session.get(SESSION_KEY, []), copy.launch_id]
    return f"/l/{copy.launch_id}/"


class SqlClock:
    """The time the database driver spends executing statements (from before to after each
    cursor execute; rows a streamed cursor fetches later are not in it)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def before(self, *_args: Any) -> None:
        self._started = time.perf_counter()

    def after(self, *_args: Any) -> None:
        self.seconds += time.perf_counter() - self._started


def _request(
    client: Any, url: str, counter: QueryCounter, clock: SqlClock
) -> tuple[float, float, int, int, bytes]:
    """(seconds, SQL seconds, SQL statements, status, body) of one request, its whole body read."""
    counter.count, clock.seconds = 0, 0.0
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data()  # the export streams: its rows are read as it is sent
    elapsed = time.perf_counter() - started
    return elapsed, clock.seconds, counter.count, response.status_code, body


def _peak_kib(client: Any, url: str) -> int:
    """The peak of Python memory allocated while one request runs (tracemalloc), its body read
    a piece at a time and dropped, as a server sends it: what the tool holds, not the file."""
    tracemalloc.start()
    response = client.get(url)
    for _piece in response.response:
        pass
    response.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 1024)


def _measure_all(
    client: Any,
    urls: dict[tuple[int, str], str],
    counter: QueryCounter,
    clock: SqlClock,
    repeat: int,
) -> dict[tuple[int, str], dict[str, Any]]:
    """Every (size, page) once to warm up, then `repeat` rounds, each requesting every size and
    page in turn: a machine busy with something else for a while slows every size alike, which
    keeps the ratios honest on a shared machine."""
    times: dict[tuple[int, str], list[float]] = {key: [] for key in urls}
    sql_times: dict[tuple[int, str], list[float]] = {key: [] for key in urls}
    statements: dict[tuple[int, str], set[int]] = {key: set() for key in urls}
    failures = dict.fromkeys(urls, 0)
    sizes_in_bytes = dict.fromkeys(urls, 0)
    shown = dict.fromkeys(urls, 0)
    for url in urls.values():
        client.get(url).get_data()  # warm-up: template compilation, translations
    for _ in range(repeat):
        for key, url in urls.items():
            seconds, sql_seconds, count, status, body = _request(client, url, counter, clock)
            times[key].append(seconds)
            sql_times[key].append(sql_seconds)
            statements[key].add(count)
            failures[key] += status != 200
            sizes_in_bytes[key] = len(body)
            # People on the page (grid rows) or in the file (lines after the header).
            shown[key] = body.count(b'<th scope="row"') or max(0, body.count(b"\r\n") - 1)
    return {
        key: {
            "server_ms": summarise(times[key]),
            "sql_ms": summarise(sql_times[key]),
            "sql": max(statements[key]),
            "sql_stable": len(statements[key]) == 1,
            "bytes": sizes_in_bytes[key],
            "people": shown[key],
            "peak_kib": _peak_kib(client, url),
            "failures": failures[key],
        }
        for key, url in urls.items()
    }


def run(database: str, options: argparse.Namespace) -> dict[str, Any]:
    from lti_tool.extensions import db
    from lti_tool.learning_modules.services.catalogue import catalogue_of
    from lti_tool.people.models import Context, Membership

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
        rng = random.Random(2026)  # the same courses on every run
        steps: list[dict[str, Any]] = []
        urls: dict[tuple[int, str], str] = {}
        with app.app_context():
            demo = db.session.scalars(
                select(Context).where(Context.context_id == platform.settings.course.id)
            ).one()
            deployment, facilitator = (
                demo.deployment_id,
                db.session.scalar(
                    select(Membership.user_id).where(Membership.context_id == demo.id)
                ),
            )
            db.session.remove()
        first = 0
        for size in options.sizes:
            started = time.perf_counter()
            with app.app_context():  # seeding has its own session, closed before measuring
                course = Context(
                    deployment_id=deployment,
                    context_id=f"bench-course-{size}",
                    title=f"Bench course of {size}",
                    label=f"BENCH-{size}",
                )
                db.session.add(course)
                db.session.flush()
                db.session.add(
                    Membership(context_id=course.id, user_id=facilitator, role="facilitator")
                )
                modules = assign_modules(
                    db.session, course.id, catalogue_of(app), datetime.now(UTC).date()
                )
                seeded = seed_learners(
                    db.session,
                    issuer=platform.settings.issuer,
                    context_pk=course.id,
                    modules=modules,
                    numbers=range(first, first + size),
                    now=datetime.now(UTC).replace(tzinfo=None),
                    rng=rng,
                )
                course_pk = course.id
                db.session.commit()
                db.session.remove()
            first += size
            seconds = round(time.perf_counter() - started, 2)
            print(f"  {database}: a course of {size} learners seeded in {seconds} s")
            base = _course_launch(app, client, result.launch_path, course_pk, size)
            for label, path in pages(modules[2].slug).items():
                urls[size, label] = base + path
            steps.append({"learners": size, "seed_seconds": seconds, "seeded": vars(seeded)})
        clock = SqlClock()
        if database == "postgres":
            # Fresh statistics, as autovacuum keeps them on a server that has been running: the
            # planner of a database bulk-loaded a second ago knows nothing of its tables.
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
        event.listen(engine, "before_cursor_execute", counter)
        event.listen(engine, "before_cursor_execute", clock.before)
        event.listen(engine, "after_cursor_execute", clock.after)
        try:
            measured = _measure_all(client, urls, counter, clock, options.repeat)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
            event.remove(engine, "before_cursor_execute", clock.before)
            event.remove(engine, "after_cursor_execute", clock.after)
            engine.dispose()
        for step in steps:
            step["pages"] = {
                label: figures
                for (size, label), figures in measured.items()
                if size == step["learners"]
            }
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


def add_ratios(run_result: dict[str, Any]) -> None:
    """Each page's p50 over the smallest course's p50 of the same page, in this run."""
    first = run_result["steps"][0]["pages"]
    for step in run_result["steps"]:
        for label, figures in step["pages"].items():
            base = first[label]["server_ms"]["p50"] or 0.1
            figures["ratio"] = round(figures["server_ms"]["p50"] / base, 2)


def flat(run_result: dict[str, Any]) -> bool:
    """Every grid page at CHECKED_SIZE learners within MAX_RATIO of the smallest course."""
    return all(
        figures["ratio"] <= MAX_RATIO
        for step in run_result["steps"]
        if step["learners"] == CHECKED_SIZE
        for label, figures in step["pages"].items()
        if label not in UNCHECKED
    )


def print_report(run_result: dict[str, Any], repeat: int) -> None:
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[run_result["database"]]
    print(f"\n{name}: server time per request in ms over {repeat} requests; SQL statements")
    print(
        f"  {'page':<28}{'learners':>9}{'p50':>9}{'ratio':>7}{'p90':>9}{'max':>9}"
        f"{'SQL ms':>8}{'SQL':>5}{'people':>8}{'KiB':>7}{'peak KiB':>10}"
    )
    labels = list(run_result["steps"][0]["pages"])
    for label in labels:
        for step in run_result["steps"]:
            figures = step["pages"][label]
            ms = figures["server_ms"]
            print(
                f"  {label:<28}{step['learners']:>9}{ms['p50']:>9.1f}{figures['ratio']:>7.2f}"
                f"{ms['p90']:>9.1f}{ms['max']:>9.1f}{figures['sql_ms']['p50']:>8.1f}"
                f"{figures['sql']:>5}{figures['people']:>8}"
                f"{figures['bytes'] / 1024:>7.0f}{figures['peak_kib']:>10}"
            )
    verdict = "constant" if bounded(run_result) else "NOT constant"
    print(f"  SQL statements per request: {verdict} across course sizes")
    if any(step["learners"] == CHECKED_SIZE for step in run_result["steps"]):
        verdict = "within" if flat(run_result) else "NOT within"
        print(
            f"  grid pages at {CHECKED_SIZE} learners: {verdict} {MAX_RATIO}x the smallest course"
        )


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.progress_grid", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"))
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="course sizes in learners, comma separated (20,200,2000,10000)",
    )
    parser.add_argument("--repeat", type=int, default=15, help="requests per page and size (15)")
    options = parser.parse_args(argv)
    options.postgres_url = configured_postgres_url()
    try:
        options.sizes = sorted({int(size) for size in options.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers, e.g. 20,200,2000")
    if not options.sizes or not all(1 <= size <= 50_000 for size in options.sizes):
        parser.error("--sizes must be 1..50000 learners each")
    if not 2 <= options.repeat <= 1_000:
        parser.error("--repeat must be 2..1000")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    databases = databases_to_run(options.database, options.postgres_url)
    if databases is None:
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
        "settings": {"learners": options.sizes, "repeat": options.repeat},
        "runs": [],
    }
    for database in databases:
        result = run(database, options)
        add_ratios(result)
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
    good = all(bounded(result) and flat(result) for result in report["runs"])
    return 1 if failed or not good else 0


if __name__ == "__main__":
    sys.exit(main())
