"""Third-party-initiated login parameters and id_token bodies for a given member and placement.

`lti_message_hint` and the deep-linking `data` are opaque to the tool (LTI Core §4.1, DL §4.4.1),
so the platform signs them with its own secret: a tool that edits or invents them is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from lti_tool.devplatform.course import Member, ResourceLink
from lti_tool.devplatform.signer import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, launch_claims

if TYPE_CHECKING:
    from lti_tool.devplatform.platform_app import PlatformSettings
    from lti_tool.devplatform.state import PlatformState

HINT_MAX_AGE_SECONDS = 600
DEEP_LINK_DATA_MAX_AGE_SECONDS = 3600


class BadHintError(ValueError):
    """An lti_message_hint or deep-linking data value this platform did not issue (or too old)."""


class Launches:
    def __init__(self, settings: PlatformSettings, state: PlatformState, secret: str) -> None:
        self.settings = settings
        self.state = state
        self._hints = URLSafeTimedSerializer(secret, salt="dev-platform-lti-message-hint")
        self._data = URLSafeTimedSerializer(secret, salt="dev-platform-deep-link-data")

    def default_link(self, message_type: str) -> ResourceLink:
        links = self.state.links(self.settings.course)
        return next(link for link in links if link.message_type == message_type)

    def target_link_uri(self, link: ResourceLink) -> str:
        return link.url or self.settings.tool_launch_url

    def message_hint(self, member: Member, link: ResourceLink, target_link_uri: str) -> str:
        return self._hints.dumps({"user": member.key, "link": link.id, "target": target_link_uri})

    def read_message_hint(self, value: str) -> dict[str, str]:
        try:
            data = self._hints.loads(value, max_age=HINT_MAX_AGE_SECONDS)
        except BadSignature as error:
            raise BadHintError(str(error)) from error
        if not isinstance(data, dict):
            raise BadHintError("malformed hint")
        return data

    def login_params(
        self, member: Member, link: ResourceLink, target_link_uri: str | None = None
    ) -> dict[str, str]:
        """The third-party-initiated login request (LTI Core §4.1 / Security Framework §5.1.1)."""
        target = target_link_uri or self.target_link_uri(link)
        return {
            "iss": self.settings.issuer,
            "login_hint": member.key,
            "target_link_uri": target,
            "lti_message_hint": self.message_hint(member, link, target),
            "client_id": self.settings.client_id,
            "lti_deployment_id": self.settings.deployment_id,
        }

    def deep_link_data(self, member: Member, link: ResourceLink) -> str:
        return self._data.dumps({"user": member.key, "placement": link.id})

    def read_deep_link_data(self, value: str) -> dict[str, str]:
        try:
            return self._data.loads(value, max_age=DEEP_LINK_DATA_MAX_AGE_SECONDS)
        except BadSignature as error:
            raise BadHintError(str(error)) from error

    def claims(
        self,
        member: Member,
        link: ResourceLink,
        *,
        nonce: str,
        target_link_uri: str | None = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """The id_token body for `member` launching `link`; overrides are launch_claims() keywords."""
        settings, course = self.settings, self.settings.course
        deep_linking = link.message_type == DEEP_LINKING_REQUEST
        line_items = self.state.find_line_items(course.id, resourceLinkId=link.id)
        values: dict[str, Any] = {
            "issuer": settings.issuer,
            "client_id": settings.client_id,
            "deployment_id": settings.deployment_id,
            "sub": member.sub,
            "nonce": nonce,
            "target_link_uri": target_link_uri or self.target_link_uri(link),
            "message_type": DEEP_LINKING_REQUEST if deep_linking else RESOURCE_LINK_REQUEST,
            "roles": list(member.roles),
            "name": member.name,
            "given_name": member.given_name,
            "family_name": member.family_name,
            "email": member.email,
            "resource_link": None if deep_linking else {"id": link.id, "title": link.title},
            "context": {"id": course.id, "label": course.label, "title": course.title},
            "platform_guid": settings.url("/"),
            "platform_name": settings.name,
            "return_url": settings.url("/"),
            "custom": link.custom or None,
            "lineitems_url": settings.lineitems_url(course.id),
            "lineitem_url": (
                settings.lineitem_url(course.id, line_items[0].number) if line_items else None
            ),
            "memberships_url": settings.memberships_url(course.id),
            "role_scope_mentor": list(member.mentees) or None,
            "deep_link_return_url": settings.url("/deep-link-return") if deep_linking else None,
            "deep_link_data": self.deep_link_data(member, link) if deep_linking else None,
        }
        values.update(overrides)
        return launch_claims(**values)
