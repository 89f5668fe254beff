"""In a real browser: launch by keyboard from the development platform, then check pages with axe.

WCAG 2.1 AA is the law for Ontario boards. axe-core (bundled in axe-playwright-python) finds the
machine-checkable failures: missing labels, contrast, landmarks, language, headings. Runs where
Debian's Chromium is installed (CI installs it); elsewhere it skips and says why.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from lti_tool.extensions import db
from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def served_tool(tmp_path, tool_overrides) -> Iterator[str]:
    """The tool with its development platform, on a real port, as `make run` serves it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DEV_PLATFORM_URL": base + "/dev-platform",
        "DEV_TOOL_URL": base,
    }
    if not os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    app = make_app({**settings, **tool_overrides})
    with app.app_context():
        db.drop_all()
        db.create_all()
    result = app.test_cli_runner().invoke(args=["dev-platform", "init"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def launch_in_own_tab(browser, served_tool: str, name: str) -> tuple:
    """Launch from the development platform as `name`; the tool's page in a tab of its own (as
    "continue in a new window" does) and its `/l/<launch>/` URL."""
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.goto(served_tool + "/dev-platform/")
    page.get_by_role("button", name=f"Launch as {name}").click()
    frame = page.frame(name="tool-frame")
    frame.wait_for_url("**/l/*/", timeout=10_000)
    tool = context.new_page()
    tool.goto(frame.url)
    return tool, frame.url


def assert_no_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_keyboard_launch_and_accessible_pages(served_tool, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.goto(served_tool + "/dev-platform/")
    assert_no_violations(page)

    # Keyboard only: Tab to the learner's launch button and press Enter.
    target = page.get_by_role("button", name="Launch as Priya Singh")
    for _ in range(40):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the launch button is not reachable by keyboard")
    page.keyboard.press("Enter")

    frame = page.frame(name="tool-frame")
    frame.wait_for_url("**/l/*/", timeout=10_000)
    assert "Priya Singh" in frame.content()
    assert "Learner" in frame.content()

    # The same course page at an LMS iframe's width, in the same browser (it holds the launch).
    tool_page = context.new_page()
    tool_page.set_viewport_size({"width": 480, "height": 800})
    tool_page.goto(frame.url)
    assert (
        tool_page.get_by_role("heading", level=1).inner_text() == "Mentoring for All — Demo course"
    )
    assert_no_violations(tool_page)

    # My web: empty, then a strand added with the keyboard-reachable form, errors first.
    tool_page.get_by_role("link", name="My mentoring web").click()
    assert_no_violations(tool_page)
    tool_page.get_by_role("link", name="Add a strand").click()
    tool_page.get_by_role("button", name="Add this strand").click()
    assert tool_page.get_by_role("alert").is_visible()  # the error summary
    assert_no_violations(tool_page)
    # Quick add: a label and a role; the details come after.
    tool_page.get_by_label("Who or what is this support?").fill("Équipe de 2e année")
    tool_page.get_by_label("Their role").select_option("classroom_teacher_elementary")
    tool_page.get_by_role("button", name="Add this strand").click()
    assert tool_page.get_by_role("row", name="Équipe de 2e année").count() == 1
    assert_no_violations(tool_page)
    tool_page.get_by_role("link", name="Add details").first.click()
    tool_page.get_by_label("A group or team").check()
    tool_page.get_by_label("In my building").check()
    tool_page.get_by_label("Which model of mentorship is this?").select_option("team_inquiry")
    tool_page.get_by_label("Helps me do the core of my job better").check()
    tool_page.get_by_label("How often are you in touch?").select_option("weekly_plus")
    assert_no_violations(tool_page)
    tool_page.get_by_role("button", name="Save this strand").click()
    assert tool_page.get_by_role("row", name="Équipe de 2e année").count() == 1
    assert tool_page.locator("svg.mentoring-web").count() == 1
    assert_no_violations(tool_page)

    tool_page.goto(served_tool + "/")
    assert_no_violations(tool_page)

    # An error page: the launch URL reused from another browser.
    other = browser.new_page()
    response = other.goto(frame.url)
    assert response.status == 401
    assert_no_violations(other)


def test_french_pages_are_accessible_too(served_tool, browser):
    context = browser.new_context(locale="fr-CA", extra_http_headers={"Accept-Language": "fr-CA"})
    page = context.new_page()
    page.goto(served_tool + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_no_violations(page)
    context.close()
