"""Copying my web from another course of the same platform (issue 4 point 7).

A learner in two courses has a separate web in each, and may copy the strands of one into the
other: only their own webs, only from other courses of the platform they launched from. Anything
else answers 404, as if no such web existed.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.mentoring_web.models import Strand
from tests.fake_platform import FakePlatform, serve_fake_platform
from tests.integration.mentoring_web.test_privacy_helpers import (
    COURSE_B,
    Person,
    launch_as,
    owner_id,
    strand_labels,
)
from tests.lti_helpers import CONTEXT, assert_refused, page_text

COURSE_A_TITLE = "Mentoring for All — Demo course"
EMPTY = "You have no web in another course of this LMS yet."


def _web_in_a(app: Flask, platform: FakePlatform) -> tuple[Person, int]:
    in_a = launch_as(app, platform, "priya")
    in_a.add_strand("Partner teacher")
    in_a.add_strand("Vice-principal", board_role="principal_vice_principal", model="broker")
    in_a.add_strand("Old colleague", status="ended")
    in_a.fill_centre_card(board_role="early_childhood_educator", strengths="Patience")
    return in_a, owner_id(app, platform.member("priya").sub)


def _in_b(app: Flask, platform: FakePlatform, user_key: str = "priya") -> Person:
    return launch_as(app, platform, user_key, {CONTEXT: COURSE_B})


def test_copy_my_web_from_another_course(app: Flask, fake_platform: FakePlatform) -> None:
    _in_a, web_a = _web_in_a(app, fake_platform)
    in_b = _in_b(app, fake_platform)
    assert "Copy strands from my web in another course" in page_text(in_b.get("web/"))

    listing = in_b.get("web/copy")
    assert COURSE_A_TITLE in page_text(listing)
    assert "Copy these strands here" in page_text(listing)

    response = in_b.post(f"web/copy/{web_a}")

    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path.endswith("/web/copy")
    assert parse_qs(location.query) == {"copied": ["2"], "source": [str(web_a)]}
    result = page_text(in_b.client.get(response.headers["Location"]))
    assert "2 strands copied into your web in this course." in result
    assert f"From: {COURSE_A_TITLE}." in result
    web_b = owner_id(app, fake_platform.member("priya").sub, COURSE_B["id"])
    assert strand_labels(app, web_b) == ["Partner teacher", "Vice-principal"]  # not the ended one
    mine = page_text(in_b.get("web/"))
    assert "Partner teacher" in mine
    assert "Designated Early Childhood Educator (DECE/ECE)" in mine  # the centre card came too
    assert "Patience" in mine
    assert "Right now, only you can see this web." in mine  # sharing is not copied
    assert strand_labels(app, web_a) == ["Partner teacher", "Vice-principal", "Old colleague"]


def test_copying_twice_adds_nothing_and_later_strands_come_alone(
    app: Flask, fake_platform: FakePlatform
) -> None:
    in_a, web_a = _web_in_a(app, fake_platform)
    in_b = _in_b(app, fake_platform)
    in_b.post(f"web/copy/{web_a}")
    web_b = owner_id(app, fake_platform.member("priya").sub, COURSE_B["id"])

    again = in_b.post(f"web/copy/{web_a}")

    assert "copied=0" in again.headers["Location"]
    assert "Nothing new to copy" in page_text(in_b.client.get(again.headers["Location"]))
    assert strand_labels(app, web_b) == ["Partner teacher", "Vice-principal"]

    in_a.add_strand("New coach", board_role="instructional_coach")
    in_b.post(f"web/copy/{web_a}")

    assert strand_labels(app, web_b) == ["Partner teacher", "Vice-principal", "New coach"]


def test_two_strands_for_the_same_person_are_both_copied(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """One person giving two kinds of support may be two strands; the copy keeps both."""
    in_a = launch_as(app, fake_platform, "priya")
    in_a.add_strand("M.K.", supports=["instructional_practice"])
    in_a.add_strand("M.K.", supports=["wellbeing_emotional"], model="one_to_one_chosen")
    web_a = owner_id(app, fake_platform.member("priya").sub)
    in_b = _in_b(app, fake_platform)

    response = in_b.post(f"web/copy/{web_a}")

    assert "copied=2" in response.headers["Location"]
    web_b = owner_id(app, fake_platform.member("priya").sub, COURSE_B["id"])
    assert strand_labels(app, web_b) == ["M.K.", "M.K."]


def test_cannot_copy_another_users_web(app: Flask, fake_platform: FakePlatform) -> None:
    _in_a, web_a = _web_in_a(app, fake_platform)
    zoe_in_b = _in_b(app, fake_platform, "zoe")

    assert EMPTY in page_text(zoe_in_b.get("web/copy"))
    assert COURSE_A_TITLE not in page_text(zoe_in_b.get("web/copy"))
    response = zoe_in_b.post(f"web/copy/{web_a}")

    assert_refused(response, 404, "web-not-found")
    assert "Partner teacher" not in page_text(zoe_in_b.get("web/"))


def test_cannot_copy_a_web_into_its_own_course(app: Flask, fake_platform: FakePlatform) -> None:
    in_a, web_a = _web_in_a(app, fake_platform)

    assert EMPTY in page_text(in_a.get("web/copy"))
    assert_refused(in_a.post(f"web/copy/{web_a}"), 404, "web-not-found")
    assert strand_labels(app, web_a) == ["Partner teacher", "Vice-principal", "Old colleague"]


def test_cannot_copy_from_another_platform(app: Flask, fake_platform: FakePlatform) -> None:
    """The same person (same sub) on a second LMS registration sees nothing of the first."""
    _in_a, web_a = _web_in_a(app, fake_platform)
    with serve_fake_platform(app) as other:
        elsewhere = launch_as(app, other, "priya", {CONTEXT: COURSE_B})
        elsewhere.add_strand("Strand on the other LMS")

        assert EMPTY in page_text(elsewhere.get("web/copy"))
        assert_refused(elsewhere.post(f"web/copy/{web_a}"), 404, "web-not-found")

        in_b = _in_b(app, fake_platform)  # the first platform's course B
        listing = page_text(in_b.get("web/copy"))
        assert COURSE_A_TITLE in listing
        assert listing.count("Copy these strands here") == 1
        with app.app_context():
            other_web = db.session.scalar(
                select(Strand.owner_id).where(Strand.label == "Strand on the other LMS")
            )
            db.session.remove()
        assert_refused(in_b.post(f"web/copy/{other_web}"), 404, "web-not-found")
    assert strand_labels(app, web_a) == ["Partner teacher", "Vice-principal", "Old colleague"]


def test_copying_needs_the_csrf_token(app: Flask, fake_platform: FakePlatform) -> None:
    _in_a, web_a = _web_in_a(app, fake_platform)
    in_b = _in_b(app, fake_platform)

    response = in_b.post(f"web/copy/{web_a}", csrf=False)

    assert response.status_code == 400
    assert "Partner teacher" not in page_text(in_b.get("web/"))
