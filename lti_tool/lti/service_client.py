"""Calls to an LMS's LTI Advantage services (AGS, NRPS): an access token, then bearer requests.

Security Framework 1.0 §4.1: client_credentials with an RFC 7523 client assertion signed by the
tool's active key (`kid` in the header; iss = sub = client_id; iat, exp and jti, which Blackboard
needs). Tokens are cached in the shared state store until `expires_in` − 30 s, so a batch of calls
asks the LMS once; a 401 drops the cached token and tries once more with a fresh one. Errors never
carry the token or the assertion, so their message is safe to store and show.

No database transaction stays open across an LMS call (a roster sync waiting on a slow LMS once
held SQLite's write lock and made other people's saves fail): the client copies what it needs from
the platform and key rows when it is made, so it never reads them again, and its token cache reads
and writes in transactions of their own, never in the caller's.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests

from lti_tool.lti.models import Platform, ToolKey
from lti_tool.lti.state_store import StateStore

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
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

    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(short_error(status, reason))
        self.status = status


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
        now = int(time.time())
        credentials = self.credentials
        assertion = jwt.encode(
            {
                "iss": credentials.client_id,
                "sub": credentials.client_id,
                "aud": credentials.audience,
                "iat": now,
                "exp": now + ASSERTION_LIFETIME,
                "jti": secrets.token_urlsafe(24),
            },
            credentials.private_key_pem,
            algorithm="RS256",
            headers={"kid": credentials.kid},
        )
        response = self._send(
            "POST",
            credentials.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": JWT_BEARER,
                "client_assertion": assertion,
                "scope": " ".join(sorted(self.scopes)),
            },
            headers={"Accept": "application/json"},
            what="token request",
        )
        body = response_json(response, "token response")
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ServiceCallError(response.status_code, "token response without access_token")
        return body

    def call(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        """A bearer call; on 401 the cached token is dropped and the call made once more."""
        headers = dict(kwargs.pop("headers", {}))
        for attempt in (0, 1):
            # Capitalised "Bearer": Blackboard refuses "bearer" (ltijs 5.6.5 changelog).
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
        if response.status_code >= 400:
            raise ServiceCallError(response.status_code, f"{what}: {_reason(response)}")
        return response


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
