"""Every page at a phone's width: 360 CSS pixels, no horizontal scroll.

The test walks the tool as each role sees it: from the course home it follows every link that
stays inside the launch (`/l/<launch>/…`) and opens an HTML page, two clicks deep, and measures
`document.documentElement.scrollWidth` at 360 px wide. A page wider than the screen makes a
learner on a phone scroll sideways to read each line or reach a button.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.browser.test_accessibility import (  # noqa: F401 - fixtures
    browser,
    launch_in_own_tab,
    served_tool,
)

PHONE = {"width": 360, "height": 740}
SKIPPED_SUFFIXES = (".svg", ".png", ".csv", ".json", ".pdf")


def _links(page, prefix: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    found = set()
    for href in hrefs:
        url = urldefrag(href)[0]
        path = urlsplit(url).path
        if url.startswith(prefix) and not path.endswith(SKIPPED_SUFFIXES) and "/export" not in path:
            found.add(url)
    return found


def _too_wide(page) -> int | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > PHONE["width"] else None


def _walk(tool, start: str, depth: int = 2) -> dict[str, int | None]:
    """scrollWidth beyond 360 px (None when it fits) of every HTML page reachable from `start`."""
    prefix = start
    seen: dict[str, int | None] = {}
    frontier = [start]
    for _ in range(depth + 1):
        following: list[str] = []
        for url in frontier:
            if url in seen:
                continue
            response = tool.goto(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                seen[url] = None
                continue
            seen[url] = _too_wide(tool)
            following += sorted(_links(tool, prefix) - set(seen))
        frontier = following
    return seen


@pytest.mark.parametrize(
    "person", ["Priya Singh", "Amélie Tremblay", "Marc-André Gagnon", "Jean-François Côté"]
)
def test_every_page_fits_a_phone_without_sideways_scrolling(served_tool, browser, person):  # noqa: F811
    tool, course_url = launch_in_own_tab(browser, served_tool, person)
    tool.set_viewport_size(PHONE)
    widths = _walk(tool, course_url)
    assert len(widths) >= 3, widths  # the walk reached the pages behind the home
    too_wide = {
        urljoin(course_url, url)[len(course_url) - 1 :]: w for url, w in widths.items() if w
    }
    assert too_wide == {}, f"wider than {PHONE['width']} px at a phone's width: {too_wide}"
