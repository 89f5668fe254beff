"""The fake_platform fixture: the platform over real HTTP, registered with the tool under test.

The launch helper runs against a stub tool (the least a tool does) and against the real tool, so a
failure here says whether the helper or the tool broke.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import urlencode

import jwt
import pytest
import requests
from flask import Flask, Response, jsonify, redirect, request
from flask.testing import FlaskClient

from lti_tool.devplatform.signer import (
    AGS_ENDPOINT,
    DEEP_LINKING_SETTINGS,
    NRPS_SERVICE,
    SCOPE_NRPS,
    SCOPE_SCORE,
)
from lti_tool.extensions import db
from lti_tool.lti.keys import active_key
from lti_tool.lti.registrations import find_deployment, find_platform
from tests.fake_platform import FakePlatform, serve_fake_platform
from tests.integration.devplatform.conftest import tool_key

NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@pytest.fixture
def platform(app: Flask) -> Iterator[FakePlatform]:
    with serve_fake_platform(app) as fake:
        yield fake


def test_the_fixture_registers_the_platform_and_a_tool_key(
    app: Flask, platform: FakePlatform
) -> None:
    with app.app_context():
        registered = find_platform(db.session, platform.issuer, platform.client_id)
        assert registered is not None
        assert registered.auth_login_url == platform.url("/auth")
        assert registered.key_set_url == platform.url("/jwks")
        assert find_deployment(db.session, registered, platform.deployment_id) is not None
        assert active_key(db.session) is not None
    assert requests.get(platform.url("/jwks"), timeout=5).json() == platform.key.jwks()


def _tool_assertion(app: Flask, platform: FakePlatform) -> str:
    with app.app_context():
        key = active_key(db.session)
        pem, kid = key.private_key_pem, key.kid
    claims = {
        "iss": platform.client_id,
        "sub": platform.client_id,
        "aud": platform.url("/token"),
        "iat": 0,
        "exp": 2**31,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})


def test_token_endpoint_accepts_the_tools_own_key_over_http(
    app: Flask, platform: FakePlatform
) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": _tool_assertion(app, platform),
        "scope": f"{SCOPE_NRPS} {SCOPE_SCORE}",
    }
    with requests.Session() as http:
        token = http.post(platform.url("/token"), data=form, timeout=5)
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}", "Accept": NRPS_TYPE}
        url, members = platform.url("/contexts/demo-course-1/memberships"), []
        while url:
            page = http.get(url, headers=headers, timeout=5)
            members += page.json()["members"]
            url = page.links.get("next", {}).get("url")
    assert len(members) == 5
    assert platform.state.tokens_issued == 1


def test_token_endpoint_refuses_a_key_the_tool_does_not_publish(
    platform: FakePlatform,
) -> None:
    claims = {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.url("/token")}
    forged = tool_key().sign({**claims, "iat": 0, "exp": 2**31})
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": forged,
        "scope": SCOPE_NRPS,
    }
    response = requests.post(platform.url("/token"), data=form, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_claims_login_params_and_sign(platform: FakePlatform) -> None:
    claims = platform.claims("priya", roles=[], email=None)
    token = platform.sign(claims, headers={"kid": "wrong"})
    dl = platform.claims("amelie", "LtiDeepLinkingRequest")
    params = platform.login_params("priya", lti_storage_target="_parent")

    assert claims["https://purl.imsglobal.org/spec/lti/claim/roles"] == []
    assert "email" not in claims
    assert claims[AGS_ENDPOINT]["lineitems"] == platform.url("/contexts/demo-course-1/lineitems")
    assert NRPS_SERVICE in claims
    assert jwt.get_unverified_header(token)["kid"] == "wrong"
    assert dl[DEEP_LINKING_SETTINGS]["deep_link_return_url"] == platform.url("/deep-link-return")
    assert params["iss"] == platform.issuer
    assert params["target_link_uri"] == "http://localhost/lti/launch"
    assert params["lti_storage_target"] == "_parent"


def _stub_tool() -> Flask:
    """The least a tool does: OIDC login redirect, then verify the id_token and its nonce."""
    stub = Flask("stub_tool")
    pending: dict[str, str] = {}

    @stub.post("/lti/login")
    def login() -> Response:
        state, nonce = secrets.token_urlsafe(8), secrets.token_urlsafe(8)
        pending[state] = nonce
        params = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": request.form["client_id"],
            "redirect_uri": request.form["target_link_uri"],
            "login_hint": request.form["login_hint"],
            "lti_message_hint": request.form["lti_message_hint"],
            "state": state,
            "nonce": nonce,
        }
        return redirect(request.form["iss"] + "/auth?" + urlencode(params))

    @stub.post("/lti/launch")
    def launch() -> Response:
        token = request.form["id_token"]
        issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
        keys = requests.get(issuer + "/jwks", timeout=5).json()
        key = jwt.PyJWK(keys["keys"][0]).key
        claims = jwt.decode(token, key, algorithms=["RS256"], audience="mentoring-web-test")
        assert claims["nonce"] == pending.pop(request.form["state"])
        return jsonify(claims)

    @stub.get("/lti/jwks")
    def jwks() -> dict:
        return tool_key().jwks()

    return stub


@pytest.mark.parametrize("https", [False, True])
def test_launch_helper_drives_the_whole_flow(https: bool) -> None:
    stub = _stub_tool()
    with serve_fake_platform(stub, register=False) as fake:
        response = fake.launch(
            stub.test_client(),
            "zoe",
            claims_overrides={"email": None, "locale": "fr-CA"},
            https=https,
        )
    claims = response.get_json()
    assert response.status_code == 200
    assert claims["name"] == "Zoë O'Connor"
    assert "email" not in claims
    assert claims["locale"] == "fr-CA"
    expected = ("https" if https else "http") + "://localhost/lti/launch"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/target_link_uri"] == expected


def test_begin_login_and_post_id_token_for_forged_tokens() -> None:
    stub = _stub_tool()
    client = stub.test_client()
    with serve_fake_platform(stub, register=False) as fake:
        state, nonce, query = fake.begin_login(client, "priya")
        assert query["login_hint"] == "priya"
        token = fake.sign(fake.claims("priya", nonce=nonce))
        response = fake.post_id_token(client, token, state)
    assert response.get_json()["sub"] == fake.member("priya").sub


@pytest.mark.parametrize("https", [False, True])
def test_launch_against_the_real_tool(
    client: FlaskClient, platform: FakePlatform, https: bool
) -> None:
    response = platform.launch(client, "priya", https=https)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Location"].startswith("/l/")


def test_the_real_tool_refuses_a_forged_id_token(
    client: FlaskClient, platform: FakePlatform
) -> None:
    state, nonce, _query = platform.begin_login(client, "priya")
    forged = platform.sign(platform.claims("priya", nonce=nonce), headers={"kid": "unknown"})
    response = platform.post_id_token(client, forged, state)
    assert 400 <= response.status_code < 500
