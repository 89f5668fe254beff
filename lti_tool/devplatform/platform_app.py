"""The development platform as its own Flask app: a small LMS with its own secret, session and CSP.

It is separate from the tool on purpose, as a real LMS is: the tool reaches it only over HTTP (or
through the WSGI mount in development), with the URLs an administrator would register. Every URL
it puts in a token, a claim or a Link header is built from `settings.issuer`, never from the
request's host, so the same app works mounted under `/dev-platform` or standalone on a port.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from flask import Flask, Response, g, request
from flask_babel import Babel, get_locale

from lti_tool import paths
from lti_tool.devplatform.course import DEMO_COURSE, Course
from lti_tool.devplatform.launches import Launches
from lti_tool.devplatform.runtime import (
    SERVICE_BLUEPRINTS,
    DevPlatform,
    current_platform,
    service_gate,
)
from lti_tool.devplatform.signer import PlatformKey
from lti_tool.devplatform.state import PlatformState, RecordedRequest

LANGUAGES = ("en", "fr")
MAX_RECORDED_REQUESTS = 500


@dataclass(frozen=True)
class PlatformSettings:
    """What the LMS administrator typed in when registering the tool, plus the platform's key."""

    issuer: str  # also the platform's base URL: endpoints are issuer + "/auth", "/token", ...
    client_id: str
    deployment_id: str
    tool_login_url: str
    tool_launch_url: str  # the registered redirect_uri and the default target_link_uri
    tool_jwks_url: str
    key: PlatformKey
    tool_jwks_fetcher: Callable[[], dict[str, Any]] | None = None  # None: GET tool_jwks_url
    extra_redirect_uris: tuple[str, ...] = ()  # LMSs accept a list of redirect URIs
    course: Course = DEMO_COURSE
    nrps_page_size: int = 2  # small, so tools must follow rel="next"
    token_lifetime: int = 3600
    http_timeout: float = 10.0
    name: str = "Mentoring Web development platform"
    secret_key: str | None = field(default=None, repr=False)  # None: a random one per process

    def url(self, path: str) -> str:
        return self.issuer.rstrip("/") + path

    def lineitems_url(self, context_id: str) -> str:
        return self.url(f"/contexts/{quote(context_id, safe='')}/lineitems")

    def lineitem_url(self, context_id: str, number: int) -> str:
        return f"{self.lineitems_url(context_id)}/{number}"

    def memberships_url(self, context_id: str) -> str:
        return self.url(f"/contexts/{quote(context_id, safe='')}/memberships")

    @property
    def redirect_uris(self) -> tuple[str, ...]:
        return (self.tool_launch_url, *self.extra_redirect_uris)

    def fetch_tool_jwks(self) -> dict[str, Any]:
        if self.tool_jwks_fetcher is not None:
            return self.tool_jwks_fetcher()
        response = requests.get(self.tool_jwks_url, timeout=self.http_timeout)
        response.raise_for_status()
        return response.json()


def create_platform_app(settings: PlatformSettings, state: PlatformState | None = None) -> Flask:
    from lti_tool.devplatform import ags, nrps, oauth, oidc, pages

    app = Flask(
        __name__,
        template_folder=str(paths.TEMPLATES_DIR),
        static_folder=str(paths.PACKAGE_ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_NAME="dev_platform_session",
        SESSION_COOKIE_SAMESITE="Lax",
    )
    Babel(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(paths.TRANSLATIONS_DIR),
    )
    state = state if state is not None else PlatformState()
    platform = DevPlatform(settings, state, Launches(settings, state, app.config["SECRET_KEY"]))
    app.extensions["dev_platform"] = platform
    app.extensions["dev_platform_state"] = state
    app.jinja_env.globals.update(csp_nonce=_csp_nonce, current_locale_code=_locale_code)

    for module in (pages, oidc, oauth, ags, nrps):
        app.register_blueprint(module.blueprint)
    app.before_request(_record_request)
    app.before_request(service_gate)
    app.after_request(_security_headers)
    return app


def _select_locale() -> str | None:
    requested = request.args.get("lang")
    if requested in LANGUAGES:
        return requested
    return request.accept_languages.best_match(LANGUAGES)


def _locale_code() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _record_request() -> None:
    if request.blueprint not in SERVICE_BLUEPRINTS:
        return
    scheme = request.headers.get("Authorization", "").partition(" ")[0] or None
    current_platform().state.record_request(
        RecordedRequest(
            method=request.method,
            path=request.path,
            query=request.query_string.decode("latin-1"),
            content_type=request.content_type,
            accept=request.headers.get("Accept"),
            authorization_scheme=scheme,
        ),
        keep=MAX_RECORDED_REQUESTS,
    )


def _security_headers(response: Response) -> Response:
    """The platform's own CSP: it frames the tool, and its auto-post page runs one nonce'd script."""
    if response.mimetype == "text/html":
        tool = urlsplit(current_platform().settings.tool_launch_url)
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'nonce-{_csp_nonce()}'; style-src 'self'; "
            f"frame-src 'self' {tool.scheme}://{tool.netloc}; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'self'"
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
