"""Leases in the database: a periodic job runs once at a time across every worker on every host.

The queue's own locks (Huey's `lock_task`) are not used: a worker killed with the lock held keeps
it until someone flushes it by hand, while a lease simply lapses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import rowcount
from lti_tool.jobs.models import JobLease

NEVER = datetime(2000, 1, 1)


def take_lease(session: Session, name: str, holder: str, now: datetime, seconds: float) -> bool:
    """Hold `name` for `seconds` unless someone else holds it; commits. True when taken."""
    if session.scalar(select(JobLease.name).where(JobLease.name == name)) is None:
        try:
            with session.begin_nested():
                session.add(JobLease(name=name, held_until=NEVER, holder=""))
        except IntegrityError:  # another worker made the row first: the UPDATE below decides
            pass
    result = session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.held_until <= now)
        .values(held_until=now + timedelta(seconds=seconds), holder=holder[:100])
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return rowcount(result) == 1


def hold_until(session: Session, name: str, holder: str, until: datetime) -> None:
    """The holder is done: nobody starts `name` again before `until` (the next period); commits."""
    session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.holder == holder[:100])
        .values(held_until=until)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def leases(session: Session) -> list[JobLease]:
    return list(session.scalars(select(JobLease).order_by(JobLease.name)))
