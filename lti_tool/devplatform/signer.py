"""The development platform's signing key and the LTI 1.3 id_token it signs.

This is the *platform* side of the wire, so it spells the claim URLs itself instead of importing
them from `lti_tool.lti.launch`: a typo there must make the tests fail, not be mirrored here.
Claims follow LTI Core 1.3 §5 (message claims), Deep Linking 2.0 §4.4 (settings), AGS 2.0 §3.1
(endpoint claim) and NRPS 2.0 §3.6.1 (service claim). RS256 only (Security Framework §6.1).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
TOOL_PLATFORM = LTI + "tool_platform"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
CUSTOM = LTI + "custom"
ROLE_SCOPE_MENTOR = LTI + "role_scope_mentor"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_SERVICE = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCOPE_LINEITEM = AGS_SCOPE + "lineitem"
SCOPE_LINEITEM_READONLY = AGS_SCOPE + "lineitem.readonly"
SCOPE_RESULT_READONLY = AGS_SCOPE + "result.readonly"
SCOPE_SCORE = AGS_SCOPE + "score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE)

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
LTI_VERSION = "1.3.0"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
PRODUCT_FAMILY_CODE = "mentoring-web-dev"
ID_TOKEN_LIFETIME_SECONDS = 300
KEY_SIZE = 2048


@dataclass(frozen=True)
class PlatformKey:
    """The platform's RSA key. `kid` is the RFC 7638 thumbprint, as for the tool's own keys."""

    private_key: rsa.RSAPrivateKey = field(repr=False)
    kid: str
    public_jwk: dict[str, Any] = field(repr=False)

    @classmethod
    def from_pem(cls, pem: str | bytes) -> PlatformKey:
        data = pem.encode() if isinstance(pem, str) else pem
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError("The development platform key must be an RSA private key.")
        jwk = JWK.from_pem(data)
        public = jwk.export_public(as_dict=True)
        public.update({"alg": "RS256", "use": "sig", "kid": jwk.thumbprint()})
        return cls(private_key=private, kid=public["kid"], public_jwk=public)

    @classmethod
    def generate(cls) -> PlatformKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        return cls.from_pem(_pem(private))

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> PlatformKey:
        """Read the key file, or create it (mode 0600) atomically so two processes agree on one key."""
        target = Path(path)
        if target.exists():
            return cls.from_pem(target.read_bytes())
        target.parent.mkdir(parents=True, exist_ok=True)
        key = cls.generate()
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".dev-platform-key-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key.private_pem())
            # link() fails if another process created the file meanwhile; then use theirs.
            os.link(temp_name, target)
        except FileExistsError:
            return cls.from_pem(target.read_bytes())
        finally:
            os.unlink(temp_name)
        return key

    def private_pem(self) -> bytes:
        return _pem(self.private_key)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(self.public_jwk)]}

    def sign(self, claims: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
        """Sign with RS256. `headers` are merged over `{"kid": self.kid}`; a None value drops it."""
        merged: dict[str, Any] = {"kid": self.kid, **(headers or {})}
        header = {name: value for name, value in merged.items() if value is not None}
        return jwt.encode(dict(claims), self.private_key, algorithm="RS256", headers=header)


def _pem(private: rsa.RSAPrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def launch_claims(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    sub: str,
    nonce: str,
    target_link_uri: str,
    message_type: str = RESOURCE_LINK_REQUEST,
    roles: Sequence[str] = (),
    name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    email: str | None = None,
    resource_link: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    platform_guid: str | None = None,
    platform_name: str = "Mentoring Web development platform",
    return_url: str | None = None,
    locale: str = "en",
    custom: Mapping[str, str] | None = None,
    lineitems_url: str | None = None,
    lineitem_url: str | None = None,
    memberships_url: str | None = None,
    role_scope_mentor: Sequence[str] | None = None,
    deep_link_return_url: str | None = None,
    deep_link_data: str | None = None,
    now: int | None = None,
    lifetime: int = ID_TOKEN_LIFETIME_SECONDS,
) -> dict[str, Any]:
    """A complete id_token body. PII and optional services are omitted when their value is None."""
    issued_at = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": client_id,
        "azp": client_id,
        "sub": sub,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "nonce": nonce,
        MESSAGE_TYPE: message_type,
        VERSION: LTI_VERSION,
        DEPLOYMENT_ID: deployment_id,
        TARGET_LINK_URI: target_link_uri,
        ROLES: list(roles),
        TOOL_PLATFORM: {
            "guid": platform_guid or issuer,
            "name": platform_name,
            "product_family_code": PRODUCT_FAMILY_CODE,
        },
        LAUNCH_PRESENTATION: _without_none(
            {"document_target": "iframe", "return_url": return_url, "locale": locale}
        ),
    }
    claims.update(
        _without_none(
            {"name": name, "given_name": given_name, "family_name": family_name, "email": email}
        )
    )
    if context is not None:
        claims[CONTEXT] = {"type": [COURSE_OFFERING], **context}
    if resource_link is not None and message_type == RESOURCE_LINK_REQUEST:
        claims[RESOURCE_LINK] = dict(resource_link)
    if custom:
        claims[CUSTOM] = {str(k): str(v) for k, v in custom.items()}
    if lineitems_url is not None:
        claims[AGS_ENDPOINT] = _without_none(
            {"scope": list(AGS_SCOPES), "lineitems": lineitems_url, "lineitem": lineitem_url}
        )
    if memberships_url is not None:
        claims[NRPS_SERVICE] = {
            "context_memberships_url": memberships_url,
            "service_versions": ["2.0"],
        }
    if role_scope_mentor:
        claims[ROLE_SCOPE_MENTOR] = list(role_scope_mentor)
    if message_type == DEEP_LINKING_REQUEST and deep_link_return_url is not None:
        claims[DEEP_LINKING_SETTINGS] = _without_none(
            {
                "deep_link_return_url": deep_link_return_url,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "auto_create": True,
                "data": deep_link_data,
            }
        )
    return claims


def _without_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
