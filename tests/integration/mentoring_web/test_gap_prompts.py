"""The web's invitations link to the mini-module that helps, and that page opens."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient

from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.my_web_pages import launch


def test_each_gap_prompt_links_to_a_module_page_that_opens(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    page = client.get(base + "web/").get_data(as_text=True)
    links = re.findall(r'<a class="module-hint" href="([^"]+)">(.+?)</a>', page)
    # An empty web invites the learner to start one: Creating a Mentoring Web.
    assert links, "no invitation links on an empty web"
    assert any(href.endswith("/modules/creating-a-mentoring-web") for href, _text in links)
    for href, text in links:
        module = client.get(unescape(href))
        assert module.status_code == 200
        # The title is the catalogue's, marked with the language its content is written in.
        title = re.search(r'“<span lang="en">([^<]+)</span>”', text).group(1)
        assert unescape(title) in module.get_data(as_text=True)
