"""Removing a registration or a deployment, with what it brought: the courses (contexts) of its
deployments and the memberships in them. Users are kept: they are keyed by (issuer, sub) and may
launch from another registration. Services only flush; the command commits once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from lti_tool.lti.models import Deployment, Platform
from lti_tool.lti.registrations import get_deployment, get_platform
from lti_tool.people.models import Context, Membership


@dataclass(frozen=True)
class Usage:
    """What removing a platform or deployment deletes along with it."""

    deployments: int
    contexts: int
    memberships: int


def _context_ids(deployment_ids: Select[int]) -> Select[int]:
    return select(Context.id).where(Context.deployment_id.in_(deployment_ids))


def _usage(session: Session, deployment_ids: Select[int]) -> Usage:
    count = func.count()
    return Usage(
        deployments=session.scalar(select(count).select_from(deployment_ids.subquery())) or 0,
        contexts=session.scalar(select(count).where(Context.deployment_id.in_(deployment_ids)))
        or 0,
        memberships=session.scalar(
            select(count).where(Membership.context_id.in_(_context_ids(deployment_ids)))
        )
        or 0,
    )


def _delete_contexts(session: Session, deployment_ids: Select[int]) -> None:
    # PostgreSQL cascades these through the foreign keys; SQLite only does when
    # `PRAGMA foreign_keys` is on, so delete them explicitly to behave the same on both.
    session.execute(
        delete(Membership)
        .where(Membership.context_id.in_(_context_ids(deployment_ids)))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Context)
        .where(Context.deployment_id.in_(deployment_ids))
        .execution_options(synchronize_session=False)
    )


def _platform_deployment_ids(platform: Platform) -> Select[int]:
    return select(Deployment.id).where(Deployment.platform_id == platform.id)


def platform_usage(session: Session, platform: Platform) -> Usage:
    return _usage(session, _platform_deployment_ids(platform))


def deployment_usage(session: Session, deployment: Deployment) -> Usage:
    return _usage(session, select(Deployment.id).where(Deployment.id == deployment.id))


def remove_platform(session: Session, issuer: str, client_id: str) -> None:
    """Remove a registration with its deployments, their contexts and the memberships in them.

    Users are kept: they are keyed by (issuer, sub) and may launch from another registration.
    """
    platform = get_platform(session, issuer, client_id)
    _delete_contexts(session, _platform_deployment_ids(platform))
    session.delete(platform)
    session.flush()


def remove_deployment(session: Session, platform: Platform, deployment_id: str) -> None:
    """Remove a deployment with its contexts and their memberships (deactivate to keep them)."""
    deployment = get_deployment(session, platform, deployment_id)
    _delete_contexts(session, select(Deployment.id).where(Deployment.id == deployment.id))
    session.delete(deployment)
    session.flush()
