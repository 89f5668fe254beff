"""The facilitator pages read a course's webs in a fixed number of SQL queries.

Fifteen learners must cost the same queries as five: strands come by `selectinload` and names by
a join, never one query per learner (the N+1 pattern that makes a large course slow).
"""

from __future__ import annotations

from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.test_privacy_helpers import (
    Person,
    launch_as,
    launch_learner,
    queries_per_page,
)

# The test configuration publishes with a period of 0 s: each cohort read checks for changes.
PAGES = ("web/shared", "web/cohort", "web/cohort?since=2000-01-01", "web/cohort/report")


def _add_learners(app: Flask, platform: FakePlatform, numbers: range) -> None:
    for number in numbers:
        learner = launch_learner(app, platform, number)
        learner.add_strand(f"Strand A of {number}")
        learner.add_strand(f"Strand B of {number}", board_role="principal_vice_principal")
        learner.share()


def _queries(app: Flask, facilitator: Person) -> dict[str, int]:
    return queries_per_page(app, facilitator, PAGES)


def test_facilitator_pages_do_not_query_per_learner(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    _add_learners(app, fake_platform, range(1, 6))
    with_five = _queries(app, amelie)
    assert "Quillon Zéphyrine-005" in amelie.get("web/shared").get_data(as_text=True)

    _add_learners(app, fake_platform, range(6, 16))
    with_fifteen = _queries(app, amelie)

    assert "Quillon Zéphyrine-015" in amelie.get("web/shared").get_data(as_text=True)
    assert "Figures for 15 learners" in amelie.get("web/cohort").get_data(as_text=True)
    assert with_fifteen == with_five
    # the cohort pages add their publication and the check for changed webs (constant too)
    assert all(2 <= count <= 7 for count in with_five.values()), with_five
