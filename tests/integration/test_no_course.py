"""One way to say "this page needs a course": every course-bound page answers a launch from outside
any course (an LMS administration page, say) with the same 403 page and code."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.fake_platform import FakePlatform
from tests.lti_helpers import CONTEXT, assert_refused, launch_path

COURSE_PAGES = {
    "amelie": (
        "progress/",
        "progress/export.csv",
        "roster/",
        "grades/",
        "modules/assign",
        "web/cohort",
        "web/shared",
    ),
    "priya": ("web/", "web/snapshots"),
}


@pytest.mark.parametrize(
    ("user", "page"), [(user, page) for user, pages in COURSE_PAGES.items() for page in pages]
)
def test_a_course_page_without_a_course_says_so_the_same_way(
    client: FlaskClient, fake_platform: FakePlatform, user: str, page: str
) -> None:
    base = launch_path(fake_platform.launch(client, user, claims_overrides={CONTEXT: None}))
    assert_refused(client.get(base + page), 403, "no-course")


def test_a_module_can_still_be_read_outside_a_course(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch_path(fake_platform.launch(client, "priya", claims_overrides={CONTEXT: None}))
    assert client.get(base + "modules/scaling-questions/all").status_code == 200
