"""Completing a module through the LTI flow: the score reaches the LMS gradebook, the web gets a
milestone snapshot — and an LMS that is down loses nothing."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades.models import ScoreRecord
from lti_tool.mentoring_web.models import WebSnapshot
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import MODULE, SLUG, answer, see_section
from tests.integration.mentoring_web.my_web_pages import add_strand, launch


def _complete(client: FlaskClient, base: str) -> None:
    for prompt in MODULE.prompts:
        answer(client, base, f"Réponse à {prompt.id}", action="submit", prompt=prompt.id)
    for section in MODULE.sections:
        see_section(client, base, section.id)


def test_completing_a_module_sends_one_completion_score_and_snapshots_the_web(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    add_strand(client, base)
    _complete(client, base)

    scores = fake_platform.state.scores
    assert len(scores) == 1
    sent = scores[0].score
    assert sent["userId"] == fake_platform.member("priya").sub
    assert (sent["scoreGiven"], sent["scoreMaximum"]) == (1, 1)
    assert (sent["activityProgress"], sent["gradingProgress"]) == ("Completed", "FullyGraded")
    assert not any("Réponse" in str(value) for value in sent.values())  # reflections never go
    with app.app_context():
        assert db.session.scalars(select(ScoreRecord.status)).all() == ["delivered"]
        assert db.session.scalars(select(WebSnapshot.reason)).all() == [f"module:{SLUG}"]


def test_a_completion_while_the_lms_is_down_is_delivered_later(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    fake_platform.state.set_unavailable(503)
    _complete(client, base)
    assert fake_platform.state.scores == []
    with app.app_context():
        record = db.session.scalars(select(ScoreRecord)).one()
        assert (record.status, record.attempts) == ("pending", 1)

    fake_platform.state.set_unavailable(None)
    with app.app_context():  # the backoff has passed; the learner is long gone
        record = db.session.scalars(select(ScoreRecord)).one()
        record.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["grades", "deliver"])
    assert result.exit_code == 0, result.output
    assert len(fake_platform.state.scores) == 1


def test_a_shared_reflection_is_graded_pending_then_fully_graded_after_review(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    """Completion goes to the gradebook as PendingManual while the facilitator's review is to
    come; the review sends the same 1/1 again as FullyGraded — feedback, never a rubric mark."""
    from tests.integration.learning_modules.test_review import send, submit_all, version_ids

    base = launch(fake_platform, client, "priya")
    submit_all(client, base, "Ce que j’ai appris", visibility="facilitator")
    for section in MODULE.sections:
        see_section(client, base, section.id)
    first = fake_platform.state.scores[-1].score
    assert (first["gradingProgress"], first["scoreGiven"]) == ("PendingManual", 1)

    facilitator = app.test_client()
    facilitator_base = launch(fake_platform, facilitator, "amelie")
    for version_id in version_ids(app):
        response = send(
            facilitator,
            facilitator_base,
            version_id,
            strength="Des exemples précis.",
            question="Qu’essaierez-vous ensuite ?",
        )
        assert response.status_code == 303

    scores = fake_platform.state.scores
    assert len(scores) == 2
    assert (scores[-1].score["gradingProgress"], scores[-1].score["scoreGiven"]) == (
        "FullyGraded",
        1,
    )
    assert scores[-1].score["userId"] == fake_platform.member("priya").sub
