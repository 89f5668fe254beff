"""In a real browser: the roster page, the cohort insights and their report, and a mentor's pages
pass axe; "Sync now" and sharing with mentors work by keyboard. Skips without Chromium."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_accessibility import (  # noqa: F401 - fixtures
    CHROMIUM,
    assert_no_violations,
    browser,
    launch_in_own_tab,
    served_tool,
)

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def tool_overrides() -> dict:  # this module's configuration
    return {"COHORT_MIN_GROUP_SIZE": 1}  # the demo course is small: show its charts


def test_the_roster_and_the_cohort_pages_are_accessible(served_tool, browser) -> None:  # noqa: F811
    learner, learner_url = launch_in_own_tab(browser, served_tool, "Jean-François Côté")
    learner.goto(learner_url + "web/")
    learner.get_by_role("button", name="Share my web with my mentors").click()
    tool, course_url = launch_in_own_tab(browser, served_tool, "Amélie Tremblay")

    tool.goto(course_url + "roster/")
    assert tool.get_by_role("rowheader", name="Marc-André Gagnon").count() == 1
    assert_no_violations(tool)
    button = tool.get_by_role("button", name="Sync now")
    button.focus()
    tool.keyboard.press("Enter")
    tool.wait_for_load_state()
    status = tool.get_by_role("status").first.inner_text()
    assert status.startswith("Sync started.")  # queued; the served test tool runs it at once
    assert "The LMS reported 0 changes." in tool.locator("#sync-title + p").inner_text()
    assert_no_violations(tool)

    tool.goto(course_url + "web/cohort")
    assert tool.locator("svg[role=img]").count() >= 1
    assert_no_violations(tool)
    tool.goto(course_url + "web/cohort/report")
    assert_no_violations(tool)


def test_a_mentors_pages_are_accessible(served_tool, browser) -> None:  # noqa: F811
    learner, learner_url = launch_in_own_tab(browser, served_tool, "Jean-François Côté")
    learner.goto(learner_url + "web/")
    learner.get_by_role("button", name="Share my web with my mentors").click()
    assert "your mentors can see this web" in learner.content()
    assert_no_violations(learner)
    facilitator, facilitator_url = launch_in_own_tab(browser, served_tool, "Amélie Tremblay")
    facilitator.goto(facilitator_url + "modules/assign")
    facilitator.locator("input[type=checkbox][id^=assigned-]").first.check()
    facilitator.get_by_role("button", name="Save assignments").click()

    mentor, mentor_url = launch_in_own_tab(browser, served_tool, "Marc-André Gagnon")
    mentor.goto(mentor_url + "progress/")
    mentor.get_by_role("link", name="Web of Jean-François Côté").click()
    assert mentor.get_by_role("heading", level=1).inner_text() == (
        "Mentoring web of Jean-François Côté"
    )
    assert_no_violations(mentor)
    mentor.go_back()
    mentor.get_by_role("link", name="Shared reflections of Jean-François Côté").click()
    assert "Nothing is shared with you yet." in mentor.content()
    assert_no_violations(mentor)
