"""The development platform's key and id_token body: what every fake launch is built on."""

from __future__ import annotations

import stat

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK

from lti_tool.devplatform.course import INSTRUCTOR, LEARNER
from lti_tool.devplatform.signer import (
    AGS_ENDPOINT,
    AGS_SCOPES,
    CONTEXT,
    DEEP_LINKING_REQUEST,
    DEEP_LINKING_SETTINGS,
    LAUNCH_PRESENTATION,
    MESSAGE_TYPE,
    NRPS_SERVICE,
    RESOURCE_LINK,
    ROLE_SCOPE_MENTOR,
    ROLES,
    TOOL_PLATFORM,
    VERSION,
    PlatformKey,
    launch_claims,
)

ISSUER = "https://platform.example"
CLIENT_ID = "client-1"


@pytest.fixture(scope="module")
def key() -> PlatformKey:
    return PlatformKey.generate()


def _claims(**overrides: object) -> dict:
    values: dict = {
        "issuer": ISSUER,
        "client_id": CLIENT_ID,
        "deployment_id": "deployment-1",
        "sub": "user-1",
        "nonce": "nonce-1",
        "target_link_uri": "https://tool.example/lti/launch",
        "roles": [LEARNER],
        "name": "Zoë O'Connor",
        "given_name": "Zoë",
        "family_name": "O'Connor",
        "email": "zoe@example.org",
        "resource_link": {"id": "rl-1", "title": "Mentoring Web"},
        "context": {"id": "course-1", "label": "C1", "title": "Cours d'été"},
        "lineitems_url": ISSUER + "/contexts/course-1/lineitems",
        "memberships_url": ISSUER + "/contexts/course-1/memberships",
        "now": 1_700_000_000,
    }
    values.update(overrides)
    return launch_claims(**values)


def test_signed_id_token_verifies_with_the_published_jwks(key: PlatformKey) -> None:
    claims = _claims(now=None)
    token = key.sign(claims)

    header = jwt.get_unverified_header(token)
    (jwk,) = [k for k in key.jwks()["keys"] if k["kid"] == header["kid"]]
    decoded = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=CLIENT_ID)

    assert header["alg"] == "RS256"
    assert decoded == claims
    assert jwk["alg"] == "RS256"
    assert jwk["use"] == "sig"
    assert "d" not in jwk  # never the private part


def test_kid_is_the_rfc7638_thumbprint(key: PlatformKey) -> None:
    public = JWK(**{k: v for k, v in key.public_jwk.items() if k in ("kty", "n", "e")})
    assert key.kid == public.thumbprint()
    assert PlatformKey.from_pem(key.private_pem()).kid == key.kid


def test_headers_can_drop_or_change_the_kid(key: PlatformKey) -> None:
    assert "kid" not in jwt.get_unverified_header(key.sign({"a": 1}, {"kid": None}))
    assert jwt.get_unverified_header(key.sign({"a": 1}, {"kid": "other"}))["kid"] == "other"


def test_load_or_create_writes_a_private_file_once(tmp_path) -> None:
    path = tmp_path / "instance" / "dev-platform-key.pem"
    created = PlatformKey.load_or_create(path)
    loaded = PlatformKey.load_or_create(path)

    assert loaded.kid == created.kid
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_from_pem_refuses_a_non_rsa_key() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="RSA"):
        PlatformKey.from_pem(pem)


def test_resource_link_claims_are_complete() -> None:
    claims = _claims(lineitem_url=ISSUER + "/contexts/course-1/lineitems/1", custom={"unit": "1"})

    assert claims["iss"] == ISSUER
    assert claims["aud"] == claims["azp"] == CLIENT_ID
    assert claims["exp"] == claims["iat"] + 300
    assert claims[MESSAGE_TYPE] == "LtiResourceLinkRequest"
    assert claims[VERSION] == "1.3.0"
    assert claims[RESOURCE_LINK] == {"id": "rl-1", "title": "Mentoring Web"}
    assert claims[ROLES] == [LEARNER]
    assert claims[CONTEXT]["type"] == [
        "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
    ]
    assert claims[TOOL_PLATFORM]["product_family_code"] == "mentoring-web-dev"
    assert claims[LAUNCH_PRESENTATION]["document_target"] == "iframe"
    assert claims[AGS_ENDPOINT]["scope"] == list(AGS_SCOPES)
    assert claims[AGS_ENDPOINT]["lineitem"].endswith("/lineitems/1")
    assert claims[NRPS_SERVICE]["service_versions"] == ["2.0"]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/custom"] == {"unit": "1"}
    assert DEEP_LINKING_SETTINGS not in claims
    assert ROLE_SCOPE_MENTOR not in claims


def test_no_pii_user_gets_no_name_or_email() -> None:
    claims = _claims(name=None, given_name=None, family_name=None, email=None)
    assert not {"name", "given_name", "family_name", "email"} & claims.keys()


def test_without_services_there_are_no_service_claims() -> None:
    claims = _claims(lineitems_url=None, memberships_url=None, context=None)
    assert AGS_ENDPOINT not in claims
    assert NRPS_SERVICE not in claims
    assert CONTEXT not in claims
    assert "lineitem" not in _claims()[AGS_ENDPOINT]


def test_deep_linking_request_has_settings_and_no_resource_link() -> None:
    claims = _claims(
        message_type=DEEP_LINKING_REQUEST,
        roles=[INSTRUCTOR],
        deep_link_return_url=ISSUER + "/deep-link-return",
        deep_link_data="opaque",
    )
    settings = claims[DEEP_LINKING_SETTINGS]

    assert claims[MESSAGE_TYPE] == DEEP_LINKING_REQUEST
    assert RESOURCE_LINK not in claims
    assert settings["deep_link_return_url"] == ISSUER + "/deep-link-return"
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_presentation_document_targets"] == ["iframe", "window"]
    assert settings["accept_multiple"] is True
    assert settings["auto_create"] is True
    assert settings["data"] == "opaque"


def test_mentor_claims_carry_role_scope_mentor() -> None:
    assert _claims(role_scope_mentor=["user-2"])[ROLE_SCOPE_MENTOR] == ["user-2"]
