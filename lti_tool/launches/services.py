"""A verified launch, stored under a fresh random id in the shared state store (the database, or
Redis): pages carry the id in their URL and load the launch back with it."""

from __future__ import annotations

import secrets

from lti_tool.lti.launch import LaunchClaims, LaunchContext
from lti_tool.lti.state_store import StateStore
from lti_tool.people.services import LaunchPeople


def start_launch_session(
    store: StateStore,
    claims: LaunchClaims,
    *,
    platform_pk: int,
    deployment_pk: int,
    people: LaunchPeople,
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
        platform_pk=platform_pk,
        deployment_pk=deployment_pk,
        user_pk=people.user_pk,
        context_pk=people.context_pk,
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
