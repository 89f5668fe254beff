"""The course home answers the LMS's id_token POST itself (one round trip fewer in the LMS frame):
the browser must then hold the page's own address, so a reload is a GET of /l/<launch>/ and never
a second POST of the spent id_token (which the tool would refuse as a replay)."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.test_accessibility import (  # noqa: F401 - fixtures
    CHROMIUM,
    browser,
    served_tool,
)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")


def test_the_launched_page_reloads_and_comes_back_by_its_own_address(
    browser,  # noqa: F811
    served_tool: str,  # noqa: F811
) -> None:
    context = browser.new_context(locale="en-CA")
    page = context.new_page()
    page.goto(served_tool + "/dev-platform/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("button[formaction*='priya']").first.click()
    frame = page.frame(name="tool-frame")
    frame.wait_for_url(re.compile(r".*/l/[^/]+/$"), timeout=10_000)
    frame.get_by_role("heading", level=1).wait_for()
    launches_posted = sum(url.endswith("/lti/launch") for url in posts)
    assert launches_posted == 1

    frame.evaluate("() => { window.beforeReload = true; location.reload(); }")
    frame.wait_for_function(  # re-evaluated in the reloaded document once it exists
        "() => !window.beforeReload && document.readyState === 'complete'", timeout=10_000
    )
    frame.get_by_role("heading", level=1, name=re.compile("Demo course")).wait_for()
    assert sum(url.endswith("/lti/launch") for url in posts) == 1  # the reload was a GET
    assert "already been used" not in frame.content()

    frame.get_by_role("link", name="Mini-modules").first.click()
    frame.wait_for_url(re.compile(r".*/l/[^/]+/modules/$"), timeout=10_000)
    frame.evaluate("() => { window.beforeBack = true; history.back(); }")
    frame.wait_for_function(
        "() => !window.beforeBack && document.readyState === 'complete'", timeout=10_000
    )
    assert re.search(r"/l/[^/]+/$", frame.url), frame.url
    frame.get_by_role("heading", level=1, name=re.compile("Demo course")).wait_for()
    assert sum(url.endswith("/lti/launch") for url in posts) == 1
    context.close()
