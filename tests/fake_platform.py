"""The `fake_platform` fixture: the development platform on a real HTTP port, registered with the tool.

The tool runs under the Flask test client, and the platform runs over real HTTP (werkzeug, in a
daemon thread) so the tool's own `requests` calls (JWKS, token, AGS, NRPS) reach it. The platform
fetches the tool's JWKS through the tool's test client: once at setup, and again only for an
unknown kid, as a real LMS caches it. That keeps the server thread off the tool's database, which
under in-memory SQLite is one connection shared with the test.

Use it from tests/conftest.py with `from tests.fake_platform import fake_platform  # noqa: F401`.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from html import unescape
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urljoin, urlsplit

import jwt
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.test import TestResponse

from lti_tool.devplatform.autopost import AutoPostForm
from lti_tool.devplatform.course import Course, Member, ResourceLink
from lti_tool.devplatform.launches import Launches
from lti_tool.devplatform.platform_app import PlatformSettings, create_platform_app
from lti_tool.devplatform.runtime import DevPlatform
from lti_tool.devplatform.signer import RESOURCE_LINK_REQUEST, PlatformKey
from lti_tool.devplatform.state import PlatformState

TOOL_URL = "http://localhost"  # the Flask test client's default host
TOOL_HTTPS_URL = "https://localhost"
TOOL_LOGIN_URL = TOOL_URL + "/lti/login"
TOOL_LAUNCH_URL = TOOL_URL + "/lti/launch"
TOOL_JWKS_URL = TOOL_URL + "/lti/jwks"
CLIENT_ID = "mentoring-web-test"
DEPLOYMENT_ID = "test-deployment-1"
HTTP_TIMEOUT = 10


@cache
def platform_key() -> PlatformKey:
    """One platform key per test session: RSA generation is the slow part of this fixture."""
    return PlatformKey.generate()


class LoginRedirect(NamedTuple):
    """What the tool's /lti/login sent the browser to the platform with."""

    state: str
    nonce: str
    query: dict[str, str]


class _DeferredApp:
    """Lets the server bind (and learn its port) before the platform app, which needs the URL."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@dataclass
class FakePlatform:
    tool_app: Flask
    platform_app: Flask
    settings: PlatformSettings

    @property
    def issuer(self) -> str:
        return self.settings.issuer

    @property
    def client_id(self) -> str:
        return self.settings.client_id

    @property
    def deployment_id(self) -> str:
        return self.settings.deployment_id

    @property
    def key(self) -> PlatformKey:
        return self.settings.key

    @property
    def state(self) -> PlatformState:
        return self.platform_app.extensions["dev_platform_state"]

    @property
    def course(self) -> Course:
        return self.settings.course

    def url(self, path: str) -> str:
        return self.settings.url(path)

    def member(self, user_key: str) -> Member:
        member = self.state.member(self.settings.course, user_key)
        assert member is not None, f"no member {user_key!r} on the fake platform"
        return member

    def link(self, message_type: str = RESOURCE_LINK_REQUEST) -> ResourceLink:
        return self._launches.default_link(message_type)

    def claims(
        self, user_key: str, message_type: str = RESOURCE_LINK_REQUEST, **overrides: Any
    ) -> dict[str, Any]:
        """A fresh id_token body; overrides are `launch_claims()` keywords (nonce=, roles=, ...)."""
        overrides.setdefault("nonce", secrets.token_urlsafe(16))
        nonce = overrides.pop("nonce")
        return self._launches.claims(
            self.member(user_key), self.link(message_type), nonce=nonce, **overrides
        )

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        return self.key.sign(claims, headers)

    def login_params(
        self,
        user_key: str,
        target_link_uri: str | None = None,
        message_type: str = RESOURCE_LINK_REQUEST,
        *,
        link: ResourceLink | None = None,
        **extra: str,
    ) -> dict[str, str]:
        """What the platform sends to the tool's /lti/login (third-party-initiated login)."""
        params = self._launches.login_params(
            self.member(user_key), link or self.link(message_type), target_link_uri
        )
        return {**params, **extra}

    def begin_login(
        self,
        client: FlaskClient,
        user_key: str,
        message_type: str = RESOURCE_LINK_REQUEST,
        *,
        target_link_uri: str | None = None,
        https: bool = False,
    ) -> LoginRedirect:
        """POST the login to the tool and return the state and nonce it sent to /auth."""
        return self._login(client, user_key, message_type, target_link_uri, https)[0]

    def _login(
        self,
        client: FlaskClient,
        user_key: str,
        message_type: str,
        target_link_uri: str | None,
        https: bool,
        link: ResourceLink | None = None,
    ) -> tuple[LoginRedirect, str]:
        base = TOOL_HTTPS_URL if https else TOOL_URL
        target = target_link_uri or (base + "/lti/launch")
        login_url = base + "/lti/login"
        response = client.post(
            login_url,
            data=self.login_params(user_key, target, message_type, link=link),
            headers={"Referer": self.url("/")},
        )
        continue_url = _cookie_check_continue_url(response)
        if continue_url is not None:  # do what the cookie-check script does when cookies work
            response = client.get(urljoin(login_url, continue_url), headers={"Referer": login_url})
        location = response.headers.get("Location", "")
        assert response.status_code == 302, (
            f"/lti/login answered {response.status_code}, not a redirect: "
            f"{response.get_data(as_text=True)[:500]}"
        )
        assert location.startswith(self.url("/auth")), f"login redirected to {location}"
        query = dict(parse_qsl(urlsplit(location).query))
        return LoginRedirect(query.get("state", ""), query.get("nonce", ""), query), location

    def post_id_token(
        self, client: FlaskClient, id_token: str, state: str, *, https: bool = False
    ) -> TestResponse:
        """POST an id_token to the tool's redirect_uri, as the platform's auto-post form does."""
        base = TOOL_HTTPS_URL if https else TOOL_URL
        return client.post(
            base + "/lti/launch",
            data={"id_token": id_token, "state": state},
            headers={"Referer": self.url("/auth")},
        )

    def launch(
        self,
        client: FlaskClient,
        user_key: str,
        message_type: str = RESOURCE_LINK_REQUEST,
        claims_overrides: dict[str, Any] | None = None,
        https: bool = False,
        *,
        link: ResourceLink | None = None,
    ) -> TestResponse:
        """The real flow: tool login → platform /auth over HTTP → auto-post form → tool launch.

        `link` is the placement launched (a deep-linked one, say); by default the course's first.

        If the tool's login first answers with its cookie-check page, the helper follows the page's
        continue URL, as the page's script does in a browser that keeps cookies.

        `claims_overrides` maps claim names to values (None removes the claim); the platform's
        id_token is decoded, changed and signed again with the same key and header.
        """
        _redirect, location = self._login(client, user_key, message_type, None, https, link)
        with requests.Session() as http:
            page = http.get(location, timeout=HTTP_TIMEOUT)
        assert page.status_code == 200, f"/auth refused: {page.status_code} {page.text[:500]}"
        form = AutoPostForm()
        form.feed(page.text)
        id_token, state = form.fields.get("id_token", ""), form.fields.get("state", "")
        assert id_token, "the platform's auto-post form carries no id_token"
        if claims_overrides:
            id_token = self._resign(id_token, claims_overrides)
        return self.post_id_token(client, id_token, state, https=https)

    def refresh_tool_jwks(self) -> None:
        """Fetch the tool's JWKS now (after rotating tool keys), instead of on the next miss."""
        fresh = self.settings.fetch_tool_jwks()
        with self.state.lock:
            self.state.tool_jwks = fresh

    def rotate_key(self, new_key: PlatformKey | None = None) -> PlatformKey:
        """Switch to a new signing key, as Brightspace does about hourly.

        From now on the platform's JWKS serves only the new key and /auth signs with it; the
        platform's state (gradebook, tokens, message hints) is kept.
        """
        key = new_key or PlatformKey.generate()
        self.settings = replace(self.settings, key=key)
        state = self.state
        launches = Launches(self.settings, state, self.platform_app.config["SECRET_KEY"])
        self.platform_app.extensions["dev_platform"] = DevPlatform(self.settings, state, launches)
        return key

    def _resign(self, id_token: str, overrides: dict[str, Any]) -> str:
        claims = jwt.decode(id_token, options={"verify_signature": False})
        for name, value in overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return self.sign(claims, jwt.get_unverified_header(id_token))

    @property
    def _launches(self) -> Launches:
        return self.platform_app.extensions["dev_platform"].launches


def _cookie_check_continue_url(response: TestResponse) -> str | None:
    """The tool may first answer with a page that checks cookies work, then continues by script."""
    if response.status_code != 200 or response.mimetype != "text/html":
        return None
    match = re.search(r'data-continue-url="([^"]*)"', response.get_data(as_text=True))
    return unescape(match.group(1)) if match else None


def _tool_jwks_fetcher(tool_app: Flask) -> Callable[[], dict[str, Any]]:
    def fetch() -> dict[str, Any]:
        response = tool_app.test_client().get("/lti/jwks")
        assert response.status_code == 200, f"tool JWKS answered {response.status_code}"
        return response.get_json()

    return fetch


def _register_with_tool(tool_app: Flask, settings: PlatformSettings) -> None:
    from lti_tool.extensions import db
    from lti_tool.lti.keys import generate_key
    from lti_tool.lti.registrations import PlatformValues, add_platform, invalidate_frame_origins

    with tool_app.app_context():
        generate_key(db.session)
        values = PlatformValues(
            issuer=settings.issuer,
            client_id=settings.client_id,
            auth_login_url=settings.url("/auth"),
            auth_token_url=settings.url("/token"),
            key_set_url=settings.url("/jwks"),
            name="Fake platform",
        )
        add_platform(db.session, values, [settings.deployment_id], allow_http=True)
        db.session.commit()
    invalidate_frame_origins()  # the CSP frame-ancestors cache is per process


@contextmanager
def serve_fake_platform(
    tool_app: Flask, *, register: bool = True, **settings_overrides: Any
) -> Iterator[FakePlatform]:
    """Start a platform on 127.0.0.1:<free port>; settings_overrides are PlatformSettings fields."""
    deferred = _DeferredApp()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, deferred, threaded=True)
    values: dict[str, Any] = {
        "issuer": f"http://127.0.0.1:{server.server_port}",
        "client_id": CLIENT_ID,
        "deployment_id": DEPLOYMENT_ID,
        "tool_login_url": TOOL_LOGIN_URL,
        "tool_launch_url": TOOL_LAUNCH_URL,
        "tool_jwks_url": TOOL_JWKS_URL,
        "key": platform_key(),
        "tool_jwks_fetcher": _tool_jwks_fetcher(tool_app),
        "extra_redirect_uris": (TOOL_HTTPS_URL + "/lti/launch",),
        **settings_overrides,
    }
    settings = PlatformSettings(**values)
    platform = FakePlatform(tool_app, create_platform_app(settings), settings)
    deferred.app = platform.platform_app
    thread = threading.Thread(
        target=server.serve_forever,
        # shutdown() waits for the loop's next poll: at 50 ms, half a second per twenty tests.
        kwargs={"poll_interval": 0.005},
        name="fake-platform",
        daemon=True,
    )
    thread.start()
    try:
        if register:
            _register_with_tool(tool_app, settings)
            platform.refresh_tool_jwks()
        yield platform
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def fake_platform(app: Flask) -> Iterator[FakePlatform]:
    with serve_fake_platform(app) as platform:
        yield platform
