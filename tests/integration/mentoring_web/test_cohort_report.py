"""The one-page steering committee report, and what both cohort insight pages never do.

The report carries the course, the day, k, the number of learners, the headline figures, the
strand-count chart, role families and models, and the change; never a name, label or note. Only
facilitators reach either page, another course's webs never count, and the SQL queries do not
grow with the number of learners.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select, update

from lti_tool.extensions import db
from lti_tool.people.models import MEMBER_DELETED, Membership, User
from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.cohort_helpers import (
    chart,
    grow_to_strong_web,
    learner,
    secrets,
    take_snapshot,
    values,
)
from tests.integration.mentoring_web.test_privacy_helpers import (
    COURSE_B,
    Person,
    figures,
    launch_as,
    launch_learner,
    learner_claims,
    queries_per_page,
    section,
)
from tests.lti_helpers import CONTEXT, assert_refused, link_href, page_text

K2 = [{"COHORT_MIN_GROUP_SIZE": 2}]
PAGES = ("web/cohort", "web/cohort/report", "web/cohort?since=2000-01-01")


def _cohort(app: Flask, platform: FakePlatform, numbers: range, grown: int = 2) -> list[Person]:
    """Learners with one strand and a snapshot; the first `grown` then grow to a strong web."""
    people = []
    for number in numbers:
        person = learner(app, platform, number)
        take_snapshot(person)
        people.append(person)
    for number, person in zip(numbers[:grown], people[:grown], strict=True):
        grow_to_strong_web(person, number)
    return people


@pytest.mark.parametrize("app_overrides", K2)
def test_the_report_is_one_page_of_anonymous_headline_figures(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    _cohort(app, fake_platform, range(1, 5))
    learner(app, fake_platform, 5)  # a web, no snapshot
    cohort_page = amelie.get("web/cohort")
    href = link_href(cohort_page, "One-page report for a steering committee")
    assert href is not None

    report = amelie.client.get(href)
    text = page_text(report)

    assert report.status_code == 200
    assert "<h1>Mentoring web patterns: Mentoring for All" in text
    assert re.search(r"Generated on \w+ \d{1,2}, \d{4}", text)
    assert "Privacy threshold: 2 learners · 5 learners with a web" in text
    assert figures(report, "report-headline") == {
        "At least 5 active strands": "2 (40%)",
        "Every item of the strong-web checklist": "2 (40%)",
        "At least one reciprocal strand": "2 (40%)",
    }
    assert values(chart(report, "report-strands"))["1"] == ["3 (60%)"]
    assert figures(report, "report-strands")["5"] == "2 (40%)"
    assert figures(report, "report-families")["School & system leaders"] == "2 (40%)"
    assert figures(report, "report-models")["Informal peer support"] == "not shown"  # all five
    change = figures(report, "report-change")
    assert "Change for 4 learners with a snapshot." in text
    assert change["At least 5 active strands"] == "not shown 2 (50%)"  # none of them, then
    assert change["Mean active strands per learner"] == "not shown 3"
    assert change["More active strands than at the first snapshot"] == "2 (50%)"
    notes = page_text(report).split("How to read this report, and privacy", 1)[1]
    assert "fewer than 2" in notes
    assert "all or none of them" in notes
    assert "no names, strand labels, notes" in notes
    body = report.get_data(as_text=True)
    assert '<article class="cohort-report">' in body
    assert body.count("<svg") == 1  # compact: one chart, the rest in small tables


def test_the_print_stylesheet_lays_the_report_out_on_its_own_page(app: Flask) -> None:
    response = app.test_client().get("/static/css/app.css")
    css = response.get_data(as_text=True)
    response.close()
    block = css.split("/* == Cohort web insights", 1)[1].split("/* == end Cohort web insights", 1)[
        0
    ]
    assert "@page cohort-report" in block
    assert re.search(r"@media print \{[^}]*\.cohort-report \{ page: cohort-report;", block)


def test_the_report_shows_the_suppression_notice_under_k(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    _cohort(app, fake_platform, range(1, 5))

    report = amelie.get("web/cohort/report")
    text = page_text(report)

    assert report.status_code == 200
    assert "Figures are hidden for groups under 5 learners" in text
    assert "Privacy threshold: 5 learners" in text
    assert "learners with a web" not in text  # not even how many there are
    assert "<svg" not in report.get_data(as_text=True)
    assert "<table" not in report.get_data(as_text=True)
    assert "How to read this report, and privacy" in text


@pytest.mark.parametrize("app_overrides", K2)
def test_no_name_label_or_free_text_reaches_the_insights(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    for person in _cohort(app, fake_platform, range(1, 5)):
        person.share()  # sharing a web changes nothing here
        take_snapshot(person)

    for page in PAGES:
        response = amelie.get(page)
        text = page_text(response)
        assert "Change for 4 learners" in text, page
        for number in range(1, 5):
            for secret in secrets(number):
                assert secret not in text, (page, secret)
        for fragment in ("Xylocarp", "Quillon", "Zéphyrine", "Nebula", "Comet", "example.org"):
            assert fragment not in text, (page, fragment)
        assert "/web/shared/" not in text  # no drill-down from a figure to a person


@pytest.mark.parametrize("user_key", ["priya", "marc"])
def test_learners_and_mentors_are_refused(
    app: Flask, fake_platform: FakePlatform, user_key: str
) -> None:
    person = launch_as(app, fake_platform, user_key)
    person.add_strand("Mme Kowalczyk")
    take_snapshot(person)

    for page in PAGES:
        response = person.get(page)
        assert_refused(response, 403, "forbidden")
        assert "Mme Kowalczyk" not in page_text(response)


@pytest.mark.parametrize("app_overrides", K2)
def test_another_courses_webs_and_snapshots_never_count(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """Learner 1 is in both courses: their snapshot in course B is no first snapshot in course A."""
    amelie = launch_as(app, fake_platform, "amelie")
    amelie_in_b = launch_as(app, fake_platform, "amelie", {CONTEXT: COURSE_B})
    for number in (1, 2):
        in_b = launch_learner(app, fake_platform, number, COURSE_B)
        in_b.add_strand(f"Course B strand {number}")
        take_snapshot(in_b)
    learner(app, fake_platform, 1)  # course A: a web, no snapshot
    _cohort(app, fake_platform, range(3, 5), grown=0)

    for page in ("web/cohort", "web/cohort/report"):
        text = page_text(amelie.get(page))
        assert "3 learners" in text, page
        assert "Change for 2 learners with a snapshot." in text, page
        assert "Course B strand" not in text
    in_b = amelie_in_b.get("web/cohort")
    assert "Figures for 2 learners who have started a web." in page_text(in_b)
    assert "Change for 2 learners with a snapshot." in page_text(in_b)
    assert figures(in_b, "cohort-change-strands")["1"] == "not shown not shown"  # both, all


@pytest.mark.parametrize("app_overrides", K2)
def test_a_learner_the_roster_reports_deleted_counts_neither_today_nor_in_the_change(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    _cohort(app, fake_platform, range(1, 4), grown=0)
    with app.app_context():
        user = db.session.scalar(select(User.id).where(User.sub == learner_claims(3)["sub"]))
        db.session.execute(
            update(Membership).where(Membership.user_id == user).values(status=MEMBER_DELETED)
        )
        db.session.commit()
        db.session.remove()

    text = page_text(amelie.get("web/cohort"))

    assert "Figures for 2 learners who have started a web." in text
    assert "Change for 2 learners with a snapshot." in text


def _queries(app: Flask, facilitator: Person) -> dict[str, int]:
    return queries_per_page(app, facilitator, PAGES)


def test_the_insight_pages_do_not_query_per_learner(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    for person in _cohort(app, fake_platform, range(1, 6), grown=1):
        take_snapshot(person)  # two snapshots each: only the first is read
    with_five = _queries(app, amelie)
    assert "Change for 5 learners" in page_text(amelie.get("web/cohort"))

    for person in _cohort(app, fake_platform, range(6, 16), grown=1):
        take_snapshot(person)
    with_fifteen = _queries(app, amelie)

    page = amelie.get("web/cohort")
    assert "Figures for 15 learners" in page_text(page)
    assert "Change for 15 learners" in page_text(page)
    assert "<svg" in section(page, "cohort-change-strands")
    assert with_fifteen == with_five
    # The webs, their strands, the snapshot counts, the publication and the first snapshots,
    # plus the launch's own lookups.
    assert all(3 <= count <= 7 for count in with_five.values()), with_five
