"""In a real browser: the progress grid and its filter form pass axe, work by keyboard and at an
LMS iframe's width. Skips where Chromium is not installed, like the other browser tests."""

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


def test_the_grid_is_accessible_and_its_form_works_by_keyboard(served_tool, browser) -> None:  # noqa: F811
    launch_in_own_tab(browser, served_tool, "Priya Singh")
    launch_in_own_tab(browser, served_tool, "Zoë O'Connor")
    tool, course_url = launch_in_own_tab(browser, served_tool, "Amélie Tremblay")

    tool.goto(course_url + "progress/")
    assert "No mini-modules are assigned" in tool.content()
    assert_no_violations(tool)

    tool.goto(course_url + "modules/assign")
    tool.locator("input[type=checkbox][id^=assigned-]").first.check()
    tool.get_by_role("button", name="Save assignments").click()

    tool.goto(course_url + "progress/")
    assert tool.get_by_role("table").count() == 1
    assert tool.get_by_role("rowheader", name="Priya Singh").count() == 1
    assert_no_violations(tool)

    search = tool.get_by_label("Search by name or email")
    search.focus()
    tool.keyboard.type("oconnor")
    tool.keyboard.press("Enter")  # submits the GET form, no script involved
    tool.wait_for_url("**/progress/?q=oconnor*")
    assert tool.get_by_role("rowheader").all_inner_texts()[0].startswith("Zoë O'Connor")
    assert tool.get_by_role("status").first.inner_text().strip() == "1 person matches."
    assert_no_violations(tool)

    tool.set_viewport_size({"width": 480, "height": 800})
    assert_no_violations(tool)


def test_the_mentor_page_is_accessible(served_tool, browser) -> None:  # noqa: F811
    tool, course_url = launch_in_own_tab(browser, served_tool, "Marc-André Gagnon")
    tool.goto(course_url + "progress/")
    assert tool.get_by_role("heading", level=1).inner_text()
    assert_no_violations(tool)
