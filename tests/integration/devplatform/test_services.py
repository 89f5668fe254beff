"""The platform's OAuth2 token endpoint, AGS gradebook and NRPS roster, called as a tool would."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_tool.devplatform.course import LEARNER, Member
from lti_tool.devplatform.signer import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_NRPS,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
)
from lti_tool.devplatform.state import PlatformState
from tests.integration.devplatform.conftest import (
    ISSUER,
    bearer,
    token_request,
)

LINEITEMS = "/contexts/demo-course-1/lineitems"
MEMBERSHIPS = "/contexts/demo-course-1/memberships"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
RESULTS_TYPE = "application/vnd.ims.lis.v2.resultcontainer+json"
NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
PRIYA = "5a9e2c7b-8d13-4f60-a4b2-6c1d8e3f9a02"


# AGS ------------------------------------------------------------------------------------------


def _post(
    client: FlaskClient, url: str, body: dict, content_type: str, headers: dict
) -> TestResponse:
    return client.post(url, data=json.dumps(body), content_type=content_type, headers=headers)


def _create_line_item(client: FlaskClient, headers: dict, **fields: object) -> dict:
    body = {"label": "Réflexion 1", "scoreMaximum": 10, "resourceLinkId": "rl-mentoring-web-1"}
    response = _post(client, LINEITEMS, {**body, **fields}, LINEITEM_TYPE, headers)
    assert response.status_code == 201, response.get_json()
    assert response.mimetype == LINEITEM_TYPE
    return response.get_json()


def _score(**changes: object) -> dict:
    score = {
        "userId": PRIYA,
        "scoreGiven": 7,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": "2025-09-15T10:00:00.000-04:00",
        "comment": "Très bien",
    }
    score.update(changes)
    return {k: v for k, v in score.items() if v is not None}


def test_ags_line_items_scores_and_results(pclient: FlaskClient, state: PlatformState) -> None:
    headers = bearer(pclient, SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_RESULT_READONLY)
    item = _create_line_item(pclient, headers, tag="reflection", resourceId="reflection-1")
    path = item["id"].removeprefix(ISSUER)

    listed = pclient.get(
        LINEITEMS + "?resource_link_id=rl-mentoring-web-1&tag=reflection",
        headers={**headers, "Accept": CONTAINER_TYPE},
    )
    assert listed.mimetype == CONTAINER_TYPE
    assert [i["id"] for i in listed.get_json()] == [item["id"]]
    empty = pclient.get(LINEITEMS + "?tag=other", headers={**headers, "Accept": CONTAINER_TYPE})
    assert empty.get_json() == []

    scored = _post(pclient, path + "/scores", _score(), SCORE_TYPE, headers)
    assert scored.status_code == 204
    later = _score(scoreGiven=9, timestamp="2025-09-16T10:00:00Z")
    _post(pclient, path + "/scores", later, SCORE_TYPE, headers)
    assert [s.score["scoreGiven"] for s in state.scores] == [7, 9]

    results = pclient.get(path + "/results", headers={**headers, "Accept": RESULTS_TYPE})
    (result,) = results.get_json()
    assert result["userId"] == PRIYA
    assert result["resultScore"] == 9
    assert result["scoreOf"] == item["id"]


def test_ags_update_and_delete_a_line_item(pclient: FlaskClient, state: PlatformState) -> None:
    headers = bearer(pclient, SCOPE_LINEITEM)
    item = _create_line_item(pclient, headers)
    path = item["id"].removeprefix(ISSUER)
    body = json.dumps({**item, "label": "Réflexion 1 (révisée)"})
    updated = pclient.put(path, data=body, content_type=LINEITEM_TYPE, headers=headers)
    assert updated.get_json()["label"] == "Réflexion 1 (révisée)"
    got = pclient.get(path, headers={**headers, "Accept": LINEITEM_TYPE})
    assert got.get_json()["label"] == "Réflexion 1 (révisée)"
    assert pclient.delete(path, headers=headers).status_code == 204
    assert state.line_items == {}
    assert pclient.get(path, headers={**headers, "Accept": LINEITEM_TYPE}).status_code == 404


@pytest.mark.parametrize(
    "score",
    [
        _score(scoreGiven=11),
        _score(scoreGiven=-1),
        _score(scoreMaximum=None),
        _score(userId="not-a-member"),
        _score(userId=None),
        _score(activityProgress="Done"),
        _score(gradingProgress=None),
        _score(timestamp="2025-09-15T10:00:00"),  # no time zone
        _score(timestamp="yesterday"),
    ],
)
def test_ags_refuses_an_invalid_score(
    pclient: FlaskClient, state: PlatformState, score: dict
) -> None:
    headers = bearer(pclient, SCOPE_LINEITEM, SCOPE_SCORE)
    path = _create_line_item(pclient, headers)["id"].removeprefix(ISSUER)
    response = _post(pclient, path + "/scores", score, SCORE_TYPE, headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_score"
    assert state.scores == []


def test_ags_checks_media_types_and_scopes(pclient: FlaskClient) -> None:
    headers = bearer(pclient, SCOPE_LINEITEM, SCOPE_SCORE)
    path = _create_line_item(pclient, headers)["id"].removeprefix(ISSUER)
    assert (
        _post(pclient, path + "/scores", _score(), "application/json", headers).status_code == 415
    )
    assert pclient.get(LINEITEMS, headers={**headers, "Accept": "*/*"}).status_code == 406
    readonly = bearer(pclient, SCOPE_LINEITEM_READONLY)
    assert _post(pclient, path + "/scores", _score(), SCORE_TYPE, readonly).status_code == 403
    assert _post(pclient, LINEITEMS, {"label": "x"}, LINEITEM_TYPE, readonly).status_code == 403
    bad = _post(pclient, LINEITEMS, {"label": "x", "scoreMaximum": 0}, LINEITEM_TYPE, headers)
    assert bad.status_code == 400


def test_a_link_with_a_line_item_launches_with_its_lineitem_url(
    pclient: FlaskClient, platform_app: Flask
) -> None:
    item = _create_line_item(pclient, bearer(pclient, SCOPE_LINEITEM))
    platform = platform_app.extensions["dev_platform"]
    member = platform.state.member(platform.settings.course, "priya")
    claims = platform.launches.claims(
        member, platform.launches.default_link("LtiResourceLinkRequest"), nonce="n"
    )
    assert (
        claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitem"] == item["id"]
    )


def test_the_lms_can_be_down(pclient: FlaskClient, state: PlatformState) -> None:
    headers = {"Accept": NRPS_TYPE, **bearer(pclient, SCOPE_NRPS)}
    state.fail_next(2)
    assert pclient.get(MEMBERSHIPS, headers=headers).status_code == 503
    assert token_request(pclient, [SCOPE_NRPS]).status_code == 503
    assert pclient.get(MEMBERSHIPS, headers=headers).status_code == 200
    state.set_unavailable()
    assert pclient.get(MEMBERSHIPS, headers=headers).status_code == 503
    state.set_unavailable(None)
    assert pclient.get(MEMBERSHIPS, headers=headers).status_code == 200
    assert pclient.get("/").status_code == 200  # the course page is not a service call


# NRPS -----------------------------------------------------------------------------------------


def test_nrps_pages_follow_link_next_over_every_member(
    pclient: FlaskClient, state: PlatformState
) -> None:
    state.add_member(Member(key="never-launched", sub="sub-never-launched", roles=(LEARNER,)))
    headers = {"Accept": NRPS_TYPE, **bearer(pclient, SCOPE_NRPS)}
    url: str | None = ISSUER + MEMBERSHIPS
    pages, members, last_links = 0, [], ""
    while url:
        response = pclient.get(url, headers=headers)
        assert response.status_code == 200
        assert response.mimetype == NRPS_TYPE
        body = response.get_json()
        assert body["context"]["id"] == "demo-course-1"
        members += body["members"]
        pages += 1
        last_links = response.headers.get("Link", "")
        found = [part for part in last_links.split(",") if 'rel="next"' in part]
        url = found[0].split(";")[0].strip(" <>") if found else None

    assert pages == 3  # six people, two per page
    recorded = state.requests[-1]
    assert (recorded.method, recorded.accept, recorded.authorization_scheme) == (
        "GET",
        NRPS_TYPE,
        "Bearer",
    )
    assert 'rel="differences"' in last_links
    assert [m["user_id"] for m in members][-1] == "sub-never-launched"
    assert len({m["user_id"] for m in members}) == 6
    priya = next(m for m in members if m["user_id"] == PRIYA)
    assert priya == {
        "status": "Active",
        "name": "Priya Singh",
        "given_name": "Priya",
        "family_name": "Singh",
        "email": "priya.singh@example.org",
        "user_id": PRIYA,
        "roles": [LEARNER],
    }
    assert "name" not in members[-1]  # no PII for that member, so none sent


def test_nrps_requires_its_accept_header_and_scope(pclient: FlaskClient) -> None:
    ags = bearer(pclient, SCOPE_LINEITEM)
    nrps = bearer(pclient, SCOPE_NRPS)
    assert pclient.get(MEMBERSHIPS, headers={"Accept": NRPS_TYPE, **ags}).status_code == 403
    assert (
        pclient.get(MEMBERSHIPS, headers={"Accept": "application/json", **nrps}).status_code == 406
    )
    assert (
        pclient.get(
            "/contexts/other-course/memberships", headers={"Accept": NRPS_TYPE, **nrps}
        ).status_code
        == 404
    )
