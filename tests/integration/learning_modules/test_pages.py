"""The mini-module pages through a real launch: the catalogue by pathway, a module, and refusals."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_tool.learning_modules.domain.modules import PATHWAYS
from lti_tool.learning_modules.services.catalogue import (
    CONTENT_DIR,
    EXTENSION_KEY,
    CatalogueError,
    load_catalogue,
)
from tests.conftest import make_app
from tests.fake_platform import FakePlatform
from tests.lti_helpers import assert_refused, launch_path, link_href, page_text

CATALOGUE = load_catalogue(CONTENT_DIR / "en")


def open_modules(platform: FakePlatform, client: FlaskClient, user_key: str) -> str:
    """Launch as `user_key` and return the catalogue's path, found from the course page's link."""
    course = client.get(launch_path(platform.launch(client, user_key)))
    href = link_href(course, "Mini-modules")
    assert href is not None, "the course page links to the mini-modules"
    return href


def section(response: TestResponse, labelled_by: str) -> str:
    match = re.search(
        rf'<section aria-labelledby="{labelled_by}"[^>]*>(.*?)</section>',
        response.get_data(as_text=True),
        re.S,
    )
    assert match, f"no section labelled by {labelled_by}"
    return match.group(1)


def link_texts(html: str) -> list[str]:
    return [unescape(text) for text in re.findall(r"<a [^>]*>(.*?)</a>", html, re.S)]


@pytest.mark.parametrize("user_key", ["priya", "amelie"])
def test_the_catalogue_lists_every_module_once_grouped_by_pathway(
    client: FlaskClient, fake_platform: FakePlatform, user_key: str
) -> None:
    path = open_modules(fake_platform, client, user_key)

    response = client.get(path)

    assert response.status_code == 200
    listed: list[str] = []
    for pathway in PATHWAYS:
        fresh = [slug for slug in pathway.slugs if CATALOGUE.get(slug).title not in listed]
        titles = [CATALOGUE.get(slug).title for slug in fresh]
        assert link_texts(section(response, f"pathway-{pathway.key}")) == [
            *(["show this pathway alone"] if len(fresh) < len(pathway.slugs) else []),
            *titles,
        ]
        listed += titles
    assert sorted(listed) == sorted(module.title for module in CATALOGUE.modules)
    assert len(listed) == len(set(listed)) == 24  # each module once
    assert listed == [module.title for module in CATALOGUE.modules]  # numbered in this order
    assert "<h1>Mini-modules</h1>" in response.get_data(as_text=True)


def test_the_catalogue_filters_one_pathway_in_its_order(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    path = open_modules(fake_platform, client, "priya")
    refresher = next(p for p in PATHWAYS if p.key == "refresher")

    response = client.get(path + "?pathway=refresher")

    assert link_texts(section(response, "pathway-refresher")) == [
        CATALOGUE.get(slug).title for slug in refresher.slugs
    ]
    assert "pathway-start-here" not in response.get_data(as_text=True)
    assert '<option value="refresher" selected>' in response.get_data(as_text=True)
    unknown = client.get(path + "?pathway=nonsense")  # an unknown filter shows everything
    assert unknown.status_code == 200
    assert 'id="pathway-start-here"' in unknown.get_data(as_text=True)


def test_only_facilitators_see_which_modules_await_board_review(
    app: Flask, fake_platform: FakePlatform
) -> None:
    learner, facilitator = app.test_client(), app.test_client()
    as_learner = learner.get(open_modules(fake_platform, learner, "priya"))
    as_facilitator = facilitator.get(open_modules(fake_platform, facilitator, "amelie"))

    marked = sum(module.is_interpretation for module in CATALOGUE.modules)
    assert page_text(as_facilitator).count("for board review") == marked + 1  # + the hint
    assert "for board review" not in page_text(as_learner)


@pytest.mark.parametrize("user_key", ["priya", "amelie"])
def test_a_module_page_shows_its_sections_in_order_and_its_prompts(
    client: FlaskClient, fake_platform: FakePlatform, user_key: str
) -> None:
    catalogue_path = open_modules(fake_platform, client, user_key)
    module = CATALOGUE.get("scaling-questions")
    href = link_href(client.get(catalogue_path), module.title)

    response = client.get(href + "/all")  # the player shows one section a page; this, all
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert href == catalogue_path + "scaling-questions"
    assert re.search(r'<h1 id="module-title" lang="en">Scaling Questions', body)
    headings = [unescape(h) for h in re.findall(r"<h2 id=\"section-[^\"]+\">(.*?)</h2>", body)]
    assert headings == [section.title for section in module.sections]
    toc = re.search(r'<nav aria-labelledby="toc-title">(.*?)</nav>', body, re.S).group(1)
    assert link_texts(toc) == [s.title for s in module.sections] + ["Questions to reflect on"]
    for section_ in module.sections:
        assert f'href="#section-{section_.id}"' in toc
        assert f'id="section-{section_.id}"' in body
    prompts = section(response, "reflect-title")
    for prompt in module.prompts:
        assert unescape(prompt.text) in unescape(prompts)
    assert "<strong>The sequence</strong>" not in body  # ### is a heading, not bold
    assert "<h3>The sequence</h3>" in body
    assert "about 10 minutes" in page_text(response)
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), "ids on the page are unique"


def test_a_module_page_links_its_neighbours_and_pathways(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    catalogue_path = open_modules(fake_platform, client, "priya")

    response = client.get(catalogue_path + "creating-a-mentoring-web")
    text = page_text(response)

    # "Start here" order: Learners at the Centre, Mentoring Is…, Creating a Mentoring Web, ...
    assert link_href(response, "Mentoring Is…") == catalogue_path + "mentoring-is"
    assert (
        link_href(response, "Building a Mentoring Web")
        == catalogue_path + "building-a-mentoring-web"
    )
    assert link_href(response, "Start here (all roles)") == catalogue_path + "?pathway=start-here"
    assert "Step 1: Centre card: look in the mirror" in text
    assert "Previous:" in text
    assert "Mini-module 3 of 24" in text
    first = page_text(client.get(catalogue_path + "learners-at-the-centre"))
    assert "Mini-module 1 of 24" in first
    assert "Previous:" not in first


def test_an_unknown_module_is_404(client: FlaskClient, fake_platform: FakePlatform) -> None:
    path = open_modules(fake_platform, client, "priya")

    assert_refused(client.get(path + "no-such-module"), 404, "not-found")
    assert_refused(client.get(path + "Scaling-Questions"), 404, "not-found")


@pytest.mark.parametrize("page", ["modules/", "modules/scaling-questions"])
def test_without_a_launch_the_pages_are_401(client: FlaskClient, page: str) -> None:
    assert_refused(client.get(f"/l/not-a-launch/{page}"), 401, "launch-session-missing")


def test_the_app_loads_the_catalogue_once_at_start_up(app: Flask) -> None:
    assert app.extensions[EXTENSION_KEY] == CATALOGUE


def test_a_broken_content_file_stops_the_app_from_starting(tmp_path: Path) -> None:
    content = Path(shutil.copytree(CONTENT_DIR / "en", tmp_path / "en"))
    broken = content / "scaling-questions.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("minutes = 10", "minutes = 0"))

    with pytest.raises(CatalogueError, match=r"scaling-questions\.md: minutes"):
        make_app(
            {
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tool.sqlite3'}",
                "MODULE_CONTENT_DIR": str(content),
            }
        )
