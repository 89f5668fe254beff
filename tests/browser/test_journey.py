"""The learner's way through (issue 12), in a real browser, checked with axe at 0 violations.

One course, driven through its own pages: the facilitator assigns two modules; the learner's home
says what to do next; she saves and submits (focus moves to the confirmation, in view), makes a
mistake (focus moves to the error summary), and shares; the facilitator gives feedback; the
learner sees it on her home and at the top of the module and replies; the facilitator's home
shows the reply; the mentor's home shows his mentee's shared work. Every page fits 360 px with no
horizontal scroll and names who is signed in. Screenshots at 390×844 and 1280×800 go to
$JOURNEY_SHOTS when it is set (else to the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_accessibility import (  # noqa: F401 - fixtures
    CHROMIUM,
    assert_no_violations,
    browser,
    served_tool,
)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")

SLUG = "scaling-questions"
COURSE = "Mentoring for All — Demo course"


def _launch(browser, served_tool: str, user: str, width: int = 1280, height: int = 800):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-CA")
    page = context.new_page()
    page.goto(served_tool + "/dev-platform/")
    page.locator(f"button[formaction*='{user}']").first.click()
    frame = page.frame(name="tool-frame")
    frame.wait_for_url("**/l/*/", timeout=10_000)
    tool = context.new_page()
    tool.goto(frame.url)
    tool.get_by_role("heading", level=1).wait_for()
    return context, tool, frame.url


def _fits(page, width: int = 360) -> None:
    """No horizontal scroll at `width` CSS pixels."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 800})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size(size)


def _focused_id(page) -> str:
    try:
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.id", timeout=5000
        )
    except Exception:  # say what has the focus instead
        return page.evaluate(
            "() => document.activeElement.outerHTML.slice(0, 200) + ' ' + document.querySelectorAll('[data-focus-on-load]').length"
        )
    return page.evaluate("() => document.activeElement.id")


def _in_view(page, selector: str) -> bool:
    box = page.evaluate(
        """selector => { const r = document.querySelector(selector).getBoundingClientRect();
        return [r.top, r.bottom, window.innerHeight, window.scrollY]; }""",
        selector,
    )
    assert box[0] >= -1, f"{selector} above the view: {box}"
    assert box[1] <= box[2] + 1, f"{selector} below the view: {box}"
    return True


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JOURNEY_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shoot(page, folder: Path, name: str) -> None:
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(folder / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})


def _one_screen(page) -> None:
    """At 1280×800 the page needs no vertical scroll either."""
    page.set_viewport_size({"width": 1280, "height": 800})
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= 800, f"{page.url} is {height}px tall at 1280×800"


def _check(page) -> None:
    assert_no_violations(page)
    _fits(page)


def test_the_way_through_for_learner_facilitator_and_mentor(served_tool, browser, tmp_path):  # noqa: F811
    shots = _shots(tmp_path)

    # The facilitator assigns two modules with due dates, on the assign page.
    amelie_context, amelie, amelie_base = _launch(browser, served_tool, "amelie")
    amelie.goto(amelie_base + "modules/assign")
    amelie.locator(f"#assigned-{SLUG}").check()
    amelie.locator(f"#due-{SLUG}").fill("2099-03-31")
    amelie.locator("#assigned-mentoring-is").check()
    amelie.locator("#due-mentoring-is").fill("2099-02-15")
    amelie.get_by_role("button", name="Save assignments").click()
    amelie.wait_for_url("**saved=**")

    # The learner's home: what to do next, by due date; who is signed in.
    priya_context, priya, priya_base = _launch(browser, served_tool, "priya")
    header = priya.locator(".site-header").inner_text()
    assert "Priya Singh" in header
    assert "Learner" in header
    assert COURSE in header
    assigned = priya.locator("#next-title + ol, #assigned-title + ol").first.inner_text()
    assert assigned.index("Mentoring Is") < assigned.index("Scaling Questions")  # soonest first
    assert "Due February 15, 2099" in assigned
    assert "Not started" in assigned
    assert priya.get_by_text("No new feedback").is_visible()
    _check(priya)

    # The module page: content before the metadata; the step count counts the reflection page.
    priya.goto(priya_base + f"modules/{SLUG}")
    content = priya.locator("article section").first.bounding_box()
    about = priya.locator(".module-about").bounding_box()
    assert content["y"] < about["y"]
    listed = priya.locator(".module-steps ol > li").count()  # the sections and the reflection
    assert f"Step 1 of {listed}" in priya.locator(".module-progress").inner_text()
    assert "Mini-module" in priya.locator("article .hint").first.inner_text()
    header = priya.locator(".site-header").inner_text()
    assert "Priya Singh" in header
    assert COURSE in header
    priya.set_viewport_size({"width": 390, "height": 844})
    first_heading = priya.locator("article section h2").first.bounding_box()
    assert first_heading["y"] < 844, "on a phone the content starts on the first screen"
    priya.set_viewport_size({"width": 1280, "height": 800})
    _check(priya)

    # Save a draft of the last answer: the confirmation is where the eye is, and focused.
    priya.goto(priya_base + f"modules/{SLUG}?section=reflection")
    textareas = priya.locator("textarea[name^='answer-']")
    textareas.last.fill("A draft at the bottom of the page")
    priya.get_by_role("button", name="Save drafts").last.click()
    priya.wait_for_url("**saved=**")
    assert _focused_id(priya) == "save-confirmation"
    assert _in_view(priya, "#save-confirmation")
    assert "Your drafts were saved." in priya.locator("#save-confirmation").inner_text()
    _check(priya)

    # A refused link: focus goes to the error summary.
    priya.locator("input[name^='link-']").first.fill("http://not-secure.example.org")
    priya.get_by_role("button", name="Save drafts").first.click()
    priya.locator("#error-summary").wait_for()
    assert _focused_id(priya) == "error-summary"
    _check(priya)

    # Submit the first answer shared with the facilitators.
    priya.goto(priya_base + f"modules/{SLUG}?section=reflection")
    textareas.first.fill("On a scale of 1 to 10 my planning is a 6")
    priya.locator("input[type=radio][value=facilitator]").first.check()
    priya.get_by_role("button", name="Submit this reflection").first.click()
    priya.wait_for_url("**done=submit**")
    assert _focused_id(priya) == "save-confirmation"
    assert _in_view(priya, "#save-confirmation")

    # The facilitator's home: the reflection waits for feedback; give it.
    amelie.goto(amelie_base)
    needs = amelie.locator("#needs-title + ul").inner_text()
    assert "1 shared reflection is waiting for feedback" in needs
    header = amelie.locator(".site-header").inner_text()
    assert "Amélie Tremblay" in header
    assert "Facilitator" in header
    _check(amelie)
    amelie.get_by_role("link", name="Scaling Questions as a Tool for Debriefing").first.click()
    amelie.get_by_role("link", name="Give feedback").first.click()
    amelie.locator("#feedback-strength").fill("You placed yourself on the scale honestly")
    amelie.locator("#feedback-question").fill("What would make it a 7?")
    amelie.get_by_role("button", name="Send feedback and mark as reviewed").click()
    amelie.locator("#sent-confirmation").wait_for()
    assert _focused_id(amelie) == "sent-confirmation"
    _check(amelie)

    # The learner: new feedback on her home and at the top of the module; she replies.
    priya.goto(priya_base)
    assert priya.get_by_text("New", exact=True).first.is_visible()
    _shoot(priya, shots, "home-learner")
    _one_screen(priya)
    priya.goto(priya_base + f"modules/{SLUG}")
    assert priya.locator(".new-feedback").is_visible()  # one line at the top of a section
    priya.set_viewport_size({"width": 390, "height": 844})
    assert priya.locator("article section h2").first.bounding_box()["y"] < 844
    _shoot(priya, shots, "module")
    _check(priya)
    priya.goto(priya_base)
    priya.get_by_role(
        "link", name="Feedback on “Scaling Questions as a Tool for Debriefing”"
    ).click()
    priya.locator(".conversations").wait_for()
    box = priya.locator(".conversations").bounding_box()
    form = priya.locator("form[data-unsaved-warning]").bounding_box()
    assert box["y"] < form["y"], "the feedback sits above the reflection form"
    assert (
        "You placed yourself on the scale honestly" in priya.locator(".conversations").inner_text()
    )
    _check(priya)
    priya.locator("textarea[name=reply]").first.fill("I will try a smaller step first")
    priya.get_by_role("button", name="Send reply").first.click()
    priya.locator("#reply-confirmation").wait_for()
    assert _focused_id(priya) == "reply-confirmation"
    assert "I will try a smaller step first" in priya.locator(".conversations").inner_text()

    # The facilitator's home shows the reply; the review queue too.
    amelie.goto(amelie_base)
    assert "1 learner replied to your feedback" in amelie.locator("#needs-title + ul").inner_text()
    _shoot(amelie, shots, "home-facilitator")
    _one_screen(amelie)
    amelie.get_by_role(
        "link", name="Priya Singh on “Scaling Questions as a Tool for Debriefing”"
    ).click()
    assert "I will try a smaller step first" in amelie.locator("#conversation").inner_text()
    amelie.get_by_role("button", name="Mark the reply as read").click()
    amelie.locator("#read-confirmation").wait_for()
    assert _focused_id(amelie) == "read-confirmation"
    _check(amelie)

    # The mentor's home: his mentee and what they share; nobody else.
    marc_context, marc, _marc_base = _launch(browser, served_tool, "marc")
    mentees = marc.locator("#mentees-title").locator("xpath=..").inner_text()
    assert "Jean-François Côté" in mentees
    assert "Priya" not in mentees
    assert "Mentor" in marc.locator(".site-header").inner_text()
    _shoot(marc, shots, "home-mentor")
    _one_screen(marc)
    _check(marc)

    # The module list: each module once, grouped, with a filter.
    priya.goto(priya_base + "modules/")
    assert priya.get_by_role("link", name="Scaling Questions as a Tool for Debriefing").count() == 1
    priya.get_by_label("Show").select_option("refresher")
    priya.get_by_role("button", name="Show").click()
    priya.wait_for_url("**pathway=refresher**")
    assert priya.locator("section h2").first.inner_text().startswith("Refresher")
    _check(priya)
    height = priya.evaluate("() => document.documentElement.scrollHeight")
    priya.goto(priya_base + "modules/")
    assert priya.evaluate("() => document.documentElement.scrollHeight") > height

    for context in (amelie_context, priya_context, marc_context):
        context.close()


def test_the_focus_ring_is_drawn_in_the_tested_colour(served_tool, browser):  # noqa: F811
    context, tool, _base = _launch(browser, served_tool, "priya")
    tool.keyboard.press("Tab")  # the skip link
    tool.keyboard.press("Tab")
    colour = tool.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    width = tool.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert colour == "rgb(107, 47, 179)"  # --focus, #6b2fb3: 7.8:1 on white (test_focus_contrast)
    assert width == "3px"
    context.close()
