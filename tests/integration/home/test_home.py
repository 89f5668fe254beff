"""The course home for each role, through real launches: what a learner does next, what needs a
facilitator, what a mentor's mentees share; who is signed in on every page; a fixed number of
queries whatever the size of the course; and nobody sees another person's or course's items."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades.models import ScoreRecord
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue
from lti_tool.lti.models import Platform
from lti_tool.people.models import User
from lti_tool.rosters.models import RosterSync
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_assignment import post_rows, row
from tests.integration.learning_modules.test_conversation import visible
from tests.integration.learning_modules.test_player import answer, see_section
from tests.integration.learning_modules.test_review import FACILITATOR, submit_all
from tests.integration.mentoring_web.my_web_pages import (
    COURSE_B,
    add_strand,
    counted_queries,
    launch,
)
from tests.integration.mentoring_web.test_privacy_helpers import launch_as
from tests.integration.rosters.test_mentors import reflect

CATALOGUE = load_catalogue(CONTENT_DIR / "en")
COURSE = "Mentoring for All — Demo course"


def test_a_new_learner_is_told_where_to_begin(app: Flask, fake_platform: FakePlatform) -> None:
    client = app.test_client()
    priya = launch(fake_platform, client, "priya")

    home = visible(client.get(priya))

    assert "Your next steps" in home
    assert "No mini-module is assigned to you in this course yet" in home
    assert "Open the “Start here” pathway" in home
    assert "No new feedback" in home
    assert "Your web starts with the people who already help you" in home
    assert "Continue" not in home


def test_a_learner_sees_assigned_modules_by_due_date_with_their_state_and_where_to_continue(
    app: Flask, fake_platform: FakePlatform
) -> None:
    facilitator, client = app.test_client(), app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    later, sooner, undated = "scaling-questions", "mentoring-is", "the-3cs-framework"
    post_rows(
        facilitator,
        amelie,
        row(later, required=True, due="2099-06-30"),
        row(sooner, due="2099-02-01"),
        row(undated),
    )
    priya = launch(fake_platform, client, "priya")
    see_section(client, priya, CATALOGUE.get(later).sections[0].id, later)
    add_strand(client, priya)

    page = client.get(priya)
    home = visible(page)

    titles = [CATALOGUE.get(slug).title for slug in (sooner, later, undated)]
    positions = [home.index(title, home.index("Assigned to you, by due date")) for title in titles]
    assert positions == sorted(positions), "soonest due first, undated last"
    assert "In progress · Due June 30, 2099" in home
    assert "Not started · Due February 1, 2099" in home
    assert "Not started · No due date" in home
    assert f"Continue: {CATALOGUE.get(later).title}" in home
    # one strand: the web's next invitation is to add more
    assert "Webs with five to seven active strands hold best" in home
    assert "Open my mentoring web" in home


def test_the_learner_home_costs_the_same_queries_whatever_the_course_holds(
    app: Flask, fake_platform: FakePlatform
) -> None:
    facilitator, client = app.test_client(), app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    priya = launch(fake_platform, client, "priya")
    post_rows(facilitator, amelie, row("scaling-questions"))
    add_strand(client, priya)
    with counted_queries(app) as few:
        assert client.get(priya).status_code == 200
    post_rows(facilitator, amelie, *(row(m.slug, due="2099-01-01") for m in CATALOGUE.modules))
    for module in CATALOGUE.modules[:5]:
        see_section(client, priya, module.sections[0].id, module.slug)
        answer(client, priya, "draft", prompt=module.prompts[0].id, slug=module.slug)
    submit_all(client, priya, "shared", "facilitator")
    for _ in range(3):
        add_strand(client, priya, label=f"Colleague {_}")
    with counted_queries(app) as many:
        page = client.get(priya)
    assert visible(page).count("Due January 1, 2099") == len(CATALOGUE.modules)
    assert len(many) == len(few)


def test_a_facilitator_sees_what_needs_them(app: Flask, fake_platform: FakePlatform) -> None:
    facilitator, learner = app.test_client(), app.test_client()
    amelie = launch(fake_platform, facilitator, FACILITATOR)
    with app.app_context():
        db.session.execute(update(RosterSync).values(synced_at=utcnow(), last_error=None))
        db.session.commit()
    calm = visible(facilitator.get(amelie))
    assert "What needs you" in calm
    assert "Nothing needs you right now" in calm
    assert "Progress at a glance" in calm

    priya = launch(fake_platform, learner, "priya")
    submit_all(learner, priya, "Priya shares", "facilitator")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.sub == fake_platform.member("priya").sub))
        course = db.session.scalar(select(RosterSync.context_id))
        db.session.add(
            ScoreRecord(
                platform_id=db.session.scalar(select(Platform.id)),
                context_id=course,
                user_id=user.id,
                user_sub=user.sub,
                module_slug="scaling-questions",
                label="x",
                score_given=1,
                score_maximum=1,
                timestamp=utcnow(),
                status="failed",
                last_error="403 Forbidden",
            )
        )
        db.session.execute(update(RosterSync).values(synced_at=utcnow() - timedelta(days=3)))
        db.session.commit()

    busy = visible(facilitator.get(amelie))
    prompts = len(CATALOGUE.get("scaling-questions").prompts)
    assert f"{prompts} shared reflections are waiting for feedback" in busy
    assert f"{CATALOGUE.get('scaling-questions').title} ({prompts})" in busy
    assert "The LMS refused 1 score · See why and retry" in busy
    assert "The roster was last synced" in busy
    assert "Nothing needs you right now" not in busy

    with counted_queries(app) as few:
        facilitator.get(amelie)
    for key in ("zoe", "jean-francois"):
        other = app.test_client()
        submit_all(other, launch(fake_platform, other, key), f"{key} shares", "facilitator")
    with counted_queries(app) as many:
        more = visible(facilitator.get(amelie))
    assert f"{3 * prompts} shared reflections are waiting for feedback" in more
    assert len(many) == len(few)

    # Another course's facilitator sees none of it.
    elsewhere = app.test_client()
    other_course = visible(
        elsewhere.get(launch(fake_platform, elsewhere, FACILITATOR, course=COURSE_B))
    )
    assert "waiting for feedback" not in other_course
    assert "refused" not in other_course


def test_a_mentor_sees_what_their_mentees_share(app: Flask, fake_platform: FakePlatform) -> None:
    jf = launch_as(app, fake_platform, "jean-francois")
    priya = launch_as(app, fake_platform, "priya")
    marc = launch_as(app, fake_platform, "marc")
    reflect(priya, "Priya's, for her mentors", mentors=True)  # not Marc's mentee

    before = visible(marc.get(""))
    assert "The people you mentor" in before
    assert "Jean-François Côté · 0 reflections shared with you" in before
    assert "Priya" not in before

    with counted_queries(app) as few:
        marc.get("")
    reflect(jf, "Jean-François shares", mentors=True)
    with counted_queries(app) as many:
        after = visible(marc.get(""))
    assert len(many) == len(few)
    assert "Jean-François Côté · 1 reflection shared with you" in after
    assert "Read what Jean-François Côté shares" in after
    assert "Jean-François Côté's web" in after
    assert "Priya" not in after
    assert "waiting for feedback" not in after


def test_every_page_says_who_is_signed_in_and_the_course(
    app: Flask, fake_platform: FakePlatform
) -> None:
    client = app.test_client()
    priya = launch(fake_platform, client, "priya")
    for page in ("", "modules/", "modules/scaling-questions", "web/"):
        text = visible(client.get(priya + page))
        header = text[: text.index("Skip to main content") + 200]  # the header comes first
        assert f"Priya Singh · Learner · {COURSE}" in header, page

    amelie_client = app.test_client()
    amelie = launch(fake_platform, amelie_client, FACILITATOR)
    for page in ("progress/", "roster/", "grades/", "modules/assign"):
        assert f"Amélie Tremblay · Facilitator · {COURSE}" in visible(
            amelie_client.get(amelie + page)
        ), page
