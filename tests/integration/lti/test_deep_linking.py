"""Deep Linking through the real flow: a facilitator's DL launch, the picker, the signed response the
fake LMS verifies and records, and later launches of those links opening the chosen page.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from typing import Any

import jwt
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_tool.devplatform.autopost import AutoPostForm
from lti_tool.devplatform.signer import DEEP_LINKING_REQUEST
from lti_tool.errors import ForbiddenError
from lti_tool.lti.deep_linking import LinkChoice, response_claims
from lti_tool.lti.launch import DeepLinkingSettings, LaunchContext
from lti_tool.lti.roles import ToolRole
from tests.fake_platform import HTTP_TIMEOUT, FakePlatform
from tests.lti_helpers import follow, launch_path, page_text

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
SETTINGS = DL + "deep_linking_settings"
CUSTOM = LTI + "custom"
MODULES = ("mentoring-is", "the-power-of-listening")


def _picker(client: FlaskClient, platform: FakePlatform, **overrides: Any) -> TestResponse:
    launch = platform.launch(
        client, "amelie", DEEP_LINKING_REQUEST, claims_overrides=overrides or None
    )
    assert launch.status_code == 303, launch.get_data(as_text=True)[:500]
    assert launch.headers["Location"].endswith("/deep-link/")
    return client.get(launch.headers["Location"])


def _csrf(page: TestResponse) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return unescape(match.group(1))


def _choose(client: FlaskClient, picker: TestResponse, items: list[str]) -> TestResponse:
    return client.post(picker.request.path, data={"csrf_token": _csrf(picker), "item": items})


def _auto_post(page: TestResponse) -> AutoPostForm:
    assert page.status_code == 200, page.get_data(as_text=True)[:800]
    form = AutoPostForm()
    form.feed(page.get_data(as_text=True))
    return form


def _verify(client: FlaskClient, token: str, audience: str) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    keys = {key["kid"]: key for key in client.get("/lti/jwks").get_json()["keys"]}
    public = jwt.PyJWK(keys[kid]).key
    return jwt.decode(token, public, algorithms=["RS256"], audience=audience)


def _settings(**changes: Any) -> dict[str, Any]:
    settings = {
        "deep_link_return_url": "https://lms.example.org/return?a=1&b=2",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
        "data": "opaque-données-42",
    }
    settings.update(changes)
    return {key: value for key, value in settings.items() if value is not None}


def test_a_facilitator_picks_two_modules_and_the_lms_records_the_links(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    picker = _picker(client, fake_platform)
    assert picker.status_code == 200
    text = picker.get_data(as_text=True)
    assert 'type="checkbox"' in text
    assert "The mentoring web builder" in text

    page = _choose(client, picker, [f"module:{MODULES[0]}", f"module:{MODULES[1]}", "web"])
    form = _auto_post(page)
    assert form.action == fake_platform.url("/deep-link-return")
    assert "<noscript>" in page.get_data(as_text=True)
    nonce = re.search(r"nonce-([^\s;']+)", page.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in page.get_data(as_text=True)
    # CSP form-action lets this one page's form post to the LMS's return URL, and no further.
    form_action = _directive(page, "form-action")
    assert form_action == ["'self'", fake_platform.issuer]
    assert _directive(picker, "form-action") == ["'self'"]

    token = form.fields["JWT"]
    claims = _verify(client, token, fake_platform.issuer)
    header = jwt.get_unverified_header(token)
    keys = client.get("/lti/jwks").get_json()["keys"]
    assert header["alg"] == "RS256"
    assert header["kid"] == keys[0]["kid"]
    assert claims["iss"] == fake_platform.client_id
    assert claims["aud"] == [fake_platform.issuer]
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == fake_platform.deployment_id
    assert len(claims["nonce"]) >= 16
    assert 0 < claims["exp"] - claims["iat"] <= 300
    assert isinstance(claims[DL + "data"], str)
    assert claims[DL + "data"]

    with requests.Session() as http:
        answer = http.post(form.action, data={"JWT": token}, timeout=HTTP_TIMEOUT)
    assert answer.status_code == 200, answer.text[:500]
    [received] = fake_platform.state.deep_link_returns
    assert received.data == claims[DL + "data"]
    first, second, web = received.content_items
    assert first["type"] == "ltiResourceLink"
    assert first["url"].endswith("/lti/launch")
    assert first["custom"] == {"module": MODULES[0]}
    assert first["lineItem"] == {
        "scoreMaximum": 1,
        "label": first["title"],
        "resourceId": MODULES[0],
        "tag": "mentoring-web-completion",
    }
    assert first["text"]
    assert "iframe" in first
    assert second["custom"] == {"module": MODULES[1]}
    assert second["lineItem"]["resourceId"] == MODULES[1]
    assert web["custom"] == {"view": "web"}
    assert "lineItem" not in web


def test_the_data_value_is_echoed_exactly_and_omitted_when_absent(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    picker = _picker(client, fake_platform, **{SETTINGS: _settings()})
    form = _auto_post(_choose(client, picker, [f"module:{MODULES[0]}"]))
    assert form.action == "https://lms.example.org/return?a=1&b=2"
    claims = _verify(client, form.fields["JWT"], fake_platform.issuer)
    assert claims[DL + "data"] == "opaque-données-42"

    picker = _picker(client, fake_platform, **{SETTINGS: _settings(data=None)})
    form = _auto_post(_choose(client, picker, [f"module:{MODULES[0]}"]))
    claims = _verify(client, form.fields["JWT"], fake_platform.issuer)
    assert DL + "data" not in claims
    assert DL + "content_items" in claims


def test_one_item_only_when_the_lms_does_not_accept_several(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    picker = _picker(client, fake_platform, **{SETTINGS: _settings(accept_multiple=False)})
    assert 'type="radio"' in picker.get_data(as_text=True)
    assert 'type="checkbox"' not in picker.get_data(as_text=True)

    refused = _choose(client, picker, [f"module:{MODULES[0]}", f"module:{MODULES[1]}"])
    assert refused.status_code == 422
    assert "JWT" not in _auto_post_fields(refused)
    assert "Your LMS accepts only one item here. Choose one." in page_text(refused)

    accepted = _auto_post(_choose(client, picker, [f"module:{MODULES[0]}"]))
    claims = _verify(client, accepted.fields["JWT"], fake_platform.issuer)
    assert len(claims[DL + "content_items"]) == 1


def test_nothing_chosen_shows_the_picker_again_with_the_error(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    picker = _picker(client, fake_platform)
    for items in ([], ["module:no-such-module"]):
        refused = _choose(client, picker, items)
        assert refused.status_code == 422
        text = page_text(refused)
        assert "<title>Error: Add to your course" in text  # titled for what happened
        assert "This launch could not be accepted" not in text
        assert "Choose at least one item to add to your course." in text
        assert "Add to my course" in text  # the way back: the picker itself, to choose again


def test_the_service_refuses_when_the_lms_accepts_no_links(app: Flask) -> None:
    """The launch already refuses such a request; the service checks again on its own."""
    launch = LaunchContext(
        launch_id="l",
        issuer="https://lms.example.org",
        client_id="c",
        deployment_id="d",
        message_type="LtiDeepLinkingRequest",
        sub="u",
        role=ToolRole.FACILITATOR,
        lti_roles=(),
        platform_pk=1,
        deployment_pk=1,
        user_pk=1,
        deep_linking=DeepLinkingSettings("https://lms.example.org/r", accept_types=("file",)),
    )
    choice = LinkChoice(title="Web", custom={"view": "web"})
    with app.test_request_context(), pytest.raises(ForbiddenError):
        response_claims(launch, [choice], "https://tool.example.org/lti/launch")
    allowed = replace(
        launch,
        deep_linking=DeepLinkingSettings(
            "https://lms.example.org/r", accept_types=("ltiResourceLink",)
        ),
    )
    with app.test_request_context():
        claims = response_claims(allowed, [choice], "https://tool.example.org/lti/launch")
    [item] = claims[DL + "content_items"]
    assert "iframe" not in item
    assert DL + "data" not in claims


def _auto_post_fields(page: TestResponse) -> dict[str, str]:
    form = AutoPostForm()
    form.feed(page.get_data(as_text=True))
    return form.fields


def test_a_learner_deep_linking_request_is_refused(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    launch = fake_platform.launch(client, "priya", DEEP_LINKING_REQUEST)
    page = client.get(launch.headers["Location"])
    assert page.status_code == 403
    assert "does not give access" in page.get_data(as_text=True)
    assert client.post(launch.headers["Location"], data={"item": "web"}).status_code in (400, 403)


def test_the_choice_needs_the_csrf_token(client: FlaskClient, fake_platform: FakePlatform) -> None:
    picker = _picker(client, fake_platform)
    response = client.post(picker.request.path, data={"item": [f"module:{MODULES[0]}"]})
    assert response.status_code == 400
    assert "JWT" not in _auto_post_fields(response)


def test_a_resource_link_launch_is_not_a_picker(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    launch = fake_platform.launch(client, "amelie")
    path = launch_path(launch)
    assert client.get(path + "deep-link/").status_code == 403


@pytest.mark.parametrize(
    ("custom", "landing"),
    [({"module": MODULES[1]}, f"/modules/{MODULES[1]}"), ({"view": "web"}, "/web/")],
)
def test_a_deep_linked_launch_opens_its_page(
    client: FlaskClient, fake_platform: FakePlatform, custom: dict[str, str], landing: str
) -> None:
    launch = fake_platform.launch(client, "priya", claims_overrides={CUSTOM: custom})
    home = launch_path(launch)
    assert launch.status_code == 303  # the launch's answer sends the browser on to the page
    assert launch.headers["Location"].endswith(home.rstrip("/") + landing)
    assert client.get(launch.headers["Location"]).status_code == 200
    # The module's "Course home" link then shows the course home, not the module again.
    assert client.get(home).status_code == 200


def test_an_unknown_module_lands_on_the_course_home_with_a_notice(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    launch = fake_platform.launch(
        client, "priya", claims_overrides={CUSTOM: {"module": "no-such-module"}}
    )
    page = follow(client, launch)
    assert page.status_code == 200
    assert "does not exist" in page.get_data(as_text=True)


def _directive(response, name: str) -> list[str]:
    for directive in response.headers["Content-Security-Policy"].split(";"):
        found, _space, sources = directive.strip().partition(" ")
        if found == name:
            return sources.split()
    raise AssertionError(f"no {name} directive")
