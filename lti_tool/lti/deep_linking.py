"""The Deep Linking response: the links a facilitator chose, signed and ready to post back to the LMS.

LTI Deep Linking 2.0 §4.5 (response message) and §3 (content items). The LMS sent its settings with
the request (`LaunchContext.deep_linking`): what it accepts (`accept_types`, `accept_multiple`,
presentation targets) and an opaque `data` value we must echo exactly. We answer with a JWT signed
by the tool's active key (RS256, `kid` in the header, published in /lti/jwks); the view auto-POSTs
it as the form field `JWT` to the settings' `return_url`.

Modules carry a `lineItem` so that Moodle and Blackboard create a gradebook column for the link
(they make none otherwise) and Brightspace knows the point value up front (`scoreMaximum`). The
mentoring-web builder gets none: the web score never goes to a gradebook.

Features describe their choices as `LinkChoice`s; this module knows nothing of modules or webs.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lti_tool.errors import ForbiddenError, InvalidInputError
from lti_tool.lti.keys import require_active_key
from lti_tool.lti.launch import DEEP_LINKING_RESPONSE as RESPONSE_TYPE
from lti_tool.lti.launch import (
    DEPLOYMENT_ID,
    DL_CONTENT_ITEMS,
    DL_DATA,
    DL_MSG,
    MESSAGE_TYPE,
    VERSION,
    DeepLinkingSettings,
    LaunchContext,
)
from lti_tool.lti.launch import LTI_VERSION as VERSION_1_3

RESOURCE_LINK_TYPE = "ltiResourceLink"
RESPONSE_LIFETIME_SECONDS = 300
IFRAME_HEIGHT = 800


@dataclass(frozen=True)
class LineItem:
    """The gradebook column the LMS should create with the link (DL 2.0 §3.1, `lineItem`)."""

    label: str
    resource_id: str
    tag: str
    score_maximum: int = 1


@dataclass(frozen=True)
class LinkChoice:
    """One thing the facilitator chose: it becomes one `ltiResourceLink` content item."""

    title: str
    text: str | None = None
    custom: Mapping[str, str] = field(default_factory=dict)
    line_item: LineItem | None = None


def deep_linking_settings(launch: LaunchContext) -> DeepLinkingSettings:
    """The request's settings, or a refusal when this launch cannot return links."""
    settings = launch.deep_linking
    if not launch.is_deep_linking or settings is None:
        raise ForbiddenError(
            _("This page is only for choosing content when your LMS asks for it."),
            code="not-deep-linking",
        )
    if RESOURCE_LINK_TYPE not in settings.accept_types:
        raise ForbiddenError(
            _("Your LMS does not accept links to a tool here, so there is nothing to choose."),
            code="deep-link-type-refused",
        )
    return settings


def content_item(choice: LinkChoice, url: str, settings: DeepLinkingSettings) -> dict[str, Any]:
    """An `ltiResourceLink` item (DL 2.0 §3.1); shown in an iframe when the LMS accepts that."""
    item: dict[str, Any] = {"type": RESOURCE_LINK_TYPE, "title": choice.title, "url": url}
    if choice.text:
        item["text"] = choice.text
    if choice.custom:
        item["custom"] = dict(choice.custom)
    if choice.line_item is not None:
        item["lineItem"] = {
            "scoreMaximum": choice.line_item.score_maximum,
            "label": choice.line_item.label,
            "resourceId": choice.line_item.resource_id,
            "tag": choice.line_item.tag,
        }
    if "iframe" in settings.accept_presentation_document_targets:
        item["iframe"] = {"height": IFRAME_HEIGHT}
    return item


def response_claims(
    launch: LaunchContext,
    choices: Sequence[LinkChoice],
    url: str,
    *,
    msg: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The response body (DL 2.0 §4.5), after checking the choices against the LMS's settings."""
    settings = deep_linking_settings(launch)
    if not choices:
        raise InvalidInputError(
            _("Choose at least one item to add to your course."), code="deep-link-empty"
        )
    if len(choices) > 1 and not settings.accept_multiple:
        raise InvalidInputError(
            _("Your LMS accepts only one item here. Choose one."), code="deep-link-one-only"
        )
    issued_at = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": launch.client_id,
        "aud": [launch.issuer],
        "iat": issued_at,
        "exp": issued_at + RESPONSE_LIFETIME_SECONDS,
        "nonce": secrets.token_urlsafe(24),
        DEPLOYMENT_ID: launch.deployment_id,
        MESSAGE_TYPE: RESPONSE_TYPE,
        VERSION: VERSION_1_3,
        DL_CONTENT_ITEMS: [content_item(choice, url, settings) for choice in choices],
    }
    if settings.data is not None:
        claims[DL_DATA] = settings.data
    if msg:
        claims[DL_MSG] = msg
    return claims


def signed_response(
    session: Session,
    launch: LaunchContext,
    choices: Sequence[LinkChoice],
    url: str,
    *,
    msg: str | None = None,
) -> str:
    """The response JWT, signed RS256 with the tool's active key; `kid` names it in our JWKS."""
    claims = response_claims(launch, choices, url, msg=msg)
    key = require_active_key(session)
    return jwt.encode(claims, key.private_key_pem, algorithm="RS256", headers={"kid": key.kid})
