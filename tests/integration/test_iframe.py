"""The tool inside an LMS iframe: third-party cookies, framing rules, and browsers that block cookies.

Production cookies must be `Secure; SameSite=None; Partitioned; HttpOnly` or Chrome drops them in
the LMS iframe; behind a TLS-terminating proxy that holds only if the forwarded scheme is trusted
(ProxyFix). Framing is allowed to the registered platforms through CSP `frame-ancestors`, never
with a global `X-Frame-Options: DENY`. When cookies are blocked, the user gets a way forward: the
tool offers to continue in a new window, carrying the original login parameters.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_tool.extensions import db
from lti_tool.lti.registrations import find_platform, invalidate_frame_origins, update_platform
from tests.fake_platform import TOOL_HTTPS_URL, FakePlatform
from tests.lti_helpers import (
    TARGET_LINK_URI,
    assert_refused,
    launch_path,
    link_href,
    page_text,
    post_login,
    query_of,
    row_counts,
)

PRODUCTION_COOKIES = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "None",
    "SESSION_COOKIE_PARTITIONED": True,
    "PREFERRED_URL_SCHEME": "https",
}
BEHIND_PROXY = {**PRODUCTION_COOKIES, "TRUST_PROXY_HOPS": 1}
FORWARDED_TLS = {"X-Forwarded-Proto": "https"}
IFRAME_FLAGS = {"secure", "samesite=none", "partitioned", "httponly"}
SESSION_COOKIE = "mentoring_web_session"
STATE_COOKIE_PREFIX = "lti1p3-state-"
NEW_WINDOW = "Open Mentoring Web in a new window"


@pytest.fixture
def app_overrides() -> dict:
    return PRODUCTION_COOKIES


@pytest.fixture
def https_client(app: Flask) -> FlaskClient:
    return app.test_client()


def cookie_flags(response: TestResponse, name_prefix: str) -> set[str]:
    """The attributes of the one Set-Cookie whose name starts with `name_prefix`, lower-cased."""
    found = [
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith(name_prefix)
    ]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return {part.strip().lower() for part in found[0].split(";")[1:]}


def _launch_over_https(
    platform: FakePlatform, client: FlaskClient, **request: object
) -> tuple[TestResponse, TestResponse]:
    """Login then launch, each request as `request` (base_url/headers) says; returns both answers."""
    params = platform.login_params("priya", TOOL_HTTPS_URL + "/lti/launch")
    login = post_login(client, params, **request)
    assert login.status_code == 302, login.get_data(as_text=True)[:800]
    query = query_of(login.headers["Location"])
    assert query["redirect_uri"] == TOOL_HTTPS_URL + "/lti/launch"
    claims = platform.claims("priya", nonce=query["nonce"])
    claims[TARGET_LINK_URI] = TOOL_HTTPS_URL + "/lti/launch"
    form = {"id_token": platform.sign(claims), "state": query["state"]}
    launch = client.post("/lti/launch", data=form, **request)
    return login, launch


def test_cookies_over_https_are_iframe_capable(
    https_client: FlaskClient, fake_platform: FakePlatform
) -> None:
    login, launch = _launch_over_https(fake_platform, https_client, base_url=TOOL_HTTPS_URL)

    assert launch.status_code == 200, launch.get_data(as_text=True)[:800]
    assert cookie_flags(login, STATE_COOKIE_PREFIX) >= IFRAME_FLAGS
    assert cookie_flags(launch, SESSION_COOKIE) >= IFRAME_FLAGS


@pytest.mark.parametrize("app_overrides", [BEHIND_PROXY])
def test_behind_a_tls_proxy_the_same_flags_appear(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    """Plain http from the proxy, with X-Forwarded-Proto: https (TRUST_PROXY_HOPS=1)."""
    login, launch = _launch_over_https(fake_platform, client, headers=FORWARDED_TLS)

    assert launch.status_code == 200, launch.get_data(as_text=True)[:800]
    assert launch.headers["Content-Location"].startswith("/l/")
    assert cookie_flags(login, STATE_COOKIE_PREFIX) >= IFRAME_FLAGS
    assert cookie_flags(launch, SESSION_COOKIE) >= IFRAME_FLAGS


def _frame_ancestors(response: TestResponse) -> list[str]:
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, _space, sources = directive.strip().partition(" ")
        if name == "frame-ancestors":
            return sources.split()
    raise AssertionError("no frame-ancestors directive")


def test_frame_ancestors_lists_self_and_registered_platforms_only(
    app: Flask, https_client: FlaskClient, fake_platform: FakePlatform
) -> None:
    board = "https://board-42.instructure.example"
    with app.app_context():
        platform = find_platform(db.session, fake_platform.issuer, fake_platform.client_id)
        update_platform(db.session, platform, frame_origins=[board + "/courses"], allow_http=True)
        db.session.commit()
    invalidate_frame_origins()
    _login, launch = _launch_over_https(fake_platform, https_client, base_url=TOOL_HTTPS_URL)

    for path in ("/", launch_path(launch)):
        response = https_client.get(path, base_url=TOOL_HTTPS_URL)
        assert response.status_code == 200
        ancestors = _frame_ancestors(response)
        assert set(ancestors) == {"'self'", fake_platform.issuer, board}
        assert "https://lms.unregistered.example" not in response.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in response.headers


def test_cookie_check_page_offers_a_new_window_with_the_login_parameters(
    https_client: FlaskClient, fake_platform: FakePlatform
) -> None:
    login_url = TOOL_HTTPS_URL + "/lti/login"
    params = fake_platform.login_params("priya", TOOL_HTTPS_URL + "/lti/launch")

    page = https_client.post(login_url, data=params)

    assert page.status_code == 200
    assert "Location" not in page.headers
    href = link_href(page, NEW_WINDOW)
    assert href is not None
    new_window_url = urljoin(login_url, href)
    assert new_window_url.startswith(login_url + "?")
    assert query_of(new_window_url) == {**params, "lti1p3_new_window": "1"}

    opened = https_client.get(new_window_url)  # the new window: a first-party context

    assert opened.status_code == 302
    assert opened.headers["Location"].startswith(fake_platform.url("/auth?"))
    assert query_of(opened.headers["Location"])["login_hint"] == "priya"
    assert cookie_flags(opened, STATE_COOKIE_PREFIX) >= IFRAME_FLAGS


def test_launch_without_the_state_cookie_says_to_open_the_tool_again(
    app: Flask, fake_platform: FakePlatform
) -> None:
    """No "continue in a new window" here: it would replay the login's lti_message_hint, which
    the LMS has spent by now (platforms may make hints single-use)."""
    blocked = app.test_client(use_cookies=False)  # a browser that blocks third-party cookies
    params = fake_platform.login_params("priya", TOOL_HTTPS_URL + "/lti/launch")
    login = post_login(blocked, params, https=True)
    query = query_of(login.headers["Location"])
    claims = fake_platform.claims("priya", nonce=query["nonce"])
    claims[TARGET_LINK_URI] = TOOL_HTTPS_URL + "/lti/launch"
    before = row_counts(app)

    response = fake_platform.post_id_token(
        blocked, fake_platform.sign(claims), query["state"], https=True
    )

    assert_refused(response, 401, "state-cookie-missing")
    assert row_counts(app) == before
    assert link_href(response, NEW_WINDOW) is None
    assert params["lti_message_hint"] not in response.get_data(as_text=True)
    text = page_text(response)
    assert "Go back to your course and open the tool again" in text
    assert "offers to continue in a new window" in text


def test_https_responses_carry_hsts_and_plain_http_ones_do_not(
    https_client: FlaskClient,
) -> None:
    secure = https_client.get("/", base_url=TOOL_HTTPS_URL)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = https_client.get("/", base_url="http://localhost")
    assert "Strict-Transport-Security" not in plain.headers  # RFC 6797 §7.2: https only


@pytest.mark.parametrize("app_overrides", [BEHIND_PROXY])
def test_behind_a_tls_proxy_responses_carry_hsts(client: FlaskClient) -> None:
    response = client.get("/healthz", base_url="http://localhost", headers=FORWARDED_TLS)
    assert "Strict-Transport-Security" in response.headers
