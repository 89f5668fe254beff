"""The development platform behaves like a strict LMS: OIDC auth, the course page, deep-link returns."""

from __future__ import annotations

import re
import secrets
import time
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool.devplatform.signer import DEEP_LINKING_SETTINGS, DL_CLAIM, RESOURCE_LINK, PlatformKey
from lti_tool.devplatform.state import PlatformState
from tests.fake_platform import platform_key
from tests.integration.devplatform.conftest import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    ISSUER,
    TOOL_LAUNCH_URL,
    other_key,
    tool_key,
)


def _auth_params(platform_app: Flask, user: str = "priya", **changes: str | None) -> dict:
    launches = platform_app.extensions["dev_platform"].launches
    state = platform_app.extensions["dev_platform_state"]
    course = platform_app.extensions["dev_platform"].settings.course
    member = state.member(course, user) or state.member(course, "priya")
    link = launches.default_link("LtiResourceLinkRequest")
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": CLIENT_ID,
        "redirect_uri": TOOL_LAUNCH_URL,
        "login_hint": user,
        "lti_message_hint": launches.message_hint(member, link, TOOL_LAUNCH_URL),
        "state": "state-123",
        "nonce": "nonce-456",
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


def _form_fields(html: str) -> dict[str, str]:
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    return {name: unescape(value) for name, value in fields}


def test_auth_answers_with_a_signed_id_token_in_an_auto_post_form(
    pclient: FlaskClient, platform_app: Flask
) -> None:
    response = pclient.get("/auth", query_string=_auth_params(platform_app))
    html = response.get_data(as_text=True)
    fields = _form_fields(html)
    claims = jwt.decode(
        fields["id_token"],
        platform_key().private_key.public_key(),
        algorithms=["RS256"],
        audience=CLIENT_ID,
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f'action="{TOOL_LAUNCH_URL}"' in html
    assert fields["state"] == "state-123"
    assert claims["nonce"] == "nonce-456"
    assert claims["iss"] == ISSUER
    assert claims["name"] == "Priya Singh"
    assert claims[RESOURCE_LINK]["id"] == "rl-mentoring-web-1"
    # the inline auto-submit script runs under the page's own CSP nonce
    nonce = re.search(r"<script nonce=\"([^\"]+)\">", html).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert "<noscript>" in html


def test_auth_accepts_a_form_post_too(pclient: FlaskClient, platform_app: Flask) -> None:
    assert pclient.post("/auth", data=_auth_params(platform_app)).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"redirect_uri": TOOL_LAUNCH_URL + "/"}, "redirect_uri"),
        ({"redirect_uri": "http://evil.test/lti/launch"}, "redirect_uri"),
        ({"client_id": "someone-else"}, "client_id"),
        ({"nonce": None}, "nonce"),
        ({"nonce": ""}, "nonce"),
        ({"login_hint": "nobody"}, "login_hint"),
        ({"login_hint": "zoe"}, "lti_message_hint"),  # priya's hint, zoe's login
        ({"lti_message_hint": "forged"}, "lti_message_hint"),
        ({"scope": "openid profile"}, "scope"),
        ({"response_type": "code"}, "response_type"),
        ({"response_mode": None}, "response_mode"),
        ({"prompt": "login"}, "prompt"),
    ],
)
def test_auth_refuses_a_bad_request(
    pclient: FlaskClient, platform_app: Flask, changes: dict, message: str
) -> None:
    params = _auth_params(platform_app, **changes)
    if changes.get("login_hint") == "zoe":  # keep priya's hint
        params["lti_message_hint"] = _auth_params(platform_app)["lti_message_hint"]
    response = pclient.get("/auth", query_string=params)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'name="id_token"' not in response.get_data(as_text=True)


def test_course_page_lists_people_and_launch_buttons(pclient: FlaskClient) -> None:
    html = pclient.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert '<html lang="en">' in html
    assert "<main" in html
    assert "<h1>Mentoring for All — Demo course</h1>" in html
    assert '<th scope="col">' in html
    for name in ("Amélie Tremblay", "Jean-François Côté", "Priya Singh", "Zoë O&#39;Connor"):
        assert f"Launch as {name}" in html
    assert "Deep link as Amélie Tremblay" in html
    assert 'method="post"' in html


def test_launch_button_starts_third_party_initiated_login(
    pclient: FlaskClient, platform_app: Flask
) -> None:
    response = pclient.post("/launch/zoe", data={"link": "rl-mentoring-web-1"})
    location = urlsplit(response.headers["Location"])
    query = dict(parse_qsl(location.query))
    hint = platform_app.extensions["dev_platform"].launches.read_message_hint(
        query["lti_message_hint"]
    )

    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://tool.test/lti/login"
    assert query["iss"] == ISSUER
    assert query["login_hint"] == "zoe"
    assert query["target_link_uri"] == TOOL_LAUNCH_URL
    assert query["client_id"] == CLIENT_ID
    assert query["lti_deployment_id"] == DEPLOYMENT_ID
    assert hint == {"user": "zoe", "link": "rl-mentoring-web-1", "target": TOOL_LAUNCH_URL}


def test_deep_link_button_uses_the_deep_linking_placement(
    pclient: FlaskClient, platform_app: Flask
) -> None:
    response = pclient.post("/deep-link/amelie")
    query = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    hint = platform_app.extensions["dev_platform"].launches.read_message_hint(
        query["lti_message_hint"]
    )
    assert hint["link"] == "dl-placement-1"


def test_launch_for_an_unknown_person_is_404(pclient: FlaskClient) -> None:
    assert pclient.post("/launch/nobody").status_code == 404


# Deep-linking return -------------------------------------------------------------------------


def _deep_link_data(platform_app: Flask) -> str:
    platform = platform_app.extensions["dev_platform"]
    member = platform.state.member(platform.settings.course, "amelie")
    link = platform.launches.default_link("LtiDeepLinkingRequest")
    claims = platform.launches.claims(member, link, nonce="n")
    return claims[DEEP_LINKING_SETTINGS]["data"]


def _dl_response(
    platform_app: Flask,
    key: PlatformKey | None = None,
    headers: dict | None = None,
    **changes: Any,
) -> str:
    now = int(time.time())
    claims = {
        "iss": CLIENT_ID,
        "aud": [ISSUER],
        "iat": now,
        "exp": now + 300,
        "nonce": secrets.token_hex(8),
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingResponse",
        "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT_ID,
        DL_CLAIM + "data": _deep_link_data(platform_app),
        DL_CLAIM + "msg": "Activité ajoutée",
        DL_CLAIM + "content_items": [
            {
                "type": "ltiResourceLink",
                "title": "Réflexion — semaine 1",
                "url": "http://tool.test/lti/launch",
                "custom": {"activity": "reflection-1"},
                "lineItem": {"scoreMaximum": 10, "label": "Réflexion 1", "tag": "reflection"},
            }
        ],
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return (key or tool_key()).sign(claims, headers)


def test_deep_link_return_records_items_and_creates_the_link(
    pclient: FlaskClient, platform_app: Flask, state: PlatformState
) -> None:
    response = pclient.post("/deep-link-return", data={"JWT": _dl_response(platform_app)})
    html = response.get_data(as_text=True)

    assert response.status_code == 200, html
    assert "Réflexion — semaine 1" in html
    (received,) = state.deep_link_returns
    assert received.content_items[0]["custom"] == {"activity": "reflection-1"}
    assert received.messages == {"msg": "Activité ajoutée"}
    created = state.extra_links[0]
    assert created.title == "Réflexion — semaine 1"
    (item,) = state.line_items.values()
    assert item.fields["resourceLinkId"] == created.id
    assert item.fields["scoreMaximum"] == 10
    # the course page shows what came back, and the new link can be launched
    page = pclient.get("/").get_data(as_text=True)
    assert "Réflexion — semaine 1" in page
    assert pclient.post("/launch/priya", data={"link": created.id}).status_code == 302


def test_deep_link_return_rejects_a_bad_signature(
    pclient: FlaskClient, platform_app: Flask, state: PlatformState
) -> None:
    forged = _dl_response(platform_app, key=other_key(), headers={"kid": tool_key().kid})
    response = pclient.post("/deep-link-return", data={"JWT": forged})

    assert response.status_code == 400
    assert "does not verify" in response.get_data(as_text=True)
    assert state.deep_link_returns == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aud": "http://other-platform.test"}, "does not verify"),
        ({"iss": "someone-else"}, "client_id"),
        ({"exp": int(time.time()) - 3600}, "does not verify"),
        ({"nonce": None}, "does not verify"),
        ({"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}, "version"),
        (
            {"https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest"},
            "message_type",
        ),
        ({"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "other"}, "deployment_id"),
        ({DL_CLAIM + "data": None}, "data"),
        ({DL_CLAIM + "content_items": [{"type": "file"}]}, "ltiResourceLink"),
    ],
)
def test_deep_link_return_rejects_bad_claims(
    pclient: FlaskClient, platform_app: Flask, changes: dict, message: str
) -> None:
    response = pclient.post(
        "/deep-link-return", data={"JWT": _dl_response(platform_app, **changes)}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_deep_link_return_rejects_a_missing_kid_and_a_replayed_nonce(
    pclient: FlaskClient, platform_app: Flask
) -> None:
    no_kid = _dl_response(platform_app, headers={"kid": None})
    assert pclient.post("/deep-link-return", data={"JWT": no_kid}).status_code == 400
    token = _dl_response(platform_app)
    assert pclient.post("/deep-link-return", data={"JWT": token}).status_code == 200
    assert pclient.post("/deep-link-return", data={"JWT": token}).status_code == 400
