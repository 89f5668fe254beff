"""Review and growth-oriented feedback through real launches: a facilitator sees only what was
shared with them in their course, gives feedback in three parts, and the learner reads it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.learning_modules.models import Feedback, ReflectionVersion
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import (
    MODULE,
    PROMPT,
    SLUG,
    answer,
    count,
    player,
)
from tests.integration.mentoring_web.my_web_pages import (
    COURSE_B,
    counted_queries,
    csrf_token,
    launch,
)
from tests.lti_helpers import page_text

FACILITATOR = "amelie"


def review_list(base: str) -> str:
    return f"{base}modules/{SLUG}/review"


def version_ids(app: Flask) -> list[int]:
    with app.app_context():
        ids = list(db.session.scalars(select(ReflectionVersion.id).order_by(ReflectionVersion.id)))
        db.session.remove()
    return ids


def submit_all(client: FlaskClient, base: str, text: str, visibility: str) -> None:
    for prompt in MODULE.prompts:
        response = answer(
            client,
            base,
            f"{text} ({prompt.id})",
            action="submit",
            prompt=prompt.id,
            visibility=visibility,
        )
        assert response.status_code == 303


def send(client: FlaskClient, base: str, version_id: int, **values):
    url = f"{review_list(base)}/{version_id}"
    token = csrf_token(client.get(url))
    data = {"strength": "", "question": "", "next_step": "", "action": "send", **values}
    return client.post(url, data={**data, "csrf_token": token})


def test_shared_reflection_is_reviewed_and_the_learner_reads_the_feedback(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    submit_all(client, priya, "Priya shares", "facilitator")
    ids = version_ids(app)

    facilitator = app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    listing = facilitator.get(review_list(amelie))
    assert listing.status_code == 200
    assert "Priya Singh" in page_text(listing)
    assert "<strong>Waiting for feedback</strong>" in listing.text
    assert "Waiting for feedback (2)" in page_text(listing)
    assert f"/review/{ids[0]}" in listing.text
    assert "Review reflections" in page_text(facilitator.get(player(amelie)))

    page = facilitator.get(f"{review_list(amelie)}/{ids[0]}")
    assert "Priya shares" in page_text(page)
    assert "Coach" in page_text(page)
    for version_id in ids:
        sent = send(
            facilitator,
            amelie,
            version_id,
            strength="You named <b>one</b> concrete moment <script>x</script>",
            question="What made it a 6 rather than a 5?",
            next_step="Try the scale with a colleague",
        )
        assert sent.status_code == 303, page_text(sent)[:500]
    reviewed = facilitator.get(review_list(amelie)).text
    assert "<strong>Waiting for feedback</strong>" not in reviewed
    assert "Waiting for feedback (0)" in reviewed
    with app.app_context():
        stored = db.session.scalars(select(Feedback)).all()
        assert len(stored) == len(ids)
        assert "<script>" not in stored[0].strength
        db.session.remove()

    again = app.test_client()
    priya_again = launch(fake_platform, again, "priya")
    mine = again.get(f"{player(priya_again)}?section=reflection")
    text = page_text(mine)
    assert "Feedback from your facilitator" in text
    assert "What made it a 6 rather than a 5?" in text
    assert "Try the scale with a colleague" in text
    assert "Reviewed:" in text
    assert "<script>" not in mine.text

    zoe_client = app.test_client()
    zoe = launch(fake_platform, zoe_client, "zoe")
    answer(zoe_client, zoe, "Zoë's own", action="submit", visibility="facilitator")
    theirs = page_text(zoe_client.get(f"{player(zoe)}?section=reflection"))
    assert "Feedback from your facilitator" not in theirs
    assert "6 rather than a 5" not in theirs


def test_private_reflections_never_reach_the_facilitator(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "Only for me", action="submit", visibility="private")
    (version_id,) = version_ids(app)
    facilitator = app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    assert "Only for me" not in page_text(facilitator.get(review_list(amelie)))
    assert "Priya" not in page_text(facilitator.get(review_list(amelie)))
    assert facilitator.get(f"{review_list(amelie)}/{version_id}").status_code == 404
    assert facilitator.get(f"{review_list(amelie)}/999999").status_code == 404
    token = csrf_token(facilitator.get(review_list(amelie).replace("/review", "")))
    posted = facilitator.post(
        f"{review_list(amelie)}/{version_id}",
        data={"csrf_token": token, "strength": "x", "question": "y", "action": "send"},
    )
    assert posted.status_code == 404
    assert count(app, Feedback) == 0


def test_directive_phrasing_warns_then_sending_anyway_works(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "Shared", action="submit", visibility="facilitator")
    (version_id,) = version_ids(app)
    facilitator = app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    warned = send(
        facilitator, amelie, version_id, strength="Clear example", next_step="You should ask Marc"
    )
    assert warned.status_code == 200
    assert "directive phrasing" in page_text(warned)
    assert "You should ask Marc" in warned.text  # kept to revise
    assert count(app, Feedback) == 0
    sent = send(
        facilitator,
        amelie,
        version_id,
        strength="Clear example",
        next_step="You should ask Marc",
        action="send-anyway",
    )
    assert sent.status_code == 303
    assert count(app, Feedback) == 1


def test_incomplete_feedback_is_refused_with_the_text_kept(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "Shared", action="submit", visibility="facilitator")
    (version_id,) = version_ids(app)
    facilitator = app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    refused = send(facilitator, amelie, version_id, question="Only a question")
    assert refused.status_code == 422
    assert "Name a strength" in page_text(refused)
    assert "Only a question" in refused.text
    assert count(app, Feedback) == 0


def test_learners_cannot_open_review_pages(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "Shared", action="submit", visibility="facilitator")
    (version_id,) = version_ids(app)
    zoe_client = app.test_client()
    zoe = launch(fake_platform, zoe_client, "zoe")
    assert zoe_client.get(review_list(zoe)).status_code == 403
    assert zoe_client.get(f"{review_list(zoe)}/{version_id}").status_code == 403
    token = csrf_token(zoe_client.get(f"{player(zoe)}?section=reflection"))
    posted = zoe_client.post(
        f"{review_list(zoe)}/{version_id}",
        data={"csrf_token": token, "strength": "x", "question": "y", "action": "send"},
    )
    assert posted.status_code == 403
    assert "Review reflections" not in page_text(zoe_client.get(player(zoe)))
    assert count(app, Feedback) == 0


def test_another_course_facilitator_cannot_review(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "Course A only", action="submit", visibility="facilitator")
    (version_id,) = version_ids(app)
    other = app.test_client()
    amelie_b = launch(fake_platform, other, FACILITATOR, course=COURSE_B)
    assert "Course A only" not in page_text(other.get(review_list(amelie_b)))
    assert "Priya" not in page_text(other.get(review_list(amelie_b)))
    assert other.get(f"{review_list(amelie_b)}/{version_id}").status_code == 404


def test_missing_csrf_saves_nothing(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "Shared", action="submit", visibility="facilitator")
    (version_id,) = version_ids(app)
    facilitator = app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    posted = facilitator.post(
        f"{review_list(amelie)}/{version_id}",
        data={"strength": "x", "question": "y", "action": "send"},
    )
    assert posted.status_code == 400
    assert count(app, Feedback) == 0


def test_review_list_queries_do_not_grow_with_learners(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    facilitator = app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)

    def queries() -> int:
        with counted_queries(app) as statements:
            assert facilitator.get(review_list(amelie)).status_code == 200
        return len(statements)

    priya = launch(fake_platform, client, "priya")
    answer(client, priya, "One", action="submit", visibility="facilitator")
    one = queries()
    for user in ("zoe", "jean-francois"):
        other = app.test_client()
        base = launch(fake_platform, other, user)
        answer(other, base, f"From {user}", action="submit", visibility="facilitator")
    listing = facilitator.get(review_list(amelie))
    assert len(re.findall(r"/review/\d+", listing.text)) == 3
    assert queries() == one
    assert PROMPT
