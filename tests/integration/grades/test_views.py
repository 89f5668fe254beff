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
    assert "Waiting (1)" in text
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
    assert "Waiting (0)" in page
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


def _scores_in_course(app, facilitator: Launched, count: int, status: str) -> None:
    """`count` learners of the facilitator's course with one score each in `status`."""
    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreRecord
    from lti_tool.people.models import Membership, User

    launch = facilitator.launch
    with app.app_context():
        for n in range(count):
            user = User(issuer=launch.issuer, sub=f"{status}-{n}", name=f"{status.title()} {n:03d}")
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Membership(
                    context_id=launch.context_pk,
                    user_id=user.id,
                    role="learner",
                    lti_roles=[],
                    mentee_subs=[],
                    status="active",
                )
            )
            db.session.add(
                ScoreRecord(
                    platform_id=launch.platform_pk,
                    context_id=launch.context_pk,
                    user_id=user.id,
                    user_sub=user.sub,
                    module_slug="scaling-questions",
                    label="Scaling questions",
                    scopes=[],
                    score_given=1,
                    score_maximum=1,
                    timestamp=utcnow(),
                    status=status,
                    last_error="HTTP 404: Not Found" if status == "failed" else None,
                    delivered_at=utcnow() if status == "delivered" else None,
                )
            )
        db.session.commit()
        db.session.remove()


def test_a_big_course_shows_refused_scores_first_a_page_at_a_time(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    _scores_in_course(app, facilitator, 60, "delivered")
    _scores_in_course(app, facilitator, 3, "failed")

    text = " ".join(page_text(facilitator.get("grades/")).split())
    assert "All (63)" in text
    assert "Not delivered (3)" in text
    assert "Delivered (60)" in text
    assert "63 completions · Page 1 of 2" in text
    assert text.index("Failed 000") < text.index("Delivered 000")  # refused first
    assert "Delivered 049" not in text  # 3 refused + 47 delivered on page 1

    refused = " ".join(page_text(facilitator.get("grades/?status=failed")).split())
    assert "3 completions" in refused
    assert "Delivered 000" not in refused
    assert "HTTP 404: Not Found" in refused
    last = " ".join(page_text(facilitator.get("grades/?page=2")).split())
    assert "Delivered 059" in last
    for odd in ("?page=²", "?page=99999999999999999999", "?status=<b>", "?page=0"):
        assert facilitator.get("grades/" + odd).status_code == 200
    assert "No completion of this kind." in page_text(facilitator.get("grades/?status=pending"))


def test_the_grades_page_costs_the_same_statements_whatever_the_course_size(app, fake_platform):
    from tests.integration.mentoring_web.my_web_pages import counted_queries

    facilitator = Launched(app, fake_platform, "amelie")
    _scores_in_course(app, facilitator, 5, "delivered")
    with counted_queries(app) as small:
        assert facilitator.get("grades/").status_code == 200
    _scores_in_course(app, facilitator, 200, "failed")
    with counted_queries(app) as big:
        assert facilitator.get("grades/").status_code == 200
    assert len(big) == len(small)
