"""What a verified launch records: the user, the course context, the membership, the launch itself.

Services only flush; the launch view commits once, so a failure anywhere writes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti.launch import LaunchClaims, LaunchContext
from lti_tool.lti.models import MEMBER_ACTIVE, Context, Deployment, Membership, Platform, User
from lti_tool.lti.roles import canonical_roles
from lti_tool.lti.state_store import StateStore


def _get_or_create(
    session: Session, model: type, lookup: dict[str, Any], defaults: dict[str, Any] | None = None
) -> Any:
    """Find a row by its natural key or insert it; a concurrent insert by another worker wins."""
    query = select(model).filter_by(**lookup)
    row = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = model(**lookup, **(defaults or {}))
            session.add(row)
    except IntegrityError:
        row = session.scalar(query)
    return row


def record_launch(
    session: Session, claims: LaunchClaims, platform: Platform, deployment: Deployment
) -> tuple[User, Context | None]:
    now = utcnow()
    user = _get_or_create(session, User, {"issuer": claims.issuer, "sub": claims.sub})
    # A later launch without PII (or with less) never erases what an earlier one told us.
    for attribute in ("name", "given_name", "family_name", "email", "locale"):
        value = getattr(claims, attribute)
        if value:
            setattr(user, attribute, value)
    if claims.name is None and claims.display_name:
        user.name = claims.display_name
    user.last_launch_at = now

    context = None
    if claims.context_id:
        context = _get_or_create(
            session, Context, {"deployment_id": deployment.id, "context_id": claims.context_id}
        )
        context.title = claims.context_title or context.title
        context.label = claims.context_label or context.label
        membership = _get_or_create(
            session,
            Membership,
            {"context_id": context.id, "user_id": user.id},
            {"role": claims.role.value},
        )
        membership.role = claims.role.value
        membership.lti_roles = canonical_roles(claims.lti_roles)
        membership.mentee_subs = list(claims.mentee_subs)
        membership.last_launch_at = now
        membership.status = MEMBER_ACTIVE  # the LMS let them launch from this course just now
    session.flush()
    return user, context


def start_launch_session(
    store: StateStore,
    claims: LaunchClaims,
    *,
    platform: Platform,
    deployment: Deployment,
    user: User,
    context: Context | None,
    lifetime_seconds: int,
) -> LaunchContext:
    """Store the launch under a fresh random id; pages carry that id in their URL."""
    launch = LaunchContext(
        launch_id=secrets.token_urlsafe(24),
        issuer=claims.issuer,
        client_id=claims.client_id,
        deployment_id=claims.deployment_id,
        message_type=claims.message_type,
        sub=claims.sub,
        role=claims.role,
        lti_roles=claims.lti_roles,
        platform_pk=platform.id,
        deployment_pk=deployment.id,
        user_pk=user.id,
        context_pk=None if context is None else context.id,
        context_id=claims.context_id,
        context_title=claims.context_title,
        resource_link_id=claims.resource_link_id,
        resource_link_title=claims.resource_link_title,
        display_name=claims.display_name,
        locale=claims.locale,
        return_url=claims.return_url,
        mentee_subs=claims.mentee_subs,
        custom=claims.custom,
        ags=claims.ags,
        nrps_url=claims.nrps_url,
        deep_linking=claims.deep_linking,
    )
    store.set(launch_key(launch.launch_id), launch.to_json(), lifetime_seconds)
    return launch


def launch_key(launch_id: str) -> str:
    return "launch:" + launch_id


def load_launch(store: StateStore, launch_id: str) -> LaunchContext | None:
    data = store.get(launch_key(launch_id))
    return None if data is None else LaunchContext.from_json(data)
