"""Calls to an LMS's LTI Advantage services (AGS, NRPS): an access token, then bearer requests.

The token request is IMS Security Framework 1.0 §4.1: OAuth 2 client_credentials, the tool
authenticated by an RFC 7523 client assertion (private_key_jwt). Authlib does that part: its
`OAuth2Session.fetch_token` writes the grant (grant_type, the space-separated scope, JSON
`Accept`), and its `PrivateKeyJWT` signs the assertion RS256 with iss = sub = client_id, aud, iat,
exp and a fresh jti (Blackboard refuses an assertion without one), and adds client_assertion_type
and client_assertion to the body. What we add around it, and why:

- the header names the tool's active key (`kid`), so the LMS finds it in our JWKS; `aud` is the
  registration's token audience when it has one (Brightspace's differs from its token URL), else
  the token URL; the assertion lives 5 minutes, not Authlib's default hour;
- tokens are cached in the shared state store until `expires_in` − 30 s, so a batch of calls, in
  any worker, asks the LMS once (Authlib keeps a token in one session object, in one process); a
  401 on a bearer call drops the cached token and tries once more with a fresh one;
- every failure, the token request's included, is one `ServiceCallError` with the HTTP status (the
  grade queue decides on it whether to retry) and a reason that never carries the token or the
  assertion, so its message is safe to store, log and show; every request has a timeout.

No database transaction stays open across an LMS call (a roster sync waiting on a slow LMS once
held SQLite's write lock and made other people's saves fail): the client copies what it needs from
the platform and key rows when it is made, so it never reads them again, and its token cache reads
and writes in transactions of their own, never in the caller's.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT

from lti_tool.lti.models import Platform, ToolKey
from lti_tool.lti.state_store import StateStore

TIMEOUT = 10
TOKEN_MARGIN = 30
ASSERTION_LIFETIME = 300
ERROR_LIMIT = 300


def short_error(status: int | None, reason: str) -> str:
    """What a facilitator page and the CLI show: the status and a one-line reason, bounded."""
    reason = " ".join(reason.split())
    text = f"HTTP {status}: {reason}" if status is not None else reason
    return text[:ERROR_LIMIT]


class ServiceCallError(Exception):
    """An LMS call failed; `status` is None for network errors. The message is safe to store."""

    def __init__(self, status: int | None, reason: str, *, retry_after: int | None = None) -> None:
        super().__init__(short_error(status, reason))
        self.status = status
        self.retry_after = retry_after  # seconds the LMS asked us to wait (429 or 503)


@dataclass(frozen=True)
class Credentials:
    """What a token request needs, copied out of the platform and key rows."""

    issuer: str
    client_id: str
    token_url: str
    audience: str
    kid: str
    private_key_pem: str

    @classmethod
    def of(cls, platform: Platform, key: ToolKey) -> Credentials:
        return cls(
            issuer=platform.issuer,
            client_id=platform.client_id,
            token_url=platform.auth_token_url,
            audience=platform.auth_audience or platform.auth_token_url,
            kid=key.kid,
            private_key_pem=key.private_key_pem,
        )


class ToolAssertion(PrivateKeyJWT):
    """Authlib's private_key_jwt, with the tool key's `kid` in the header and a 5-minute life."""

    def __init__(self, audience: str, kid: str) -> None:
        super().__init__(token_endpoint=audience)
        self.kid = kid

    def sign(self, auth: Any, token_endpoint: str) -> str:
        # Fresh dicts for every assertion (and one ToolAssertion per token request): Authlib writes
        # `alg` into the header and the jti into the claims it is given, so a claims dict kept
        # from one assertion to the next would repeat the first one's jti.
        now = int(time.time())
        self.headers = {"kid": self.kid}
        self.claims = {"iat": now, "exp": now + ASSERTION_LIFETIME}
        return super().sign(auth, token_endpoint)


class ServiceClient:
    def __init__(
        self,
        platform: Platform,
        key: ToolKey,
        scopes: tuple[str, ...],
        store: StateStore,
        http: requests.Session,
        timeout: float = TIMEOUT,
    ) -> None:
        self.credentials = Credentials.of(platform, key)
        self.scopes = scopes
        self.store = store
        self.http = http
        self.timeout = timeout

    @property
    def issuer(self) -> str:
        return self.credentials.issuer

    @property
    def _cache_key(self) -> str:
        parts = "\n".join(
            [self.credentials.issuer, self.credentials.client_id, *sorted(self.scopes)]
        )
        return "service-token:" + hashlib.sha256(parts.encode()).hexdigest()

    def token(self, *, fresh: bool = False) -> str:
        if not fresh:
            cached = self.store.get_committed(self._cache_key)
            if isinstance(cached, str) and cached:
                return cached
        body = self._request_token()
        lifetime = body.get("expires_in")
        lifetime = lifetime if isinstance(lifetime, int) and lifetime > 0 else 3600
        if lifetime > TOKEN_MARGIN:
            self.store.set_committed(
                self._cache_key, body["access_token"], timeout=lifetime - TOKEN_MARGIN
            )
        return body["access_token"]

    def forget_token(self) -> None:
        self.store.delete_committed(self._cache_key)

    def _request_token(self) -> dict[str, Any]:
        """Authlib's client_credentials request; the LMS's answer is checked by `_token_answer`."""
        credentials = self.credentials
        # Authlib's requests client is a session of its own; it lives for this one request.
        with OAuth2Session(
            credentials.client_id,
            credentials.private_key_pem,
            token_endpoint_auth_method=ToolAssertion(credentials.audience, credentials.kid),
            scope=sorted(self.scopes),
        ) as oauth:
            oauth.register_compliance_hook("access_token_response", _token_answer)
            try:
                token = oauth.fetch_token(
                    credentials.token_url, grant_type="client_credentials", timeout=self.timeout
                )
            except requests.RequestException as error:
                raise ServiceCallError(None, f"token request: {type(error).__name__}") from None
        return dict(token)

    def call(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        """A bearer call; on 401 the cached token is dropped and the call made once more."""
        headers = dict(kwargs.pop("headers", {}))
        for attempt in (0, 1):
            # Capitalised "Bearer": Blackboard refuses a lowercase "bearer".
            headers["Authorization"] = "Bearer " + self.token(fresh=attempt == 1)
            try:
                return self._send(method, url, what=what, headers=headers, **kwargs)
            except ServiceCallError as error:
                if error.status != 401 or attempt == 1:
                    raise
                self.forget_token()
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ServiceCallError(None, f"{what}: {type(error).__name__}") from None
        _raise_for_status(response, what)
        return response


def _token_answer(response: requests.Response) -> requests.Response:
    """Authlib's hook before it reads the token: whatever it would refuse, we refuse first.

    So every refusal is a `ServiceCallError` with the LMS's status, never Authlib's own
    exceptions, and never one that quotes the response.
    """
    _raise_for_status(response, "token request")
    body = response_json(response, "token response")
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise ServiceCallError(response.status_code, "token response without access_token")
    if "error" in body:
        raise ServiceCallError(response.status_code, f"token request: {_reason(response)}")
    if body.get("expires_in") and not _is_number(body["expires_in"]):
        raise ServiceCallError(response.status_code, "token response: expires_in is not a number")
    return response


def _is_number(value: Any) -> bool:
    """What Authlib can turn into an expiry time (it calls int() on `expires_in`)."""
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def _raise_for_status(response: requests.Response, what: str) -> None:
    if response.status_code >= 400:
        raise ServiceCallError(
            response.status_code,
            f"{what}: {_reason(response)}",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )


def retry_after_seconds(value: str | None) -> int | None:
    """A `Retry-After` header in seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - datetime.now(UTC)).total_seconds()))


def response_json(response: requests.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ServiceCallError(response.status_code, f"{what}: not JSON") from None


def _reason(response: requests.Response) -> str:
    """The LMS's OAuth-style `error` code if it sent one, else the HTTP reason phrase."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"][:80]
    return (response.reason or "error")[:80]
