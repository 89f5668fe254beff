"""The course roster from the LMS, through real launches and the fake LMS's paged NRPS service.

The fake platform serves NRPS 2.0 with two members a page, `rel="next"` links and a
`rel="differences"` link on the last page that lists only later changes (Deleted, Inactive,
renamed), so each test checks what the tool asked the LMS for and what a facilitator then sees.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool.devplatform.course import INSTRUCTOR, LEARNER, Member
from lti_tool.extensions import db
from lti_tool.people.models import Membership, User
from lti_tool.rosters.models import RosterSync
from tests.fake_platform import FakePlatform
from tests.integration.grades.helpers import Launched
from tests.lti_helpers import page_text

MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
NEVER_LAUNCHED = Member(
    key="gisele",
    sub="7f0e1d2c-0000-4000-8000-00000000a001",
    roles=(LEARNER,),
    name="Gisèle Bélanger-Nguyễn",
    given_name="Gisèle",
    family_name="Bélanger-Nguyễn",
    email="gisele.belanger@example.org",
)


def nrps_requests(platform: FakePlatform) -> list[str]:
    """The query strings of every roster GET the LMS received, in order."""
    return [
        r.query
        for r in platform.state.requests
        if r.method == "GET" and r.path.endswith("/memberships")
    ]


def roster_rows(app: Flask) -> dict[str, tuple[str, str, bool]]:
    """name → (tool role, status, launched) for every membership the tool holds."""
    with app.app_context():
        rows = db.session.execute(select(Membership, User).join(User)).all()
        found = {
            (user.name or user.sub): (m.role, m.status, m.last_launch_at is not None)
            for m, user in rows
        }
        db.session.remove()
    return found


def count(app: Flask, model: type) -> int:
    with app.app_context():
        value = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return value


def seen(response) -> str:
    """The page's text with its line breaks and indentation folded, as a person reads it."""
    return " ".join(page_text(response).split())


def sync_now(facilitator: Launched, *, full: bool = False):
    """Press "Sync now" on the roster page (ticking "read the whole roster" for `full`)."""
    html = facilitator.get("roster/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = {"csrf_token": token, **({"full": "1"} if full else {})}
    response = facilitator.client.post(facilitator.path + "roster/sync", data=form)
    assert response.status_code == 303  # queued: the request waits for no LMS
    return facilitator.client.get(response.headers["Location"])


def test_a_facilitator_launch_reads_every_page_of_the_roster(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    Launched(app, fake_platform, "amelie")

    queries = nrps_requests(fake_platform)
    assert len(queries) == 3  # six members, two a page: every rel="next" was followed
    assert "page=2" in queries[1]
    assert "page=3" in queries[2]
    roster_gets = [r for r in fake_platform.state.requests if r.path.endswith("/memberships")]
    assert {r.accept for r in roster_gets} == {MEMBERSHIP_CONTAINER}
    assert {r.authorization_scheme for r in roster_gets} == {"Bearer"}
    rows = roster_rows(app)
    assert rows["Gisèle Bélanger-Nguyễn"] == ("learner", "active", False)
    assert rows["Marc-André Gagnon"] == ("mentor", "active", False)
    assert rows["Amélie Tremblay"] == ("facilitator", "active", True)
    assert len(rows) == 6


def test_the_roster_page_lists_members_who_never_launched(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    Launched(app, fake_platform, "jean-francois")
    facilitator = Launched(app, fake_platform, "amelie")

    response = facilitator.get("roster/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Gisèle Bélanger-Nguyễn" in text
    assert "gisele.belanger@example.org" in text
    assert "6 active members" in text
    assert "4 have not opened the tool yet" in text  # only Amélie and Jean-François launched
    assert "The LMS listed 6 members." in text
    row = _row_text(response, "Gisèle Bélanger-Nguyễn")
    assert "Learner" in row
    assert "Not yet" in row
    assert "Mentor" in _row_text(response, "Marc-André Gagnon")


def _row_text(response, name: str) -> str:
    html = response.get_data(as_text=True)
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


def test_search_ignores_case_and_accents(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    facilitator = Launched(app, fake_platform, "amelie")
    text = page_text(facilitator.get("roster/?q=BELANGER"))
    assert "Gisèle Bélanger-Nguyễn" in text
    assert "Priya Singh" not in text
    assert "1 member matches" in text


def test_sync_now_follows_differences_and_applies_removals_and_suspensions(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    facilitator = Launched(app, fake_platform, "amelie")
    before = len(nrps_requests(fake_platform))
    course = fake_platform.course
    fake_platform.state.remove_member(course, "priya")
    fake_platform.state.set_member_status(course, "zoe", "Inactive")

    page = seen(sync_now(facilitator))

    queries = nrps_requests(fake_platform)[before:]
    assert len(queries) == 1
    assert "since=" in queries[0]
    assert "Sync started." in page  # the request queued it; this suite's queue ran it at once
    assert "The LMS reported 2 changes. Added: 0; updated: 2; no longer in the course: 0." in page
    rows = roster_rows(app)
    assert rows["Priya Singh"][1] == "deleted"
    assert rows["Zoë O'Connor"][1] == "inactive"
    assert rows["Gisèle Bélanger-Nguyễn"][1] == "active"  # not listed in differences: unchanged
    assert "Priya Singh" not in page_text(facilitator.get("roster/"))
    assert "Priya Singh" in page_text(facilitator.get("roster/?status=deleted"))


def test_a_full_sync_removes_people_the_lms_no_longer_lists(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    fake_platform.state.remove_member(fake_platform.course, "priya")

    page = seen(sync_now(facilitator, full=True))

    assert "Added: 0; updated: 0; no longer in the course: 1." in page
    assert "since=" not in nrps_requests(fake_platform)[-1]
    assert roster_rows(app)["Priya Singh"][1] == "deleted"


def test_resyncing_and_launching_after_a_sync_never_duplicates_anyone(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    facilitator = Launched(app, fake_platform, "amelie")
    users, memberships = count(app, User), count(app, Membership)
    sync_now(facilitator, full=True)
    sync_now(facilitator)
    Launched(app, fake_platform, "gisele")  # the roster-only member opens the tool at last

    assert (count(app, User), count(app, Membership)) == (users, memberships) == (6, 6)
    assert roster_rows(app)["Gisèle Bélanger-Nguyễn"] == ("learner", "active", True)


def test_moodle_short_role_names_and_lti11_urns_are_understood(app, fake_platform):
    state = fake_platform.state
    state.add_member(Member("t1", "sub-short-instructor", ("Instructor",), name="Short Instructor"))
    state.add_member(Member("t2", "sub-short-learner", ("Learner",), name="Short Learner"))
    state.add_member(Member("t3", "sub-short-mentor", ("Mentor",), name="Short Mentor"))
    state.add_member(
        Member(
            "t4",
            "sub-urn-ta",
            ("urn:lti:role:ims/lis/Instructor/TeachingAssistant",),
            name="Urn TA",
        )
    )
    Launched(app, fake_platform, "amelie")
    rows = roster_rows(app)
    assert rows["Short Instructor"][0] == "facilitator"
    assert rows["Short Learner"][0] == "learner"
    assert rows["Short Mentor"][0] == "mentor"
    assert rows["Urn TA"][0] == "facilitator"


def test_a_role_change_in_the_lms_reaches_the_tool(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    fake_platform.state.update_member(fake_platform.course, "zoe", roles=(INSTRUCTOR,))
    sync_now(facilitator)
    assert roster_rows(app)["Zoë O'Connor"][0] == "facilitator"


def test_names_withheld_by_the_lms_never_erase_known_ones(app, fake_platform):
    Launched(app, fake_platform, "priya")
    facilitator = Launched(app, fake_platform, "amelie")
    fake_platform.state.update_member(
        fake_platform.course, "priya", name=None, given_name=None, family_name=None, email=None
    )
    sync_now(facilitator)
    assert "Priya Singh" in roster_rows(app)


# When it syncs ----------------------------------------------------------------------------------


def test_a_fresh_roster_is_not_read_again_on_the_next_launch(app, fake_platform):
    Launched(app, fake_platform, "amelie")
    before = len(nrps_requests(fake_platform))
    Launched(app, fake_platform, "amelie")
    assert len(nrps_requests(fake_platform)) == before


@pytest.mark.parametrize("app_overrides", [{"ROSTER_MAX_AGE_SECONDS": 0}])
def test_an_old_roster_is_synced_again_when_a_facilitator_launches(app, fake_platform):
    Launched(app, fake_platform, "amelie")
    before = len(nrps_requests(fake_platform))
    Launched(app, fake_platform, "amelie")
    assert len(nrps_requests(fake_platform)) > before


@pytest.mark.parametrize("user_key", ["jean-francois", "marc"])
def test_learner_and_mentor_launches_never_read_the_roster(app, fake_platform, user_key):
    Launched(app, fake_platform, user_key)
    assert nrps_requests(fake_platform) == []
    with app.app_context():  # but the course's roster address is remembered for later
        assert db.session.scalar(select(RosterSync.memberships_url)).endswith("/memberships")
        db.session.remove()


@pytest.mark.parametrize("app_overrides", [{"ROSTER_SYNC_ON_LAUNCH": "off"}])
def test_automatic_syncs_can_be_turned_off(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    assert nrps_requests(fake_platform) == []
    assert "Not synced yet." in page_text(facilitator.get("roster/"))
    sync_now(facilitator)
    assert len(nrps_requests(fake_platform)) == 3


def test_an_lms_that_is_down_never_breaks_the_launch_nor_the_roster(app, fake_platform):
    Launched(app, fake_platform, "jean-francois")
    fake_platform.state.set_unavailable(503)
    facilitator = Launched(app, fake_platform, "amelie")  # the launch itself succeeded

    text = page_text(facilitator.get("roster/"))
    assert "failed: HTTP 503" in text
    assert set(roster_rows(app)) == {"Jean-François Côté", "Amélie Tremblay"}

    requests_before = len(fake_platform.state.requests)
    Launched(app, fake_platform, "amelie")  # within the retry delay: the LMS is left alone
    assert len(fake_platform.state.requests) == requests_before

    fake_platform.state.set_unavailable(None)
    assert "The LMS listed 5 members." in seen(sync_now(facilitator))


def test_a_failure_half_way_through_the_pages_writes_no_member(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")  # first sync succeeds, token cached
    fake_platform.state.remove_member(fake_platform.course, "zoe")
    fake_platform.state.add_member(Member("late", "sub-late-1", (LEARNER,), name="Late Arrival"))
    _fail_after(fake_platform, ok_calls=1)  # page 1 answers, page 2 is refused

    page = seen(sync_now(facilitator, full=True))

    assert "failed: HTTP 500" in page
    rows = roster_rows(app)
    assert "Late Arrival" not in rows
    assert rows["Zoë O'Connor"][1] == "active"  # the full roster that would remove her never came


def _fail_after(platform: FakePlatform, ok_calls: int) -> None:
    """Let `ok_calls` service calls through (the cached token needs none), then refuse one."""
    state = platform.state
    original = state.take_failure
    calls = {"n": 0}

    def take_failure():
        calls["n"] += 1
        if calls["n"] == ok_calls + 1:
            return 500
        return original()

    state.take_failure = take_failure  # type: ignore[method-assign]


# Who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_key", ["jean-francois", "marc"])
def test_learners_and_mentors_cannot_see_or_sync_the_roster(app, fake_platform, user_key):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    Launched(app, fake_platform, "amelie")
    person = Launched(app, fake_platform, user_key)
    before = len(nrps_requests(fake_platform))

    response = person.get("roster/")
    assert response.status_code == 403
    assert "Gisèle" not in response.get_data(as_text=True)
    # With a valid CSRF token from a page of their own, the sync is still refused.
    assert person.post("roster/sync", "web/").status_code == 403
    assert len(nrps_requests(fake_platform)) == before


def test_sync_now_needs_the_csrf_token(app, fake_platform):
    facilitator = Launched(app, fake_platform, "amelie")
    before = len(nrps_requests(fake_platform))
    assert facilitator.client.post(facilitator.path + "roster/sync").status_code == 400
    assert len(nrps_requests(fake_platform)) == before


def test_a_launch_without_the_roster_service_says_so(app, fake_platform):
    nrps = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    facilitator = Launched(app, fake_platform, "amelie", **{nrps: None})
    text = page_text(facilitator.get("roster/"))
    assert "did not offer its roster service" in text
    assert nrps_requests(fake_platform) == []


# From a scheduler -------------------------------------------------------------------------------


def test_the_cli_syncs_courses_whose_roster_is_due(app, fake_platform, runner):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    Launched(app, fake_platform, "jean-francois")  # a learner's launch: address kept, no sync

    result = runner.invoke(args=["rosters", "sync"])

    assert result.exit_code == 0, result.output
    assert "course 1: full, 6 listed, 5 added" in result.output
    assert "1 course(s) synced, 0 failed" in result.output
    assert roster_rows(app)["Gisèle Bélanger-Nguyễn"] == ("learner", "active", False)
    again = runner.invoke(args=["rosters", "sync"])  # fresh now: nothing is due
    assert "0 course(s) synced" in again.output


def test_the_cli_reports_a_failed_sync_with_a_failing_exit_code(app, fake_platform, runner):
    Launched(app, fake_platform, "jean-francois")
    fake_platform.state.set_unavailable(503)
    result = runner.invoke(args=["rosters", "sync"])
    assert result.exit_code == 1
    assert "HTTP 503" in result.output


def test_a_roster_of_another_course_is_never_copied_in(app, fake_platform):
    """The NRPS address a launch carries must list that launch's course (NRPS 2.0 §2.2)."""
    course_b = {"id": "course-b-roster-check", "label": "MFA-B", "title": "Cohorte B"}
    context = "https://purl.imsglobal.org/spec/lti/claim/context"
    facilitator = Launched(app, fake_platform, "amelie", **{context: course_b})

    text = page_text(facilitator.get("roster/"))
    assert "failed: the LMS answered with another course's roster" in text
    assert set(roster_rows(app)) == {"Amélie Tremblay"}  # only the launch's own membership


def test_the_roster_page_costs_the_same_queries_for_a_small_or_a_large_course(app, fake_platform):
    from tests.integration.mentoring_web.test_privacy_helpers import counted_queries

    def members_page_queries() -> int:
        facilitator = Launched(app, fake_platform, "amelie")
        sync_now(facilitator, full=True)
        with counted_queries(app) as statements:
            assert facilitator.get("roster/?status=all").status_code == 200
        return len(statements)

    small = members_page_queries()
    fake_platform.state.add_members(
        [
            Member(f"m{n}", f"sub-many-{n:03d}", (LEARNER,), name=f"Membre {n:03d}")
            for n in range(40)
        ]
    )
    large = members_page_queries()
    assert "45 active members" in page_text(Launched(app, fake_platform, "amelie").get("roster/"))
    # launch state, counts by status, the page of members with their users, the sync state
    assert small == large <= 4


def test_a_sync_in_progress_holds_the_course_until_its_lease_runs_out(app, fake_platform):
    """Two workers never sync one course at once: the second finds the lease taken."""
    from datetime import timedelta

    from lti_tool.db import utcnow

    facilitator = Launched(app, fake_platform, "amelie")

    def lease_taken(ago: timedelta) -> None:
        with app.app_context():
            row = db.session.scalar(select(RosterSync))
            row.running_since = utcnow() - ago
            db.session.commit()
            db.session.remove()

    lease_taken(timedelta(seconds=5))  # another worker is reading the roster right now
    before = len(nrps_requests(fake_platform))
    assert "A sync has been running since" in seen(sync_now(facilitator))
    assert len(nrps_requests(fake_platform)) == before

    lease_taken(timedelta(seconds=app.config["ROSTER_SYNC_LEASE_SECONDS"] + 1))  # it died
    page = seen(sync_now(facilitator))
    assert "A sync has been running" not in page
    assert "The LMS reported 0 changes." in page
    assert len(nrps_requests(fake_platform)) > before


MOODLE_NON_EDITING_TEACHER = [
    # What Moodle 4.3 sends at launch for a non-editing teacher where the tool is placed
    # (module-level permission), while its NRPS lists him with the course role, Learner.
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
]


def test_a_launch_role_is_never_demoted_by_the_roster(app, fake_platform):
    """Moodle's non-editing teacher: Instructor at launch, Learner in NRPS. Launch roles win."""
    roles_claim = "https://purl.imsglobal.org/spec/lti/claim/roles"
    Launched(app, fake_platform, "zoe", **{roles_claim: MOODLE_NON_EDITING_TEACHER})
    facilitator = Launched(app, fake_platform, "amelie")
    sync_now(facilitator, full=True)
    assert roster_rows(app)["Zoë O'Connor"][0] == "facilitator"
    page = page_text(facilitator.get("progress/"))
    assert "Zoë O'Connor" not in page  # not listed among the learners at a glance


def test_a_sync_that_finds_nothing_new_reports_nothing_updated(app, fake_platform):
    """Launches carry full role URIs, Moodle's NRPS short names: neither rewrites the other."""
    Launched(app, fake_platform, "priya")
    fake_platform.state.update_member(fake_platform.course, "priya", roles=("Learner",))
    facilitator = Launched(app, fake_platform, "amelie")
    for _ in range(2):
        sync_now(facilitator, full=True)
        Launched(app, fake_platform, "priya")  # she opens the tool again between syncs
        with app.app_context():
            row = db.session.scalars(select(RosterSync)).one()
            assert (row.added, row.updated, row.removed) == (0, 0, 0)
            db.session.remove()
