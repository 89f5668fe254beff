"""Feedback as a conversation, through real launches: the learner sees new feedback at the top of
the module and on the course home, answers it, marks it read; the facilitator sees the reply in
the review queue and on the course home, answers and marks read. Nobody else sees any of it."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from lti_tool.learning_modules.models import FeedbackReply
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import MODULE, SLUG, count, player
from tests.integration.learning_modules.test_review import (
    FACILITATOR,
    review_list,
    send,
    submit_all,
    version_ids,
)
from tests.integration.mentoring_web.my_web_pages import COURSE_B, csrf_token, launch

STRENGTH = "You named the scale's zero point clearly"


def visible(response) -> str:
    """The page's text as a person reads it: tags out, spaces collapsed."""
    text = re.sub(
        r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", response.get_data(as_text=True), flags=re.S
    )
    return re.sub(r"\s+", " ", unescape(text)).strip()


def feedback_id_on(page) -> int:
    match = re.search(r"/feedback/(\d+)/reply", page.get_data(as_text=True))
    assert match, "no reply form on the page"
    return int(match.group(1))


def post(client: FlaskClient, base: str, feedback_id: int, what: str, text: str = ""):
    token = csrf_token(client.get(player(base)))
    data = {"csrf_token": token, "reply": text}
    return client.post(f"{base}modules/{SLUG}/feedback/{feedback_id}/{what}", data=data)


def given_feedback(app: Flask, fake_platform: FakePlatform):
    """Priya shares her reflections; Amélie gives feedback on the first. (clients, bases, ids)"""
    priya_client, amelie_client = app.test_client(), app.test_client()
    priya = launch(fake_platform, priya_client, "priya")
    submit_all(priya_client, priya, "Priya shares", "facilitator")
    amelie = launch(fake_platform, amelie_client, FACILITATOR)
    version = version_ids(app)[0]
    sent = send(amelie_client, amelie, version, strength=STRENGTH, question="What comes next?")
    assert sent.status_code == 303
    return priya_client, priya, amelie_client, amelie, version


def test_new_feedback_is_on_the_home_page_and_at_the_top_of_the_module(
    app: Flask, fake_platform: FakePlatform
) -> None:
    priya_client, priya, _amelie_client, _amelie, _version = given_feedback(app, fake_platform)

    home = visible(priya_client.get(priya))
    assert "Feedback for you" in home
    assert f"New Feedback on “{MODULE.title}”" in home

    first_step = priya_client.get(player(priya) + f"?section={MODULE.sections[0].id}")
    html = first_step.get_data(as_text=True)
    # at the top of every step, in one line, before the section's own content
    notice = "Your facilitator has written to you about this module: read and reply"
    assert notice in visible(first_step)
    assert html.index(notice) < html.index(f'id="section-{MODULE.sections[0].id}"')
    assert STRENGTH not in html  # the conversation itself is on the reflection page
    reflection = priya_client.get(player(priya) + "?section=reflection").get_data(as_text=True)
    assert reflection.index(STRENGTH) < reflection.index('<form method="post" action="/l/')  # above
    assert "Read the feedback on version 1, and reply" in reflection


def test_the_learner_replies_and_the_facilitator_reads_and_answers(
    app: Flask, fake_platform: FakePlatform
) -> None:
    priya_client, priya, amelie_client, amelie, version = given_feedback(app, fake_platform)
    feedback_id = feedback_id_on(priya_client.get(player(priya) + "?section=reflection"))

    sent = post(priya_client, priya, feedback_id, "reply", "Thank you: I will try a 1-to-10 scale")
    assert sent.status_code == 303
    assert "section=reflection" in sent.headers["Location"]
    back = priya_client.get(sent.headers["Location"])
    assert "Your reply was sent to the course's facilitators." in visible(back)
    assert "Thank you: I will try a 1-to-10 scale" in visible(back)
    assert "data-focus-on-load" in back.get_data(as_text=True)
    # replying read the feedback: nothing new for her on the home page any more
    assert "No new feedback" in visible(priya_client.get(priya))

    facilitator_home = visible(amelie_client.get(amelie))
    assert "1 learner replied to your feedback" in facilitator_home
    assert f"Priya Singh on “{MODULE.title}”" in facilitator_home
    queue = visible(amelie_client.get(review_list(amelie)))
    assert "New reply from the learner" in queue
    composer = amelie_client.get(f"{review_list(amelie)}/{version}")
    assert "Priya Singh wrote" in visible(composer)
    assert "Thank you: I will try a 1-to-10 scale" in visible(composer)
    assert "The learner has read it." in visible(composer)

    read = post(amelie_client, amelie, feedback_id, "read")
    assert read.status_code == 303
    assert f"/review/{version}" in read.headers["Location"]
    assert "replied to your feedback" not in visible(amelie_client.get(amelie))
    assert "New reply from the learner" not in visible(amelie_client.get(review_list(amelie)))

    answer = post(amelie_client, amelie, feedback_id, "reply", "Tell me how it goes")
    assert answer.status_code == 303
    home = visible(priya_client.get(priya))
    assert f"New Feedback on “{MODULE.title}”" in home  # her facilitator wrote again
    module = visible(priya_client.get(player(priya) + "?section=reflection"))
    assert "Your facilitator wrote" in module
    assert "Tell me how it goes" in module
    assert post(priya_client, priya, feedback_id, "read").status_code == 303
    assert "No new feedback" in visible(priya_client.get(priya))
    assert count(app, FeedbackReply) == 2
    refused = post(amelie_client, amelie, feedback_id, "reply", "")
    assert refused.status_code == 422
    assert "Your reply was not sent yet" in visible(refused)
    assert "Give feedback" in visible(refused)  # the facilitator's own page, again
    assert count(app, FeedbackReply) == 2


def test_an_empty_reply_is_refused_and_nothing_is_stored(
    app: Flask, fake_platform: FakePlatform
) -> None:
    priya_client, priya, *_ = given_feedback(app, fake_platform)
    feedback_id = feedback_id_on(priya_client.get(player(priya) + "?section=reflection"))

    refused = post(priya_client, priya, feedback_id, "reply", "   ")
    assert refused.status_code == 422
    assert "Your reply was not sent yet: Write your reply before you send it." in visible(refused)
    assert count(app, FeedbackReply) == 0
    too_long = post(priya_client, priya, feedback_id, "reply", "Mon idée " * 600)
    assert too_long.status_code == 422
    assert "longer than 4000 characters" in visible(too_long)
    assert "Mon idée Mon idée" in too_long.get_data(as_text=True)  # the typed text is kept
    assert 'aria-invalid="true"' in too_long.get_data(as_text=True)
    assert count(app, FeedbackReply) == 0
    no_token = priya_client.post(
        f"{priya}modules/{SLUG}/feedback/{feedback_id}/reply", data={"reply": "x"}
    )
    assert no_token.status_code == 400
    assert count(app, FeedbackReply) == 0


def test_only_the_learner_and_the_course_facilitators_take_part(
    app: Flask, fake_platform: FakePlatform
) -> None:
    priya_client, priya, *_ = given_feedback(app, fake_platform)
    feedback_id = feedback_id_on(priya_client.get(player(priya) + "?section=reflection"))

    zoe_client = app.test_client()
    zoe = launch(fake_platform, zoe_client, "zoe")  # another learner of the course
    assert post(zoe_client, zoe, feedback_id, "reply", "Zoë was here").status_code == 404
    assert post(zoe_client, zoe, feedback_id, "read").status_code == 404
    assert STRENGTH not in visible(zoe_client.get(player(zoe) + "?section=reflection"))
    assert "Feedback on" not in visible(zoe_client.get(zoe))

    other_course = app.test_client()
    elsewhere = launch(fake_platform, other_course, FACILITATOR, course=COURSE_B)
    assert post(other_course, elsewhere, feedback_id, "reply", "Hi").status_code == 404
    assert post(other_course, elsewhere, feedback_id, "read").status_code == 404
    assert "replied" not in visible(other_course.get(elsewhere))

    mentor_client = app.test_client()
    marc = launch(fake_platform, mentor_client, "marc")
    assert post(mentor_client, marc, feedback_id, "reply", "Hi").status_code == 403
    assert post(mentor_client, marc, feedback_id, "read").status_code == 403
    assert STRENGTH not in visible(mentor_client.get(marc))

    unknown = post(priya_client, priya, feedback_id + 999, "reply", "x")
    assert unknown.status_code == 404
    token = csrf_token(priya_client.get(player(priya)))
    wrong_module = priya_client.post(
        f"{priya}modules/mentoring-is/feedback/{feedback_id}/reply",
        data={"csrf_token": token, "reply": "x"},
    )
    assert wrong_module.status_code == 404  # the address names the module the feedback is on
    assert count(app, FeedbackReply) == 0
    # Priya's own feedback is still new to her: none of those reads counted
    assert f"New Feedback on “{MODULE.title}”" in visible(priya_client.get(priya))
