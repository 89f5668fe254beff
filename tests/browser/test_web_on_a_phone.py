"""In a real browser at 360 × 740 (a small phone): every page of the mentoring web fits the width
with no horizontal scroll and passes axe; strands are cards whose actions are on screen; a save
moves focus to its confirmation, an error to the error summary. Skips without Chromium."""

from __future__ import annotations

import os
import re

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
PHONE = {"width": 360, "height": 740}
SHOTS = os.environ.get("WEB_SHOTS_DIR")  # set to save screenshots of the web page


@pytest.fixture
def tool_overrides() -> dict:  # this module's configuration
    return {"COHORT_MIN_GROUP_SIZE": 1}  # the demo course is small: show its figures


# What sticks out on the right, to say in a failure what widened the page.
WIDE = """width => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > width)
  .slice(-5).map(e => `${e.tagName}.${e.className}: ${(e.textContent || "").slice(0, 40)}`)"""


def fits(page, what: str) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{what}: {width} px wide at {PHONE['width']} px",
        page.evaluate(WIDE, PHONE["width"]),
    )
    assert_no_violations(page)


def quick_add(page, label: str, role: str) -> None:
    page.get_by_role("link", name="Add a strand", exact=True).first.click()
    page.get_by_label("Who or what is this support?").fill(label)
    page.get_by_label("Their role").select_option(role)
    page.get_by_role("button", name="Add this strand").click()


def focused_text(page) -> str:
    page.wait_for_load_state("load")  # the deferred focus script has run
    return page.evaluate("document.activeElement ? document.activeElement.innerText : ''")


def test_every_web_page_fits_a_phone_and_passes_axe(served_tool, browser) -> None:  # noqa: F811
    learner, base = launch_in_own_tab(browser, served_tool, "Jean-François Côté")
    learner.set_viewport_size(PHONE)
    learner.goto(base + "web/")
    fits(learner, "my empty web")

    # An error sends focus to the error summary.
    learner.get_by_role("link", name="Add a strand", exact=True).first.click()
    fits(learner, "the quick form")
    learner.get_by_role("button", name="Add this strand").click()
    learner.wait_for_load_state("load")
    assert learner.evaluate("document.activeElement.id") == "error-summary"
    fits(learner, "the quick form with errors")

    # A save: the confirmation is in view and has the focus.
    learner.get_by_label("Who or what is this support?").fill(
        "Équipe de 2e année, école Saint-Laurent"
    )
    learner.get_by_label("Their role").select_option("classroom_teacher_elementary")
    learner.get_by_role("button", name="Add this strand").click()
    assert "is in your web." in focused_text(learner)
    confirmation = learner.get_by_role("status").first
    assert confirmation.is_visible()
    box = confirmation.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < PHONE["height"]
    for label, role in (
        ("IT help desk at the board office", "business_support_staff"),
        ("Our vice-principal", "principal_vice_principal"),
        ("Emma", "students"),
    ):
        quick_add(learner, label, role)
        if learner.get_by_role("button", name="Add this strand").count():  # the name warning
            learner.get_by_role("button", name="Add this strand").click()
    fits(learner, "my web with strands")

    # Strands are cards: each one's actions are on screen, not off to the right.
    for action in ("Edit", "End", "Remove"):
        link = learner.get_by_role("link", name=re.compile(f"^{action} IT help desk")).first
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    if SHOTS:
        learner.screenshot(path=os.path.join(SHOTS, "web-360.png"), full_page=True)

    # The details of a strand, then ending one (it asks first).
    learner.get_by_role("link", name=re.compile("^Edit IT help desk")).first.click()
    fits(learner, "a strand's details")
    learner.get_by_label("How often are you in touch?").select_option("monthly")
    learner.get_by_role("button", name="Save this strand").click()
    assert "is saved." in focused_text(learner)
    learner.get_by_role("link", name=re.compile("^End Our vice-principal")).first.click()
    fits(learner, "the end confirmation")
    learner.get_by_role("button", name="End it").click()
    assert "has ended" in focused_text(learner)

    # Snapshots, the comparison, the summary, sharing, the copy page.
    learner.get_by_role("button", name="Take a snapshot").click()
    assert "Snapshot taken." in focused_text(learner)
    fits(learner, "my snapshots")
    learner.goto(base + "web/snapshots/compare")
    fits(learner, "the snapshot comparison")
    learner.goto(base + "web/summary")
    fits(learner, "the printable summary")
    assert "Emma" not in learner.locator("main").inner_text()
    learner.goto(base + "web/copy")
    fits(learner, "the copy page")
    learner.goto(base + "web/")
    learner.get_by_role("button", name="Share my web with this course's facilitators").click()
    assert "Saved: your web is shared" in focused_text(learner)
    fits(learner, "my web, shared")

    # A facilitator: the shared webs, one of them, the cohort figures and their report.
    facilitator, course = launch_in_own_tab(browser, served_tool, "Amélie Tremblay")
    facilitator.set_viewport_size(PHONE)
    facilitator.goto(course + "web/shared")
    fits(facilitator, "the shared webs")
    facilitator.get_by_role("link", name=re.compile("Jean-François")).first.click()
    fits(facilitator, "a shared web")
    facilitator.goto(course + "web/cohort")
    fits(facilitator, "the cohort figures")
    facilitator.goto(course + "web/cohort/report")
    fits(facilitator, "the cohort report")
