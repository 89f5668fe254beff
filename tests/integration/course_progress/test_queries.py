"""The grid and its export read a course in a fixed number of SQL queries, whatever its size.

Twelve learners with progress, reflections and feedback must cost the same statements as three:
members come in one query, progress rows in one, activity and feedback in one aggregate each,
never one query per learner (the N+1 pattern that makes a 2,000-member course slow).
"""

from __future__ import annotations

from flask import Flask

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


def _queries(app: Flask, person: Person) -> dict[str, int]:
    counts = {}
    for page in PAGES:
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
    # The launch binding's state read, then members, assignments, progress, feedback, activity;
    # the export adds the course label.
    assert all(count <= 7 for count in with_three.values()), with_three


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
