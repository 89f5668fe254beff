"""The shared launch-state store: values survive across app instances, expire, and pop only once."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.lti.state_store import DatabaseStateStore, RedisStateStore
from tests.conftest import REDIS_PREFIX, make_app

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.fixture(params=["database", "redis"])
def store(request, app):
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL not set")
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        yield RedisStateStore(client, prefix=REDIS_PREFIX + "store:")
        for key in client.scan_iter(REDIS_PREFIX + "store:*"):
            client.delete(key)
        client.close()
    else:
        with app.app_context():
            yield DatabaseStateStore(lambda: db.session)
            db.session.rollback()


def test_set_get_and_single_pop(store):
    store.set("login:abc", {"nonce": "n-1", "iss": "https://lms.example"}, 60)
    assert store.get("login:abc") == {"nonce": "n-1", "iss": "https://lms.example"}
    assert store.pop("login:abc") == {"nonce": "n-1", "iss": "https://lms.example"}
    assert store.pop("login:abc") is None
    assert store.get("login:abc") is None


def test_set_overwrites(store):
    store.set("k", "first", 60)
    store.set("k", "second", 60)
    assert store.get("k") == "second"


def _two_seconds_later(store, monkeypatch) -> None:
    """The database store reads the clock (moved on, no sleep); Redis expires keys itself."""
    if isinstance(store, RedisStateStore):
        time.sleep(1.1)
        return
    moved = utcnow() + timedelta(seconds=2)
    monkeypatch.setattr("lti_tool.lti.state_store.utcnow", lambda: moved)


def test_expired_values_are_gone(store, monkeypatch):
    store.set("short", "soon gone", 1)
    _two_seconds_later(store, monkeypatch)
    assert store.get("short") is None
    assert store.pop("short") is None


def test_database_store_is_shared_between_app_instances(app):
    """Two workers are two app instances over one database: a login written by one is seen by the other."""
    with app.app_context():
        DatabaseStateStore(lambda: db.session).set("login:shared", {"nonce": "x"}, 60)
        db.session.commit()
    other = make_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": app.instance_path,
        }
    )
    with other.app_context():
        assert DatabaseStateStore(lambda: db.session).pop("login:shared") == {"nonce": "x"}
        db.session.commit()
        db.engine.dispose()


def test_database_pop_is_atomic_under_a_race(app):
    """Two requests replaying the same login at once: exactly one gets it."""
    with app.app_context():
        DatabaseStateStore(lambda: db.session).set("login:race", {"nonce": "r"}, 60)
        db.session.commit()
    results: list[object] = []
    barrier = threading.Barrier(2)

    def replay() -> None:
        with app.app_context():
            barrier.wait()
            results.append(DatabaseStateStore(lambda: db.session).pop("login:race"))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=replay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(repr, results)) == sorted([repr({"nonce": "r"}), repr(None)])


def test_purge_expired(app, monkeypatch):
    with app.app_context():
        store = DatabaseStateStore(lambda: db.session)
        store.set("old", 1, 1)
        store.set("fresh", 2, 600)
        _two_seconds_later(store, monkeypatch)
        assert store.purge_expired() == 1
        assert store.get("fresh") == 2
