"""Rate limits on the anonymous LTI endpoints, counted in the shared store.

`/lti/login` and `/lti/launch` are open to anyone: each is limited per client address (the real
one behind the proxy, see lti_tool/security.py), and the refetch of a platform's key set on an
unknown `kid` is limited per key-set URL, so a stream of forged tokens can neither fill the login
store nor turn the tool into a fetch amplifier against an LMS. The limits are settings
(config/default.py, "Rate limits"); the counters live in Redis when `REDIS_URL` is set, so every
worker and host counts together, else in the process's memory (development, tests). A request
over a limit gets the 429 page (lti_tool/errors.py) and nothing is stored.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from typing import Any

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage

from lti_tool.extensions import limiter

SETTINGS = ("RATE_LIMIT_LTI_LOGIN", "RATE_LIMIT_LTI_LAUNCH", "RATE_LIMIT_JWKS_REFETCH")


class ProcessMemoryStorage(MemoryStorage):
    """`limits`' memory store, expiring counts when they are read instead of from a timer.

    MemoryStorage starts a `threading.Timer` thread on every hit once its last one has run (10 ms
    later): on a busy login endpoint that is a thread started and joined per request, a tenth of a
    launch's time in a worker. A count is read before each hit anyway (`get` drops an expired one),
    so the only work left for a timer is forgetting addresses never seen again, done here inline
    at most every SWEEP_SECONDS. Fixed-window counts only (the strategy set in extensions.py).
    """

    STORAGE_SCHEME = ["process-memory"]
    SWEEP_SECONDS = 60.0

    def __init__(self, uri: str | None = None, **options: Any) -> None:
        super().__init__(uri, **options)
        self._swept_at = time.monotonic()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.get(key)
        self._sweep()
        with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
        return self.storage.get(key, 0)

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < self.SWEEP_SECONDS:
            return
        self._swept_at = now
        for key, expires_at in list(self.expirations.items()):
            if expires_at <= time.time():
                self.get(key)  # drops it


def storage_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Flask-Limiter's store: the shared Redis under this instance's key prefix, else memory."""
    redis_url = config.get("REDIS_URL")
    if not redis_url:
        return {"RATELIMIT_STORAGE_URI": "process-memory://", "RATELIMIT_STORAGE_OPTIONS": {}}
    return {
        "RATELIMIT_STORAGE_URI": redis_url,
        # limits adds ":" after the prefix: keys read "<REDIS_KEY_PREFIX>rate-limits:LIMITER/...".
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": config["REDIS_KEY_PREFIX"] + "rate-limits"},
    }


def check(config: Mapping[str, Any]) -> list[str]:
    """The rate-limit settings that are not limits ("600 per minute", "2/minute;20/hour"), for
    start-up checks: a typo stops the start rather than every login."""
    return [name for name in SETTINGS if not _parses(config.get(name))]


def _parses(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return bool(parse_many(value))
    except ValueError:
        return False


def login_limit() -> str:
    return str(current_app.config["RATE_LIMIT_LTI_LOGIN"])


def launch_limit() -> str:
    return str(current_app.config["RATE_LIMIT_LTI_LAUNCH"])


def _limits(name: str) -> list[RateLimitItem]:
    return parse_many(str(current_app.config[name]))


def allow_key_set_refetch(key_set_url: str) -> bool:
    """Count one refetch of this key set; False once RATE_LIMIT_JWKS_REFETCH is reached.

    Counted in the shared store, so the limit holds for all workers and hosts together, and
    counted before fetching, so failed fetches (an LMS that is down or slow) count too.
    """
    url_hash = hashlib.sha256(key_set_url.encode()).hexdigest()
    strategy = limiter.limiter
    allowed = [
        strategy.hit(item, "jwks-refetch", url_hash) for item in _limits("RATE_LIMIT_JWKS_REFETCH")
    ]
    return all(allowed)


def retry_after_seconds(window_seconds: int | None = None) -> int:
    """Seconds until the limit this request reached lets requests through again (at least 1)."""
    current = limiter.current_limit
    if current is not None:
        reset_time = current.window[0]  # when the window's count ends (reset_at adds a second)
        return max(1, math.ceil(reset_time - time.time()))
    return max(1, window_seconds or 60)
