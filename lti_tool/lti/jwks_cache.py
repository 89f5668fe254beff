"""Platform key sets, cached in the shared state store and refetched when an unknown kid arrives.

Brightspace rotates its keys about hourly, so a plain TTL cache breaks launches until it expires.
A refetch on a kid miss fixes that, and is bounded per key-set URL so that a stream of tokens with
invented kids cannot turn the tool into a fetch amplifier: never while the cached set is younger
than `min_refetch_seconds`, and only when `may_refetch(url)` agrees. The caller's gate counts
refetches in the shared rate-limit store (lti_tool/rate_limits.py), so the bound holds across
workers and hosts, for racing requests and for fetches that fail; this module knows nothing of it.
A refused refetch leaves the kid unknown: the launch is refused as for a key the platform lacks.

Each process also keeps what it last read from the shared cache (`KnownKeySets`, one per app), with
each key already parsed: a launch whose kid it knows reads nothing and parses no JWK. It holds a
set no longer than the shared entry lives (`fetched_at + cache_seconds`), and anything it lacks
(an unknown kid, an expired set) goes to the shared cache and the refetch rules above, so a rotation
is picked up as before. Key sets are public, so keeping them in memory exposes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import requests

from lti_tool.lti.state_store import StateStore

log = logging.getLogger(__name__)


class KeySetError(Exception):
    pass


def _always(_url: str) -> bool:
    return True


@dataclass(frozen=True)
class KeySetPolicy:
    cache_seconds: int
    min_refetch_seconds: int
    timeout_seconds: float
    # Asked with the key-set URL just before each refetch on a kid miss; False: no fetch.
    may_refetch: Callable[[str], bool] = _always


@dataclass(frozen=True)
class _KnownSet:
    expires_at: float  # time.time(), as `fetched_at`
    keys: dict[str, Any]  # kid -> the RSA public key, parsed


class KnownKeySets:
    """This process's copy of the key sets it has read, by key-set URL (see the module docs)."""

    def __init__(self) -> None:
        self._sets: dict[str, _KnownSet] = {}

    def key(self, url: str, kid: str) -> Any:
        known = self._sets.get(url)
        if known is None or time.time() >= known.expires_at:
            return None
        return known.keys.get(kid)

    def remember(self, url: str, cached: dict[str, Any], cache_seconds: int) -> None:
        keys = {}
        for jwk in cached["keys"]:
            if _usable(jwk):
                try:
                    keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="RS256").key
                except (jwt.PyJWTError, KeyError, TypeError, ValueError):
                    continue  # a malformed entry is as good as absent
        self._sets[url] = _KnownSet(cached["fetched_at"] + cache_seconds, keys)


def _usable(jwk: Any) -> bool:
    return (
        isinstance(jwk, dict)
        and isinstance(jwk.get("kid"), str)
        and jwk.get("kty") == "RSA"
        and jwk.get("alg", "RS256") == "RS256"
    )


def _cache_key(url: str) -> str:
    return "jwks:" + hashlib.sha256(url.encode()).hexdigest()


def _fetch(url: str, http: requests.Session, timeout: float) -> dict[str, Any]:
    try:
        response = http.get(url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.RequestException as error:
        raise KeySetError(
            f"could not fetch the platform key set: {type(error).__name__}"
        ) from error
    if response.status_code != 200:
        raise KeySetError(f"the platform key set answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as error:
        raise KeySetError("the platform key set is not JSON") from error
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise KeySetError("the platform key set has no 'keys' list")
    return {"fetched_at": time.time(), "keys": body["keys"]}


def _find(keys: list[Any], kid: str) -> dict[str, Any] | None:
    for key in keys:
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def find_platform_key(
    store: StateStore,
    url: str,
    kid: str,
    policy: KeySetPolicy,
    http: requests.Session,
    known: KnownKeySets | None = None,
) -> Any:
    """The RSA public key with this kid, from this process's copy, the shared cache or at most one
    refetch; None if the platform has no usable RS256 key with that kid."""
    if known is not None:
        key = known.key(url, kid)
        if key is not None:
            return key
    known = known or KnownKeySets()
    cache_key = _cache_key(url)
    cached = store.get(cache_key)
    if cached is None:
        cached = _fetch(url, http, policy.timeout_seconds)
        store.set_committed(cache_key, cached, policy.cache_seconds)
    if _find(cached["keys"], kid) is None and (
        time.time() - cached["fetched_at"] >= policy.min_refetch_seconds
    ):
        if not policy.may_refetch(url):
            log.warning(
                "platform key-set refetch refused: rate limit reached",
                extra={"event": "lti.jwks_refetch_limited"},
            )
            return None
        cached = _fetch(url, http, policy.timeout_seconds)
        store.set_committed(cache_key, cached, policy.cache_seconds)
    known.remember(url, cached, policy.cache_seconds)
    return known.key(url, kid)
