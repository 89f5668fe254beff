"""The token request an LMS receives from the tool, and what the tool makes of the LMS's answer.

The fake LMS runs over real HTTP and checks the client assertion for real (signature against the
tool's JWKS, iss, sub, aud, exp, a single-use jti). On top of that, these tests read the request
as it arrived, byte for byte parsed back into its form fields, and verify the assertion here too,
against the public key the tool publishes: what IMS Security Framework §4.1 asks and what Canvas,
Moodle, Brightspace and Blackboard check.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

import jwt
import pytest
import requests
from flask import Flask
from werkzeug.wrappers import Response

from lti_tool.devplatform.signer import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_SCORE
from lti_tool.extensions import db
from lti_tool.lti.keys import active_key
from lti_tool.lti.registrations import find_platform
from lti_tool.lti.service_client import ASSERTION_LIFETIME, ServiceCallError, ServiceClient
from tests.fake_platform import FakePlatform

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Any]


@dataclass(frozen=True)
class TokenRequest:
    """One request to the LMS's token URL, as the LMS received it."""

    method: str
    content_type: str
    accept: str
    authorization: str | None
    fields: list[tuple[str, str]]

    def field(self, name: str) -> str:
        [value] = [v for k, v in self.fields if k == name]
        return value


def _wrap_token_url(fake_platform: FakePlatform, wrap: Callable[[Wsgi], Wsgi]) -> None:
    inner = fake_platform.platform_app.wsgi_app
    wrapped = wrap(inner)

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/token":
            return wrapped(environ, start_response)
        return inner(environ, start_response)

    fake_platform.platform_app.wsgi_app = dispatch  # type: ignore[method-assign]


@pytest.fixture
def token_requests(fake_platform: FakePlatform) -> list[TokenRequest]:
    """Every token request the fake LMS receives; the LMS still answers it as it would."""
    seen: list[TokenRequest] = []

    def recording(inner: Wsgi) -> Wsgi:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            seen.append(
                TokenRequest(
                    method=environ["REQUEST_METHOD"],
                    content_type=environ.get("CONTENT_TYPE", ""),
                    accept=environ.get("HTTP_ACCEPT", ""),
                    authorization=environ.get("HTTP_AUTHORIZATION"),
                    fields=parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True),
                )
            )
            return inner(environ, start_response)

        return app

    _wrap_token_url(fake_platform, recording)
    return seen


def _answer_token_requests(fake_platform: FakePlatform, answer: Response) -> None:
    _wrap_token_url(fake_platform, lambda _inner: answer)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _client(
    app: Flask, fake_platform: FakePlatform, http: requests.Session, scopes: tuple[str, ...]
) -> ServiceClient:
    with app.app_context():
        platform = find_platform(db.session, fake_platform.issuer, fake_platform.client_id)
        key = active_key(db.session)
        assert platform is not None
        assert key is not None
        client = ServiceClient(
            platform, key, scopes, app.extensions["lti_state_store"], http, timeout=5
        )
        db.session.rollback()
    return client


def _verified(app: Flask, assertion: str, audience: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The assertion's header and claims, its signature checked against the tool's own JWKS."""
    header = jwt.get_unverified_header(assertion)
    jwks = app.test_client().get("/lti/jwks").get_json()
    [public] = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    claims = jwt.decode(
        assertion,
        jwt.PyJWK(public).key,
        algorithms=["RS256"],
        audience=audience,
        options={"require": ["iss", "sub", "aud", "iat", "exp", "jti"]},
    )
    return header, claims


def test_the_lms_receives_client_credentials_with_an_assertion_signed_by_the_tool_key(
    app: Flask,
    fake_platform: FakePlatform,
    http: requests.Session,
    token_requests: list[TokenRequest],
) -> None:
    client = _client(app, fake_platform, http, (SCOPE_SCORE, SCOPE_LINEITEM))
    with app.app_context():
        token = client.token()
        kid = active_key(db.session).kid

    assert token in fake_platform.state.tokens  # the LMS verified the assertion and issued it
    [request] = token_requests
    assert request.method == "POST"
    assert request.content_type.startswith("application/x-www-form-urlencoded")
    assert request.accept == "application/json"
    assert request.authorization is None  # the assertion is the only credential, no Basic auth
    assert sorted(name for name, _value in request.fields) == [
        "client_assertion",
        "client_assertion_type",
        "grant_type",
        "scope",
    ]
    assert request.field("grant_type") == "client_credentials"
    assert request.field("client_assertion_type") == JWT_BEARER
    assert request.field("scope") == f"{SCOPE_LINEITEM} {SCOPE_SCORE}"  # space-separated, sorted

    header, claims = _verified(app, request.field("client_assertion"), fake_platform.url("/token"))
    assert header["alg"] == "RS256"
    assert header["kid"] == kid
    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "jti"}
    assert claims["iss"] == claims["sub"] == fake_platform.client_id
    assert claims["aud"] == fake_platform.url("/token")
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["exp"] - claims["iat"] == ASSERTION_LIFETIME
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 16


def test_every_assertion_has_a_jti_of_its_own(
    app: Flask,
    fake_platform: FakePlatform,
    http: requests.Session,
    token_requests: list[TokenRequest],
) -> None:
    client = _client(app, fake_platform, http, (SCOPE_SCORE,))
    with app.app_context():
        client.token()
        client.token(fresh=True)
        _client(app, fake_platform, http, (SCOPE_SCORE,)).token(fresh=True)

    assert fake_platform.state.tokens_issued == 3  # the LMS refuses a replayed jti
    jtis = [
        _verified(app, r.field("client_assertion"), fake_platform.url("/token"))[1]["jti"]
        for r in token_requests
    ]
    assert len(set(jtis)) == 3


def test_the_assertion_is_for_the_registrations_token_audience_when_it_has_one(
    app: Flask,
    fake_platform: FakePlatform,
    http: requests.Session,
    token_requests: list[TokenRequest],
) -> None:
    audience = "https://auth.lms.example/token"  # Brightspace's differs from its token URL
    with app.app_context():
        platform = find_platform(db.session, fake_platform.issuer, fake_platform.client_id)
        assert platform is not None
        platform.auth_audience = audience
        db.session.commit()
    client = _client(app, fake_platform, http, (SCOPE_SCORE,))

    with app.app_context(), pytest.raises(ServiceCallError) as refused:
        client.token()

    [request] = token_requests
    assertion = request.field("client_assertion")
    _header, claims = _verified(app, assertion, audience)
    assert claims["aud"] == audience
    # The fake LMS wants its own token URL as aud, so it refuses: the error says so, safely.
    assert refused.value.status == 401
    assert str(refused.value) == "HTTP 401: token request: invalid_client"
    assert assertion not in str(refused.value)


def test_a_token_serves_until_the_lms_refuses_it_then_a_fresh_one_is_asked_for(
    app: Flask,
    fake_platform: FakePlatform,
    http: requests.Session,
    token_requests: list[TokenRequest],
) -> None:
    client = _client(app, fake_platform, http, (SCOPE_NRPS,))
    url = fake_platform.url(f"/contexts/{fake_platform.course.id}/memberships")
    with app.app_context():
        client.call("GET", url, "roster page", headers={"Accept": NRPS_TYPE})
        client.call("GET", url, "roster page", headers={"Accept": NRPS_TYPE})
        assert len(token_requests) == 1  # cached in the state store

        fake_platform.state.expire_tokens()  # the LMS restarted: the cached token is refused
        response = client.call("GET", url, "roster page", headers={"Accept": NRPS_TYPE})

    assert response.status_code == 200
    assert len(token_requests) == 2
    assert fake_platform.state.tokens_issued == 2


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


@pytest.mark.parametrize(
    ("answer", "status", "message"),
    [
        pytest.param(
            _json(400, {"error": "invalid_scope", "error_description": "no"}),
            400,
            "HTTP 400: token request: invalid_scope",
            id="oauth-error",
        ),
        pytest.param(
            Response("<h1>Oops</h1>", status=500, mimetype="text/html"),
            500,
            "HTTP 500: token request: INTERNAL SERVER ERROR",
            id="server-error-page",
        ),
        pytest.param(
            Response("<h1>Welcome</h1>", mimetype="text/html"),
            200,
            "HTTP 200: token response: not JSON",
            id="not-json",
        ),
        pytest.param(
            _json(200, ["access_token"]),
            200,
            "HTTP 200: token response without access_token",
            id="not-an-object",
        ),
        pytest.param(
            _json(200, {"token_type": "Bearer", "expires_in": 3600}),
            200,
            "HTTP 200: token response without access_token",
            id="no-access-token",
        ),
        pytest.param(
            _json(200, {"access_token": "s3cret-token", "error": "invalid_scope"}),
            200,
            "HTTP 200: token request: invalid_scope",
            id="token-with-an-error",
        ),
        pytest.param(
            _json(200, {"access_token": "s3cret-token", "expires_in": "soon"}),
            200,
            "HTTP 200: token response: expires_in is not a number",
            id="expires-in-not-a-number",
        ),
    ],
)
def test_a_token_answer_the_tool_cannot_use_is_a_service_call_error(
    app: Flask,
    fake_platform: FakePlatform,
    http: requests.Session,
    answer: Response,
    status: int,
    message: str,
) -> None:
    _answer_token_requests(fake_platform, answer)
    client = _client(app, fake_platform, http, (SCOPE_SCORE,))

    with app.app_context():
        with pytest.raises(ServiceCallError) as refused:
            client.token()
        assert client.store.get_committed(client._cache_key) is None

    assert refused.value.status == status
    assert str(refused.value) == message
    assert "s3cret-token" not in str(refused.value)


def test_a_token_is_cached_for_its_lifetime_even_when_the_lms_writes_it_as_a_string(
    app: Flask, fake_platform: FakePlatform, http: requests.Session
) -> None:
    _answer_token_requests(
        fake_platform, _json(200, {"access_token": "lms-token", "expires_in": "3600"})
    )
    client = _client(app, fake_platform, http, (SCOPE_SCORE,))
    with app.app_context():
        assert client.token() == "lms-token"
        assert client.store.get_committed(client._cache_key) == "lms-token"


def test_an_lms_out_of_reach_is_a_network_error_without_status(
    app: Flask, fake_platform: FakePlatform, http: requests.Session
) -> None:
    client = _client(app, fake_platform, http, (SCOPE_SCORE,))
    client.credentials = replace(client.credentials, token_url="http://127.0.0.1:9/token")
    with app.app_context(), pytest.raises(ServiceCallError) as refused:
        client.token()
    assert refused.value.status is None
    assert str(refused.value) == "token request: ConnectionError"


def test_a_slow_token_endpoint_times_out(
    app: Flask, fake_platform: FakePlatform, http: requests.Session
) -> None:
    def slow(inner: Wsgi) -> Wsgi:
        def app_(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            time.sleep(0.3)
            return inner(environ, start_response)

        return app_

    _wrap_token_url(fake_platform, slow)
    client = _client(app, fake_platform, http, (SCOPE_SCORE,))
    client.timeout = 0.05
    with app.app_context(), pytest.raises(ServiceCallError) as refused:
        client.token()
    assert refused.value.status is None
    assert str(refused.value) == "token request: ReadTimeout"
