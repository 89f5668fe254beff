"""Calls to an LMS's LTI Advantage services (AGS, NRPS): an access token, then bearer requests.

Security Framework 1.0 §4.1: client_credentials with an RFC 7523 client assertion signed by the
tool's active key (`kid` in the header; iss = sub = client_id; iat, exp and jti, which Blackboard
needs). Tokens are cached in the shared state store until `expires_in` − 30 s, so a batch of calls
asks the LMS once; a 401 drops the cached token and tries once more with a fresh one. Errors never
carry the token or the assertion, so their message is safe to store and show.
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


@dataclass
class ServiceClient:
    platform: Platform
    key: ToolKey
    scopes: tuple[str, ...]
    store: StateStore
    http: requests.Session
    timeout: float = TIMEOUT

    @property
    def _cache_key(self) -> str:
        parts = "\n".join([self.platform.issuer, self.platform.client_id, *sorted(self.scopes)])
        return "service-token:" + hashlib.sha256(parts.encode()).hexdigest()

    def token(self, *, fresh: bool = False) -> str:
        if not fresh:
            cached = self.store.get(self._cache_key)
            if isinstance(cached, str) and cached:
                return cached
        body = self._request_token()
        lifetime = body.get("expires_in")
        lifetime = lifetime if isinstance(lifetime, int) and lifetime > 0 else 3600
        if lifetime > TOKEN_MARGIN:
            self.store.set(self._cache_key, body["access_token"], timeout=lifetime - TOKEN_MARGIN)
        return body["access_token"]

    def forget_token(self) -> None:
        self.store.delete(self._cache_key)

    def _request_token(self) -> dict[str, Any]:
        now = int(time.time())
        audience = self.platform.auth_audience or self.platform.auth_token_url
        assertion = jwt.encode(
            {
                "iss": self.platform.client_id,
                "sub": self.platform.client_id,
                "aud": audience,
                "iat": now,
                "exp": now + ASSERTION_LIFETIME,
                "jti": secrets.token_urlsafe(24),
            },
            self.key.private_key_pem,
            algorithm="RS256",
            headers={"kid": self.key.kid},
        )
        response = self._send(
            "POST",
            self.platform.auth_token_url,
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
