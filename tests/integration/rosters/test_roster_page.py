"""The roster page of a big course: the database counts, searches, sorts and cuts the pages.

Members are added straight to the database (as a roster sync would), so a course of a few hundred
takes no LMS round trips; the names carry accents, apostrophes and hyphens on purpose.
"""

from __future__ import annotations

from flask import Flask

from lti_tool.extensions import db
from lti_tool.people.models import Membership, User
from tests.fake_platform import FakePlatform
from tests.integration.grades.helpers import Launched
from tests.integration.mentoring_web.test_privacy_helpers import counted_queries
from tests.lti_helpers import page_text

# Roster sync on launch is left on: these tests add members the LMS does not list, so a sync
# would mark them "no longer in the course". Each launch below happens before the members go in.


def seen(response) -> str:
    return " ".join(page_text(response).split())


def add_members(
    app: Flask, context_pk: int, count: int, *, prefix: str = "Élève", status: str = "active"
) -> None:
    """`count` learners named "<prefix> 000", "<prefix> 001"… in the course, with `status`."""
    with app.app_context():
        for n in range(count):
            user = User(
                issuer="https://lms.example.org",
                sub=f"{prefix}-{status}-{n:04d}",
                name=f"{prefix} {n:03d}",
                email=f"{prefix.lower()}.{n:03d}@example.org",
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
                    status=status,
                )
            )
        db.session.commit()
        db.session.remove()


def facilitator_of_a_big_course(app: Flask, fake_platform: FakePlatform) -> Launched:
    facilitator = Launched(app, fake_platform, "amelie")
    app.config["ROSTER_SYNC_ON_LAUNCH"] = "off"
    add_members(app, facilitator.launch.context_pk, 230, prefix="Zélie")
    add_members(app, facilitator.launch.context_pk, 3, prefix="Inès", status="inactive")
    with app.app_context():  # someone the LMS sent no name for: listed after every name
        user = User(issuer="https://lms.example.org", sub="anonymous-1")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Membership(
                context_id=facilitator.launch.context_pk,
                user_id=user.id,
                role="learner",
                lti_roles=[],
                mentee_subs=[],
            )
        )
        db.session.commit()
        db.session.remove()
    return facilitator


def test_counts_pages_and_order_come_from_the_whole_course(app, fake_platform):
    facilitator = facilitator_of_a_big_course(app, fake_platform)
    first = seen(facilitator.get("roster/"))
    # The demo course's 5 (synced at the first launch), 230 added and the anonymous member.
    assert "236 active members · 235 have not opened the tool yet · 3 inactive" in first
    assert "236 members match · page 1 of 5" in first
    # By folded name: amelie, jean francois, marc andre, priya, then zelie 000…, zoe oconnor.
    assert first.index("Amélie Tremblay") < first.index("Priya Singh") < first.index("Zélie 000")
    assert "Zélie 045" in first
    assert "Zélie 046" not in first
    assert "Inès 000" not in first  # inactive: not in the default "active" filter
    last = seen(facilitator.get("roster/?page=5"))
    assert "Zélie 196" in last
    assert "Zélie 195" not in last
    assert last.index("Zélie 229") < last.index("Zoë O") < last.index("A person without a name")
    assert "Page 5 of 5" in last
    assert "Next page" not in last


def test_search_and_status_filter_run_in_the_database(app, fake_platform):
    facilitator = facilitator_of_a_big_course(app, fake_platform)
    found = seen(facilitator.get("roster/?q=zelie%2012&status=all"))  # no accent typed
    assert "10 members match" in found  # Zélie 120…129
    assert "Zélie 125" in found
    assert "Zélie 012" not in found
    inactive = seen(facilitator.get("roster/?status=inactive"))
    assert "3 members match" in inactive
    assert "Inès 002" in inactive
    assert "Zélie" not in inactive
    by_email = seen(facilitator.get("roster/?q=ines.001@&status=all"))
    assert "1 member matches" in by_email
    assert "Inès 001" in by_email
    # LIKE's wildcards are searched for as they are, never as wildcards.
    assert "Nobody matches." in seen(facilitator.get("roster/?q=%25&status=all"))
    assert "Nobody matches." in seen(facilitator.get("roster/?q=_&status=all"))


def test_odd_query_strings_never_fail(app, fake_platform):
    facilitator = facilitator_of_a_big_course(app, fake_platform)
    for odd in (
        "?page=²",
        "?page=99999999999999999999",
        "?page=0",
        "?status=<b>",
        "?q=" + "x" * 500,
    ):
        assert facilitator.get("roster/" + odd).status_code == 200
    assert "page 5 of 5" in seen(facilitator.get("roster/?page=999"))  # the last page


def test_another_courses_members_are_never_listed(app, fake_platform):
    facilitator = facilitator_of_a_big_course(app, fake_platform)
    course_b = {"id": "roster-course-b", "label": "MFA-B", "title": "Cohorte B"}
    context = "https://purl.imsglobal.org/spec/lti/claim/context"
    other = Launched(app, fake_platform, "amelie", **{context: course_b})
    text = seen(other.get("roster/?status=all"))
    assert "Zélie" not in text
    assert "1 member matches" in text  # only the facilitator's own membership there
    assert "236 active members" in seen(facilitator.get("roster/"))


def test_each_roster_page_sends_the_same_statements_for_a_small_or_a_big_course(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    app.config["ROSTER_SYNC_ON_LAUNCH"] = "off"
    pages = ("roster/", "roster/?q=zelie&status=all", "roster/?page=2")
    add_members(app, facilitator.launch.context_pk, 5, prefix="Zélie")

    def statements() -> list[int]:
        counts = []
        for page in pages:
            facilitator.get(page)  # warm-up
            with counted_queries(app) as sent:
                assert facilitator.get(page).status_code == 200
            counts.append(len(sent))
        return counts

    small = statements()
    add_members(app, facilitator.launch.context_pk, 250, prefix="Zoé")
    assert statements() == small
