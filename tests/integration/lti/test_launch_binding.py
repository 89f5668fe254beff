"""Pages bound to their own launch: two courses in two tabs, and launch ids that are not bearer tokens.

Each launch gets its own `/l/<launch_id>/` URL. One browser holding two launches sees each course on
its own URL, never the other's; a launch id is useless in a browser that did not make that launch,
and an unknown or expired id gets a clear 401 page.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lti_tool.extensions import db
from lti_tool.launches.services import launch_key
from tests.fake_platform import FakePlatform
from tests.lti_helpers import CONTEXT, assert_refused, launch_path, page_text, row_counts

COURSE_B = {"id": "course-b-7f3e", "label": "SCI-10", "title": "Sciences 10e année — groupe B"}


def _course_b(platform: FakePlatform, client: FlaskClient, user_key: str) -> str:
    return launch_path(platform.launch(client, user_key, claims_overrides={CONTEXT: COURSE_B}))


def test_one_browser_two_courses_each_tab_keeps_its_course(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    course_a = fake_platform.course.title
    tab_a = launch_path(fake_platform.launch(client, "amelie"))
    tab_b = _course_b(fake_platform, client, "amelie")

    assert tab_a != tab_b
    for _round in range(2):  # and again, after both launches, in either order
        page_a, page_b = page_text(client.get(tab_a)), page_text(client.get(tab_b))
        assert course_a in page_a
        assert COURSE_B["title"] not in page_a
        assert COURSE_B["title"] in page_b
        assert course_a not in page_b
    assert row_counts(app)["lti_context"] == 2


def test_a_launch_id_from_another_browser_gets_401(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    path = launch_path(fake_platform.launch(client, "amelie"))
    assert client.get(path).status_code == 200
    other_browser = app.test_client()  # its own cookie jar

    response = other_browser.get(path)

    assert_refused(response, 401, "launch-session-missing")
    assert fake_platform.course.title not in page_text(response)


def test_an_unknown_launch_id_gets_401(client: FlaskClient, fake_platform: FakePlatform) -> None:
    assert fake_platform.launch(client, "priya").status_code == 200

    response = client.get("/l/not-a-launch-this-browser-made/")

    assert_refused(response, 401, "launch-session-missing")


def test_an_expired_launch_gets_401_even_in_the_browser_that_made_it(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    path = launch_path(fake_platform.launch(client, "priya"))
    launch_id = path.split("/")[2]
    with app.app_context():
        app.extensions["lti_state_store"].delete(launch_key(launch_id))  # its lifetime is over
        db.session.commit()

    response = client.get(path)

    assert_refused(response, 401, "launch-session-missing")
    assert "ended" in page_text(response)


def test_a_learner_cannot_open_another_course_by_swapping_the_launch_id(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    learner_a = launch_path(fake_platform.launch(client, "priya"))
    teacher = app.test_client()
    teacher_b = _course_b(fake_platform, teacher, "amelie")

    swapped = client.get(teacher_b)

    assert_refused(swapped, 401, "launch-session-missing")
    assert COURSE_B["title"] not in page_text(swapped)
    assert fake_platform.course.title in page_text(client.get(learner_a))
    # Once this browser launches course B itself, it gets its own page for it (not the teacher's).
    learner_b = _course_b(fake_platform, client, "priya")
    assert learner_b != teacher_b
    page = page_text(client.get(learner_b))
    assert COURSE_B["title"] in page
    assert '<span class="role">Learner</span>' in page
    assert client.get(teacher_b).status_code == 401


def test_the_course_page_shows_the_users_role(app: Flask, fake_platform: FakePlatform) -> None:
    for user_key, label in (("amelie", "Facilitator"), ("priya", "Learner"), ("marc", "Mentor")):
        browser = app.test_client()
        page = page_text(browser.get(launch_path(fake_platform.launch(browser, user_key))))
        assert f'<span class="role">{label}</span>' in page
        assert fake_platform.member(user_key).name in page


def test_a_second_person_in_the_same_browser_ends_the_first_persons_launches(
    app, fake_platform
) -> None:
    """A shared staff-room computer: Y launches after X; X's pages (from the history) are closed to Y."""
    from lti_tool.extensions import db
    from lti_tool.mentoring_web.models import Strand
    from tests.integration.mentoring_web.my_web_pages import (
        add_strand,
        csrf_token,
        launch,
        post_form,
        strand_values,
    )

    browser = app.test_client()
    first = launch(fake_platform, browser, "priya")
    add_strand(browser, first, label="Mon mentor")
    page = browser.get(first + "web/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"  # the back button shows nothing

    second = launch(fake_platform, browser, "zoe")
    assert browser.get(second + "web/").status_code == 200
    for path in ("web/", "modules/", ""):
        refused = browser.get(first + path)
        assert refused.status_code in (401, 403), path
        assert "Mon mentor" not in refused.get_data(as_text=True)
    # Nor can Y add a strand to X's web with a form from X's page in the history.
    attempt = post_form(browser, second + "web/strands/new", strand_values(label="Intrus"))
    assert attempt.status_code == 303
    token = csrf_token(browser.get(second + "web/strands/new"))  # a valid token of Y's session
    forged = browser.post(
        first + "web/strands/new", data={**strand_values(label="Intrus 2"), "csrf_token": token}
    )
    assert forged.status_code in (400, 401, 403)
    with app.app_context():
        labels = set(db.session.scalars(db.select(Strand.label)))
        db.session.remove()
    assert "Intrus 2" not in labels

    # The same person relaunching keeps their other launches (two courses in two tabs).
    third = launch(fake_platform, browser, "zoe")
    assert browser.get(second + "web/").status_code == 200
    assert browser.get(third + "web/").status_code == 200
