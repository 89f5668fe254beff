"""The one place that knows LTI claim URLs: a verified id_token body becomes a frozen LaunchContext.

Everything after the launch reads LaunchContext fields. It is stored server-side under its own random
`launch_id`, and every page URL carries that id, so two tabs launched from two courses never share
one "current course" value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from lti_tool.lti.names import person_name
from lti_tool.lti.roles import ToolRole, tool_role

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
VERSION = CLAIM + "version"
DEPLOYMENT_ID = CLAIM + "deployment_id"
TARGET_LINK_URI = CLAIM + "target_link_uri"
RESOURCE_LINK = CLAIM + "resource_link"
ROLES = CLAIM + "roles"
CONTEXT = CLAIM + "context"
CUSTOM = CLAIM + "custom"
LAUNCH_PRESENTATION = CLAIM + "launch_presentation"
ROLE_SCOPE_MENTOR = CLAIM + "role_scope_mentor"
TOOL_PLATFORM = CLAIM + "tool_platform"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DEEP_LINKING_SETTINGS = DL_CLAIM + "deep_linking_settings"
DL_CONTENT_ITEMS = DL_CLAIM + "content_items"
DL_DATA = DL_CLAIM + "data"
DL_MSG = DL_CLAIM + "msg"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
LTI_VERSION = "1.3.0"
SUPPORTED_MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)


@dataclass(frozen=True)
class AgsEndpoint:
    """Assignment and Grade Services for this launch's link (AGS 2.0 §3.1 claim)."""

    scopes: tuple[str, ...] = ()
    lineitems_url: str | None = None  # the context's line items container
    lineitem_url: str | None = None  # this link's own line item, when the LMS made one

    @classmethod
    def from_claim(cls, claim: Any) -> AgsEndpoint | None:
        if not isinstance(claim, dict):
            return None
        scopes = tuple(s for s in claim.get("scope") or () if isinstance(s, str))
        return cls(scopes, _url(claim.get("lineitems")), _url(claim.get("lineitem")))


@dataclass(frozen=True)
class DeepLinkingSettings:
    """What the LMS accepts back from a deep linking request (DL 2.0 §4.4.1)."""

    return_url: str
    accept_types: tuple[str, ...] = ()
    accept_presentation_document_targets: tuple[str, ...] = ()
    accept_multiple: bool = False
    auto_create: bool = False
    title: str | None = None
    text: str | None = None
    data: Any = None  # opaque: echoed back unchanged

    @classmethod
    def from_claim(cls, claim: Any) -> DeepLinkingSettings | None:
        if not isinstance(claim, dict) or not _url(claim.get("deep_link_return_url")):
            return None
        return cls(
            return_url=claim["deep_link_return_url"],
            accept_types=tuple(t for t in claim.get("accept_types") or () if isinstance(t, str)),
            accept_presentation_document_targets=tuple(
                t
                for t in claim.get("accept_presentation_document_targets") or ()
                if isinstance(t, str)
            ),
            accept_multiple=_flag(claim.get("accept_multiple")),
            auto_create=_flag(claim.get("auto_create")),
            title=_text(claim.get("title")),
            text=_text(claim.get("text"), 2000),
            data=claim.get("data"),
        )


def _flag(value: Any) -> bool:
    """LMSs send booleans, or the strings "true"/"false"."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class LaunchContext:
    launch_id: str
    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    sub: str
    role: ToolRole
    lti_roles: tuple[str, ...]
    platform_pk: int
    deployment_pk: int
    user_pk: int
    context_pk: int | None = None
    context_id: str | None = None
    context_title: str | None = None
    resource_link_id: str | None = None
    resource_link_title: str | None = None
    display_name: str | None = None
    locale: str | None = None
    return_url: str | None = None
    mentee_subs: tuple[str, ...] = ()
    custom: dict[str, str] = field(default_factory=dict)
    ags: AgsEndpoint | None = None
    nrps_url: str | None = None
    deep_linking: DeepLinkingSettings | None = None

    @property
    def has_ags(self) -> bool:
        return self.ags is not None

    @property
    def has_nrps(self) -> bool:
        return self.nrps_url is not None

    @property
    def is_facilitator(self) -> bool:
        return self.role is ToolRole.FACILITATOR

    @property
    def is_deep_linking(self) -> bool:
        return self.message_type == DEEP_LINKING_REQUEST

    def to_json(self) -> dict[str, Any]:
        # Field by field: `asdict` deep-copies every value, a tenth of what storing a launch costs.
        data = {name: getattr(self, name) for name in _LAUNCH_FIELDS}
        data["custom"] = dict(self.custom)
        data["ags"] = None if self.ags is None else asdict(self.ags)
        data["deep_linking"] = None if self.deep_linking is None else asdict(self.deep_linking)
        data["role"] = self.role.value
        data["lti_roles"] = list(self.lti_roles)
        data["mentee_subs"] = list(self.mentee_subs)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LaunchContext:
        data = dict(data)
        data.pop("service_launch_id", None)  # written by releases before this one; never read
        data["role"] = ToolRole(data["role"])
        data["lti_roles"] = tuple(data.get("lti_roles", ()))
        data["mentee_subs"] = tuple(data.get("mentee_subs", ()))
        if data.get("ags"):
            ags = data["ags"]
            data["ags"] = AgsEndpoint(
                tuple(ags["scopes"]), ags["lineitems_url"], ags["lineitem_url"]
            )
        if data.get("deep_linking"):
            settings = dict(data["deep_linking"])
            for name in ("accept_types", "accept_presentation_document_targets"):
                settings[name] = tuple(settings[name])
            data["deep_linking"] = DeepLinkingSettings(**settings)
        return cls(**data)


_LAUNCH_FIELDS = tuple(item.name for item in fields(LaunchContext))


@dataclass(frozen=True)
class LaunchClaims:
    """What the services need from a verified id_token body, parsed once."""

    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    sub: str
    lti_roles: tuple[str, ...]
    role: ToolRole
    context_id: str | None
    context_title: str | None
    context_label: str | None
    resource_link_id: str | None
    resource_link_title: str | None
    name: str | None
    given_name: str | None
    family_name: str | None
    email: str | None
    locale: str | None
    return_url: str | None
    mentee_subs: tuple[str, ...]
    custom: dict[str, str]
    ags: AgsEndpoint | None
    nrps_url: str | None
    deep_linking: DeepLinkingSettings | None

    @property
    def display_name(self) -> str | None:
        return person_name(self.name, self.given_name, self.family_name) or None


def _text(value: Any, limit: int = 255) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:limit]
    return None


def _list(value: Any) -> list[Any]:
    """A claim the specs define as an array; anything else (a number, a string) counts as empty."""
    return value if isinstance(value, list) else []


def _object(value: Any) -> dict[Any, Any]:
    """A claim the specs define as an object; anything else counts as empty."""
    return value if isinstance(value, dict) else {}


def parse_claims(body: dict[str, Any], client_id: str) -> LaunchClaims:
    """Read a body that validation has already checked; unknown claims are ignored (Core §5.4)."""
    roles = tuple(r for r in _list(body.get(ROLES)) if isinstance(r, str))
    context = _object(body.get(CONTEXT))
    resource_link = _object(body.get(RESOURCE_LINK))
    presentation = _object(body.get(LAUNCH_PRESENTATION))
    custom = _object(body.get(CUSTOM))
    mentees = _list(body.get(ROLE_SCOPE_MENTOR))  # a number or a plain string names nobody
    ags = body.get(AGS_ENDPOINT)
    nrps = body.get(NRPS)
    return LaunchClaims(
        issuer=body["iss"],
        client_id=client_id,
        deployment_id=body[DEPLOYMENT_ID],
        message_type=body[MESSAGE_TYPE],
        sub=body["sub"],
        lti_roles=roles,
        role=tool_role(roles),
        context_id=_text(context.get("id")),
        context_title=_text(context.get("title")),
        context_label=_text(context.get("label")),
        resource_link_id=_text(resource_link.get("id")),
        resource_link_title=_text(resource_link.get("title")),
        name=_text(body.get("name")),
        given_name=_text(body.get("given_name")),
        family_name=_text(body.get("family_name")),
        email=_text(body.get("email"), 320),
        locale=_text(body.get("locale") or presentation.get("locale"), 35),
        return_url=_text(presentation.get("return_url"), 2048),
        mentee_subs=tuple(m for m in mentees if isinstance(m, str)),
        custom={str(k): str(v) for k, v in custom.items()},
        ags=AgsEndpoint.from_claim(ags),
        nrps_url=_url(nrps.get("context_memberships_url")) if isinstance(nrps, dict) else None,
        deep_linking=DeepLinkingSettings.from_claim(body.get(DEEP_LINKING_SETTINGS)),
    )
