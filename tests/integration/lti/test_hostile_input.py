"""Input no platform sends, from anyone with a browser: every case gets a clear 4xx page, writes
nothing and never a 500 — claims of the wrong type, JSON nested thousands deep or with NaN, and
login parameters too large to store."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool.lti.models import StateEntry
from tests.fake_platform import TOOL_URL, FakePlatform
from tests.lti_helpers import (
    CONTEXT,
    LTI,
    ROLES,
    assert_refused,
    post_login,
    row_counts,
    signed_launch,
)


def _count_state(app: Flask) -> int:
    from sqlalchemy import func, select

    from lti_tool.extensions import db

    with app.app_context():
        value = db.session.scalar(select(func.count()).select_from(StateEntry))
        db.session.remove()
    return value


WRONG_TYPES: dict[str, dict[str, Any]] = {
    "iat-as-a-string": {"iat": "1700000000"},
    "iat-as-a-boolean": {"iat": True},
    "iat-beyond-any-date": {"iat": 10**30},
    "exp-as-a-list": {"exp": [1, 2]},
    "exp-as-an-object": {"exp": {"at": 1}},
    "nbf-as-a-string": {"nbf": "soon"},
    "iss-as-a-list": {"iss": ["http://a", "http://b"]},
    "sub-as-a-number": {"sub": 12345},
    "nonce-as-an-object": {"nonce": {"n": 1}},
    "context-as-a-string": {CONTEXT: "course-1"},
    "context-id-as-a-number": {CONTEXT: {"id": 7, "title": "A course"}},
    "custom-as-a-list": {LTI + "custom": ["module", "x"]},
    "resource-link-as-a-string": {LTI + "resource_link": "rl-1"},
    "launch-presentation-as-a-number": {LTI + "launch_presentation": 3},
    "role-scope-mentor-as-a-number": {LTI + "role_scope_mentor": 5},
    "role-scope-mentor-as-a-string": {LTI + "role_scope_mentor": "a-sub"},
    "roles-as-a-string": {ROLES: "Learner"},
    "ags-endpoint-as-a-string": {"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": "x"},
    "nrps-as-a-list": {"https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": []},
}


def _signed_as_is(platform: FakePlatform):
    """Sign the body exactly as given: PyJWT's own encoder refuses some of these claims."""

    def encode(body: dict[str, Any]) -> str:
        return jwt.api_jws.encode(
            json.dumps(body).encode(),
            platform.key.private_key,
            algorithm="RS256",
            headers={"kid": platform.key.kid, "typ": "JWT"},
        )

    return encode


@pytest.mark.parametrize("changes", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_claim_of_the_wrong_type_is_refused_with_a_4xx(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, changes: dict[str, Any]
) -> None:
    attempt = signed_launch(
        fake_platform, client, app=app, changes=changes, encode=_signed_as_is(fake_platform)
    )
    assert 400 <= attempt.response.status_code < 500, attempt.response.get_data(as_text=True)[:300]
    assert "Traceback" not in attempt.response.get_data(as_text=True)
    assert row_counts(app) == attempt.before


def _raw_token(body_json: str) -> str:
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = json.dumps({"alg": "RS256", "kid": "k", "typ": "JWT"}).encode()
    return ".".join([part(header), part(body_json.encode()), part(b"not-a-signature")])


RAW_BODIES = {
    "nested-50000-deep": "[" * 50_000 + "]" * 50_000,
    "object-nested-50000-deep": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "claims-nested-in-custom": '{"iss":"x","custom":' + "[" * 40_000 + "]" * 40_000 + "}",
    "nan-expiry": '{"iss":"x","sub":"y","exp":NaN,"iat":1}',
    "infinite-expiry": '{"iss":"x","sub":"y","exp":Infinity,"iat":1}',
}


@pytest.mark.parametrize("body", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_json_no_platform_would_send_is_refused_with_a_400(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, body: str
) -> None:
    state, _nonce, _query = fake_platform.begin_login(client, "priya")
    before = row_counts(app)
    response = fake_platform.post_id_token(client, _raw_token(body), state)
    assert_refused(response, 400, "jwt-malformed")
    assert row_counts(app) == before


@pytest.mark.parametrize(
    "name", ["login_hint", "lti_message_hint", "target_link_uri", "iss", "client_id"]
)
def test_an_oversized_login_parameter_is_refused_before_anything_is_stored(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, name: str
) -> None:
    params = fake_platform.login_params("priya", TOOL_URL + "/lti/launch")
    params[name] = "x" * 2_000_000  # 20 such logins stored 42 MB before the cap
    before = _count_state(app)
    response = post_login(client, params)
    assert_refused(response, 400, "login-parameter-too-long")
    assert "Location" not in response.headers
    assert _count_state(app) == before


@pytest.mark.parametrize("app_overrides", [{"LTI_LOGIN_PARAM_MAX_CHARS": 100}])
def test_the_login_parameter_cap_is_a_setting(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    params = fake_platform.login_params("priya", TOOL_URL + "/lti/launch")
    params["lti_message_hint"] = "h" * 101
    assert_refused(post_login(client, params), 400, "login-parameter-too-long")
    params["lti_message_hint"] = fake_platform.login_params("priya", TOOL_URL + "/lti/launch")[
        "lti_message_hint"
    ][:100]
    assert post_login(client, params).status_code != 500
