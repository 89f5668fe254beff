"""Sharing a web with the course's facilitators, and who may read a web (issue 4 point 7).

Private by default; a facilitator reads a web only while its owner shares it, and only in the
course it belongs to. A web not shared answers exactly like one that does not exist (404), so the
answer never tells whether someone has a web. Learners and mentors never reach the facilitator
pages (403).
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.test_privacy_helpers import (
    COURSE_B,
    Person,
    launch_as,
    launch_learner,
    owner_id,
    section,
)
from tests.lti_helpers import CONTEXT, assert_refused, link_href, page_text

FACILITATOR_PAGES = ("web/shared", "web/cohort")
ONLY_YOU = "Right now, only you can see this web."
FACILITATORS_TOO = "Right now, you and this course's facilitators can see this web."
SHARE = "Share my web with this course's facilitators"


@pytest.fixture
def priya(app: Flask, fake_platform: FakePlatform) -> Person:
    """Priya's web in the demo course: a strand with a label only she and a share may show."""
    person = launch_as(app, fake_platform, "priya")
    person.add_strand("Mme Kowalczyk, Gr. 2 partner", next_step="Co-plan the science unit")
    person.fill_centre_card(board_role="early_childhood_educator", strengths="Calm in a storm")
    return person


@pytest.fixture
def amelie(app: Flask, fake_platform: FakePlatform) -> Person:
    return launch_as(app, fake_platform, "amelie")


def _text(html: str) -> str:
    return unescape(html).strip()


def _shared_names(facilitator: Person) -> list[str]:
    response = facilitator.get("web/shared")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return [_text(name) for name in re.findall(r'<th scope="row"><a [^>]*>(.*?)</a>', body)]


def test_a_web_is_private_by_default_and_the_page_says_so(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    sharing = page_text(priya.get("web/"))
    assert ONLY_YOU in sharing
    assert SHARE in sharing
    assert _shared_names(amelie) == []
    web = owner_id(app, fake_platform.member("priya").sub)
    assert_refused(amelie.get(f"web/shared/{web}"), 404, "web-not-found")


def test_sharing_and_stopping(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    web = owner_id(app, fake_platform.member("priya").sub)

    response = priya.share()

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/web/#sharing-title")
    mine = priya.get("web/")
    assert FACILITATORS_TOO in _text(section(mine, "sharing-title"))
    assert "Stop sharing" in page_text(mine)
    assert _shared_names(amelie) == ["Priya Singh"]
    assert link_href(amelie.get("web/shared"), "Priya Singh").endswith(f"/web/shared/{web}")

    priya.share(False)

    assert ONLY_YOU in page_text(priya.get("web/"))
    assert _shared_names(amelie) == []
    assert_refused(amelie.get(f"web/shared/{web}"), 404, "web-not-found")


def test_a_facilitator_reads_a_shared_web_read_only(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    priya.share()
    web = owner_id(app, fake_platform.member("priya").sub)

    response = amelie.get(f"web/shared/{web}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Mentoring web of Priya Singh" in text
    # Labels and notes the owner wrote may name colleagues who never consented (§3.6): a shared
    # strand is named by its supporter's role, and its notes stay private.
    assert "Mme Kowalczyk" not in text
    assert "Co-plan the science unit" not in text
    assert "Classroom teacher — elementary (strand 1)" in text
    assert "Calm in a storm" in text  # the owner's own strengths are shown
    assert 'aria-labelledby="shared-web-title shared-web-desc"' in response.get_data(as_text=True)
    assert "Web strength" in text
    body = response.get_data(as_text=True)
    assert "<form" not in body  # no edit, end, remove or share controls
    assert "/web/strands/" not in body
    assert "/web/centre" not in body


def test_quiet_victories_stay_private_when_shared(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    priya.fill_centre_card(quiet_victories="The quiet win only I should see")
    priya.share()
    web = owner_id(app, fake_platform.member("priya").sub)

    assert "The quiet win only I should see" not in page_text(amelie.get(f"web/shared/{web}"))


def test_the_share_control_needs_the_csrf_token(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    response = priya.post("web/sharing", {"share": "yes"}, csrf=False)

    assert response.status_code == 400
    assert ONLY_YOU in page_text(priya.get("web/"))
    assert _shared_names(amelie) == []


def test_the_share_control_refuses_an_unknown_choice(priya: Person) -> None:
    response = priya.post("web/sharing", {"share": "maybe"})

    assert response.status_code == 400
    assert ONLY_YOU in page_text(priya.get("web/"))


def test_sharing_before_any_strand_starts_an_empty_shared_web(
    app: Flask, fake_platform: FakePlatform, amelie: Person
) -> None:
    zoe = launch_as(app, fake_platform, "zoe")
    assert zoe.share(False).status_code == 303  # nothing to stop: no web is created
    assert _shared_names(amelie) == []

    zoe.share()

    assert _shared_names(amelie) == ["Zoë O'Connor"]


def test_the_list_shows_only_shared_webs_of_this_course(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    zoe = launch_as(app, fake_platform, "zoe")
    zoe.add_strand("Not shared")
    jean = launch_as(app, fake_platform, "jean-francois")
    jean.add_strand("Shared, but in another course")
    elsewhere = launch_as(app, fake_platform, "jean-francois", {CONTEXT: COURSE_B})
    elsewhere.add_strand("Shared in course B")
    elsewhere.share()
    priya.share()

    assert _shared_names(amelie) == ["Priya Singh"]
    listing = page_text(amelie.get("web/shared"))
    assert "Zoë" not in listing
    assert "Jean-François" not in listing
    row = re.search(
        r"Priya Singh</a></th>(.*?)</tr>", amelie.get("web/shared").get_data(as_text=True), re.S
    )
    cells = [_text(c) for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)]
    assert cells[:2] == ["1", "Seed"]  # one active strand; score 3 of 20


def test_an_unshared_web_is_not_found(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    zoe = launch_as(app, fake_platform, "zoe")
    zoe.add_strand("Only mine")
    priya.share()

    response = amelie.get(f"web/shared/{owner_id(app, fake_platform.member('zoe').sub)}")

    assert_refused(response, 404, "web-not-found")
    assert "Only mine" not in page_text(response)
    assert "Zoë" not in page_text(response)
    # ... answered exactly as an id that was never a web
    assert_refused(amelie.get("web/shared/999999"), 404, "web-not-found")


def test_a_shared_web_of_another_course_is_not_found(
    app: Flask, fake_platform: FakePlatform, amelie: Person
) -> None:
    """Amélie facilitates both courses; a web shared in course B is not readable from course A."""
    in_b = launch_as(app, fake_platform, "priya", {CONTEXT: COURSE_B})
    in_b.add_strand("Course B strand")
    in_b.share()
    web_b = owner_id(app, fake_platform.member("priya").sub, COURSE_B["id"])
    amelie_in_b = launch_as(app, fake_platform, "amelie", {CONTEXT: COURSE_B})
    assert amelie_in_b.get(f"web/shared/{web_b}").status_code == 200

    response = amelie.get(f"web/shared/{web_b}")

    assert_refused(response, 404, "web-not-found")
    assert "Course B strand" not in page_text(response)
    assert _shared_names(amelie) == []


@pytest.mark.parametrize("user_key", ["priya", "marc"])
def test_learners_and_mentors_get_403_on_facilitator_pages(
    app: Flask, fake_platform: FakePlatform, priya: Person, user_key: str
) -> None:
    priya.share()
    web = owner_id(app, fake_platform.member("priya").sub)
    person = priya if user_key == "priya" else launch_as(app, fake_platform, user_key)

    for page in (*FACILITATOR_PAGES, f"web/shared/{web}"):
        response = person.get(page)
        assert_refused(response, 403, "forbidden")
        assert "Mme Kowalczyk" not in page_text(response)


def test_another_learner_cannot_read_a_shared_web(
    app: Flask, fake_platform: FakePlatform, priya: Person
) -> None:
    priya.share()
    other = launch_learner(app, fake_platform, 1)

    response = other.get(f"web/shared/{owner_id(app, fake_platform.member('priya').sub)}")

    assert_refused(response, 403, "forbidden")
    assert "Mme Kowalczyk" not in page_text(other.get("web/"))


def test_the_course_home_links_the_facilitator_pages_for_facilitators_only(
    app: Flask, fake_platform: FakePlatform, priya: Person, amelie: Person
) -> None:
    home = amelie.get("")
    for text, page in (
        ("Webs shared with facilitators", "/web/shared"),
        ("Web patterns in this course", "/web/cohort"),
    ):
        href = link_href(home, text)
        assert href is not None
        assert href.endswith(page)
        assert amelie.client.get(href).status_code == 200
    learner_home = page_text(priya.get(""))
    assert "Webs shared with facilitators" not in learner_home
    assert "Web patterns in this course" not in learner_home
