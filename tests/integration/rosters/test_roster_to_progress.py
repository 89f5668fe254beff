"""End to end: the roster the LMS serves over paged NRPS reaches the facilitator's progress grid
and its export, and a mentor's grid, without anyone inserting rows by hand."""

from __future__ import annotations

from tests.integration.course_progress.progress_pages import (
    LISTENING,
    assign,
    cells,
    complete,
    csv_lines,
    grid,
    people,
)
from tests.integration.mentoring_web.test_privacy_helpers import launch_as
from tests.integration.rosters.test_sync import NEVER_LAUNCHED
from tests.lti_helpers import page_text


def test_members_who_never_launched_are_in_the_grid_and_its_export(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    jf = launch_as(app, fake_platform, "jean-francois")
    facilitator = launch_as(app, fake_platform, "amelie")  # syncs the roster (three NRPS pages)
    assign(facilitator, (LISTENING.slug, True, ""))
    complete(jf, LISTENING)

    page = grid(facilitator)
    assert page.status_code == 200
    assert set(people(page)) == {
        "Jean-François Côté",
        "Priya Singh",
        "Zoë O'Connor",
        "Gisèle Bélanger-Nguyễn",
    }  # the course's learners: not the facilitator, not the mentor
    by_person = cells(page)
    assert by_person["Gisèle Bélanger-Nguyễn"][LISTENING.title] == "○ Not started"
    assert by_person["Jean-François Côté"][LISTENING.title].startswith("✓ Submitted")
    assert "Never opened the tool" in page_text(grid(facilitator, q="gisele"))

    export = facilitator.get("progress/export.csv")
    rows = {line[0]: line for line in csv_lines(export)[1:]}
    assert "Gisèle Bélanger-Nguyễn" in rows
    assert "gisele.belanger@example.org" in rows["Gisèle Bélanger-Nguyễn"]


def test_a_roster_removal_takes_the_learner_off_the_grid(app, fake_platform):
    facilitator = launch_as(app, fake_platform, "amelie")
    assign(facilitator, (LISTENING.slug, False, ""))
    assert "Priya Singh" in people(grid(facilitator))
    fake_platform.state.remove_member(fake_platform.course, "priya")
    sync = facilitator.post("roster/sync")
    assert sync.status_code == 303
    assert "Priya Singh" not in people(grid(facilitator))


def test_a_mentors_grid_lists_their_mentees_from_the_roster_only(app, fake_platform):
    fake_platform.state.add_member(NEVER_LAUNCHED)
    facilitator = launch_as(app, fake_platform, "amelie")
    assign(facilitator, (LISTENING.slug, True, ""))
    mentor = launch_as(app, fake_platform, "marc")  # role_scope_mentor: Jean-François only
    assert people(grid(mentor)) == ["Jean-François Côté"]
