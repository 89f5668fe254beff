"""Completion scores through the LTI flow: recorded at launch time, delivered to the fake LMS's gradebook."""

from __future__ import annotations

from datetime import timedelta

from lti_tool.db import utcnow
from lti_tool.grades.domain import COMPLETION_TAG
from lti_tool.lti.launch import AGS_ENDPOINT
from tests.integration.grades.helpers import (
    MODULE,
    MODULE_TITLE,
    Launched,
    deliver,
    record,
    records,
)

SCORE_FIELDS = {
    "userId",
    "scoreGiven",
    "scoreMaximum",
    "activityProgress",
    "gradingProgress",
    "timestamp",
}


def test_completion_reaches_the_gradebook_as_one_completed_score(app, fake_platform):
    learner = Launched(app, fake_platform, "jean-francois")
    assert learner.launch.ags is not None
    assert learner.launch.ags.lineitem_url is None  # Brightspace: no line item for a 1.3 link

    assert record(app, learner) is not None
    report = deliver(app, utcnow())

    assert (report.delivered, report.retrying, report.failed) == (1, 0, 0)
    [score] = fake_platform.state.scores
    assert score.score["userId"] == learner.launch.sub
    assert score.score["scoreGiven"] == 1
    assert score.score["scoreMaximum"] == 1
    assert score.score["activityProgress"] == "Completed"
    assert score.score["gradingProgress"] == "FullyGraded"
    assert set(score.score) == SCORE_FIELDS  # no comment, no web score, no reflection text
    [row] = records(app)
    assert row.status == "delivered"
    assert row.attempts == 1
    assert row.delivered_at is not None
    assert row.last_error is None


def test_the_tool_creates_one_line_item_and_reuses_it_for_the_next_learner(app, fake_platform):
    first = Launched(app, fake_platform, "jean-francois")
    second = Launched(app, fake_platform, "priya")
    record(app, first)
    record(app, second)

    assert deliver(app, utcnow()).delivered == 2

    # The learners came in through the course's plain tool link, not the module's own: the column
    # is the module's (found again by resourceId), never bound to the link they came in through.
    [item] = fake_platform.state.line_items.values()
    assert item.fields == {
        "label": MODULE_TITLE,
        "scoreMaximum": 1,
        "tag": COMPLETION_TAG,
        "resourceId": MODULE,
    }
    assert [s.line_item for s in fake_platform.state.scores] == [item.number, item.number]
    assert {s.user_id for s in fake_platform.state.scores} == {first.launch.sub, second.launch.sub}

    # A later learner's score goes to the same column without searching or creating again.
    third = Launched(app, fake_platform, "zoe")
    record(app, third)
    searches = _line_item_requests(fake_platform)
    assert deliver(app, utcnow()).delivered == 1
    assert _line_item_requests(fake_platform) == searches
    assert len(fake_platform.state.line_items) == 1
    assert len(fake_platform.state.scores) == 3


def _line_item_requests(fake_platform) -> int:
    return sum(1 for r in fake_platform.state.requests if r.path.endswith("/lineitems"))


def test_one_token_serves_several_deliveries(app, fake_platform):
    for key in ("jean-francois", "priya", "zoe"):
        record(app, Launched(app, fake_platform, key))
        assert deliver(app, utcnow()).delivered == 1
    assert len(fake_platform.state.scores) == 3
    assert fake_platform.state.tokens_issued == 1


def test_a_score_survives_the_lms_being_down_and_the_learner_leaving(app, fake_platform, runner):
    learner = Launched(app, fake_platform, "jean-francois")
    earlier = utcnow() - timedelta(hours=2)  # the completion happened two hours ago
    record(app, learner, now=earlier)

    fake_platform.state.set_unavailable(503)
    report = deliver(app, earlier)
    assert (report.delivered, report.retrying, report.failed) == (0, 1, 0)
    [row] = records(app)
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.next_attempt_at > earlier
    assert "503" in row.last_error
    assert "Bearer" not in row.last_error
    assert fake_platform.state.scores == []

    # Not due yet at the same moment: nothing is sent again.
    fake_platform.state.set_unavailable(None)
    assert deliver(app, earlier).attempted == 0

    # Hours later, long after the learner closed the tab, the scheduled command delivers it.
    result = runner.invoke(args=["grades", "deliver"])
    assert result.exit_code == 0, result.output
    assert "delivered 1, retrying 0, failed 0" in result.output
    [row] = records(app)
    assert row.status == "delivered"
    assert row.attempts == 2
    assert len(fake_platform.state.scores) == 1


def test_a_refused_score_fails_once_and_is_not_retried_forever(app, fake_platform):
    # A learner the LMS does not know: the gradebook answers 400, which no retry will fix.
    stranger = Launched(app, fake_platform, "priya", sub="not-a-member-of-this-course")
    record(app, stranger)

    report = deliver(app, utcnow())
    assert (report.delivered, report.retrying, report.failed) == (0, 0, 1)
    [row] = records(app)
    assert row.status == "failed"
    assert row.last_error.startswith("HTTP 400")
    assert row.next_attempt_at is None
    assert deliver(app, utcnow() + timedelta(days=30)).attempted == 0
    assert records(app)[0].attempts == 1


def test_a_newer_completion_replaces_the_waiting_one(app, fake_platform):
    learner = Launched(app, fake_platform, "jean-francois")
    first_id = record(app, learner)
    assert record(app, learner) == first_id
    assert len(records(app)) == 1
    deliver(app, utcnow())
    assert record(app, learner) == first_id  # already delivered: left alone, not sent twice
    assert deliver(app, utcnow()).attempted == 0
    assert len(fake_platform.state.scores) == 1


def test_without_ags_nothing_is_recorded(app, fake_platform):
    learner = Launched(app, fake_platform, "jean-francois", **{AGS_ENDPOINT: None})
    assert learner.launch.ags is None
    assert record(app, learner) is None
    assert records(app) == []


def test_cli_lists_scores(app, fake_platform, runner):
    record(app, Launched(app, fake_platform, "jean-francois"))
    record(app, Launched(app, fake_platform, "priya"))
    fake_platform.state.set_unavailable(503)
    deliver(app, utcnow())

    result = runner.invoke(args=["grades", "list", "--pending"])
    assert result.exit_code == 0, result.output
    assert result.output.count(MODULE) == 2
    assert "HTTP 503" in result.output
    assert "access_token" not in result.output
    empty = runner.invoke(args=["grades", "list", "--pending"])
    assert "pending" in empty.output


def test_a_delivery_job_never_raises_and_respects_the_wait(app, fake_platform):
    from lti_tool.extensions import db
    from lti_tool.grades.jobs import queue_deliveries
    from lti_tool.grades.services import delivery as services

    learner = Launched(app, fake_platform, "jean-francois")
    fake_platform.state.set_unavailable(503)
    with app.app_context():
        row = services.record_completion(db.session, learner.launch, MODULE, label=MODULE_TITLE)
        db.session.commit()
        record_id = row.id
        queue_deliveries([record_id])  # the LMS is down: stays pending
        fake_platform.state.set_unavailable(None)
        queue_deliveries([record_id])  # not due yet: left for the sweep
        db.session.remove()
    [row] = records(app)
    assert (row.status, row.attempts) == ("pending", 1)


def test_an_lms_asking_to_wait_with_retry_after_is_left_alone_that_long(app, fake_platform):
    from datetime import timedelta

    inner = fake_platform.platform_app.wsgi_app

    def busy(environ, start_response):
        if environ.get("PATH_INFO", "").endswith("/token"):
            start_response("429 Too Many Requests", [("Retry-After", "900")])
            return [b'{"error": "slow_down"}']
        return inner(environ, start_response)

    fake_platform.platform_app.wsgi_app = busy
    learner = Launched(app, fake_platform, "jean-francois")
    record(app, learner)
    before = utcnow()
    deliver(app, before)
    [row] = records(app)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "HTTP 429" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=900)  # not the 1-minute backoff
