"""The review queue of a big course: counts by state, a filter, and pages of 50 cut by the database.

Shared versions are written straight to the database (as the reflection page would have), with
their timestamps chosen so that the queue's order is known: waiting ones first, oldest first.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask

from lti_tool.extensions import db
from lti_tool.learning_modules.models import (
    Feedback,
    FeedbackReply,
    Reflection,
    ReflectionVersion,
)
from lti_tool.people.models import Membership, User
from tests.fake_platform import FakePlatform
from tests.integration.grades.helpers import Launched
from tests.integration.learning_modules.test_player import PROMPT, SLUG
from tests.integration.mentoring_web.test_privacy_helpers import counted_queries
from tests.lti_helpers import page_text

START = datetime(2026, 9, 1, 8, 0)
QUEUE = f"modules/{SLUG}/review"


def seen(response) -> str:
    return " ".join(page_text(response).split())


def shared_versions(
    app: Flask,
    context_pk: int,
    count: int,
    *,
    prefix: str,
    reviewed: bool = False,
    visibility: str = "facilitator",
    replied: bool = False,
    versions: int = 1,
) -> None:
    """`count` learners "<prefix> 000"… who each shared `versions` versions of one answer, the
    n-th submitted n minutes after START; the latest with feedback when `reviewed`."""
    with app.app_context():
        for n in range(count):
            user = User(
                issuer="https://lms.example.org", sub=f"{prefix}-{n}", name=f"{prefix} {n:03d}"
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Membership(
                    context_id=context_pk,
                    user_id=user.id,
                    role="learner",
                    lti_roles=[],
                    mentee_subs=[],
                )
            )
            reflection = Reflection(
                user_id=user.id,
                context_id=context_pk,
                module_slug=SLUG,
                prompt_id=PROMPT,
                draft_html="<p>Réponse</p>",
                visibility=visibility,
            )
            db.session.add(reflection)
            db.session.flush()
            for number in range(1, versions + 1):
                version = ReflectionVersion(
                    reflection_id=reflection.id,
                    number=number,
                    html=f"<p>Version {number}</p>",
                    visibility=visibility,
                    submitted_at=START + timedelta(minutes=n, seconds=number),
                )
                db.session.add(version)
                db.session.flush()
            if reviewed:
                feedback = Feedback(reflection_version_id=version.id, strength="<p>Oui</p>")
                db.session.add(feedback)
                db.session.flush()
                if replied:
                    db.session.add(
                        FeedbackReply(
                            feedback_id=feedback.id, from_learner=True, html="<p>Merci</p>"
                        )
                    )
        db.session.commit()
        db.session.remove()


def facilitator_of_a_big_course(app: Flask, fake_platform: FakePlatform) -> Launched:
    facilitator = Launched(app, fake_platform, "amelie")
    course = facilitator.launch.context_pk
    shared_versions(app, course, 60, prefix="Attente", versions=2)
    shared_versions(app, course, 15, prefix="Relue", reviewed=True)
    shared_versions(app, course, 1, prefix="Réponse", reviewed=True, replied=True)
    shared_versions(app, course, 4, prefix="Privée", visibility="private")
    return facilitator


def test_counts_filter_and_pages_of_the_review_queue(app, fake_platform):
    facilitator = facilitator_of_a_big_course(app, fake_platform)
    first = seen(facilitator.get(QUEUE))
    assert "All (76)" in first
    assert "Waiting for feedback (60)" in first
    assert "Reviewed (16)" in first
    assert "Shared reflections, not yet reviewed first · Page 1 of 2" in first
    assert "Attente 000" in first
    assert "Attente 049" in first
    assert "Attente 050" not in first  # 50 a page, waiting ones first
    assert "Relue" not in first
    assert "Privée" not in first  # private versions are never listed
    assert "Version 2, 2026-09-01 08:00 UTC" in first  # the latest version only
    assert "Version 1," not in first

    second = seen(facilitator.get(QUEUE + "?page=2"))
    assert "Attente 059" in second
    assert second.index("Attente 059") < second.index("Relue 000")
    assert "New reply from the learner" in second  # Réponse 000's unread reply, on this page
    assert "Page 2 of 2" in second

    reviewed = seen(facilitator.get(QUEUE + "?status=reviewed"))
    assert "Relue 014" in reviewed
    assert "Attente" not in reviewed
    assert "Page 1 of" not in reviewed  # 16 fit on one page
    waiting = facilitator.get(QUEUE + "?status=waiting&page=2").get_data(as_text=True)
    assert len(re.findall(r"/review/\d+", waiting)) == 10


def test_odd_query_strings_never_fail(app, fake_platform):
    facilitator = facilitator_of_a_big_course(app, fake_platform)
    for odd in ("?page=²", "?page=99999999999999999999", "?page=0", "?status=<b>", "?page=-3"):
        assert facilitator.get(QUEUE + odd).status_code == 200
    assert "Page 2 of 2" in seen(facilitator.get(QUEUE + "?page=999"))


def test_an_empty_filter_says_so(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    shared_versions(app, facilitator.launch.context_pk, 2, prefix="Attente")
    assert "No shared reflection of this kind." in seen(facilitator.get(QUEUE + "?status=reviewed"))


def test_another_courses_queue_is_never_read(app, fake_platform):
    facilitator_of_a_big_course(app, fake_platform)
    course_b = {"id": "review-course-b", "label": "MFA-B", "title": "Cohorte B"}
    context = "https://purl.imsglobal.org/spec/lti/claim/context"
    other = Launched(app, fake_platform, "amelie", **{context: course_b})
    text = seen(other.get(QUEUE))
    assert "Attente" not in text
    assert "No learner has shared a reflection on this module with facilitators yet." in text


def test_the_queue_sends_the_same_statements_for_a_small_or_a_big_course(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    course = facilitator.launch.context_pk
    pages = (QUEUE, QUEUE + "?page=2", QUEUE + "?status=reviewed")
    shared_versions(app, course, 3, prefix="Attente")
    shared_versions(app, course, 1, prefix="Relue", reviewed=True, replied=True)

    def statements() -> list[int]:
        counts = []
        for page in pages:
            facilitator.get(page)  # warm-up
            with counted_queries(app) as sent:
                assert facilitator.get(page).status_code == 200
            counts.append(len(sent))
        return counts

    small = statements()
    shared_versions(app, course, 120, prefix="Nouvelle", versions=2)
    shared_versions(app, course, 40, prefix="Lue", reviewed=True, replied=True)
    assert statements() == small
