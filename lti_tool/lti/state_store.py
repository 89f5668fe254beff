"""Where short-lived launch state lives: the database, or Redis when `REDIS_URL` is set.

Never process memory: with two gunicorn workers (or two hosts) the login, the launch and the pages
after it may each be served by a different process (a per-process cache once let 11 of 30 launches through).

The database store writes through the request's SQLAlchemy session, so a launch that fails later
rolls back its state writes with everything else (the `_committed` operations use a transaction of
their own, for caches and for code about to call an LMS); `pop` is one `DELETE … RETURNING`, which makes the
single use of a login state atomic even when two requests race. Redis uses GETDEL for the same.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Protocol

import redis
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti.models import StateEntry


class StateStore(Protocol):
    """What login records, stored launches, the JWKS cache and the LMS token cache need."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> None: ...

    def pop(self, key: str) -> Any:
        """Remove and return a value in one atomic step (None if absent or expired)."""
        ...

    def delete(self, key: str) -> None: ...

    def set_committed(self, key: str, value: Any, timeout: int | None = None) -> None:
        """Write now, in a transaction of its own: a cache a refused request must not roll back."""
        ...

    def get_committed(self, key: str) -> Any:
        """Read in a transaction of its own, so the caller's session starts none (before an LMS
        call, a transaction left open would hold locks while the LMS answers)."""
        ...

    def delete_committed(self, key: str) -> None:
        """Delete now, in a transaction of its own."""
        ...


DEFAULT_TIMEOUT = 86400

# Built once: every login and launch writes and reads entries, and a statement built per call
# costs more than running it.
_entries = StateEntry.__table__
_GET = select(_entries.c.value).where(
    _entries.c.key == bindparam("key"), _entries.c.expires_at > bindparam("now")
)
_POP = (
    delete(_entries)
    .where(_entries.c.key == bindparam("key"), _entries.c.expires_at > bindparam("now"))
    .returning(_entries.c.value)
)
_DELETE = delete(_entries).where(_entries.c.key == bindparam("key"))


def _build_upsert(insert: Any) -> Any:
    statement = insert(_entries).values(
        key=bindparam("key"), value=bindparam("value"), expires_at=bindparam("expires_at")
    )
    return statement.on_conflict_do_update(
        index_elements=[_entries.c.key],
        set_={"value": statement.excluded.value, "expires_at": statement.excluded.expires_at},
    )


_UPSERT = {"postgresql": _build_upsert(postgresql.insert), "sqlite": _build_upsert(sqlite.insert)}


class DatabaseStateStore:
    def __init__(self, session_factory: Any) -> None:
        self._session_factory = session_factory  # callable returning the request's Session

    @property
    def _session(self) -> Session:
        return self._session_factory()

    def get(self, key: str) -> Any:
        return self._session.scalar(_GET, {"key": key, "now": utcnow()})

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._session.execute(*_upsert(self._session, key, value, timeout))

    def set_committed(self, key: str, value: Any, timeout: int | None = None) -> None:
        # The JWKS cache: a launch refused after a refetch rolls the request back, which would
        # undo the refetch time and let every forged kid trigger another fetch.
        with Session(self._session.get_bind()) as own, own.begin():
            own.execute(*_upsert(own, key, value, timeout))

    def get_committed(self, key: str) -> Any:
        with Session(self._session.get_bind()) as own:
            return own.scalar(_GET, {"key": key, "now": utcnow()})

    def delete_committed(self, key: str) -> None:
        with Session(self._session.get_bind()) as own, own.begin():
            own.execute(_DELETE, {"key": key})

    def pop(self, key: str) -> Any:
        row = self._session.execute(_POP, {"key": key, "now": utcnow()}).first()
        return None if row is None else row[0]

    def delete(self, key: str) -> None:
        self._session.execute(_DELETE, {"key": key})

    def purge_expired(self) -> int:
        result = self._session.execute(delete(StateEntry).where(StateEntry.expires_at <= utcnow()))
        return result.rowcount or 0


def _upsert(session: Session, key: str, value: Any, timeout: int | None) -> tuple[Any, dict]:
    expires_at = utcnow() + timedelta(seconds=timeout or DEFAULT_TIMEOUT)
    statement = _UPSERT[session.get_bind().dialect.name]
    return statement, {"key": key, "value": value, "expires_at": expires_at}


class RedisStateStore:
    def __init__(self, client: redis.Redis, prefix: str = "mentoring-web:") -> None:
        self._client = client
        self._prefix = prefix

    def get(self, key: str) -> Any:
        raw = self._client.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._client.set(self._prefix + key, json.dumps(value), ex=timeout or DEFAULT_TIMEOUT)

    def set_committed(self, key: str, value: Any, timeout: int | None = None) -> None:
        self.set(key, value, timeout)  # Redis writes are never part of the request's transaction

    def get_committed(self, key: str) -> Any:
        return self.get(key)

    def delete_committed(self, key: str) -> None:
        self.delete(key)

    def pop(self, key: str) -> Any:
        raw = self._client.getdel(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def delete(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def purge_expired(self) -> int:
        return 0  # Redis expires keys itself


def build_state_store(
    redis_url: str | None, session_factory: Any, redis_prefix: str = "mentoring-web:"
) -> StateStore:
    if redis_url:
        return RedisStateStore(redis.Redis.from_url(redis_url), prefix=redis_prefix)
    return DatabaseStateStore(session_factory)
