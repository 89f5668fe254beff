"""The database's grid agrees with the domain's rules, on a course with every kind of learner.

The page's filters, search, sorting and cutting are SQL (`course_progress.services`); the rules
they implement are also written in Python (`domain.grid.cell_status`, `matches`, `sort_rows`,
`last_activity`). A course of 70 learners is seeded with every case mixed at random (no progress,
in progress with or without drafts, completed with feedback on every prompt's latest version, on
some, or only on an older version, private work, names with accents, apostrophes and hyphens or
no name at all, roster statuses, never launched), plus another course whose rows must never show.
Then every combination of state, module and "overdue", under each sort and order, and the roster,
launch and search filters, are asked of the database page by page and compared with the domain's
answer on every learner's computed row. The export's rows, whose states and last activity SQL
computes, are compared with the rows the page builds in Python. And the latest activity the
triggers keep on each membership is compared with the aggregate over the tables.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from lti_tool.course_progress import services
from lti_tool.course_progress.domain.csv_export import export_row
from lti_tool.course_progress.domain.grid import SORTS, CellStatus, narrowed, parse_query
from lti_tool.extensions import db
from lti_tool.launches.services import load_launch
from lti_tool.learning_modules.models import (
    ModuleProgress,
    Reflection,
    ReflectionVersion,
)
from lti_tool.learning_modules.services.catalogue import catalogue_of
from lti_tool.people.models import Context, Membership, User
from tests.fake_platform import FakePlatform
from tests.integration.course_progress.seeded_course import MODULES, SCALING, SEARCHES, TODAY, seed
from tests.integration.mentoring_web.test_privacy_helpers import Person, launch_as


def _launch_of(app: Flask, person: Person):
    return load_launch(app.extensions["lti_state_store"], person.path.strip("/").split("/")[1])


def _everyone(app: Flask, launch):
    """Every learner of the course as the domain computes their row, and the columns."""
    columns = services.columns_of(db.session, launch, catalogue_of(app), TODAY)
    members = db.session.execute(
        select(
            Membership.user_id,
            Membership.status,
            Membership.last_launch_at,
            Membership.activity_at,
            User.name,
            User.given_name,
            User.family_name,
            User.email,
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.context_id == launch.context_pk, Membership.role == "learner")
    ).all()
    rows = services._page_rows(db.session, launch.context_pk, columns, members, TODAY)
    return columns, rows


def _pages(app: Flask, launch, args: dict[str, str]) -> tuple[list[int], int]:
    """The user ids the database's pages list for `args`, first page to last, and the total."""
    shown, number = [], 1
    while True:
        progress = services.course_progress(
            db.session, launch, catalogue_of(app), {**args, "page": str(number)}, TODAY
        )
        shown += [row.facts.user_pk for row in progress.page.items]
        if progress.page.number >= progress.page.pages:
            return shown, progress.page.total
        number += 1


@pytest.fixture
def seeded(app: Flask, fake_platform: FakePlatform):
    amelie = launch_as(app, fake_platform, "amelie")
    seed(app, random.Random(2026), 70)  # noqa: S311 - test data, not secrets
    with app.test_request_context():
        launch = _launch_of(app, amelie)
        columns, rows = _everyone(app, launch)
        yield launch, columns, rows
        db.session.remove()


def _queries() -> list[dict[str, str]]:
    states = ["", *(s.value for s in CellStatus)]
    modules = ["", *(m.slug for m in MODULES)]
    asked = [
        {"state": state, "module": module, "overdue": overdue, "sort": sort, "order": order}
        for state, module, overdue in itertools.product(states, modules, ("", "1"))
        for sort, order in itertools.product(SORTS, ("asc", "desc"))
    ]
    asked += [
        {"roster": roster, "launched": launched}
        for roster, launched in itertools.product(
            ("", "active", "inactive", "deleted"), ("", "yes", "never")
        )
    ]
    asked += [{"q": search, "sort": "activity", "order": "desc"} for search in SEARCHES]
    asked += [{"q": "cote", "roster": "deleted"}, {"q": "100%"}, {"q": "_"}, {"q": "   "}]
    return asked


def test_every_filter_sort_and_page_agrees_with_the_domain_rules(app: Flask, seeded) -> None:
    launch, columns, rows = seeded
    slugs = [column.slug for column in columns]
    assert len(rows) == 70  # the other course's learners are not read
    statuses = {cell.status for row in rows for cell in row.cells}
    assert statuses == set(CellStatus)  # every state occurs
    assert any(cell.overdue for row in rows for cell in row.cells)
    nonempty = 0
    for args in _queries():
        expected = [row.facts.user_pk for row in narrowed(rows, parse_query(args, slugs), slugs)]
        shown, total = _pages(app, launch, args)
        assert shown == expected, args
        assert total == len(expected), args
        nonempty += bool(expected)
    assert nonempty > 100  # the filters are not all empty


def test_the_page_builds_each_row_as_the_domain_does(app: Flask, seeded) -> None:
    launch, _columns, rows = seeded
    by_id = {row.facts.user_pk: row for row in rows}
    progress = services.course_progress(
        db.session, launch, catalogue_of(app), {"sort": "activity", "order": "desc"}, TODAY
    )
    assert len(progress.page.items) == 50
    for row in progress.page.items:
        assert row == by_id[row.facts.user_pk]


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"sort": "activity", "order": "desc"},
        {"sort": "submitted", "roster": "deleted"},
        {"state": "reviewed"},
        {"module": SCALING.slug, "state": "submitted"},
        {"overdue": "1", "launched": "never"},
        {"q": "cote"},
    ],
)
def test_the_exports_sql_states_and_activity_agree_with_the_domain(
    app: Flask, seeded, args: dict[str, str]
) -> None:
    launch, columns, rows = seeded
    slugs = [column.slug for column in columns]
    export = services.export(db.session, launch, catalogue_of(app), args, TODAY)
    assert export.columns == columns
    expected = [export_row(row) for row in narrowed(rows, parse_query(args, slugs), slugs)]
    with db.engine.connect() as connection:
        assert list(export.rows(connection)) == expected


def _activity_from_the_tables(course: int) -> dict[int, datetime | None]:
    """Each member's latest progress update or completion, draft or submission, read from the
    rows themselves (what the triggers must have kept)."""
    times: dict[int, list[datetime]] = {}
    sources = [
        select(ModuleProgress.user_id, ModuleProgress.updated_at).where(
            ModuleProgress.context_id == course
        ),
        select(ModuleProgress.user_id, ModuleProgress.completed_at).where(
            ModuleProgress.context_id == course
        ),
        select(Reflection.user_id, Reflection.updated_at).where(Reflection.context_id == course),
        select(Reflection.user_id, ReflectionVersion.submitted_at)
        .join(Reflection, Reflection.id == ReflectionVersion.reflection_id)
        .where(Reflection.context_id == course),
    ]
    for source in sources:
        for user_id, at in db.session.execute(source):
            if at is not None:
                times.setdefault(user_id, []).append(at)
    return {user_id: max(found) for user_id, found in times.items()}


def test_the_triggers_keep_each_members_latest_activity(app: Flask, seeded) -> None:
    launch, _columns, _rows = seeded
    for course in (
        launch.context_pk,
        db.session.scalar(select(Context.id).where(Context.context_id == "other-course")),
    ):
        stored = dict(
            db.session.execute(
                select(Membership.user_id, Membership.activity_at).where(
                    Membership.context_id == course
                )
            ).all()
        )
        expected = _activity_from_the_tables(course)
        assert {user: at for user, at in stored.items() if at is not None} == expected
    # Later writes move it forward; an older time written later does not move it back.
    progress = db.session.scalars(
        select(ModuleProgress).where(ModuleProgress.context_id == launch.context_pk).limit(1)
    ).one()
    member = (Membership.context_id == launch.context_pk) & (Membership.user_id == progress.user_id)
    later = datetime(2026, 6, 1, 12)
    progress.updated_at = later
    db.session.flush()
    assert db.session.scalar(select(Membership.activity_at).where(member)) == later
    progress.updated_at = datetime(2026, 1, 1)
    db.session.flush()
    assert db.session.scalar(select(Membership.activity_at).where(member)) == later
    db.session.rollback()
