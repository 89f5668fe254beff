"""The platform's OAuth2 token endpoint (RFC 7523 client assertions) and its bearer-token checks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from lti_tool.devplatform.signer import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_SCORE
from lti_tool.devplatform.state import PlatformState
from tests.integration.devplatform.conftest import (
    ISSUER,
    assertion,
    bearer,
    other_key,
    token_request,
    tool_key,
)

LINEITEMS = "/contexts/demo-course-1/lineitems"
MEMBERSHIPS = "/contexts/demo-course-1/memberships"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


def test_token_endpoint_accepts_an_assertion_signed_by_the_tool_key(
    pclient: FlaskClient, state: PlatformState
) -> None:
    response = token_request(pclient, [SCOPE_SCORE, SCOPE_LINEITEM])
    body = response.get_json()

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == {SCOPE_SCORE, SCOPE_LINEITEM}
    assert len(body["access_token"]) >= 32
    assert state.tokens_issued == 1


@pytest.mark.parametrize(
    "client_assertion",
    [
        pytest.param(lambda: assertion(other_key()), id="unknown-key"),
        pytest.param(lambda: assertion(other_key(), {"kid": tool_key().kid}), id="forged-kid"),
        pytest.param(lambda: assertion(headers={"kid": None}), id="no-kid"),
        pytest.param(lambda: assertion(aud=ISSUER), id="wrong-audience"),
        pytest.param(lambda: assertion(iss="someone-else"), id="wrong-iss"),
        pytest.param(lambda: assertion(sub="someone-else"), id="wrong-sub"),
        pytest.param(lambda: assertion(exp=None), id="no-exp"),
        pytest.param(lambda: assertion(exp=1_000_000), id="expired"),
        pytest.param(lambda: "not-a-jwt", id="garbage"),
    ],
)
def test_token_endpoint_refuses_a_bad_assertion(
    pclient: FlaskClient, state: PlatformState, client_assertion: Callable[[], str]
) -> None:
    response = token_request(pclient, [SCOPE_SCORE], client_assertion=client_assertion())

    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert state.tokens_issued == 0


def test_token_endpoint_refuses_a_replayed_assertion(pclient: FlaskClient) -> None:
    reused = assertion()
    assert token_request(pclient, [SCOPE_SCORE], client_assertion=reused).status_code == 200
    assert token_request(pclient, [SCOPE_SCORE], client_assertion=reused).status_code == 401


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"client_assertion_type": "basic"}, "invalid_request"),
        ({"scope": "https://example.org/scope/everything"}, "invalid_scope"),
        ({"scope": ""}, "invalid_scope"),
    ],
)
def test_token_endpoint_refuses_a_bad_request(pclient: FlaskClient, form: dict, error: str) -> None:
    response = token_request(pclient, [SCOPE_SCORE], **form)
    assert response.status_code == 400
    assert response.get_json()["error"] == error


def test_services_need_a_bearer_token_with_the_right_scope(pclient: FlaskClient) -> None:
    headers = {"Accept": CONTAINER_TYPE}
    assert pclient.get(LINEITEMS, headers=headers).status_code == 401
    wrong = {**headers, "Authorization": "Bearer not-a-token"}
    assert pclient.get(LINEITEMS, headers=wrong).status_code == 401
    nrps_only = {**headers, **bearer(pclient, SCOPE_NRPS)}
    response = pclient.get(LINEITEMS, headers=nrps_only)
    assert response.status_code == 403
    assert response.get_json()["error"] == "insufficient_scope"


def test_expired_tokens_are_refused(pclient: FlaskClient, state: PlatformState) -> None:
    headers = {"Accept": NRPS_TYPE, **bearer(pclient, SCOPE_NRPS)}
    state.expire_tokens()
    assert pclient.get(MEMBERSHIPS, headers=headers).status_code == 401
