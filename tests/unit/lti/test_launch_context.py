"""A verified body becomes a LaunchContext once; it survives the JSON round trip of the store."""

from __future__ import annotations

import json

from lti_tool.lti.launch import (
    AGS_ENDPOINT,
    DEEP_LINKING_SETTINGS,
    DEPLOYMENT_ID,
    MESSAGE_TYPE,
    NRPS,
    ROLES,
    AgsEndpoint,
    LaunchContext,
    parse_claims,
)
from lti_tool.lti.roles import ToolRole

SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def _body(**extra: object) -> dict:
    return {
        "iss": "https://lms.example",
        "sub": "u-1",
        MESSAGE_TYPE: "LtiDeepLinkingRequest",
        DEPLOYMENT_ID: "d-1",
        ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        **extra,
    }


def test_service_claims_are_parsed_into_typed_settings() -> None:
    claims = parse_claims(
        _body(
            **{
                AGS_ENDPOINT: {
                    "scope": [SCORE],
                    "lineitems": "https://lms.example/c/1/lineitems",
                    "lineitem": "https://lms.example/c/1/lineitems/9",
                },
                NRPS: {"context_memberships_url": "https://lms.example/c/1/memberships"},
                DEEP_LINKING_SETTINGS: {
                    "deep_link_return_url": "https://lms.example/dl/return",
                    "accept_types": ["ltiResourceLink", "link"],
                    "accept_presentation_document_targets": ["iframe"],
                    "accept_multiple": "true",  # some LMSs send strings
                    "data": {"opaque": ["échoé", 1]},
                },
            }
        ),
        client_id="c-1",
    )
    assert claims.ags == AgsEndpoint(
        (SCORE,), "https://lms.example/c/1/lineitems", "https://lms.example/c/1/lineitems/9"
    )
    assert claims.nrps_url == "https://lms.example/c/1/memberships"
    assert claims.deep_linking.accept_multiple is True
    assert claims.deep_linking.accept_types == ("ltiResourceLink", "link")
    assert claims.deep_linking.data == {"opaque": ["échoé", 1]}


def test_absent_or_malformed_service_claims_mean_no_service() -> None:
    claims = parse_claims(
        _body(**{AGS_ENDPOINT: "not-an-object", NRPS: {}, DEEP_LINKING_SETTINGS: {"x": 1}}),
        client_id="c-1",
    )
    assert (claims.ags, claims.nrps_url, claims.deep_linking) == (None, None, None)


def test_launch_context_round_trips_through_json() -> None:
    claims = parse_claims(
        _body(
            **{
                AGS_ENDPOINT: {"scope": [SCORE], "lineitems": "https://lms.example/li"},
                DEEP_LINKING_SETTINGS: {
                    "deep_link_return_url": "https://lms.example/r",
                    "data": "x",
                },
            }
        ),
        client_id="c-1",
    )
    launch = LaunchContext(
        launch_id="L",
        issuer=claims.issuer,
        client_id=claims.client_id,
        deployment_id=claims.deployment_id,
        message_type=claims.message_type,
        sub=claims.sub,
        role=claims.role,
        lti_roles=claims.lti_roles,
        platform_pk=1,
        deployment_pk=2,
        user_pk=3,
        ags=claims.ags,
        deep_linking=claims.deep_linking,
    )
    restored = LaunchContext.from_json(json.loads(json.dumps(launch.to_json())))
    assert restored == launch
    # A launch stored by the release before, with its unread pylti1p3 cache key, still loads.
    assert LaunchContext.from_json({**launch.to_json(), "service_launch_id": "old"}) == launch
    assert restored.role is ToolRole.FACILITATOR
    assert restored.has_ags
    assert not restored.has_nrps
    assert restored.is_deep_linking
