"""Two workers never send one score at once; a killed worker's claim lapses; a score recorded again
while it is being sent is sent again; a refused score can be retried from the CLI."""

from __future__ import annotations

import logging
from datetime import timedelta

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades import domain
from lti_tool.grades.models import ScoreRecord
from lti_tool.grades.services import line_items
from tests.integration.grades.helpers import Launched, deliver, record, records


def test_only_one_worker_can_claim_a_record_until_its_claim_lapses(app, fake_platform):
    record_id = record(app, Launched(app, fake_platform, "priya"))
    now = utcnow()
    with app.app_context():
        first = line_items.claim(db.session, record_id, now)
        second = line_items.claim(db.session, record_id, now)
        assert first is not None
        assert second is None  # another worker holds it
        # The first worker was killed mid-delivery: nothing until its claim runs out, then once.
        assert deliver(app, now + timedelta(seconds=10)).attempted == 0
        later = now + timedelta(seconds=domain.CLAIM_SECONDS + 1)
        assert deliver(app, later).delivered == 1
        db.session.remove()
    assert len(fake_platform.state.scores) == 1
    [row] = records(app)
    assert (row.status, row.claimed_until) == ("delivered", None)


def test_a_score_recorded_again_while_it_is_sent_stays_pending(app, fake_platform):
    learner = Launched(app, fake_platform, "priya")
    record_id = record(app, learner)
    with app.app_context():
        claimed = line_items.claim(db.session, record_id, utcnow())
        db.session.remove()
    # The reviewer's FullyGraded arrives while the worker is still talking to the LMS.
    with app.app_context():
        row = db.session.get(ScoreRecord, record_id)
        row.grading_progress = "PendingManual"
        db.session.commit()
        db.session.remove()
    record(app, learner)
    with app.app_context():
        line_items.finish(db.session, claimed, domain.Status.DELIVERED, None, None, utcnow())
        db.session.remove()
    [row] = records(app)
    assert row.status == "pending"  # the newer revision is still to be sent
    assert row.claimed_until is None
    assert deliver(app, utcnow()).delivered == 1


def test_a_refused_score_is_retried_from_the_cli_and_failures_warn(
    app, fake_platform, runner, caplog
):
    record(app, Launched(app, fake_platform, "priya"))
    fake_platform.state.fail_next(1, status=400)  # e.g. the column was closed
    with caplog.at_level(logging.WARNING, logger="lti_tool.grades"):
        assert deliver(app, utcnow()).failed == 1
    assert any(
        r.levelno == logging.WARNING and "not delivered" in r.message for r in caplog.records
    )

    result = runner.invoke(args=["grades", "retry"])
    assert result.exit_code == 0, result.output
    assert "delivered 1" in result.output
    assert records(app)[0].status == "delivered"
    assert "No scores to retry." in runner.invoke(args=["grades", "retry"]).output
