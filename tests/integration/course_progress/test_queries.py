"""The grid and its export read a course in a fixed number of SQL queries, whatever its size.

Twelve learners with progress, reflections and feedback must cost the same statements as three,
and a seeded course of 312 the same as one of 12: the database counts, filters, sorts and cuts
the page, then the page's members' progress and feedback come in one query each, never one query
per learner (the N+1 pattern that makes a 2,000-member course slow).
"""

from __future__ import annotations

import random

from flask import Flask
from werkzeug.test import TestResponse

from lti_tool.extensions import db
from tests.fake_platform import FakePlatform
from tests.integration.course_progress.progress_pages import (
    LISTENING,
    SCALING,
    add_roster_only,
    assign,
    complete,
    people,
    review_all,
    see,
)
from tests.integration.course_progress.seeded_course import seed
from tests.integration.mentoring_web.test_privacy_helpers import (
    Person,
    counted_queries,
    launch_as,
    launch_learner,
)

PAGES = (
    "progress/",
    f"progress/?q=quillon&module={SCALING.slug}&state=submitted&sort=activity&order=desc",
    "progress/?sort=submitted&page=2",
    "progress/export.csv",
    "progress/export.csv?launched=never",
)


def _add_learners(app: Flask, platform: FakePlatform, numbers: range) -> None:
    for number in numbers:
        learner = launch_learner(app, platform, number)
        if number % 3 == 0:
            complete(learner, SCALING)
        elif number % 3 == 1:
            see(learner, LISTENING, 1)
        add_roster_only(app, platform, f"roster-only-{number}", f"Roster Only {number:03d}")


def _queries(app: Flask, person: Person, pages: tuple[str, ...] = PAGES) -> dict[str, int]:
    counts = {}
    for page in pages:
        person.get(page).get_data()  # warm: the first request may load caches (translations)
        with counted_queries(app) as statements:
            response = person.get(page)
            response.get_data()  # the export is streamed: its rows are read as it is sent
        assert response.status_code == 200, page
        counts[page] = len(statements)
    return counts


def test_grid_and_export_do_not_query_per_learner(app: Flask, fake_platform: FakePlatform) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    assign(amelie, (SCALING.slug, True, ""), (LISTENING.slug, False, ""))
    _add_learners(app, fake_platform, range(1, 4))
    review_all(amelie, SCALING)
    with_three = _queries(app, amelie)
    assert len(people(amelie.get("progress/"))) == 6

    _add_learners(app, fake_platform, range(4, 13))
    review_all(amelie, SCALING)
    with_twelve = _queries(app, amelie)

    assert len(people(amelie.get("progress/"))) == 24
    assert with_twelve == with_three
    # The launch binding's state read, assignments, the count, the page's members, progress,
    # feedback; the export: state, label, assignments, its rows.
    assert all(count <= 6 for count in with_three.values()), with_three


def test_the_mentor_view_costs_a_fixed_number_of_queries_too(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    assign(amelie, (SCALING.slug, True, ""))
    complete(launch_as(app, fake_platform, "jean-francois"), SCALING)
    marc = launch_as(app, fake_platform, "marc")
    marc.get("progress/")
    with counted_queries(app) as few:
        marc.get("progress/")
    _add_learners(app, fake_platform, range(1, 7))
    with counted_queries(app) as more:
        assert people(marc.get("progress/")) == ["Jean-François Côté"]
    assert len(few) == len(more) <= 8


def _rows(response: TestResponse) -> int:
    """People on the page (names may repeat: count the rows)."""
    return response.get_data(as_text=True).count('<th scope="row"')


SEEDED_PAGES = (
    "progress/",
    "progress/?q=example&module=scaling-questions&state=in_progress&roster=active",
    "progress/?state=reviewed&overdue=1&sort=submitted&order=desc",
    "progress/?sort=activity&order=desc&page=2",
    "progress/?roster=deleted&launched=never&page=999999",
    "progress/export.csv?sort=activity",
)


def test_a_page_costs_the_same_statements_in_a_course_of_12_and_of_312(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """The database filters, sorts and cuts the page: the statements do not grow with the course,
    and neither do the people on the page beyond 50."""
    amelie = launch_as(app, fake_platform, "amelie")
    seed(app, random.Random(5), 12)  # noqa: S311 - test data
    small = _queries(app, amelie, SEEDED_PAGES)
    assert _rows(amelie.get("progress/")) <= 12
    seed(app, random.Random(6), 300, other_course=False)  # noqa: S311 - test data
    big = _queries(app, amelie, SEEDED_PAGES)
    assert _rows(amelie.get("progress/")) == 50
    assert _rows(amelie.get("progress/?sort=activity&order=desc&page=2")) == 50
    assert big == small
    # The launch's state (in Redis when REDIS_URL is set, not SQL), the assignments, the COUNT,
    # the page's members, their progress and feedback; the export: state, course label,
    # assignments and its one streamed query (on PostgreSQL after turning JIT off for it).
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    state = 0 if app.config.get("REDIS_URL") else 1
    assert set(small.values()) == {5 + state, 4 + state if postgres else 3 + state}, small
