"""1EdTech certification §6.1.1 "known bad payloads", Security Framework §5.1.3, and our extra checks.

Every case is a real OIDC login followed by an id_token signed by the platform's key (or forged on
purpose), POSTed as the platform's auto-post form does. What must hold for each refused case: a 4xx
error page that states the problem and shows its reference code, nothing written (no user, course,
membership or state row), and for tokens refused before the login is consumed, the real login still
usable, so a forged token cannot burn someone's launch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool.db import utcnow
from lti_tool.devplatform.signer import PlatformKey
from lti_tool.extensions import db
from lti_tool.lti.registrations import find_platform, set_deployment_active
from tests.fake_platform import TOOL_URL, FakePlatform
from tests.lti_helpers import (
    CONTEXT,
    DEPLOYMENT_ID,
    MESSAGE_TYPE,
    PURL,
    RESOURCE_LINK,
    ROLES,
    TARGET_LINK_URI,
    VERSION,
    Attempt,
    assert_refused,
    error_message,
    follow,
    login_record,
    post_login,
    row_counts,
    served_requests,
    signed_launch,
)

LEEWAY = 60  # config/default.py LTI_CLOCK_LEEWAY_SECONDS
MAX_TOKEN_AGE = 300  # config/default.py LTI_MAX_TOKEN_AGE_SECONDS
HMAC_SECRET = "a-shared-secret-that-no-lti-platform-should-ever-use-for-id-tokens"


@cache
def attacker_key() -> PlatformKey:
    return PlatformKey.generate()


def shifted(iat_offset: int, lifetime: int = 300) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A body issued `iat_offset` seconds from now, valid for `lifetime` seconds after that."""

    def build(body: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        return {**body, "iat": now + iat_offset, "exp": now + iat_offset + lifetime}

    return build


def only(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda body: {name: body[name] for name in names if name in body}


def without_lti_claims(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if not name.startswith(PURL)}


# (keyword arguments for signed_launch, status, code); the login is never consumed by these.
BAD_PAYLOADS: dict[str, tuple[dict[str, Any], int, str]] = {
    "no-kid-in-header": ({"headers": {"kid": None}}, 401, "kid-missing"),
    "incorrect-kid": (
        {"headers": {"kid": "a-kid-the-platform-never-published"}},
        401,
        "kid-unknown",
    ),
    "wrong-lti-version": ({"changes": {VERSION: "1.1.0"}}, 400, "version-wrong"),
    "missing-lti-version": ({"changes": {VERSION: None}}, 400, "version-missing"),
    "invalid-lti-message": (
        {"build": only("iss", "aud", "sub", "iat", "exp", "nonce")},
        400,
        "message-type-missing",
    ),
    "missing-lti-claims": ({"build": without_lti_claims}, 400, "message-type-missing"),
    "timestamps-in-the-past": ({"build": shifted(-3600)}, 401, "token-expired"),
    "iat-in-the-future-beyond-leeway": (
        {"build": shifted(LEEWAY + 60)},
        401,
        "token-from-future",
    ),
    "message-type-missing": ({"changes": {MESSAGE_TYPE: None}}, 400, "message-type-missing"),
    "roles-missing": ({"changes": {ROLES: None}}, 400, "roles-missing"),
    "deployment-id-missing": ({"changes": {DEPLOYMENT_ID: None}}, 400, "deployment-id-missing"),
    "resource-link-id-missing": (
        {"changes": {RESOURCE_LINK: {"title": "Mentoring Web"}}},
        400,
        "resource-link-id-missing",
    ),
    "sub-missing": ({"changes": {"sub": None}}, 400, "sub-missing"),
}


def _hs256(kid: str) -> Callable[[dict[str, Any]], str]:
    return lambda body: jwt.encode(body, HMAC_SECRET, algorithm="HS256", headers={"kid": kid})


def _alg_none(kid: str) -> Callable[[dict[str, Any]], str]:
    return lambda body: jwt.encode(body, None, algorithm="none", headers={"kid": kid})


# Security Framework §5.1.3 and LTI Core checks beyond the certification list. A value may be a
# callable taking the platform, for cases that need its kid or client_id.
SECURITY_CASES: dict[str, tuple[Any, int, str]] = {
    "signed-with-another-key-under-the-platform-kid": (
        lambda p: {"key": attacker_key()},
        401,
        "signature-invalid",
    ),
    "alg-none": (lambda p: {"encode": _alg_none(p.key.kid)}, 401, "alg-not-allowed"),
    "alg-hs256": (lambda p: {"encode": _hs256(p.key.kid)}, 401, "alg-not-allowed"),
    "issuer-not-registered": (
        {"changes": {"iss": "https://lms.unregistered.example"}},
        401,
        "registration-unknown",
    ),
    "aud-not-our-client-id": (
        {"changes": {"aud": "another-tool", "azp": None}},
        401,
        "registration-unknown",
    ),
    "several-aud-without-azp": (
        lambda p: {"changes": {"aud": [p.client_id, "another-tool"], "azp": None}},
        401,
        "azp-missing",
    ),
    "azp-another-audience": (
        lambda p: {"changes": {"aud": [p.client_id, "another-tool"], "azp": "another-tool"}},
        401,
        "registration-unknown",
    ),
    "extra-untrusted-audience-even-with-our-azp": (
        lambda p: {"changes": {"aud": [p.client_id, "another-tool"], "azp": p.client_id}},
        401,
        "aud-untrusted",
    ),
    "azp-not-an-audience": (
        {"changes": {"azp": "another-tool"}},
        401,
        "azp-mismatch",
    ),
    "unknown-deployment": (
        {"changes": {DEPLOYMENT_ID: "a-deployment-nobody-registered"}},
        403,
        "deployment-unknown",
    ),
    "unknown-message-type": (
        {"changes": {MESSAGE_TYPE: "LtiSubmissionReviewRequest"}},
        400,
        "message-type-unsupported",
    ),
    "older-than-max-token-age": (
        {"build": shifted(-(MAX_TOKEN_AGE + LEEWAY + 30), lifetime=3600)},
        401,
        "token-too-old",
    ),
}

# Refused when the login is consumed: the token answers another login, or another target.
LOGIN_CASES: dict[str, tuple[dict[str, Any], int, str]] = {
    "nonce-not-the-logins": (
        {"changes": {"nonce": "a-nonce-from-another-login"}},
        401,
        "nonce-mismatch",
    ),
    "target-link-uri-not-the-logins": (
        {"changes": {TARGET_LINK_URI: TOOL_URL + "/lti/launch?somewhere=else"}},
        400,
        "target-link-uri-mismatch",
    ),
}


def _refused_and_nothing_written(
    app: Flask,
    platform: FakePlatform,
    client: FlaskClient,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> Attempt:
    attempt = signed_launch(platform, client, app=app, **kwargs)
    assert_refused(attempt.response, status, code)
    assert row_counts(app) == attempt.before
    return attempt


def _assert_login_still_usable(
    app: Flask, platform: FakePlatform, client: FlaskClient, attempt: Attempt
) -> None:
    """The platform's real token for the same login is still accepted after the refused one."""
    assert login_record(app, attempt.state) is not None, "a refused token consumed the login"
    token = platform.sign(platform.claims("priya", nonce=attempt.nonce))
    response = platform.post_id_token(client, token, attempt.state)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]


@pytest.mark.parametrize(
    ("kwargs", "status", "code"), BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys()
)
def test_certification_bad_payload_is_refused(
    app: Flask,
    client: FlaskClient,
    fake_platform: FakePlatform,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    attempt = _refused_and_nothing_written(app, fake_platform, client, kwargs, status, code)
    _assert_login_still_usable(app, fake_platform, client, attempt)


@pytest.mark.parametrize(
    ("case", "status", "code"), SECURITY_CASES.values(), ids=SECURITY_CASES.keys()
)
def test_security_framework_check_refuses(
    app: Flask,
    client: FlaskClient,
    fake_platform: FakePlatform,
    case: Any,
    status: int,
    code: str,
) -> None:
    kwargs = case(fake_platform) if callable(case) else case
    attempt = _refused_and_nothing_written(app, fake_platform, client, kwargs, status, code)
    _assert_login_still_usable(app, fake_platform, client, attempt)


@pytest.mark.parametrize(("kwargs", "status", "code"), LOGIN_CASES.values(), ids=LOGIN_CASES.keys())
def test_token_not_answering_the_login_is_refused(
    app: Flask,
    client: FlaskClient,
    fake_platform: FakePlatform,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    _refused_and_nothing_written(app, fake_platform, client, kwargs, status, code)


def test_inactive_deployment_is_refused_with_403(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    with app.app_context():
        platform = find_platform(db.session, fake_platform.issuer, fake_platform.client_id)
        set_deployment_active(db.session, platform, fake_platform.deployment_id, active=False)
        db.session.commit()
    attempt = _refused_and_nothing_written(
        app, fake_platform, client, {}, 403, "deployment-inactive"
    )
    assert "switched off" in error_message(attempt.response)


# Replay, state and login lifetime ----------------------------------------------------------------


def test_replayed_id_token_and_state_are_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    first = signed_launch(fake_platform, client)
    assert follow(client, first.response).status_code == 200
    before = row_counts(app)

    again = fake_platform.post_id_token(client, first.id_token, first.state)

    assert_refused(again, 401, "launch-replayed")
    assert row_counts(app) == before


def test_replay_from_another_browser_is_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    """Someone who copied id_token + state (a proxy log, a shared screen) from a finished launch."""
    first = signed_launch(fake_platform, client)
    assert first.response.status_code == 200
    before = row_counts(app)
    other = app.test_client()

    without_cookie = fake_platform.post_id_token(other, first.id_token, first.state)
    # The state cookie only echoes the state, so an attacker can forge it; the login is still gone.
    other.set_cookie("lti1p3-" + first.state, first.state)
    with_forged_cookie = fake_platform.post_id_token(other, first.id_token, first.state)

    assert_refused(without_cookie, 401, "state-cookie-missing")
    assert_refused(with_forged_cookie, 401, "launch-replayed")
    assert row_counts(app) == before


def test_state_parameter_not_matching_the_cookie_is_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    state, nonce, _query = fake_platform.begin_login(client, "priya")
    token = fake_platform.sign(fake_platform.claims("priya", nonce=nonce))
    before = row_counts(app)

    response = fake_platform.post_id_token(client, token, "state-not-the-one-in-the-cookie")

    assert_refused(response, 401, "state-cookie-missing")
    assert row_counts(app) == before
    assert login_record(app, state) is not None


@pytest.mark.parametrize(
    ("field", "code"), [("state", "state-missing"), ("id_token", "id-token-missing")]
)
def test_launch_without_state_or_id_token_is_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, field: str, code: str
) -> None:
    state, nonce, _query = fake_platform.begin_login(client, "priya")
    form = {
        "id_token": fake_platform.sign(fake_platform.claims("priya", nonce=nonce)),
        "state": state,
    }
    del form[field]
    before = row_counts(app)

    response = client.post("/lti/launch", data=form)

    assert_refused(response, 400, code)
    assert row_counts(app) == before


@pytest.mark.parametrize("app_overrides", [{"LTI_LOGIN_STATE_SECONDS": 1}])
def test_expired_login_is_refused(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, nonce, _query = fake_platform.begin_login(client, "priya")
    token = fake_platform.sign(fake_platform.claims("priya", nonce=nonce))
    if app.config.get("REDIS_URL"):
        time.sleep(1.5)  # Redis expires the login itself
    else:  # the database store reads the clock: move it on instead of waiting
        moved = utcnow() + timedelta(seconds=2)
        monkeypatch.setattr("lti_tool.lti.state_store.utcnow", lambda: moved)
    before = row_counts(app)

    response = fake_platform.post_id_token(client, token, state)

    assert_refused(response, 401, "launch-replayed")
    assert "expired" in error_message(response)
    assert row_counts(app) == before


# Accepted despite something unusual -----------------------------------------------------------------


def test_platform_clock_30_seconds_ahead_is_accepted(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    attempt = signed_launch(fake_platform, client, build=shifted(30))
    assert follow(client, attempt.response).status_code == 200


def test_unknown_extra_claims_are_ignored(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    extra = {
        "https://purl.imsglobal.org/spec/lti/claim/a_future_claim": {"anything": [1, 2]},
        "https://lms.example/claims/tenant": "board-42",
        "unregistered_plain_claim": True,
        CONTEXT: {"id": "demo-course-1", "title": "Demo", "type": ["urn:lms:unknown-type"]},
    }
    attempt = signed_launch(fake_platform, client, changes=extra)
    page = follow(client, attempt.response)
    assert page.status_code == 200
    assert row_counts(app)["lti_membership"] == 1


# Platform key sets (JWKS) ---------------------------------------------------------------------------


class _Clock:
    """`time` for jwks_cache only, running `offset` seconds ahead: the cache's age, not the token's."""

    def __init__(self, offset: float) -> None:
        self.offset = offset

    def time(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    def advance(seconds: float) -> None:
        monkeypatch.setattr("lti_tool.lti.jwks_cache.time", _Clock(seconds))

    return advance


def test_a_cached_key_set_serves_several_launches_with_one_fetch(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    with served_requests(fake_platform) as fetches:
        for user_key in ("priya", "zoe", "amelie", "marc"):
            assert fake_platform.launch(client, user_key).status_code == 200
    assert len(fetches) == 1


def test_incorrect_kid_refetches_the_key_set_at_most_once(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, later: Callable[[float], None]
) -> None:
    assert fake_platform.launch(client, "zoe").status_code == 200  # the key set is now cached
    later(3600 - 1)  # long after the last fetch, just inside the cache lifetime
    with served_requests(fake_platform) as fetches:
        attempt = signed_launch(fake_platform, client, headers={"kid": "an-unknown-kid"})
    assert_refused(attempt.response, 401, "kid-unknown")
    assert len(fetches) == 1


def test_a_stream_of_unknown_kids_does_not_make_a_fetch_each(
    client: FlaskClient, fake_platform: FakePlatform, later: Callable[[float], None]
) -> None:
    """The kid-miss refetch is rate-limited per key set, so the tool is no fetch amplifier."""
    assert fake_platform.launch(client, "zoe").status_code == 200
    later(120)
    with served_requests(fake_platform) as fetches:
        for number in range(3):
            attempt = signed_launch(fake_platform, client, headers={"kid": f"invented-{number}"})
            assert_refused(attempt.response, 401, "kid-unknown")
    assert len(fetches) == 1


def test_platform_key_rotation_is_picked_up_on_the_kid_miss(
    client: FlaskClient, fake_platform: FakePlatform, later: Callable[[float], None]
) -> None:
    assert fake_platform.launch(client, "priya").status_code == 200
    old_key = fake_platform.key
    new_key = fake_platform.rotate_key()
    assert new_key.kid != old_key.kid
    later(120)  # the platform rotated some time after our last fetch

    with served_requests(fake_platform) as fetches:
        rotated = fake_platform.launch(client, "priya")
        # Another person launches in another browser (in this one, it would end priya's launch).
        again = fake_platform.launch(client.application.test_client(), "zoe")
        retired = signed_launch(fake_platform, client, key=old_key, headers={"kid": old_key.kid})

    assert follow(client, rotated).status_code == 200
    assert again.status_code == 200
    assert_refused(retired.response, 401, "kid-unknown")  # the platform no longer publishes it
    assert len(fetches) == 1  # one refetch for the new kid, then the cache serves it


# The login request (OIDC third-party-initiated login) is checked before anything is redirected.
LOGIN_REQUEST_CASES: dict[str, tuple[dict[str, Any], int, str]] = {
    "target-link-uri-on-another-site": (
        {"target_link_uri": "https://evil.example/lti/launch"},
        400,
        "target-link-uri-foreign",
    ),
    "no-target-link-uri": ({"target_link_uri": None}, 400, "target-link-uri-missing"),
    "no-issuer": ({"iss": None}, 400, "iss-missing"),
    "no-login-hint": ({"login_hint": None}, 400, "login-hint-missing"),
    "unregistered-issuer": (
        {"iss": "https://lms.unregistered.example"},
        401,
        "registration-unknown",
    ),
    "unregistered-client-id": ({"client_id": "not-our-client"}, 401, "registration-unknown"),
}


@pytest.mark.parametrize(
    ("changes", "status", "code"), LOGIN_REQUEST_CASES.values(), ids=LOGIN_REQUEST_CASES.keys()
)
def test_bad_login_request_is_refused_before_any_redirect(
    app: Flask,
    client: FlaskClient,
    fake_platform: FakePlatform,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    params = fake_platform.login_params("priya", TOOL_URL + "/lti/launch")
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    before = row_counts(app)
    response = post_login(client, params)
    assert_refused(response, status, code)
    assert "Location" not in response.headers
    assert row_counts(app) == before
