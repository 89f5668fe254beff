"""Helpers shared by the LTI launch tests: forged launches, what the user sees, what was written.

A "signed launch" is a real OIDC login (the tool sets its state cookie and stores the login record)
followed by an id_token the test builds and signs itself, so each certification case can change one
claim or header of an otherwise valid launch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from lti_tool.devplatform.signer import RESOURCE_LINK_REQUEST, PlatformKey
from lti_tool.extensions import db
from lti_tool.lti.login import login_record_key
from lti_tool.lti.models import StateEntry
from lti_tool.people.models import Context, Membership, User
from tests.fake_platform import TOOL_HTTPS_URL, TOOL_URL, FakePlatform

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
PURL = "https://purl.imsglobal.org/"

JWKS_CACHE_PREFIX = "jwks:"
COUNTED_TABLES = {"lti_user": User, "lti_context": Context, "lti_membership": Membership}


# What was written ---------------------------------------------------------------------------------


def row_counts(app: Flask) -> dict[str, int]:
    """Rows in the tables a launch writes, and in lti_state (logins, launches; empty with Redis).

    The platform key-set cache is left out of lti_state: it holds what the registered JWKS URL
    served, never anything from the request, and is kept even when the launch is refused.
    """
    with app.app_context():
        counts = {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in COUNTED_TABLES.items()
        }
        counts["lti_state"] = db.session.scalar(
            select(func.count())
            .select_from(StateEntry)
            .where(StateEntry.key.not_like(JWKS_CACHE_PREFIX + "%"))
        )
        db.session.remove()
    return counts


def login_record(app: Flask, state: str) -> dict[str, Any] | None:
    """The tool's stored login for this state (database or Redis), without consuming it."""
    with app.app_context():
        record = app.extensions["lti_state_store"].get(login_record_key(state))
        db.session.remove()
    return record


def users(app: Flask) -> list[User]:
    with app.app_context():
        rows = list(db.session.scalars(select(User).order_by(User.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def memberships(app: Flask) -> list[tuple[Membership, Context, User]]:
    with app.app_context():
        rows = [
            tuple(row)
            for row in db.session.execute(
                select(Membership, Context, User)
                .join(Context, Membership.context_id == Context.id)
                .join(User, Membership.user_id == User.id)
                .order_by(Membership.id)
            )
        ]
        db.session.expunge_all()
        db.session.remove()
    return rows  # type: ignore[return-value]


# What the user sees ---------------------------------------------------------------------------------


def page_text(response: TestResponse) -> str:
    return unescape(response.get_data(as_text=True))


def error_code(response: TestResponse) -> str | None:
    """The reference code the error page shows in `<code>` for the LMS administrator."""
    match = re.search(r"<code>([^<]*)</code>", response.get_data(as_text=True))
    return unescape(match.group(1)) if match else None


def error_message(response: TestResponse) -> str:
    match = re.search(r'<p role="alert">(.*?)</p>', response.get_data(as_text=True), re.S)
    return unescape(match.group(1)).strip() if match else ""


def assert_refused(response: TestResponse, status: int, code: str) -> None:
    """A 4xx error page with a message and the error code, never a redirect into the tool."""
    body = response.get_data(as_text=True)[:800]
    assert response.status_code == status, f"{response.status_code}: {body}"
    assert response.mimetype == "text/html"
    assert error_code(response) == code, body
    assert error_message(response), f"no message on the error page: {body}"


def link_href(response: TestResponse, text: str) -> str | None:
    """The href of the first link whose text contains `text`."""
    for match in re.finditer(
        r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', response.get_data(as_text=True), re.S
    ):
        if text in unescape(match.group(2)):
            return unescape(match.group(1))
    return None


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


# Launches ------------------------------------------------------------------------------------------


def changed(claims: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `claims` with `changes` applied; a None value removes the claim."""
    result = dict(claims)
    for name, value in changes.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


@dataclass(frozen=True)
class Attempt:
    response: TestResponse
    state: str
    nonce: str
    id_token: str
    before: dict[str, int] | None  # row_counts() just before the id_token was POSTed


def signed_launch(
    platform: FakePlatform,
    client: FlaskClient,
    user_key: str = "priya",
    message_type: str = RESOURCE_LINK_REQUEST,
    *,
    app: Flask | None = None,
    claims: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    build: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    headers: Mapping[str, Any] | None = None,
    key: PlatformKey | None = None,
    encode: Callable[[dict[str, Any]], str] | None = None,
    https: bool = False,
) -> Attempt:
    """Log in for real, then POST an id_token built from the platform's claims for that login.

    `claims` are `FakePlatform.claims()` keywords; `changes` then set or (None) remove claims by
    name; `build` may rewrite the whole body. The token is signed with the platform key under the
    platform's kid unless `key`, `headers` or `encode` say otherwise. With `app`, the row counts
    just before the POST are kept in `Attempt.before`.
    """
    state, nonce, _query = platform.begin_login(client, user_key, message_type, https=https)
    body = platform.claims(user_key, message_type, nonce=nonce, **(claims or {}))
    if https:
        body[TARGET_LINK_URI] = TOOL_HTTPS_URL + "/lti/launch"
    body = changed(body, changes or {})
    if build is not None:
        body = build(body)
    if encode is not None:
        id_token = encode(body)
    else:
        id_token = (key or platform.key).sign(body, {"kid": platform.key.kid, **(headers or {})})
    before = None if app is None else row_counts(app)
    response = platform.post_id_token(client, id_token, state, https=https)
    return Attempt(response, state, nonce, id_token, before)


def follow(client: FlaskClient, response: TestResponse) -> TestResponse:
    """The course page a successful launch answers with (or, for a deep-linking request or a
    deep-linked placement, the page it redirects to)."""
    if response.status_code == 303:
        return client.get(response.headers["Location"])
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    assert "Content-Location" in response.headers, response.get_data(as_text=True)[:800]
    return response


def launch_path(response: TestResponse) -> str:
    """`/l/<launch_id>/` from a successful launch: where its course page lives."""
    if response.status_code == 303:  # a deep-linking request, or a deep-linked placement
        found = re.match(r"/l/[^/]+/", urlsplit(response.headers["Location"]).path)
        assert found, response.headers["Location"]
        return found.group(0)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    path = response.headers.get("Content-Location", "")
    assert re.fullmatch(r"/l/[^/]+/", path), path
    return path


def post_login(
    client: FlaskClient, params: Mapping[str, str], *, https: bool = False, **kwargs: Any
) -> TestResponse:
    """POST the third-party-initiated login as the LMS does, and follow the cookie-check page."""
    login_url = (TOOL_HTTPS_URL if https else TOOL_URL) + "/lti/login"
    response = client.post(login_url, data=dict(params), **kwargs)
    match = re.search(r'data-continue-url="([^"]*)"', response.get_data(as_text=True))
    if response.status_code == 200 and match:
        response = client.get(urljoin(login_url, unescape(match.group(1))), **kwargs)
    return response


# The platform's side ---------------------------------------------------------------------------------


@contextmanager
def served_requests(platform: FakePlatform, path: str = "/jwks") -> Iterator[list[str]]:
    """Record the requests to `path` the platform serves while the block runs (the tool's fetches)."""
    seen: list[str] = []
    original = platform.platform_app.wsgi_app

    def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == path:
            seen.append(environ.get("REQUEST_METHOD", ""))
        return original(environ, start_response)

    platform.platform_app.wsgi_app = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        platform.platform_app.wsgi_app = original  # type: ignore[method-assign]
