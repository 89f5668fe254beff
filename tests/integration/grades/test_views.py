"""The facilitator's grades page: what is delivered and what is waiting, for this course only."""

from __future__ import annotations

from datetime import timedelta

from lti_tool.db import utcnow
from lti_tool.lti.launch import CONTEXT
from tests.integration.grades.helpers import Launched, deliver, record, records
from tests.lti_helpers import page_text

OTHER_COURSE = {"id": "autre-cours-2", "title": "Autre cours", "label": "AUTRE"}
OTHER_NAME = "Quillon Zéphyrine-Autre"


def test_facilitator_sees_delivered_and_waiting_scores(app, fake_platform):
    record(app, Launched(app, fake_platform, "jean-francois"))
    deliver(app, utcnow())
    fake_platform.state.set_unavailable(503)
    record(app, Launched(app, fake_platform, "priya"))
    deliver(app, utcnow())

    facilitator = Launched(app, fake_platform, "amelie")
    course = page_text(facilitator.get(""))
    assert "Grades sent to the LMS" in course
    response = facilitator.get("grades/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Jean-François Côté" in text
    assert "Priya Singh" in text
    assert "Delivered" in text
    assert "Waiting" in text
    assert "1 attempt so far" in text
    assert "HTTP 503" in text
    assert "Retry now" in text


def test_retry_now_delivers_this_course_once_the_lms_is_back(app, fake_platform):
    fake_platform.state.set_unavailable(503)
    record(app, Launched(app, fake_platform, "jean-francois"))
    deliver(app, utcnow())
    assert records(app)[0].status == "pending"
    fake_platform.state.set_unavailable(None)

    facilitator = Launched(app, fake_platform, "amelie")
    response = facilitator.post("grades/retry", "grades/")
    assert response.status_code == 303
    page = page_text(facilitator.client.get(response.headers["Location"]))
    # The request only queued the job; this suite's queue runs it before the page is shown.
    assert "1 completion is on its way to the LMS." in page
    assert "Delivered" in page
    assert "Waiting" not in page
    assert records(app)[0].status == "delivered"
    assert len(fake_platform.state.scores) == 1


def test_retry_now_needs_the_csrf_token(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    assert facilitator.client.post(facilitator.path + "grades/retry").status_code == 400


def test_learners_cannot_open_the_grades_page(app, fake_platform):
    learner = Launched(app, fake_platform, "jean-francois")
    assert learner.get("grades/").status_code == 403
    assert learner.client.post(learner.path + "grades/retry").status_code in (400, 403)
    assert "Grades sent to the LMS" not in page_text(learner.get(""))


def test_another_course_s_scores_are_not_listed(app, fake_platform):
    elsewhere = Launched(app, fake_platform, "priya", **{CONTEXT: OTHER_COURSE, "name": OTHER_NAME})
    record(app, elsewhere)
    record(app, Launched(app, fake_platform, "jean-francois"))
    assert len(records(app)) == 2

    text = page_text(Launched(app, fake_platform, "amelie").get("grades/"))
    assert "Jean-François Côté" in text
    assert OTHER_NAME not in text


def test_a_failed_score_shows_its_error(app, fake_platform):
    record(app, Launched(app, fake_platform, "priya", sub="not-a-member-of-this-course"))
    deliver(app, utcnow() + timedelta(seconds=1))
    text = page_text(Launched(app, fake_platform, "amelie").get("grades/"))
    assert "Not delivered" in text
    assert "HTTP 400" in text
