"""Who may see the progress grid and its export, through real launches: learners never; a mentor
only the mentees their launch names (and no export); nobody ever sees another course's people."""

from __future__ import annotations

from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.course_progress.progress_pages import (
    SCALING,
    assign,
    cells,
    complete,
    grid,
    people,
    see,
)
from tests.integration.mentoring_web.my_web_pages import COURSE_B
from tests.integration.mentoring_web.test_privacy_helpers import launch_as, learner_claims
from tests.lti_helpers import CONTEXT, LTI, assert_refused, page_text

ROLE_SCOPE_MENTOR = LTI + "role_scope_mentor"


def _demo_course(app: Flask, platform: FakePlatform):
    amelie = launch_as(app, platform, "amelie")
    assign(amelie, (SCALING.slug, True, ""))
    complete(launch_as(app, platform, "jean-francois"), SCALING)
    see(launch_as(app, platform, "priya"), SCALING, 1)
    launch_as(app, platform, "zoe")
    return amelie


def test_learners_get_403_on_the_grid_and_the_export(
    app: Flask, fake_platform: FakePlatform
) -> None:
    _demo_course(app, fake_platform)
    priya = launch_as(app, fake_platform, "priya")
    for path in (
        "progress/",
        "progress/?q=cote",
        "progress/export.csv",
        "progress/export.csv?launched=never",
    ):
        response = priya.get(path)
        assert response.status_code == 403, path
        assert "Jean-François" not in page_text(response)
        assert "Not started" not in page_text(response)


def test_a_mentor_sees_only_their_mentees_and_cannot_export(
    app: Flask, fake_platform: FakePlatform
) -> None:
    _demo_course(app, fake_platform)
    marc = launch_as(app, fake_platform, "marc")  # role_scope_mentor lists Jean-François
    page = grid(marc)
    assert page.status_code == 200
    text = page_text(page)
    assert "Progress of the people you mentor" in text
    assert people(page) == ["Jean-François Côté"]
    assert cells(page)["Jean-François Côté"][SCALING.title].startswith("✓ Submitted")
    for outsider in ("Priya Singh", "Zoë O'Connor", "Amélie Tremblay", "priya.singh@"):
        assert outsider not in text
    assert "export.csv" not in page.get_data(as_text=True)
    assert 'id="progress-roster"' not in page.get_data(as_text=True)
    assert people(grid(marc, q="priya")) == []
    assert people(grid(marc, roster="deleted")) == []
    assert marc.get("progress/export.csv").status_code == 403


def test_a_mentors_filters_sorts_and_pages_stay_within_their_mentees(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """The database narrows the page: whatever is asked, the scope comes first."""
    _demo_course(app, fake_platform)
    marc = launch_as(app, fake_platform, "marc")
    asked = [
        {"sort": "activity", "order": "desc"},
        {"sort": "submitted", "page": "3"},
        {"state": "not_started"},
        {"state": "in_progress", "module": SCALING.slug},
        {"launched": "yes", "q": "example"},
        {"overdue": "1"},
        {"q": "singh"},
        {"page": "999999", "order": "desc"},
    ]
    for args in asked:
        page = grid(marc, **args)
        assert page.status_code == 200, args
        assert set(people(page)) <= {"Jean-François Côté"}, args
        for outsider in ("Priya Singh", "Zoë O'Connor", "Amélie Tremblay"):
            assert outsider not in page_text(page), args
    assert people(grid(marc, state="submitted")) == ["Jean-François Côté"]
    assert "1 person matches." in page_text(grid(marc, sort="activity"))
    assert people(grid(marc, state="in_progress")) == []  # Priya is, but she is not his mentee


def test_a_mentor_whose_launch_names_no_mentee_sees_nobody(
    app: Flask, fake_platform: FakePlatform
) -> None:
    _demo_course(app, fake_platform)
    marc = launch_as(app, fake_platform, "marc", {ROLE_SCOPE_MENTOR: None})
    page = grid(marc)
    assert page.status_code == 200
    assert people(page) == []
    assert "lists no one in this course as your mentee" in page_text(page)
    for name in ("Jean-François", "Priya", "Zoë"):
        assert name not in page_text(page)
    assert marc.get("progress/export.csv").status_code == 403


def test_a_mentor_never_sees_a_mentee_named_from_another_course(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """The scope lists Priya, but she is a member of course B only: nobody to show here."""
    amelie = launch_as(app, fake_platform, "amelie")
    assign(amelie, (SCALING.slug, True, ""))
    launch_as(app, fake_platform, "priya", {CONTEXT: COURSE_B})
    priya_sub = fake_platform.member("priya").sub
    marc = launch_as(app, fake_platform, "marc", {ROLE_SCOPE_MENTOR: [priya_sub]})
    assert people(grid(marc)) == []


def test_another_courses_people_and_progress_never_appear(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _demo_course(app, fake_platform)
    elsewhere = launch_as(app, fake_platform, "priya", {CONTEXT: COURSE_B, **learner_claims(7)})
    complete(elsewhere, SCALING)  # the same module, in course B
    priya_in_b = launch_as(app, fake_platform, "priya", {CONTEXT: COURSE_B})
    complete(priya_in_b, SCALING)

    page = grid(amelie)
    assert "Quillon" not in page_text(page)
    assert set(people(page)) == {"Jean-François Côté", "Priya Singh", "Zoë O'Connor"}
    assert cells(page)["Priya Singh"][SCALING.title].startswith("◐ In progress")  # not B's
    csv_text = amelie.get("progress/export.csv").get_data().decode("utf-8-sig")
    assert "Quillon" not in csv_text

    facilitator_b = launch_as(app, fake_platform, "amelie", {CONTEXT: COURSE_B})
    page_b = grid(facilitator_b)
    assert "No mini-modules are assigned in this course yet" in page_text(page_b)
    assign(facilitator_b, (SCALING.slug, False, ""))
    in_b = cells(grid(facilitator_b))
    assert set(in_b) == {"Priya Singh", "Quillon Zéphyrine-007"}
    assert in_b["Priya Singh"][SCALING.title].startswith("✓ Submitted")
    for name in ("Jean-François", "Zoë"):
        assert name not in page_text(grid(facilitator_b))


def test_a_launch_without_a_course_is_refused(app: Flask, fake_platform: FakePlatform) -> None:
    amelie = launch_as(app, fake_platform, "amelie", {CONTEXT: None})
    assert_refused(amelie.get("progress/"), 403, "no-course")
    assert_refused(amelie.get("progress/export.csv"), 403, "no-course")
