"""Each cap on what one person stores is a setting, and reaching it is a clear 4xx that keeps the
person's text: strands per web, snapshots per web, reflection and feedback lengths."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool import create_app
from lti_tool.errors import ConfigurationError
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import answer
from tests.integration.mentoring_web.my_web_pages import (
    add_strand,
    csrf_token,
    launch,
    post_form,
    strand_values,
)
from tests.lti_helpers import page_text


@pytest.mark.parametrize("app_overrides", [{"WEB_MAX_STRANDS": 2}])
def test_a_full_web_refuses_another_strand_and_gives_the_text_back(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    add_strand(client, base, label="First support")
    add_strand(client, base, label="Second support")
    response = post_form(
        client, base + "web/strands/new", strand_values(label="Third support, carefully named")
    )
    assert response.status_code == 409
    text = page_text(response)
    assert "A web can hold up to 2 strands" in text
    assert "Third support, carefully named</textarea>" in text  # given back to copy
    web = page_text(client.get(base + "web"))
    assert "Third support" not in web


@pytest.mark.parametrize("app_overrides", [{"WEB_MAX_SNAPSHOTS": 2}])
def test_a_web_keeps_at_most_the_snapshots_its_setting_allows(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    add_strand(client, base)
    statuses = []
    for _ in range(3):
        page = client.get(base + "web/snapshots")
        statuses.append(
            client.post(base + "web/snapshots", data={"csrf_token": csrf_token(page)}).status_code
        )
    assert statuses == [303, 303, 409]
    listing = page_text(client.get(base + "web/snapshots"))
    assert listing.count("Taken on request") == 2


@pytest.mark.parametrize("app_overrides", [{"REFLECTION_MAX_CHARS": 50}])
def test_the_reflection_length_is_a_setting(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = answer(client, base, "x" * 51)
    assert response.status_code == 422
    assert "longer than 50 characters" in page_text(response)
    assert answer(client, base, "x" * 50).status_code == 303


@pytest.mark.parametrize("wrong", [0, -1, "many", True])
def test_a_limit_that_is_not_a_positive_whole_number_stops_the_start(tmp_path, wrong) -> None:
    with pytest.raises(ConfigurationError, match="WEB_MAX_STRANDS"):
        create_app({"ENV_NAME": "test", "INSTANCE_PATH": str(tmp_path), "WEB_MAX_STRANDS": wrong})


def test_every_limit_has_its_default_setting(app: Flask) -> None:
    from lti_tool.limits import DEFAULTS

    for name, value in DEFAULTS.items():
        assert app.config[name] == value
