"""The in-process rate-limit store (no REDIS_URL): fixed-window counts, no timer thread per hit."""

from __future__ import annotations

import threading
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from lti_tool.rate_limits import ProcessMemoryStorage


def test_the_store_counts_a_window_and_lets_the_next_one_through() -> None:
    store = storage_from_string("process-memory://")
    limiter = FixedWindowRateLimiter(store)
    limit = parse("2/second")

    assert isinstance(store, ProcessMemoryStorage)
    assert [limiter.hit(limit, "127.0.0.1") for _ in range(3)] == [True, True, False]
    assert limiter.hit(limit, "10.0.0.1")  # another address has its own count
    time.sleep(1.05)
    assert limiter.hit(limit, "127.0.0.1")


def test_hits_start_no_threads() -> None:
    limiter = FixedWindowRateLimiter(storage_from_string("process-memory://"))
    limit = parse("1000/minute")
    time.sleep(0.05)  # the store's one start-up timer has run
    before = threading.active_count()

    for n in range(200):
        limiter.hit(limit, f"10.0.0.{n % 50}")
        time.sleep(0.0001)

    assert threading.active_count() == before


def test_counts_of_addresses_never_seen_again_are_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = storage_from_string("process-memory://")
    store.incr("gone", expiry=0.01)
    store.incr("stays", expiry=60)
    time.sleep(0.02)
    monkeypatch.setattr(ProcessMemoryStorage, "SWEEP_SECONDS", 0.0)

    store.incr("stays", expiry=60)

    assert "gone" not in store.storage
    assert "gone" not in store.expirations
    assert store.get("stays") == 2
