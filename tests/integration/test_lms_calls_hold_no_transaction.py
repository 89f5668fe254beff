"""No database transaction is open while the LMS answers a call (token, AGS, NRPS).

On SQLite a roster sync waiting on a slow LMS once held the write lock, so other people's logins
and saves failed with "database is locked". Here the fake LMS itself looks at the tool's database
each time it is called, while the tool waits for its answer: no connection of the tool's may be
checked out of the pool (a session holds one exactly while its transaction is open), and on SQLite
another writer must get the write lock at once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from lti_tool.extensions import db
from tests.fake_platform import FakePlatform
from tests.integration.grades.helpers import Launched
from tests.integration.grades.test_columns import _complete
from tests.integration.rosters.test_sync import NEVER_LAUNCHED, sync_now

SERVICE_PATHS = ("/token", "/memberships", "/lineitems", "/scores")


@dataclass(frozen=True)
class Observed:
    path: str
    connections_in_use: int
    write_lock_free: bool | None  # None where the database is not SQLite


def _write_lock_free(engine: Engine) -> bool | None:
    if engine.dialect.name != "sqlite":
        return None
    try:
        other = sqlite3.connect(engine.url.database, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
        finally:
            other.close()
    except sqlite3.OperationalError:
        return False
    return True


@pytest.fixture
def lms_calls(app: Flask, fake_platform: FakePlatform) -> list[Observed]:
    """Every service call the fake LMS receives, with the tool's database as it was meanwhile."""
    with app.app_context():
        engine = db.engine
    seen: list[Observed] = []
    inner = fake_platform.platform_app.wsgi_app

    def watching(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if any(part in path for part in SERVICE_PATHS):
            seen.append(Observed(path, engine.pool.checkedout(), _write_lock_free(engine)))
        return inner(environ, start_response)

    fake_platform.platform_app.wsgi_app = watching  # type: ignore[method-assign]
    return seen


def _assert_nothing_held(seen: list[Observed]) -> None:
    assert seen, "the LMS was never called"
    held = [o for o in seen if o.connections_in_use or o.write_lock_free is False]
    assert held == [], held


def test_a_roster_sync_holds_no_transaction_while_the_lms_answers(
    app: Flask, fake_platform: FakePlatform, lms_calls: list[Observed]
) -> None:
    fake_platform.state.add_member(NEVER_LAUNCHED)
    facilitator = Launched(app, fake_platform, "amelie")  # the launch syncs the roster
    sync_now(facilitator, full=True)
    paths = {o.path.rsplit("/", 1)[-1] for o in lms_calls}
    assert {"token", "memberships"} <= paths
    _assert_nothing_held(lms_calls)


def test_grade_delivery_holds_no_transaction_while_the_lms_answers(
    app: Flask, fake_platform: FakePlatform, lms_calls: list[Observed]
) -> None:
    slug = "scaling-questions"
    _complete(app, fake_platform, "priya", fake_platform.link(), slug)
    assert fake_platform.state.scores, "no score reached the LMS"
    paths = {o.path.rsplit("/", 1)[-1] for o in lms_calls}
    assert {"token", "scores"} <= paths
    _assert_nothing_held(lms_calls)
