"""The mini-module pages in a real browser, in English and in French, checked with axe."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_accessibility import (  # noqa: F401 - fixtures
    CHROMIUM,
    assert_no_violations,
    browser,
    served_tool,
)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")


@pytest.mark.parametrize("locale", ["en-CA", "fr-CA"])
def test_the_catalogue_and_a_module_are_accessible(served_tool, browser, locale):  # noqa: F811
    context = browser.new_context(
        locale=locale,
        extra_http_headers={"Accept-Language": locale},
        viewport={"width": 480, "height": 800},  # an LMS iframe's width
    )
    page = context.new_page()
    page.goto(served_tool + "/dev-platform/")
    page.locator("button[formaction*='amelie']").first.click()  # the facilitator, any language
    frame = page.frame(name="tool-frame")
    frame.wait_for_url("**/l/*/", timeout=10_000)

    tool = context.new_page()
    tool.goto(frame.url + "modules/")
    tool.get_by_role("heading", level=1).wait_for()
    scaling = tool.get_by_role(
        "link", name="Scaling Questions as a Tool for Debriefing", exact=True
    )
    assert scaling.count() == 1  # each module once, under its first pathway
    assert_no_violations(tool)

    tool.get_by_role("link", name="Creating a Mentoring Web").first.click()
    tool.get_by_role("heading", level=1, name="Creating a Mentoring Web").wait_for()
    assert_no_violations(tool)
    context.close()


def _launch(browser, served_tool, user: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 480, "height": 800})
    page = context.new_page()
    page.goto(served_tool + "/dev-platform/")
    page.locator(f"button[formaction*='{user}']").first.click()
    frame = page.frame(name="tool-frame")
    frame.wait_for_url("**/l/*/", timeout=10_000)
    tool = context.new_page()
    return context, tool, frame.url


def test_the_player_reflection_form_and_facilitator_pages_are_accessible(served_tool, browser):  # noqa: F811
    context, tool, base = _launch(browser, served_tool, "priya")
    tool.goto(base + "modules/scaling-questions")
    assert_no_violations(tool)
    for _ in range(10):  # "Next" through the sections, by the real buttons
        button = tool.get_by_role("button", name="Next")
        if button.count() == 0:
            break
        button.first.click()
    tool.goto(base + "modules/scaling-questions?reflection")
    assert tool.locator("textarea").count() >= 1
    assert_no_violations(tool)
    context.close()

    context, tool, base = _launch(browser, served_tool, "amelie")
    tool.goto(base + "modules/assign")
    tool.get_by_role("heading", level=1).wait_for()
    assert_no_violations(tool)
    tool.goto(base + "modules/scaling-questions/review")
    tool.get_by_role("heading", level=1).wait_for()
    assert_no_violations(tool)
    tool.goto(base + "grades/")
    tool.get_by_role("heading", level=1).wait_for()
    assert_no_violations(tool)
    context.close()


def test_leaving_a_reflection_page_with_unsaved_text_asks_first(served_tool, browser):  # noqa: F811
    context, tool, base = _launch(browser, served_tool, "priya")
    tool.goto(base + "modules/scaling-questions?section=reflection")
    answers = tool.locator("textarea")
    assert answers.count() == 2
    dialogs: list[str] = []
    tool.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    tool.close(run_before_unload=True)  # nothing typed yet: leaves without asking
    assert dialogs == []

    tool = context.new_page()
    tool.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    tool.goto(base + "modules/scaling-questions?section=reflection")
    tool.locator("textarea").nth(1).fill("Half-written second answer")
    assert tool.evaluate("document.documentElement.dataset.unsaved") == "true"
    tool.close(run_before_unload=True)
    tool.wait_for_timeout(500)  # the dialog is raised asynchronously
    assert dialogs == ["beforeunload"]  # dismissed: the page stays, with its text

    # Saving from the first answer's button keeps the second answer too.
    tool.locator("textarea").nth(0).fill("First answer")
    tool.get_by_role("button", name="Save drafts").first.click()
    tool.get_by_text("Your drafts were saved.").wait_for()
    assert tool.locator("textarea").nth(1).input_value() == "Half-written second answer"
    assert tool.evaluate("document.documentElement.dataset.unsaved") is None
    context.close()
