"""The progress grid through real launches: what a facilitator sees after learners really work
through the modules, and the filters, search, sorting and pages of the grid."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.course_progress.progress_pages import (
    LISTENING,
    SCALING,
    TRUST,
    add_roster_only,
    assign,
    cells,
    complete,
    grid,
    people,
    review_all,
    see,
    submit,
    table_of,
)
from tests.integration.mentoring_web.test_privacy_helpers import launch_as, launch_learner
from tests.lti_helpers import page_text

PAST = (date.today() - timedelta(days=7)).isoformat()
FUTURE = (date.today() + timedelta(days=30)).isoformat()
DATE = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}")  # "Mar 4, 2026" (English, medium)


def _course_with_work(app: Flask, platform: FakePlatform):
    """Three learners at different places; the facilitator reviews what was shared in SCALING,
    then Jean-François submits a revised version, which has no feedback yet."""
    amelie = launch_as(app, platform, "amelie")
    assign(
        amelie, (SCALING.slug, True, PAST), (LISTENING.slug, False, FUTURE), (TRUST.slug, True, "")
    )
    priya = launch_as(app, platform, "priya")
    complete(priya, SCALING)  # shared with the facilitator
    see(priya, LISTENING, 1)
    zoe = launch_as(app, platform, "zoe")
    see(zoe, LISTENING, 1)
    jean = launch_as(app, platform, "jean-francois")
    complete(jean, LISTENING, visibility="private")  # private: submitted, never reviewable
    complete(jean, SCALING)
    before = cells(grid(amelie))
    assert before["Priya Singh"][SCALING.title].startswith("✓ Submitted")
    assert review_all(amelie, SCALING) == 2 * len(SCALING.prompts)
    submit(jean, SCALING, text="A second, revised version")
    return amelie


def test_each_cell_shows_the_learners_state_in_words_with_a_symbol_and_a_date(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _course_with_work(app, fake_platform)
    add_roster_only(app, fake_platform, "roster-only-1", "Élodie Roy", email="elodie@example.org")
    page = grid(amelie)
    assert page.status_code == 200
    headings, rows = table_of(page)
    # Required first (dated before undated), then optional: the order learners see.
    assert headings == [
        "Learner",
        "Last activity",
        "Submitted",
        SCALING.title,
        TRUST.title,
        LISTENING.title,
    ]
    seen = cells(page)
    assert set(seen) == {"Priya Singh", "Zoë O'Connor", "Jean-François Côté", "Élodie Roy"}

    priya = seen["Priya Singh"]
    assert priya[SCALING.title].startswith("★ Reviewed")
    assert DATE.search(priya[SCALING.title])
    assert priya[LISTENING.title].startswith("◐ In progress")
    assert DATE.search(priya[LISTENING.title])
    assert priya[TRUST.title] == "○ Not started"  # required but undated: never overdue

    jean = seen["Jean-François Côté"]
    assert jean[SCALING.title].startswith("✓ Submitted")  # the feedback is on an older version
    assert DATE.search(jean[SCALING.title])
    assert jean[LISTENING.title].startswith("✓ Submitted")  # private: nobody can review it

    zoe = seen["Zoë O'Connor"]
    assert zoe[SCALING.title] == "○ Not started ⚠ Overdue"  # required, due a week ago
    assert zoe[LISTENING.title].startswith("◐ In progress")

    assert rows["Priya Singh"][1] == "1 of 3"
    assert rows["Jean-François Côté"][1] == "2 of 3"
    assert DATE.search(rows["Zoë O'Connor"][0])
    elodie = page_text(page).split("Élodie Roy", 1)[1][:200]
    assert "Never opened the tool" in elodie
    assert rows["Élodie Roy"][0] == "No activity yet"
    assert seen["Élodie Roy"] == {
        SCALING.title: "○ Not started ⚠ Overdue",
        TRUST.title: "○ Not started",
        LISTENING.title: "○ Not started",
    }


def test_the_page_is_a_labelled_table_with_a_form_that_works_without_script(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    assign(amelie, (SCALING.slug, True, ""))
    launch_as(app, fake_platform, "priya")
    html = grid(amelie).get_data(as_text=True)
    assert "<caption" in html
    assert '<th scope="col" class="progress-person" aria-sort="ascending">' in html
    assert '<th scope="row" class="progress-person">' in html
    assert '<form method="get"' in html
    for control in ("progress-q", "progress-module", "progress-state", "progress-roster"):
        assert f'<label for="{control}">' in html
        assert f'id="{control}"' in html
    assert 'role="status" id="result-count"' in html
    assert "<script" not in html
    assert "Download as CSV for Excel" in html


def test_with_no_module_assigned_the_page_says_so_and_links_to_the_assignment_page(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    page = grid(amelie)
    assert page.status_code == 200
    assert "No mini-modules are assigned in this course yet" in page_text(page)
    assert f'href="{amelie.path}modules/assign"' in page.get_data(as_text=True)
    assert "<table" not in page.get_data(as_text=True)


def test_search_is_accent_and_case_insensitive(app: Flask, fake_platform: FakePlatform) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    assign(amelie, (SCALING.slug, False, ""))
    for key in ("priya", "zoe", "jean-francois"):
        launch_as(app, fake_platform, key)
    assert people(grid(amelie, q="cote")) == ["Jean-François Côté"]
    assert people(grid(amelie, q="ZOE")) == ["Zoë O'Connor"]
    assert people(grid(amelie, q="oconnor")) == ["Zoë O'Connor"]
    assert people(grid(amelie, q="singh%40example")) == ["Priya Singh"]
    assert people(grid(amelie, q="co%00te%01")) == ["Jean-François Côté"]  # no 500 for a NUL
    nobody = grid(amelie, q="tremblay")  # the facilitator is not a learner
    assert people(nobody) == []
    assert "Nobody matches these filters." in page_text(nobody)


def test_filters_by_module_state_roster_launch_and_overdue(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _course_with_work(app, fake_platform)
    add_roster_only(app, fake_platform, "roster-only-2", "Noah Inactif", status="inactive")
    add_roster_only(app, fake_platform, "roster-only-3", "Nadia Partie", status="deleted")

    everyone = people(grid(amelie))
    assert "Noah Inactif" in everyone
    assert "Nadia Partie" not in everyone  # removed from the roster: hidden unless asked for
    assert people(grid(amelie, roster="deleted")) == ["Nadia Partie"]
    assert people(grid(amelie, roster="inactive")) == ["Noah Inactif"]
    assert "Noah Inactif" not in people(grid(amelie, roster="active"))
    assert people(grid(amelie, launched="never")) == ["Noah Inactif"]

    in_progress = grid(amelie, module=LISTENING.slug, state="in_progress")
    assert people(in_progress) == ["Priya Singh", "Zoë O'Connor"]
    assert "2 people match." in page_text(in_progress)
    assert people(grid(amelie, module=SCALING.slug, state="submitted")) == ["Jean-François Côté"]
    assert people(grid(amelie, module=SCALING.slug, state="reviewed")) == ["Priya Singh"]
    assert people(grid(amelie, state="submitted")) == ["Jean-François Côté"]
    overdue = people(grid(amelie, module=SCALING.slug, overdue="1"))
    assert overdue == ["Noah Inactif", "Zoë O'Connor"]
    assert people(grid(amelie, module=LISTENING.slug, overdue="1")) == []  # optional


def test_sorting_by_activity_and_submitted_count(app: Flask, fake_platform: FakePlatform) -> None:
    amelie = _course_with_work(app, fake_platform)
    add_roster_only(app, fake_platform, "roster-only-4", "Aaron Absent")
    by_name = people(grid(amelie))
    assert by_name == ["Aaron Absent", "Jean-François Côté", "Priya Singh", "Zoë O'Connor"]
    assert people(grid(amelie, order="desc")) == list(reversed(by_name))
    latest_first = people(grid(amelie, sort="activity", order="desc"))
    assert latest_first[0] == "Jean-François Côté"  # his revised version came last
    assert latest_first[-1] == "Aaron Absent"  # no activity at all counts as oldest
    assert people(grid(amelie, sort="submitted", order="desc")) == [
        "Jean-François Côté",
        "Priya Singh",
        "Aaron Absent",
        "Zoë O'Connor",
    ]
    page = grid(amelie, sort="submitted", order="desc").get_data(as_text=True)
    assert '<th scope="col" aria-sort="descending">Submitted</th>' in page


def test_fifty_people_a_page_with_links_that_keep_the_filters(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    assign(amelie, (SCALING.slug, False, ""))
    for number in range(1, 56):
        add_roster_only(app, fake_platform, f"bulk-{number:03d}", f"Membre {number:03d}")
    launch_learner(app, fake_platform, 1)
    first = grid(amelie, q="membre")
    assert len(people(first)) == 50
    assert "55 people match." in page_text(first)
    assert "Showing 1 to 50, page 1 of 2." in page_text(first)
    html = first.get_data(as_text=True)
    assert 'aria-label="Pages of people"' in html
    assert re.search(r'href="[^"]*progress/\?q=membre&amp;page=1" aria-current="page"', html)
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html)
    assert next_link
    second = amelie.client.get(next_link.group(1).replace("&amp;", "&"))
    assert people(second) == [f"Membre {n:03d}" for n in range(51, 56)]
    assert "Showing 51 to 55, page 2 of 2." in page_text(second)
    assert people(grid(amelie, q="membre", page="9")) == people(second)  # past the end: last page
