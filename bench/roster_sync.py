"""How long a course roster sync takes, and how many SQL statements it runs, as the course grows.

    python -m bench.roster_sync [--database sqlite|postgres|both] [--members 200,2000]
                                [--page-size 100] [--changes 20]

For each database and course size: the development platform (in this process, on loopback) lists
N members over NRPS 2.0 in pages of `--page-size`, and the tool syncs them three times through
`rosters.services.sync.sync_now`, the code a facilitator's launch and "Sync now" run:

1. *first full sync*: every member is new (users and memberships inserted);
2. *differences sync*: after `--changes` changes on the LMS (removals, suspensions, renames), the
   tool follows the `differences` link it was given, so only the changes travel;
3. *full sync again, nothing changed*: every page read, nothing written but `roster_seen_at`.

Reported per run: wall time (HTTP to the platform included), NRPS pages, SQL statements (a
`before_cursor_execute` listener). Prints a table and writes bench/results/roster-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.harness import (
    DEFAULT_POSTGRES_URL,
    RESULTS_DIR,
    fresh_database,
    postgres_answers,
    prepare_database,
    serve_platform,
    tool_app,
)
from lti_tool.devplatform.course import LEARNER, Member

TOOL_URL = "http://localhost"  # never called: the tool calls the platform, not the other way


def members(count: int) -> list[Member]:
    """Learners with French and English names, as an Ontario board's course has."""
    given = ("Amélie", "Jean-François", "Zoë", "Priya", "Noël", "Chloé", "Liam", "Ève")
    family = ("Côté", "Tremblay", "O'Connor", "Singh", "Gagnon", "Lévesque", "Nguyễn", "Roy")
    return [
        Member(
            key=f"learner-{n:05d}",
            sub=f"bench-learner-{n:05d}",
            roles=(LEARNER,),
            name=f"{given[n % 8]} {family[(n // 8) % 8]} {n:05d}",
            given_name=given[n % 8],
            family_name=f"{family[(n // 8) % 8]} {n:05d}",
            email=f"learner.{n:05d}@example.org",
        )
        for n in range(count)
    ]


def run_one(kind: str, count: int, options: argparse.Namespace) -> list[dict[str, Any]]:
    from lti_tool.extensions import db
    from lti_tool.lti.models import Deployment
    from lti_tool.people.models import Context
    from lti_tool.rosters.models import RosterSync
    from lti_tool.rosters.services import sync as sync_services

    with (
        tempfile.TemporaryDirectory(prefix="mw-roster-bench-") as tmp,
        serve_platform(TOOL_URL, nrps_page_size=options.page_size) as platform,
        fresh_database(kind, Path(tmp), options.postgres_url) as database_url,
    ):
        workdir = Path(tmp)
        prepare_database(database_url, platform.settings, workdir)
        state = platform.app.extensions["dev_platform_state"]
        course = platform.settings.course
        state.add_members(members(count))
        app = tool_app(database_url, workdir)
        app.config["ROSTER_PAGE_SIZE"] = options.page_size
        with state.lock:  # the platform verifies the tool's client assertions with this key set
            state.tool_jwks = app.test_client().get("/lti/jwks").get_json()
        rows: list[dict[str, Any]] = []
        with app.app_context():
            deployment = db.session.scalar(select(Deployment))
            context = Context(deployment_id=deployment.id, context_id=course.id, title=course.title)
            db.session.add(context)
            db.session.flush()
            db.session.add(
                RosterSync(
                    context_id=context.id,
                    memberships_url=platform.settings.memberships_url(course.id),
                )
            )
            db.session.commit()
            context_pk = context.id

            def timed(label: str, *, full: bool) -> None:
                statements: list[str] = []

                def count_statement(*_args: Any) -> None:
                    statements.append("")

                event.listen(db.engine, "before_cursor_execute", count_statement)
                pages_before = _roster_requests(state)
                started = time.perf_counter()
                report = sync_services.sync_now(db.session, app, context_pk, want_full=full)
                seconds = time.perf_counter() - started
                event.remove(db.engine, "before_cursor_execute", count_statement)
                if not report.ok:
                    raise SystemExit(f"{kind} {count}: sync failed: {report.error}")
                rows.append(
                    {
                        "database": kind,
                        "members": count,
                        "run": label,
                        "seconds": round(seconds, 3),
                        "pages": _roster_requests(state) - pages_before,
                        "listed": report.members_seen,
                        "added": report.added,
                        "updated": report.updated,
                        "removed": report.removed,
                        "sql": len(statements),
                    }
                )
                db.session.remove()

            timed("first full sync", full=True)
            listed = state.members(course)
            for n, member in enumerate(listed[: options.changes]):
                if n % 3 == 0:
                    state.remove_member(course, member.key)
                elif n % 3 == 1:
                    state.set_member_status(course, member.key, "Inactive")
                else:
                    state.update_member(course, member.key, name=member.name + " (renamed)")
            timed("differences sync", full=False)
            timed("full sync, nothing changed", full=True)
            db.engine.dispose()
        return rows


def _roster_requests(state: Any) -> int:
    return sum(1 for r in state.requests if r.path.endswith("/memberships"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--members", default="200,2000")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--changes", type=int, default=20)
    options = parser.parse_args(argv)
    kinds = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    if "postgres" in kinds and not postgres_answers(options.postgres_url):
        if options.database == "postgres":
            print(f"PostgreSQL does not answer at {options.postgres_url}", file=sys.stderr)
            return 1
        kinds.remove("postgres")
    rows = [
        row
        for kind in kinds
        for count in (int(n) for n in options.members.split(","))
        for row in run_one(kind, count, options)
    ]
    header = (
        "database",
        "members",
        "run",
        "seconds",
        "pages",
        "listed",
        "added",
        "updated",
        "removed",
        "sql",
    )
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[name]) for name in header))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"roster-{stamp}.json"
    path.write_text(json.dumps({"page_size": options.page_size, "runs": rows}, indent=2) + "\n")
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
